"""The problems of a folder of plans: those only the whole site or the plans folder shows
(taken page names, missing local files), and those of the answers' markdown.

`python build.py check` reads the plans and reports them without templates: a build finds
the answers' problems while it renders the pages, and the rest here.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import charts, urls
from .config import Config
from .i18n import count_noun, interface
from .markdown import AnswerMarkdown, Rendered, render_answer
from .model import Entry, Plan, Problem
from .privacy import publish_text
from .site import Site, base_slug

# Where an answer may name a link's target: `](x`, `]: x` and `href=x` or `src=x`. Every
# local link of a rendered answer starts at one of these, so answers without one that
# looks local are not rendered again to find them.
_LINK_TARGET = re.compile(r"""(?:\]\(|\]:|\b(?:href|src)\s*=)\s*["'<]?\s*([^\s"'<>)]*)""", re.I)
_NOT_LOCAL = re.compile(r"[A-Za-z][\w+.-]*:|//|#|\?|www\.", re.I)


def check_plans(source: Path, config: Config) -> tuple[Site, tuple[Problem, ...]]:
    """Read a folder of plans; return the site and every problem a build would report."""
    from .reading import read_documents  # (reading imports the cache, which imports this module's callers)

    site = read_documents(source, types=config.types)
    problems = set(site.problems) | set(check_site(site, source)) | set(answer_problems(site, config))
    return site, tuple(sorted(problems, key=lambda p: (p.path, p.line or 0, p.message)))


def answer_problems(site: Site, config: Config) -> list[Problem]:
    """Return the problems found rendering every plan's answers, as their pages show them."""
    markdown = AnswerMarkdown()
    rendered: dict[str, Rendered] = {}  # by text: many plans give the same answer
    problems = []
    for plan in site.plans:
        for section in plan.sections:
            for entry in section.answered:
                if section.key == "title" and " ".join(entry.answer.split()) == plan.title:
                    continue  # not on the page: it is its heading (see render.Renderer._section)
                text = publish_text(entry.answer, config.focal_points)
                if text not in rendered:
                    rendered[text] = render_answer(text, markdown)
                problems += rendered[text].problems(plan.source_path, entry.answer_line)
    return problems


def check_site(site: Site, source: Path) -> list[Problem]:
    """Return the problems of the site as a whole, of its links to local files and of its
    map (a country no outline matches: a warning of the site, whether or not its home page
    is made again, as the preview may keep it or make it in the background)."""
    return taken_page_names(site.plans) + missing_local_files(site.plans, source) + charts.map_problems(site)


def taken_page_names(plans: Sequence[Plan]) -> list[Problem]:
    """Report each document whose page name another has: one warning per later document,
    naming it and its own page as what it is ("this experiment's page is ...")."""
    english = interface("en")  # the command line's words, as model.counted_documents gives them
    problems = []
    owners = {urls.document_path(plan.type, plan.slug): plan for plan in plans}
    first_with_title: dict[tuple[str, str], Plan] = {}
    for plan in sorted(plans, key=lambda plan: plan.source_path):
        folder = urls.document_folder(plan.type)
        first = first_with_title.setdefault((folder, plan.title.casefold()), plan)
        base = urls.document_path(plan.type, base_slug(plan))
        page = urls.document_path(plan.type, plan.slug)
        if first is not plan:
            kind, reason = "duplicate-title", f"duplicate title: {first.source_path} has the same title"
        elif page != base and base_slug(plan) in urls.reserved_names(folder):
            kind, reason = "page-name", f"page name {base} is the site's own"
        elif page != base:
            owner = owners[base]
            kind, reason = "page-name", f"page name {base} is already {owner.source_path}'s"
            reason += f" (title {owner.title!r})"
        else:
            continue
        message = f"{reason}; this {count_noun(english, plan.type, 1)}'s page is {page}"
        problems.append(Problem(plan.source_path, plan.title_line, message, "warning", kind))
    return problems


def missing_local_files(plans: Iterable[Plan], source: Path) -> list[Problem]:
    """Report links in answers to local files: the site publishes none, so each leads nowhere,
    whether the file is in the plans folder (a plan's, named with its page) or not."""
    plans = tuple(plans)
    pages = {plan.source_path: urls.document_path(plan.type, plan.slug) for plan in plans}
    markdown = AnswerMarkdown()
    exists: dict[str, bool] = {}
    problems = []
    for plan in plans:
        for section in plan.sections:
            for entry in section.answered:
                for link, line in _local_links(entry, markdown):
                    problems.append(_check_link(plan, link, line, source, exists, pages))
    return problems


def _local_links(entry: Entry, markdown: AnswerMarkdown) -> list[tuple[str, int]]:
    """Return an answer's local links, as written, with the line each is on."""
    answer = entry.answer
    if "](" not in answer and "]:" not in answer and "=" not in answer:
        return []  # no link target at all: a string search is 20 times faster than the pattern
    if all(_NOT_LOCAL.match(match.group(1)) for match in _LINK_TARGET.finditer(answer)):
        return []
    found, start = [], 0
    for link in render_answer(answer, markdown).local_links:
        offset = answer.find(link, start)
        if offset < 0:  # repaired or unescaped by the renderer: name the answer's first line
            offset = 0
        else:
            start = offset + len(link)
        found.append((link, entry.answer_line + answer.count("\n", 0, offset)))
    return found


def _check_link(
    plan: Plan, link: str, line: int, source: Path, exists: dict[str, bool], pages: dict[str, str]
) -> Problem:
    path = unquote(urlsplit(link).path)
    # A link from the site root ('/x') means the plans folder's root.
    folder = "" if path.startswith("/") else posixpath.dirname(plan.source_path)
    target = posixpath.normpath(posixpath.join(folder, path.lstrip("/")))
    if target == ".." or target.startswith("../"):
        message = f"link {link!r} names a file outside the plans folder"
    elif target in pages:
        message = (
            f"link {link!r} names the file of a plan, which the site does not publish:"
            f" link to its page, {pages[target]} in the site"
        )
    else:
        if target not in exists:
            exists[target] = (source / target).exists()
        if exists[target]:
            what = "a folder" if (source / target).is_dir() else "a file"
            message = (
                f"link {link!r} names {target}, {what} of the plans folder, which the site does not"
                " publish: link to a web address instead"
            )
        else:
            message = f"link {link!r} names a local file that does not exist: expected {target}"
            message += " in the plans folder"
    return Problem(plan.source_path, line, message, "warning", "local-link")


def count_by_kind(problems: Iterable[Problem]) -> list[tuple[str, str, int]]:
    """Return (kind, severity, count) for every kind of problem, errors first, then by kind."""
    counts = Counter((problem.kind, problem.severity) for problem in problems)
    order = sorted(counts, key=lambda pair: (pair[1] != "error", pair[0]))
    return [(kind, severity, counts[kind, severity]) for kind, severity in order]
