"""Turn the site model into HTML pages: one declared context per kind of page."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from markupsafe import Markup, escape

from . import charts, urls
from .charts import Bar, Glance, HeatTable, SdgTile, WorldMap
from .config import Config
from .doctypes import EXPERIMENT, LEARNING_PLAN
from .goals import shown_names
from .i18n import Interface, count_noun, interface, language_name, primary_language, site_text, type_label
from .markdown import ENGLISH_LABELS, AnswerMarkdown, ImageLabels, Rendered, has_markup, render_answer
from .model import EXPERIMENT_KEYS, PARTNER_FIELDS, Partner, Plan, Problem
from .privacy import publish_focal_point, publish_partner, publish_text
from .sections import BODY_SECTION, form_language
from .site import TAXONOMIES, Site, TaxonomySpec, Term, counts_by_type, newest_first

CARD_TAXONOMIES = ("country", "year", "methods", "datasources", "sdgs", "thematic_areas")
NAV_TAXONOMIES = ("country", "methods", "thematic_areas", "year")


@dataclass(frozen=True)
class Link:
    """A labelled link to a page of the site, with an optional note."""

    label: str
    path: str
    note: str = ""
    lang: str = ""  # the label's language, when it is a document's title in another than the site's


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
    """A section with its answered entries and partner records, and the fields of a
    partner that some record holds: the columns of its table, each record's cells in
    their order, rendered."""

    heading: str
    entries: tuple[RenderedEntry, ...]
    partners: tuple[tuple[Markup, ...], ...]
    lead: str = ""
    partner_columns: tuple[str, ...] = ()
    #: The language of the form's words (heading, lead, questions) when it is not the site's:
    #: a Spanish plan written in the English form asks its questions in English.
    language: str = ""


@dataclass(frozen=True)
class PlanSource:
    """What a plan's page is made from: the plan, its card and the focal point it names.

    The sections are the plan's answers rendered (see Renderer.plan_page): made only to
    write the page, while its key hashes this.
    """

    plan: Plan
    card: tuple[CardRow, ...]
    focal_point: str
    related: tuple[Link, ...] = ()  # each related document's link, with the reason as its note
    facts: tuple[tuple[str, tuple[str, ...]], ...] = ()  # an experiment's own metadata


@dataclass(frozen=True)
class PlanPage:
    """What plan.html and experiment.html need; an experiment's page also shows its own
    metadata by key (see model.EXPERIMENT_KEYS), each with its values, those it has only."""

    plan: Plan
    card: tuple[CardRow, ...]
    sections: tuple[RenderedSection, ...]
    focal_point: str
    related: tuple[Link, ...] = ()  # each related document's link, with the reason as its note
    language: str = ""  # the document's language tag when it is not the site's, else ""
    language_name: str = ""  # that language's own name ("Français"), or ""
    facts: tuple[tuple[str, tuple[str, ...]], ...] = ()  # an experiment's own metadata
    #: The language of the facts' values, the export's English, when it is not the site's, else "".
    facts_language: str = ""


@dataclass(frozen=True)
class TypeIndexPage:
    """What type_index.html needs: every document of one type but learning plans, newest first."""

    type: str
    rows: tuple[PlanRow, ...]


@dataclass(frozen=True)
class PlanRow:
    """A plan in a list: its link and what to show beside it."""

    link: Link
    year: str
    country: str
    methods: str
    type: str = LEARNING_PLAN


@dataclass(frozen=True)
class TermPage:
    """What term.html needs."""

    spec: TaxonomySpec
    name: str
    rows: tuple[PlanRow, ...]
    groups: tuple[tuple[str, tuple[PlanRow, ...]], ...]  # the rows by year, newest first
    glance: Glance
    counts: tuple[tuple[str, int], ...] = ()  # how many documents of each type it holds (site.counts_by_type)


@dataclass(frozen=True)
class TaxonomyIndexPage:
    """What taxonomy_index.html needs."""

    spec: TaxonomySpec
    rows: tuple[Link, ...]
    by_count: bool
    mixed: bool  # whether the counts hold other documents beside the plans


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
    mixed: bool  # whether other documents are counted beside the plans
    documents: bool = False  # whether of other types than plans and experiments: its words say documents


#: What a template is given beside the config and the navigation, by kind of page.
PageContext = PlanSource | TermPage | TaxonomyIndexPage | HomePage | TypeIndexPage


@dataclass(frozen=True)
class Page:
    """A page to write: its template, path and title, and what it is made from.

    This is all a template is given, with the config and the navigation, which follow
    from the config and the path: the page's key hashes it (see routes.py).
    """

    template: str
    path: str
    title: str
    context: PageContext | None = None
    absolute_links: bool = False
    # Whether the site holds documents beside the plans (Site.mixed): the header's search box
    # then searches documents. Given by every source, as the site's documents decide it, not
    # the config: a site that gains an experiment makes every page's key, and header, anew.
    mixed: bool = field(kw_only=True)
    # The types whose lists the navigation links to: those the config names and the site holds,
    # but learning plans (the search lists them). Given by every source for the same reason.
    listed: tuple[str, ...] = field(kw_only=True)


class Renderer:
    """One Jinja environment and one markdown parser, made once per process."""

    def __init__(self, templates: Path, config: Config, site: Site) -> None:
        self.config = config
        self.site = site
        self.templates = templates
        self.answers: dict[str, Rendered] = {}  # by text: many plans give the same answer
        self._rows: dict[str, PlanRow] = {}  # by source path
        self._term_links: dict[tuple[str, str], Link] = {}  # by taxonomy key and slug
        self._places: dict[str, int] = {}  # each plan's place in the site's plans, newest first
        self._sources: dict[tuple[str, tuple[str, ...]], Page] = {}  # by kind and subject
        self.interface = interface(config.language)
        self.env = make_environment(templates, self.interface)
        _ = self.interface.gettext
        self.site_title = site_text(config.title, Config.title, self.interface)
        self.site_description = site_text(config.description, Config.description, self.interface)
        # The name of every term as the pages show it: the goals by their official titles in
        # the site's language. The config, which every page's key covers, gives the language.
        self.names = shown_names(site, self.interface.gettext)
        self.mixed = site.mixed  # made once: it reads every document
        held = site.type_counts
        self.listed = tuple(type_ for type_ in config.types if type_ != LEARNING_PLAN and type_ in held)
        self.taxonomy_nav = tuple(
            Link(_(spec.plural), spec.index_path) for spec in TAXONOMIES if spec.key in NAV_TAXONOMIES
        )
        self._navs: dict[tuple[str, tuple[str, ...]], tuple[NavLink, ...]] = {}  # by folder and types

    @cached_property
    def env(self) -> jinja2.Environment:
        """Return the Jinja environment, made on first use: making keys needs none."""
        return make_environment(self.templates)

    @cached_property
    def markdown(self) -> AnswerMarkdown:
        """Return the parser of answers, made on first use."""
        return AnswerMarkdown()

    @cached_property
    def image_labels(self) -> ImageLabels:
        """Return the labels of the links that stand for remote images, in the site's language."""
        gettext = self.interface.gettext
        return ImageLabels(gettext(ENGLISH_LABELS.named), gettext(ENGLISH_LABELS.unnamed))

    @cached_property
    def map_places(self) -> dict[str, charts.MapPlace]:
        """Return where each country is on a term page's map, found on first use."""
        return charts.map_places(self.site, charts.SMALL_MAP_WIDTH)

    def page(
        self,
        template: str,
        page_path: str,
        title: str,
        absolute_links: bool = False,
        *,
        listed: tuple[str, ...],
        **context: Any,
    ) -> bytes:
        """Render one template to bytes for the page at page_path.

        Links are relative to the page, or, with absolute_links, start with the base_url:
        the 404 page is served at every missing address, whatever its depth. The navigation
        links to the lists of the `listed` types (Page.listed).
        """
        base_url = self.config.base_url
        html = self.env.get_template(template).render(
            page_path=page_path,
            page_title=title,
            config=self.config,
            site_title=self.site_title,
            site_description=self.site_description,
            script_messages=self.interface.scripts,
            nav=self.nav_of(page_path, listed),
            link_base=base_url if absolute_links else "",
            canonical_url="" if absolute_links else urls.absolute_url(base_url, page_path),
            **context,
        )
        return html.encode("utf-8")

    def source(self, kind: str, subject: tuple[str, ...]) -> Page:
        """Return what the page of a route is made from: both its bytes and its key come from it.

        Each is made once: the processes that render the pages have those the routes made.
        """
        found = self._sources.get((kind, subject))
        if found is None:
            found = self._sources[kind, subject] = self._source(kind, subject)
        return found

    def path(self, kind: str, subject: tuple[str, ...]) -> str:
        """Return the output path of the page of a route, without making what it shows."""
        if kind in ("plan", "experiment"):
            plan = self.site.plans[int(subject[0])]
            return urls.document_path(plan.type, plan.slug)
        if kind == "term":
            return self.site.taxonomies[subject[0]].terms[subject[1]].path
        if kind == "index":
            spec = self.site.taxonomies[subject[0]].spec
            return urls.taxonomy_index_path(spec.folder, subject[1] == "True")
        if kind == "type-index":
            return urls.type_index_path(subject[0])
        fixed = {
            "home": urls.HOME,
            "not-found": urls.NOT_FOUND,
            "search": urls.SEARCH,
        }
        if kind not in fixed:
            raise ValueError(f"no page of kind {kind!r}")
        return fixed[kind]

    def _source(self, kind: str, subject: tuple[str, ...]) -> Page:
        if kind in ("plan", "experiment"):
            return self.plan_source(self.site.plans[int(subject[0])])
        if kind == "type-index":
            return self.type_index_source(subject[0])
        if kind == "term":
            taxonomy = self.site.taxonomies[subject[0]]
            return self.term_source(taxonomy.spec, taxonomy.terms[subject[1]])
        if kind == "index":
            return self.index_source(self.site.taxonomies[subject[0]].spec, subject[1] == "True")
        if kind == "home":
            return self.home_source()
        if kind == "not-found":
            title = self.interface.gettext("Page not found")
            return self._page("404.html", urls.NOT_FOUND, title, absolute_links=True)
        if kind == "search":
            return self._page("search.html", urls.SEARCH, self.interface.gettext("Search"))
        raise ValueError(f"no page of kind {kind!r}")

    def _page(
        self,
        template: str,
        path: str,
        title: str,
        context: PageContext | None = None,
        absolute_links: bool = False,
    ) -> Page:
        """Return a page's source, with what the site decides for every page's header."""
        return Page(template, path, title, context, absolute_links, mixed=self.mixed, listed=self.listed)

    def render(self, page: Page) -> tuple[bytes, list[Problem]]:
        """Render a page, with the problems found in a plan's answers."""
        problems: list[Problem] = []
        context: object = page.context
        if isinstance(page.context, PlanSource):
            source = page.context
            plan = source.plan
            sections = tuple(self._section(plan, section, problems) for section in plan.sections)
            shown = tuple(section for section in sections if section.entries or section.partners)
            other = self._other_language(plan)
            language = (other, language_name(other) if other else "")
            context = PlanPage(
                plan, source.card, shown, source.focal_point, source.related, *language, source.facts,
                self._unless_the_sites("en"),  # the facts' values are the export's English
            )  # fmt: skip
        data = self.page(
            page.template,
            page.path,
            page.title,
            page.absolute_links,
            listed=page.listed,
            site_mixed=page.mixed,
            page=context,
        )
        return data, problems

    def nav_of(self, page_path: str, listed: tuple[str, ...]) -> tuple[NavLink, ...]:
        """Return the navigation of a page: a link to the list of each listed type, then to the
        taxonomies; the link to its own section is current (made once per folder: every page
        of a folder has the same)."""
        folder = page_path.rpartition("/")[0] + "/"
        nav = self._navs.get((folder, listed))
        if nav is None:
            types = tuple(
                Link(type_label(self.interface, type_, 2), urls.type_index_path(type_)) for type_ in listed
            )
            nav = self._navs[folder, listed] = tuple(
                NavLink(link.label, link.path, folder.startswith(link.path.rpartition("/")[0] + "/"))
                for link in types + self.taxonomy_nav
            )
        return nav

    def plan_page(self, plan: Plan) -> tuple[bytes, list[Problem]]:
        """Render a plan's page, with the problems found in its answers."""
        return self.render(self.plan_source(plan))

    def plan_source(self, plan: Plan) -> Page:
        """Return what a plan's page is made from."""
        focal_point = publish_focal_point(plan.focal_point, self.config.focal_points)
        facts = experiment_facts(plan) if plan.is_experiment else ()
        source = PlanSource(plan, self._card(plan), focal_point, self._related(plan), facts)
        template = "experiment.html" if plan.is_experiment else "plan.html"
        return self._page(template, urls.document_path(plan.type, plan.slug), plan.title, source)

    def _related(self, plan: Plan) -> tuple[Link, ...]:
        """Return each related document's link, with the reason as its note."""
        return tuple(
            Link(
                item.plan.title,
                urls.document_path(item.plan.type, item.plan.slug),
                item.shared.text(self.interface.gettext),
                self._other_language(item.plan),
            )
            for item in self.site.related.get(plan.source_path, ())
        )

    def type_index_source(self, type_: str) -> Page:
        """Return what the list of every document of a type, newest first, is made from."""
        rows = tuple(self.plan_row(plan) for plan in self.newest_first(self.site.of_type(type_)))
        title = type_label(self.interface, type_, 2)
        page = TypeIndexPage(type_, rows)
        return self._page("type_index.html", urls.type_index_path(type_), title, page)

    def term_page(self, spec: TaxonomySpec, term: Term) -> bytes:
        """Render the page of one term with every plan it holds."""
        return self.render(self.term_source(spec, term))[0]

    def term_source(self, spec: TaxonomySpec, term: Term) -> Page:
        """Return what the page of one term is made from."""
        plans = self.newest_first(term.plans)
        rows = tuple(self.plan_row(plan) for plan in plans)
        groups: dict[str, list[PlanRow]] = {}
        for plan, row in zip(plans, rows, strict=True):
            groups.setdefault(str(plan.year or ""), []).append(row)
        by_year = tuple((year, tuple(group)) for year, group in groups.items())
        glance = charts.term_glance(self.site, spec, term, self.names, self.map_places)
        name = self.names[spec.key][term.slug]
        title = f"{name} — {self.interface.gettext(spec.singular)}"
        page = TermPage(spec, name, rows, by_year, glance, tuple(counts_by_type(plans).items()))
        return self._page("term.html", term.path, title, page)

    def taxonomy_index(self, spec: TaxonomySpec, by_count: bool) -> bytes:
        """Render the list of every term of a taxonomy, by name or by count."""
        return self.render(self.index_source(spec, by_count))[0]

    def index_source(self, spec: TaxonomySpec, by_count: bool) -> Page:
        """Return what the list of every term of a taxonomy is made from."""
        terms = list(self.site.taxonomies[spec.key].terms.values())
        names = self.names[spec.key]
        if by_count:
            terms.sort(key=lambda term: (-len(term.plans), names[term.slug].lower(), term.slug))
        else:  # years newest first, as every list of plans has them
            terms.sort(key=lambda term: charts.term_order(spec.key, term), reverse=spec.key == "year")
        number = self.interface.number
        rows = tuple(Link(names[term.slug], term.path, number(len(term.plans))) for term in terms)
        path = urls.taxonomy_index_path(spec.folder, by_count)
        title = self.interface.gettext(spec.plural)
        page = TaxonomyIndexPage(spec, rows, by_count, self.mixed)
        return self._page("taxonomy_index.html", path, title, page)

    def home(self) -> bytes:
        """Render the home page: what the portfolio holds and ways in."""
        return self.render(self.home_source())[0]

    def home_source(self) -> Page:
        """Return what the home page is made from."""
        site = self.site
        by_type = site.type_counts
        plans = by_type.get(LEARNING_PLAN, 0)
        # The plans' count leads to the search page, which lists every document: to the plans
        # alone when there are others too; each other type's, to the list of its documents.
        every_plan = urls.search_of_type(LEARNING_PLAN) if site.mixed else urls.SEARCH
        others = any(count for type_, count in by_type.items() if type_ != LEARNING_PLAN)
        # A site of other documents alone counts no plans (as its navigation has no list of them).
        counts = (
            []
            if others and not plans
            else [Link(count_noun(self.interface, "plans", plans), every_plan, self.interface.number(plans))]
        )
        counts += [
            Link(
                count_noun(self.interface, type_, count),
                urls.type_index_path(type_),
                self.interface.number(count),
            )
            for type_, count in by_type.items()
            if type_ != LEARNING_PLAN
        ]
        ways_in = []
        for spec in TAXONOMIES:
            terms = sorted(site.taxonomies[spec.key].terms.values(), key=lambda t: (-len(t.plans), t.slug))
            if spec.key == "year":  # newest first, as every list of years has them
                terms.sort(key=lambda term: charts.term_order(spec.key, term), reverse=True)
            if spec.key in ("country", "methods", "year"):
                counts.append(
                    Link(
                        count_noun(self.interface, spec.key, len(terms)),
                        spec.index_path,
                        self.interface.number(len(terms)),
                    )
                )
            names = self.names[spec.key]
            top = tuple(Link(names[t.slug], t.path, self.interface.number(len(t.plans))) for t in terms[:12])
            ways_in.append((spec, top))
        newest = tuple(self.plan_row(plan) for plan in self.newest_first(site.plans)[:10])
        world_map = charts.world_map(site, charts.HOME_MAP_WIDTH)
        page = HomePage(
            tuple(counts), tuple(ways_in), newest, world_map, charts.plans_per_year(site),
            charts.sdg_tiles(site), charts.top_terms(site, "methods"),
            charts.top_terms(site, "thematic_areas"), charts.methods_by_year(site), site.mixed,
            any(type_ not in (LEARNING_PLAN, EXPERIMENT) for type_ in by_type),
        )  # fmt: skip
        return self._page("home.html", urls.HOME, self.site_title, page)

    def not_found(self) -> bytes:
        """Render the page a web server shows for any missing address."""
        return self.render(self.source("not-found", ()))[0]

    def plan_row(self, plan: Plan) -> PlanRow:
        """Return how a plan shows in a list (made once: a plan is in a dozen lists)."""
        row = self._rows.get(plan.source_path)
        if row is None:
            link = Link(plan.title, urls.document_path(plan.type, plan.slug), lang=self._other_language(plan))
            row = PlanRow(link, str(plan.year or ""), plan.country, ", ".join(plan.methods), plan.type)
            self._rows[plan.source_path] = row
        return row

    def _other_language(self, plan: Plan) -> str:
        """Return a document's language when it is known and not the site's, else ""."""
        return self._unless_the_sites(plan.language)

    def _unless_the_sites(self, language: str | None) -> str:
        """Return a language, for a `lang` attribute, unless it is unknown or the site's ("")."""
        return language if language and language != primary_language(self.config.language) else ""

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
            rendered = self.answers[text] = render_answer(text, self.markdown, self.image_labels)
        return rendered

    def _card(self, plan: Plan) -> tuple[CardRow, ...]:
        rows = []
        if plan.type != LEARNING_PLAN:  # the card names the type of any other document, and leads to its list
            kind = Link(type_label(self.interface, plan.type), urls.type_index_path(plan.type))
            rows.append(CardRow(self.interface.gettext("Type"), (kind,)))
        for spec in TAXONOMIES:
            if spec.key in CARD_TAXONOMIES:
                links = tuple(self._term_link(spec, term) for term in self.site.terms_of(plan, spec.key))
                if links:
                    label = self.interface.gettext(spec.plural if len(links) > 1 else spec.singular)
                    rows.append(CardRow(label, links))
        return tuple(rows)

    def _term_link(self, spec: TaxonomySpec, term: Term) -> Link:
        """Return the link to a term's page (made once: a term is on many plans' cards)."""
        link = self._term_links.get((spec.key, term.slug))
        if link is None:
            name = self.names[spec.key][term.slug]
            link = self._term_links[spec.key, term.slug] = Link(name, term.path)
        return link

    def _section(self, plan: Plan, section: Any, problems: list[Problem]) -> RenderedSection:
        policy = self.config.focal_points
        entries = []
        for entry in section.answered:
            if section.key == "title" and " ".join(entry.answer.split()) == plan.title:
                continue  # the title is already the page's heading
            rendered = self.answer(publish_text(entry.answer, policy))
            problems += rendered.problems(plan.source_path, entry.answer_line)
            entries.append(RenderedEntry(entry.question, Markup(rendered.html)))
        # The text of a document without headings is shown under none.
        heading = section.heading or ("" if section.key == BODY_SECTION else self.interface.gettext("Other"))
        published = [publish_partner(partner, policy) for partner in section.partners]
        columns = tuple(name for name in PARTNER_FIELDS if any(getattr(p, name).strip() for p in published))
        partners = tuple(
            tuple(self._cell(plan, partner, column, problems) for column in columns) for partner in published
        )
        language = self._unless_the_sites(form_language(section.heading) or plan.language)
        return RenderedSection(heading, tuple(entries), partners, section.lead, columns, language)

    def _cell(self, plan: Plan, partner: Partner, column: str, problems: list[Problem]) -> Markup:
        """Return a field of a partner rendered as an answer is (its entities, links and tags
        are the writer's markdown and HTML, as in any answer), without a lone paragraph's tags."""
        text = getattr(partner, column)
        if "&" not in text and not has_markup(text):  # most cells: a name, a sector, "Yes"
            return escape(text)
        rendered = self.answer(text)
        problems += rendered.problems(plan.source_path, partner.line(column))
        html = rendered.html.strip()
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return Markup(html)


def experiment_facts(plan: Plan) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Return the experiment metadata a plan has, by key, in the card's order."""
    facts = []
    for key in EXPERIMENT_KEYS:
        value = getattr(plan, key)
        values = value if isinstance(value, tuple) else (value,) if value else ()
        if values:
            facts.append((key, values))
    return tuple(facts)


def make_environment(templates: Path, language: Interface | None = None) -> jinja2.Environment:
    """Return the Jinja environment of the theme in a templates folder, in a language
    (English by default): templates call _(), gettext() and ngettext()."""
    env = jinja2.Environment(
        extensions=["jinja2.ext.i18n"],
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=compiled_templates(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # An environment serves one build, which sees the templates as they were when it
        # started: each include and import would otherwise stat its file again (9,000 times
        # in a build of the corpus). The preview's next build makes a new one.
        auto_reload=False,
    )
    env.filters["url"] = _url_filter
    language = language or interface("en")
    env.install_gettext_translations(language.translations, newstyle=True)  # type: ignore[attr-defined]
    # The same functions, called directly: Jinja's go through the template context three
    # times a call, a fifth of a term page's rendering, for words that never change.
    env.globals.update(translating(language))
    env.globals["count_noun"] = functools.partial(count_noun, language)
    env.filters["number"] = language.number
    env.globals["type_label"] = functools.partial(type_label, language)
    env.globals["type_index"] = urls.type_index_path
    return env


# The types of the values whose words translating() makes once (see its gettext).
_PLAIN_VALUES = frozenset({str, Markup, int, float, bool, type(None)})


def translating(language: Interface) -> dict[str, Any]:
    """Return the template functions _, gettext and ngettext in a language, as Jinja's
    i18n extension gives them with newstyle gettext: the message is HTML to which the
    named values are added escaped, and ngettext's number is %(num)s, written as the
    language writes counts ("1 190"); and count(num, mixed), "3 plans", or "3 documents"
    when mixed."""
    messages: dict[str, Markup] = {}
    filled: dict[tuple[Any, ...], Markup] = {}
    counts: dict[tuple[str, str, type, int], Markup] = {}

    def gettext(message: str, **variables: Any) -> Markup:
        if variables:
            # The same words with the same values, made once (a map names each country
            # with its count on every page that shows it): values of the plain types only,
            # each type in the key, since text is escaped and Markup is not.
            if not all(type(value) in _PLAIN_VALUES for value in variables.values()):
                return Markup(language.gettext(message)) % variables
            key = (message, *((name, type(value), value) for name, value in variables.items()))
            found = filled.get(key)
            if found is None:
                found = filled[key] = Markup(language.gettext(message)) % variables
            return found
        found = messages.get(message)
        if found is None:
            found = messages[message] = Markup(language.gettext(message)) % {}
        return found

    def ngettext(singular: str, plural: str, num: int, **variables: Any) -> Markup:
        if not variables:  # a count alone ("3 plans"), made once for each number
            found = counts.get((singular, plural, type(num), num))
            if found is None:
                words = Markup(language.ngettext(singular, plural, num)) % {"num": language.number(num)}
                found = counts[singular, plural, type(num), num] = words
            return found
        variables.setdefault("num", language.number(num))
        return Markup(language.ngettext(singular, plural, num)) % variables

    def count(num: int, mixed: bool = False) -> Markup:
        # A function, not a macro of the theme: a map calls it for each of its countries,
        # and a macro's call costs a tenth of a term page.
        if mixed:  # the documents counted hold experiments too
            return ngettext("%(num)s document", "%(num)s documents", num)
        return ngettext("%(num)s plan", "%(num)s plans", num)

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext, "count": count}


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
