"""Turn the site model into HTML pages: one declared context per kind of page."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from markupsafe import Markup

from . import charts, urls
from .charts import Bar, Glance, HeatTable, SdgTile, WorldMap
from .config import Config
from .markdown import AnswerMarkdown, Rendered, render_answer
from .model import Plan, Problem
from .privacy import publish_focal_point, publish_partner, publish_text
from .site import TAXONOMIES, Site, TaxonomySpec, Term, newest_first

CARD_TAXONOMIES = ("country", "year", "methods", "datasources", "sdgs", "thematic_areas")
NAV_TAXONOMIES = ("country", "methods", "thematic_areas", "year")


@dataclass(frozen=True)
class Link:
    """A labelled link to a page of the site, with an optional note."""

    label: str
    path: str
    note: str = ""


@dataclass(frozen=True)
class NavLink:
    """A link of the site's navigation, and whether the page shown is in its section."""

    label: str
    path: str
    current: bool


@dataclass(frozen=True)
class CardRow:
    """One row of a plan's metadata card."""

    label: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class RenderedEntry:
    """An answered question with its safe HTML answer."""

    question: str
    answer: Markup


@dataclass(frozen=True)
class RenderedSection:
    """A section with its answered entries and partner records."""

    heading: str
    entries: tuple[RenderedEntry, ...]
    partners: tuple[Any, ...]


@dataclass(frozen=True)
class PlanPage:
    """What plan.html needs."""

    plan: Plan
    card: tuple[CardRow, ...]
    sections: tuple[RenderedSection, ...]
    focal_point: str


@dataclass(frozen=True)
class PlanRow:
    """A plan in a list: its link and what to show beside it."""

    link: Link
    year: str
    country: str
    methods: str


@dataclass(frozen=True)
class TermPage:
    """What term.html needs."""

    spec: TaxonomySpec
    term: Term
    rows: tuple[PlanRow, ...]
    groups: tuple[tuple[str, tuple[PlanRow, ...]], ...]  # the rows by year, newest first
    glance: Glance


@dataclass(frozen=True)
class TaxonomyIndexPage:
    """What taxonomy_index.html needs."""

    spec: TaxonomySpec
    rows: tuple[Link, ...]
    by_count: bool


@dataclass(frozen=True)
class HomePage:
    """What home.html needs."""

    counts: tuple[Link, ...]
    ways_in: tuple[tuple[TaxonomySpec, tuple[Link, ...]], ...]
    newest: tuple[PlanRow, ...]
    world_map: WorldMap
    years: tuple[Bar, ...]
    sdgs: tuple[SdgTile, ...]
    methods: tuple[Bar, ...]
    themes: tuple[Bar, ...]
    methods_by_year: HeatTable


class Renderer:
    """One Jinja environment and one markdown parser, made once per process."""

    def __init__(self, templates: Path, config: Config, site: Site) -> None:
        self.config = config
        self.site = site
        self.markdown = AnswerMarkdown()
        self.answers: dict[str, Rendered] = {}  # by text: many plans give the same answer
        self._rows: dict[str, PlanRow] = {}  # by source path
        self._term_links: dict[tuple[str, str], Link] = {}  # by taxonomy key and slug
        self._places: dict[str, int] = {}  # each plan's place in the site's plans, newest first
        self.env = make_environment(templates)
        self.nav = tuple(
            Link(spec.plural, urls.taxonomy_index_path(spec.folder))
            for spec in TAXONOMIES
            if spec.key in NAV_TAXONOMIES
        )
        self._navs: dict[str, tuple[NavLink, ...]] = {}  # by the folder of the page shown

    def page(
        self, template: str, page_path: str, title: str, absolute_links: bool = False, **context: Any
    ) -> bytes:
        """Render one template to bytes for the page at page_path.

        Links are relative to the page, or, with absolute_links, start with the base_url:
        the 404 page is served at every missing address, whatever its depth.
        """
        base_url = self.config.base_url
        html = self.env.get_template(template).render(
            page_path=page_path,
            page_title=title,
            config=self.config,
            nav=self.nav_of(page_path),
            link_base=base_url if absolute_links else "",
            canonical_url="" if absolute_links else urls.absolute_url(base_url, page_path),
            **context,
        )
        return html.encode("utf-8")

    def nav_of(self, page_path: str) -> tuple[NavLink, ...]:
        """Return the navigation of a page: the link to its own section is current (made
        once per folder: every page of a folder has the same)."""
        folder = page_path.rpartition("/")[0] + "/"
        nav = self._navs.get(folder)
        if nav is None:
            nav = self._navs[folder] = tuple(
                NavLink(link.label, link.path, folder.startswith(link.path.rpartition("/")[0] + "/"))
                for link in self.nav
            )
        return nav

    def plan_page(self, plan: Plan) -> tuple[bytes, list[Problem]]:
        """Render a plan's page, with the problems found in its answers."""
        problems: list[Problem] = []
        sections = tuple(self._section(plan, section, problems) for section in plan.sections)
        shown = tuple(section for section in sections if section.entries or section.partners)
        focal_point = publish_focal_point(plan.focal_point, self.config.focal_points)
        page = PlanPage(plan, self._card(plan), shown, focal_point)
        return self.page("plan.html", urls.plan_path(plan.slug), plan.title, page=page), problems

    def term_page(self, spec: TaxonomySpec, term: Term) -> bytes:
        """Render the page of one term with every plan it holds."""
        plans = self.newest_first(term.plans)
        rows = tuple(self.plan_row(plan) for plan in plans)
        groups: dict[str, list[PlanRow]] = {}
        for plan, row in zip(plans, rows, strict=True):
            groups.setdefault(str(plan.year or ""), []).append(row)
        by_year = tuple((year, tuple(group)) for year, group in groups.items())
        page = TermPage(spec, term, rows, by_year, charts.term_glance(self.site, spec, term))
        path = urls.term_path(spec.folder, term.slug)
        return self.page("term.html", path, f"{term.name} — {spec.singular}", page=page)

    def taxonomy_index(self, spec: TaxonomySpec, by_count: bool) -> bytes:
        """Render the list of every term of a taxonomy, by name or by count."""
        terms = list(self.site.taxonomies[spec.key].terms.values())
        if by_count:
            terms.sort(key=lambda term: (-len(term.plans), term.name.lower(), term.slug))
        else:
            terms.sort(key=lambda term: charts.term_order(spec.key, term))
        rows = tuple(
            Link(term.name, urls.term_path(spec.folder, term.slug), str(len(term.plans))) for term in terms
        )
        page = TaxonomyIndexPage(spec, rows, by_count)
        path = urls.taxonomy_index_path(spec.folder, by_count)
        return self.page("taxonomy_index.html", path, spec.plural, page=page)

    def home(self) -> bytes:
        """Render the home page: what the portfolio holds and ways in."""
        return self.home_page()[0]

    def home_page(self) -> tuple[bytes, list[Problem]]:
        """Render the home page, with the problems found drawing its map."""
        site = self.site
        counts = [Link("plans", urls.SEARCH, str(len(site.plans)))]
        ways_in = []
        for spec in TAXONOMIES:
            terms = sorted(site.taxonomies[spec.key].terms.values(), key=lambda t: (-len(t.plans), t.slug))
            if spec.key in ("country", "methods", "year"):
                index = urls.taxonomy_index_path(spec.folder)
                counts.append(Link(spec.plural.lower(), index, str(len(terms))))
            top = tuple(
                Link(t.name, urls.term_path(spec.folder, t.slug), str(len(t.plans))) for t in terms[:12]
            )
            ways_in.append((spec, top))
        newest = tuple(self.plan_row(plan) for plan in self.newest_first(site.plans)[:10])
        world_map, problems = charts.world_map(site, charts.HOME_MAP_WIDTH)
        page = HomePage(
            tuple(counts), tuple(ways_in), newest, world_map, charts.plans_per_year(site),
            charts.sdg_tiles(site), charts.top_terms(site, "methods"),
            charts.top_terms(site, "thematic_areas"), charts.methods_by_year(site),
        )  # fmt: skip
        return self.page("home.html", urls.HOME, self.config.title, page=page), problems

    def not_found(self) -> bytes:
        """Render the page a web server shows for any missing address."""
        return self.page("404.html", urls.NOT_FOUND, "Page not found", absolute_links=True)

    def plan_row(self, plan: Plan) -> PlanRow:
        """Return how a plan shows in a list (made once: a plan is in a dozen lists)."""
        row = self._rows.get(plan.source_path)
        if row is None:
            link = Link(plan.title, urls.plan_path(plan.slug))
            row = PlanRow(link, str(plan.year or ""), plan.country, ", ".join(plan.methods))
            self._rows[plan.source_path] = row
        return row

    def newest_first(self, plans: Iterable[Plan]) -> list[Plan]:
        """Return plans newest first, then by title (see site.newest_first)."""
        if not self._places:
            ordered = sorted(self.site.plans, key=newest_first)
            self._places.update((plan.source_path, place) for place, plan in enumerate(ordered))
        return sorted(plans, key=lambda plan: self._places[plan.source_path])

    def answer(self, text: str) -> Rendered:
        """Return an answer's markdown rendered to safe HTML, rendering each text once."""
        rendered = self.answers.get(text)
        if rendered is None:
            rendered = self.answers[text] = render_answer(text, self.markdown)
        return rendered

    def _card(self, plan: Plan) -> tuple[CardRow, ...]:
        rows = []
        for spec in TAXONOMIES:
            if spec.key in CARD_TAXONOMIES:
                links = tuple(self._term_link(spec, term) for term in self.site.terms_of(plan, spec.key))
                if links:
                    label = spec.plural if len(links) > 1 else spec.singular
                    rows.append(CardRow(label, links))
        return tuple(rows)

    def _term_link(self, spec: TaxonomySpec, term: Term) -> Link:
        """Return the link to a term's page (made once: a term is on many plans' cards)."""
        link = self._term_links.get((spec.key, term.slug))
        if link is None:
            link = self._term_links[spec.key, term.slug] = Link(
                term.name, urls.term_path(spec.folder, term.slug)
            )
        return link

    def _section(self, plan: Plan, section: Any, problems: list[Problem]) -> RenderedSection:
        policy = self.config.focal_points
        entries = []
        for entry in section.answered:
            if section.key == "title" and " ".join(entry.answer.split()) == plan.title:
                continue  # the title is already the page's heading
            rendered = self.answer(publish_text(entry.answer, policy))
            problems += [
                Problem(plan.source_path, entry.line, message, "warning", kind)
                for kind, message in rendered.warnings
            ]
            entries.append(RenderedEntry(entry.question, Markup(rendered.html)))
        heading = section.heading or "Other"
        partners = tuple(publish_partner(partner, policy) for partner in section.partners)
        return RenderedSection(heading, tuple(entries), partners)


def make_environment(templates: Path) -> jinja2.Environment:
    """Return the Jinja environment of the theme in a templates folder."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=compiled_templates(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["url"] = _url_filter
    return env


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's own store of compiled templates, in a folder of the system's temporary
    folder that only this user may use, as Python keeps compiled modules: each process
    of a build would otherwise compile every template it renders (20 ms for the theme).

    A template is compiled again whenever its text changes. A store that cannot be read
    or written is gone without: it only saves time.
    """

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Load a template's compiled code, if stored and readable."""
        try:
            super().load_bytecode(bucket)
        except Exception:  # unreadable or damaged: compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Store a template's compiled code, if the folder can be written to."""
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def compiled_templates() -> CompiledTemplates | None:
    """Return the store of compiled templates, or None when no safe folder can be made for it."""
    try:
        return CompiledTemplates()
    except (OSError, RuntimeError):  # Jinja's RuntimeError: the folder is another user's
        return None


def template_problems(templates: Path) -> list[Problem]:
    """Compile every template of a folder; return a problem for each that cannot be compiled.

    Paths are given as templates/name.html, from the folder that holds the templates.
    """
    env = make_environment(templates)
    problems = []
    for name in env.list_templates(extensions=["html", "xml", "txt"]):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as error:
            where = f"{templates.name}/{error.name or name}"
            problems.append(Problem(where, error.lineno, f"template syntax: {error.message}"))
        except UnicodeDecodeError as error:
            problems.append(Problem(f"{templates.name}/{name}", None, f"not UTF-8: {error.reason}"))
    return problems


@jinja2.pass_context
def _url_filter(context: jinja2.runtime.Context, path: str) -> str:
    """Return the link from the page being rendered to a page given from the site root."""
    if context["link_base"]:
        return urls.absolute_url(context["link_base"], path)
    return urls.relative_url(context["page_path"], path)
