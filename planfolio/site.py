"""The site model: every plan with a unique slug, and the terms of every taxonomy."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from . import urls
from .model import Plan, Problem
from .slugs import slugify, unique_slugs


@dataclass(frozen=True)
class TaxonomySpec:
    """How one kind of term is read from plans and where its pages go."""

    key: str  # the Plan attribute
    folder: str
    singular: str
    plural: str

    @property
    def index_path(self) -> str:
        """Return the output path of the list of its terms by name."""
        return urls.taxonomy_index_path(self.folder)

    @property
    def by_count_path(self) -> str:
        """Return the output path of the list of its terms by number of plans."""
        return urls.taxonomy_index_path(self.folder, by_count=True)


TAXONOMIES: tuple[TaxonomySpec, ...] = (
    TaxonomySpec("country", "countries", "Country", "Countries"),
    TaxonomySpec("methods", "methods", "Method", "Methods"),
    TaxonomySpec("datasources", "data-sources", "Data source", "Data sources"),
    TaxonomySpec("sdgs", "sdgs", "SDG", "SDGs"),
    TaxonomySpec("thematic_areas", "themes", "Thematic area", "Thematic areas"),
    TaxonomySpec("year", "years", "Year", "Years"),
)


@dataclass(frozen=True)
class Term:
    """One term of a taxonomy: its slug, the name shown, its page's path, and its plans."""

    slug: str
    name: str
    path: str
    plans: tuple[Plan, ...]
    spellings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    """All the terms of one taxonomy, keyed by slug."""

    spec: TaxonomySpec
    terms: dict[str, Term]


@dataclass(frozen=True)
class Site:
    """Everything a build writes: plans sorted by slug, taxonomies, problems."""

    plans: tuple[Plan, ...]
    taxonomies: dict[str, Taxonomy]
    problems: tuple[Problem, ...]
    # Per plan (by source path), per taxonomy key: the terms it carries, in its order.
    carried: dict[str, dict[str, tuple[Term, ...]]] = field(compare=False, repr=False)

    def terms_of(self, plan: Plan, key: str) -> tuple[Term, ...]:
        """Return the terms of one taxonomy that a plan carries, in its order."""
        return self.carried[plan.source_path][key]


#: The name of every term, per taxonomy key, by slug.
TermNames = dict[str, dict[str, str]]


def term_names(site: Site) -> TermNames:
    """Return the name the site shows for every term, per taxonomy key, by slug."""
    return {key: {slug: term.name for slug, term in t.terms.items()} for key, t in site.taxonomies.items()}


def newest_first(plan: Plan) -> tuple[int, str, str]:
    """Return the sort key that lists plans newest year first, then by title."""
    return (-(plan.year or 0), plan.title.lower(), plan.slug)


def plan_values(plan: Plan, key: str) -> tuple[str, ...]:
    """Return a plan's values for one taxonomy key, as a tuple of strings."""
    value = getattr(plan, key)
    if isinstance(value, tuple):
        return value
    return (str(value),) if value not in ("", None) else ()


def build_site(plans: list[Plan], problems: list[Problem]) -> Site:
    """Give plans unique slugs and gather the terms of every taxonomy."""
    problems = list(problems)
    named = _assign_plan_slugs(plans)
    taxonomies = {spec.key: _gather_terms(spec, named, problems) for spec in TAXONOMIES}
    carried = {plan.source_path: _carried_terms(plan, taxonomies) for plan in named}
    return Site(named, taxonomies, tuple(problems), carried)


def _carried_terms(plan: Plan, taxonomies: dict[str, Taxonomy]) -> dict[str, tuple[Term, ...]]:
    """Return the terms of every taxonomy that a plan carries, in its order."""
    carried = {}
    for key, taxonomy in taxonomies.items():
        slugs = [slugify(value) for value in plan_values(plan, key)]
        carried[key] = tuple(taxonomy.terms[slug] for slug in slugs if slug in taxonomy.terms)
    return carried


def _assign_plan_slugs(plans: list[Plan]) -> tuple[Plan, ...]:
    """Give each plan its base slug, or base-2, base-3... when an earlier path has it.

    The collisions are reported by the site check, which tells a duplicate title apart.
    """
    slugs = unique_slugs([(plan.source_path, base_slug(plan)) for plan in plans])
    named = (plan.named(slugs[plan.source_path]) for plan in plans)
    return tuple(sorted(named, key=lambda plan: plan.slug))


def base_slug(plan: Plan) -> str:
    """Return the slug a plan's page is named by unless another plan has it first."""
    stem = plan.source_path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return slugify(plan.title) or slugify(stem) or "plan"


def _gather_terms(spec: TaxonomySpec, plans: tuple[Plan, ...], problems: list[Problem]) -> Taxonomy:
    members: defaultdict[str, dict[str, Plan]] = defaultdict(dict)
    spellings: defaultdict[str, dict[str, list[str]]] = defaultdict(dict)  # the files using each
    for plan in plans:
        for value in plan_values(plan, spec.key):
            slug = slugify(value)
            if not slug:
                continue  # reported with its line when the plan was read
            spellings[slug].setdefault(value, []).append(plan.source_path)
            members[slug][plan.source_path] = plan
    terms = {}
    for slug in sorted(members):
        users = spellings[slug]
        path = urls.term_path(spec.folder, slug)
        # The most used spelling names the term; among those used as often, the tidiest.
        name = min(users, key=lambda value: (-len(users[value]), untidiness(value), value))
        for variant in sorted(set(users) - {name}):
            why = "the tidiest of the spellings most plans use"
            if len(users[variant]) < len(users[name]):
                why = "the spelling most plans use"
            message = f"{spec.key}: {variant!r} is listed under {name!r}, {why} (page {path})"
            problems += [Problem(user, None, message, "warning", "spelling") for user in users[variant]]
        terms[slug] = Term(slug, name, path, tuple(members[slug].values()), tuple(sorted(users)))
    return Taxonomy(spec, terms)


def untidiness(name: str) -> tuple[int, bool]:
    """Return how untidy a spelling is, for ties: its marks ("&", "-", ","), then whether it
    is all capitals."""
    return sum(not (char.isalnum() or char == " ") for char in name), name.isupper()
