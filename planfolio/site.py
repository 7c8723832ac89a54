"""The site model: every plan with a unique slug, and the terms of every taxonomy."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .i18n import N_
from .model import Plan, Problem
from .slugs import slugify, unique_slugs


@dataclass(frozen=True)
class TaxonomySpec:
    """How one kind of term is read from plans and where its pages go."""

    key: str  # the Plan attribute
    folder: str
    singular: str
    plural: str


TAXONOMIES: tuple[TaxonomySpec, ...] = (
    TaxonomySpec("country", "countries", N_("Country"), N_("Countries")),
    TaxonomySpec("methods", "methods", N_("Method"), N_("Methods")),
    TaxonomySpec("datasources", "data-sources", N_("Data source"), N_("Data sources")),
    TaxonomySpec("sdgs", "sdgs", N_("SDG"), N_("SDGs")),
    TaxonomySpec("thematic_areas", "themes", N_("Thematic area"), N_("Thematic areas")),
    TaxonomySpec("year", "years", N_("Year"), N_("Years")),
)


@dataclass(frozen=True)
class Term:
    """One term of a taxonomy: its slug, the name shown, and its plans."""

    slug: str
    name: str
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
    spellings: defaultdict[str, dict[str, int]] = defaultdict(dict)
    first_use: dict[str, str] = {}
    for plan in plans:
        for value in plan_values(plan, spec.key):
            slug = slugify(value)
            if not slug:
                continue  # reported with its line when the plan was read
            counts = spellings[slug]
            counts[value] = counts.get(value, 0) + 1
            first_use.setdefault(value, plan.source_path)
            members[slug][plan.source_path] = plan
    terms = {}
    for slug in sorted(members):
        counts = spellings[slug]
        # The most used spelling names the term; ties go to the first in sort order.
        name = sorted(counts, key=lambda value: (-counts[value], value))[0]
        for variant in sorted(set(counts) - {name}):
            message = (
                f"{spec.key}: {variant!r} is listed under {name!r}, the spelling most plans use"
                f" (page {spec.folder}/{slug}.html)"
            )
            problems.append(Problem(first_use[variant], None, message, "warning", "spelling"))
        terms[slug] = Term(slug, name, tuple(members[slug].values()), tuple(sorted(counts)))
    return Taxonomy(spec, terms)
