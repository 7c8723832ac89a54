"""Every output path of the site, and the relative links between them.

Pages are named by their path from the site root ("plans/x.html"); links are
always computed relative to the page that holds them, so the site works from
file://, under any sub-path and at a domain root.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

HOME = "index.html"
SEARCH = "search.html"
SEARCH_INDEX = "search-index.js"
SEARCH_FULLTEXT = "search-fulltext.js"
SEARCH_JSON = "search-index.json"
NOT_FOUND = "404.html"
SITEMAP = "sitemap.xml"
FEED = "feed.xml"
ROBOTS = "robots.txt"
NO_JEKYLL = ".nojekyll"
PLANS_JSON = "plans.json"
PLANS_CSV = "plans.csv"
PLANS_FOLDER = "plans"
EXPERIMENTS_FOLDER = "experiments"
#: The folder of each document type's pages, by type (see doctypes.KNOWN_TYPES): a plural
#: name, so that two documents of different types with one title each keep their own name.
TYPE_FOLDERS = {
    "learningplan": PLANS_FOLDER,
    "experiment": EXPERIMENTS_FOLDER,
    "solution": "solutions",
    "blog": "blogs",
    "publications": "publications",
    "story": "stories",
    "tools": "tools",
    "skills": "skills",
    "tactics": "tactics",
    "principles": "principles",
}
#: The address parameter by which the search page filters each taxonomy, by its key: a term
#: page links to the search page filtered to itself (search.html?method=Co-creation).
SEARCH_FILTERS = {
    "country": "country",
    "methods": "method",
    "datasources": "datasource",
    "sdgs": "sdg",
    "thematic_areas": "theme",
    "year": "year",
}
#: The folders of the documents' pages; each keeps its own names (see reserved_names).
DOCUMENT_FOLDERS = tuple(TYPE_FOLDERS.values())
STYLESHEET = "assets/style.css"
INDEX_NAME = "index"
BY_COUNT_NAME = "by-count"
#: The page names every folder keeps for the site: its index (what a web server shows at
#: the folder's address) and its index by count.
FOLDER_PAGE_NAMES = (INDEX_NAME, BY_COUNT_NAME)


def plan_path(slug: str) -> str:
    """Return the output path of a plan's page."""
    return f"{PLANS_FOLDER}/{slug}.html"


def document_folder(type_: str) -> str:
    """Return the folder of a document type's pages: each type its own (a type no one
    knows, which a site never holds, with the plans)."""
    return TYPE_FOLDERS.get(type_, PLANS_FOLDER)


def document_path(type_: str, slug: str) -> str:
    """Return the output path of a document's page, in its type's folder."""
    return f"{document_folder(type_)}/{slug}.html"


def type_index_path(type_: str) -> str:
    """Return the output path of the list of every document of a type, in its folder."""
    return f"{document_folder(type_)}/{INDEX_NAME}.html"


def term_path(folder: str, slug: str) -> str:
    """Return the output path of a taxonomy term's page."""
    return f"{folder}/{slug}.html"


def taxonomy_index_path(folder: str, by_count: bool = False) -> str:
    """Return the output path of a taxonomy's index, by name or by count."""
    return f"{folder}/{BY_COUNT_NAME if by_count else INDEX_NAME}.html"


def search_path(key: str, value: str) -> str:
    """Return the path of the search page filtered to one term of the taxonomy of a key."""
    return f"{SEARCH}?{urlencode({SEARCH_FILTERS[key]: value})}"


def search_of_type(doctype: str) -> str:
    """Return the path of the search page filtered to one type of document ("learningplan")."""
    return f"{SEARCH}?{urlencode({'type': doctype})}"


def own_files() -> tuple[str, ...]:
    """Return every file the site writes for itself at a fixed path: each path constant above.

    They are read from the module, so a page given a constant here is reserved with the rest,
    from a copy of its names: the module's own dictionary, read as it changed, raised once.
    """
    names = globals().copy()
    constants = (value for name, value in names.items() if name.isupper() and isinstance(value, str))
    return tuple(sorted(value for value in constants if "." in value.rpartition("/")[2]))


def reserved_names(folder: str) -> frozenset[str]:
    """Return the page names no plan or term may take in a folder ("" is the top): every
    folder's own, and the name (without its extension) of each of the site's files there."""
    names = set(FOLDER_PAGE_NAMES)
    for path in own_files():
        file_folder, _, name = path.rpartition("/")
        stem = name.partition(".")[0]
        if file_folder == folder and stem:
            names.add(stem)
    return frozenset(names)


def asset_path(name: str) -> str:
    """Return the output path of a file copied from the assets folder."""
    return f"assets/{name}"


def relative_url(from_page: str, to_page: str) -> str:
    """Return the relative URL from one page to another, both given from the site root."""
    if to_page and to_page[0] != "#":
        return _relative_url(from_page.rpartition("/")[0], to_page)
    # A link within the page, or to the page itself.
    return to_page or from_page.rsplit("/", 1)[-1]


@lru_cache(maxsize=1 << 14)
def _relative_url(from_folder: str, to_page: str) -> str:
    """Return the relative URL from a folder to a page: every page of a folder links alike."""
    to_page, hash_mark, fragment = to_page.partition("#")
    from_folders = from_folder.split("/") if from_folder else []
    to_parts = to_page.split("/")
    shared = 0
    while (
        shared < len(from_folders) and shared < len(to_parts) - 1 and from_folders[shared] == to_parts[shared]
    ):
        shared += 1
    up = "../" * (len(from_folders) - shared)
    return up + "/".join(to_parts[shared:]) + hash_mark + fragment


def absolute_url(base_url: str, path: str) -> str:
    """Return the public address of a page given from the site root ("" without a base_url)."""
    return base_url + path if base_url else ""
