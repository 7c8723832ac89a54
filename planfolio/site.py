"""The site model: every plan with a unique slug, and the terms of every taxonomy."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import urls
from .model import Plan, Problem
from .slugs import slugify, unique_slugs

if TYPE_CHECKING:
    from .related import RelatedDocument


@dataclass(frozen=True)
class TaxonomySpec:
    """How one kind of term is read from plans and where its pages go."""

    key: str  # the Plan attribute
    folder: str
    singular: str
    plural: str


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
    # Per document (by source path): its related documents, best first (see related.py).
    related: dict[str, tuple[RelatedDocument, ...]] = field(default_factory=dict, compare=False, repr=False)
    # The type of each document left out, a type the site does not hold, sorted.
    left_out: tuple[str, ...] = ()

    @property
    def experiments(self) -> tuple[Plan, ...]:
        """Return the experiments, by slug."""
        return tuple(plan for plan in self.plans if plan.is_experiment)

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


def build_site(plans: list[Plan], problems: list[Problem], left_out: tuple[str, ...] = ()) -> Site:
    """Give plans unique slugs and gather the terms of every taxonomy."""
    problems = list(problems)
    named = _assign_plan_slugs(plans)
    gathered = {spec.key: _gather_terms(spec, named, problems) for spec in TAXONOMIES}
    taxonomies = {key: taxonomy for key, (taxonomy, _) in gathered.items()}
    by_value = {key: terms for key, (_, terms) in gathered.items()}
    carried = {plan.source_path: _carried_terms(plan, by_value) for plan in named}
    return Site(named, taxonomies, tuple(problems), carried, left_out=left_out)


def _carried_terms(plan: Plan, by_value: dict[str, dict[str, Term]]) -> dict[str, tuple[Term, ...]]:
    """Return the terms of every taxonomy that a plan carries, in its order."""
    carried = {}
    for key, terms in by_value.items():
        slugs = [slugify(value) for value in plan_values(plan, key)]
        carried[key] = tuple(terms[slug] for slug in slugs if slug in terms)
    return carried


def _assign_plan_slugs(plans: list[Plan]) -> tuple[Plan, ...]:
    """Give each plan its base slug, or base-2, base-3... when an earlier path of its
    folder has it, or the folder's own pages do.

    The collisions are reported by the site check, which tells a duplicate title apart.
    """
    slugs: dict[str, str] = {}
    for folder in urls.DOCUMENT_FOLDERS:
        reserved = urls.reserved_names(folder)
        keys = [(p.source_path, base_slug(p)) for p in plans if urls.document_folder(p.type) == folder]
        slugs.update(unique_slugs(keys, reserved))
    named = (plan.named(slugs[plan.source_path]) for plan in plans)
    return tuple(sorted(named, key=lambda plan: (plan.slug, plan.is_experiment)))


def base_slug(plan: Plan) -> str:
    """Return the slug a plan's page is named by unless another plan has it first."""
    stem = plan.source_path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return slugify(plan.title) or slugify(stem) or "plan"


def _gather_terms(
    spec: TaxonomySpec, plans: tuple[Plan, ...], problems: list[Problem]
) -> tuple[Taxonomy, dict[str, Term]]:
    """Return a taxonomy's terms keyed by page name, and keyed by the slug of their values.

    A term whose slug the site keeps for a page of its own gets another page name.
    """
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
    reserved = urls.reserved_names(spec.folder)
    page_names = unique_slugs([(slug, slug) for slug in members], reserved)
    by_value = {}
    for slug in sorted(members):
        counts = spellings[slug]
        # The most used spelling names the term; ties go to the first in sort order.
        name = sorted(counts, key=lambda value: (-counts[value], value))[0]
        page = urls.term_path(spec.folder, page_names[slug])
        for variant in sorted(set(counts) - {name}):
            message = (
                f"{spec.key}: {variant!r} is listed under {name!r}, the spelling most plans use (page {page})"
            )
            problems.append(Problem(first_use[variant], None, message, "warning", "spelling"))
        if slug in reserved:
            taken = urls.term_path(spec.folder, slug)
            message = f"{spec.key}: {name!r} would take the page {taken}, the site's own; its page is {page}"
            problems.append(Problem(first_use[name], None, message, "warning", "page-name"))
        by_value[slug] = Term(page_names[slug], name, tuple(members[slug].values()), tuple(sorted(counts)))
    terms = {term.slug: term for term in sorted(by_value.values(), key=lambda term: term.slug)}
    return Taxonomy(spec, terms), by_value
