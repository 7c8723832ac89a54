"""A route for every page: its output path, what it shows, and a key of its inputs.

The key hashes everything the page's bytes depend on, so a build can reuse the
page from the previous build when its key is unchanged. A page's key is derived from
what the page is rendered from, never listed beside it, so the two cannot drift.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from . import urls, worldmap
from .canonical import Canonical
from .parallel import run_longest_first
from .render import Page, Renderer
from .site import TAXONOMIES, Site


@dataclass(frozen=True)
class Route:
    """One page to write: where, which renderer, for what subject, with which key."""

    path: str
    kind: str  # "plan", "term", "index", "home", "search", "search-index", ...
    subject: tuple[str, ...]
    key: str
    # A rough measure of the work of making and writing the files, which the processes of a
    # build take longest first (and share only when there is enough): about 0.2 ms of one
    # core on the machine bench/ ran on. Writing a file costs 1.
    cost: int = 2
    also: tuple[str, ...] = ()  # further files written with the page, for the same key

    @property
    def outputs(self) -> tuple[str, ...]:
        """Return every file this route writes."""
        return (self.path, *self.also)


# A term page lists a dozen plans, and takes half as long as a short plan's page; the index
# of a taxonomy lists all its terms (timed on the real corpus, as the costs of the others).
_TERM_COST = 1
_INDEX_COST = 4
#: The kinds of route that are pages, rendered from a template.
PAGE_KINDS = frozenset({"plan", "experiment", "term", "index", "home", "search", "not-found", "type-index"})
# How many pages' keys a unit of work finds (see page_keys): a key is about one unit of cost.
_KEYS_A_UNIT = 50


def site_routes(
    renderer: Renderer,
    fingerprint: str,
    known: Mapping[str, str] | None = None,
    unkeyed: Collection[str] = (),
) -> list[Route]:
    """Return the route of every file the build makes, in output-path order: with the
    list of each type the config names and the site holds but learning plans (Renderer.listed;
    see Renderer.type_index_source).

    The key of a page hashes what the renderer makes the page from (see Renderer.source)
    and the fingerprint, which covers the code, the templates and the config. Pages whose
    keys are `known`, by path, take them from there: the last build's, when its site_key
    is this one's. Pages of the `unkeyed` kinds get the key "" instead, to be worked out
    where each is made (see PageKeys): with no last build to compare with, a build has no
    use for them before, nor has the preview for the pages it lets lag.
    """
    site = renderer.site
    pages: list[tuple[str, tuple[str, ...], int]] = [
        ("experiment" if plan.is_experiment else "plan", (str(index),), 2 + plan.answer_length // 2000)
        for index, plan in enumerate(site.plans)
    ]
    for spec in TAXONOMIES:
        pages += [("term", (spec.key, slug), _TERM_COST) for slug in site.taxonomies[spec.key].terms]
        pages += [("index", (spec.key, str(by_count)), _INDEX_COST) for by_count in (False, True)]
    pages += [("home", (), 2), ("search", (), 2), ("not-found", (), 2)]
    # Every page links to each list: its source carries them (Page.listed), and its key with it.
    pages += [("type-index", (type_,), _INDEX_COST) for type_ in renderer.listed]
    paths = [renderer.path(kind, subject) for kind, subject, _ in pages]
    keys = dict(known or {})
    pairs = zip(paths, pages, strict=True)
    wanted = [
        (path, kind, subject)
        for path, (kind, subject, _) in pairs
        if path not in keys and kind not in unkeyed
    ]
    keys.update(page_keys(renderer, fingerprint, wanted))
    routes = [
        Route(path, kind, subject, keys.get(path, ""), cost)
        for path, (kind, subject, cost) in zip(paths, pages, strict=True)
    ]
    gathering = _gathering_routes(site, fingerprint)
    routes += gathering
    # The sitemap and feed list the plans, as the gathering files do: their key is the same.
    routes.append(_publishing_route(routes, gathering[0].key, renderer.config.base_url))
    return sorted(routes, key=lambda route: route.path)


def page_keys(
    renderer: Renderer, fingerprint: str, pages: Sequence[tuple[str, str, tuple[str, ...]]]
) -> dict[str, str]:
    """Return the key of each page (path, kind, subject) by path, worked out on every core:
    hashing what a page is made from takes about as long as a tenth of rendering it."""
    chunks = [pages[start : start + _KEYS_A_UNIT] for start in range(0, len(pages), _KEYS_A_UNIT)]
    keys = PageKeys(fingerprint)  # each process has its own: what pages share is hashed once there

    def chunk_keys(chunk: Sequence[tuple[str, str, tuple[str, ...]]]) -> list[str]:
        return [keys.key(renderer.source(kind, subject)) for _, kind, subject in chunk]

    found = run_longest_first(chunk_keys, chunks, [len(chunk) for chunk in chunks])
    return {
        path: key
        for chunk, keys in zip(chunks, found, strict=True)
        for (path, _, _), key in zip(chunk, keys, strict=True)
    }


def site_key(site: Site, fingerprint: str) -> str:
    """Return the key of all that every page is made from: the fingerprint, the map's
    outlines, and each document, by its path, page name and bytes, and those left out.

    The site model, and every page's context with it, is made from these alone: two builds
    of one site key make the same pages, with the same keys.
    """
    plans = [text for plan in site.plans for text in (plan.source_path, plan.slug, plan.digest)]
    return _hash(fingerprint, worldmap.outlines_digest(), *site.left_out, "", *plans)


def _gathering_routes(site: Site, fingerprint: str) -> list[Route]:
    """Return the routes of the files that gather every plan: the search files and the data.

    They depend on the plans alone, not on the pages: their key is known before the pages'.
    """
    plans = [text for plan in site.plans for text in (plan.slug, plan.source_path, plan.digest)]
    indexed = _hash(fingerprint, *plans)
    # Costs from timing each kind on the real corpus (see bench/profile.py): the full JSON
    # index takes the longest, and data files put together from kept parts the least.
    count = len(site.plans)
    scripts = (urls.SEARCH_FULLTEXT,)
    return [
        Route(urls.SEARCH_INDEX, "search-index", (), indexed, 4 * count // 3, scripts),
        Route(urls.SEARCH_JSON, "search-json", (), indexed, 3 * count // 2),
        Route(urls.PLANS_JSON, "data", (), indexed, count // 8, (urls.PLANS_CSV,)),
    ]


class PageKeys:
    """The keys of pages from what they are made from: their sources hashed (see
    Canonical) with the fingerprint. The objects that many pages share are hashed once."""

    def __init__(self, fingerprint: str) -> None:
        self.fingerprint = fingerprint
        self._canonical = Canonical()

    def key(self, source: Page) -> str:
        """Return the key of a page made from a source (see Renderer.source)."""
        return _hash(self.fingerprint, self._canonical.key(source))


def _publishing_route(routes: list[Route], indexed: str, base_url: str) -> Route:
    """Return the route of the files web hosts read; the sitemap lists every page."""
    pages = tuple(sorted(route.path for route in routes if route.path.endswith(".html")))
    also = (urls.NO_JEKYLL, urls.SITEMAP, urls.FEED) if base_url else (urls.NO_JEKYLL,)
    return Route(urls.ROBOTS, "publishing", pages, _hash(indexed, *pages), 1, also)


def _hash(*texts: str) -> str:
    """Return the key of some strings: no two lists of strings give the same text to hash.

    Plans hold no NUL (parsing removes them), so NUL parts them; should one ever be
    in a text, each text goes after its length instead. Surrogates pass: a file name may hold some.
    """
    joined = "J" + "\x00".join(texts)
    if joined.count("\x00") >= len(texts):
        joined = "L" + "".join([f"{len(text)}:{text}" for text in texts])
    return hashlib.sha1(joined.encode("utf-8", "surrogatepass")).hexdigest()
