"""The site model: every plan with a unique slug, and the terms of every taxonomy."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import pairwise
from typing import TYPE_CHECKING

from . import urls
from .countries import country_code, is_alternative_name
from .doctypes import KNOWN_TYPES, LEARNING_PLAN
from .i18n import N_
from .metadata import goal_number
from .model import Plan, Problem
from .slugs import slugify, term_slug, unique_slugs

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .related import RelatedDocument


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
    TaxonomySpec("country", "countries", N_("Country"), N_("Countries")),
    TaxonomySpec("methods", "methods", N_("Method"), N_("Methods")),
    TaxonomySpec("datasources", "data-sources", N_("Data source"), N_("Data sources")),
    TaxonomySpec("sdgs", "sdgs", N_("SDG"), N_("SDGs")),
    TaxonomySpec("thematic_areas", "themes", N_("Thematic area"), N_("Thematic areas")),
    TaxonomySpec("year", "years", N_("Year"), N_("Years")),
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
    # Per document (by source path): its related documents, best first (see related.py).
    related: dict[str, tuple[RelatedDocument, ...]] = field(default_factory=dict, compare=False, repr=False)
    # The type of each document left out, a type the site does not hold, sorted.
    left_out: tuple[str, ...] = ()

    def of_type(self, type_: str) -> tuple[Plan, ...]:
        """Return the documents of one type, by slug."""
        return tuple(plan for plan in self.plans if plan.type == type_)

    @property
    def type_counts(self) -> dict[str, int]:
        """Return how many documents of each type the site holds, by type, in the order of
        doctypes.KNOWN_TYPES (a type it holds none of is not there)."""
        return counts_by_type(self.plans)

    @property
    def mixed(self) -> bool:
        """Return whether the site holds documents beside the learning plans: counts of them
        are of documents, not plans."""
        return any(plan.type != LEARNING_PLAN for plan in self.plans)

    def terms_of(self, plan: Plan, key: str) -> tuple[Term, ...]:
        """Return the terms of one taxonomy that a plan carries, in its order."""
        return self.carried[plan.source_path][key]


# What makes a spelling untidy whatever its words: a hyphen with a space beside it ("co -creation"),
# a doubled space, a mark doubled ("co--creation", not "C++"), a mark with no space between
# it and the next word ("health;education"), and a mark no name holds ("private_sector").
_FLAWS = re.compile(r" - | -|- |  |([^\w\s+])\1|[,;:](?=[^\W\d])|[_\\*|~•·]")

# The last letter of the Latin script's blocks (Latin Extended-B): names in other scripts are
# gathered by their words, not by their slugs.
_LATIN_END = "\u024f"

# A goal written as the official names write it: its number, a full stop and a word.
_NUMBER_AND_TITLE = re.compile(r"\s*\d{1,2}\.\s+[^\W\d]")

#: The name of every term, per taxonomy key, by slug.
TermNames = dict[str, dict[str, str]]


def term_names(site: Site) -> TermNames:
    """Return the name the site shows for every term, per taxonomy key, by slug."""
    return {key: {slug: term.name for slug, term in t.terms.items()} for key, t in site.taxonomies.items()}


def counts_by_type(documents: Iterable[Plan]) -> dict[str, int]:
    """Return how many of some documents are of each type, in the order of doctypes.KNOWN_TYPES
    (a type none of them is of is not there)."""
    counts = Counter(plan.type for plan in documents)
    return {type_: counts[type_] for type_ in sorted(counts, key=type_place)}


def type_place(type_: str) -> tuple[int, str]:
    """Return the sort key that lists types in the order of doctypes.KNOWN_TYPES."""
    return (KNOWN_TYPES.index(type_) if type_ in KNOWN_TYPES else len(KNOWN_TYPES), type_)


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
    """Return the terms of every taxonomy that a plan carries, in its order, each once: two
    spellings of one term in a plan ('in-depth interviews', 'in depth interviews') are one."""
    carried = {}
    for key, terms in by_value.items():
        groups = dict.fromkeys(term_group(key, value) for value in plan_values(plan, key))
        carried[key] = tuple(terms[group] for group in groups if group in terms)
    return carried


# A build asks for each value's group twice (gathering the terms, then each plan's), the
# preview's builds again: a few thousand values in all.
@lru_cache(maxsize=16384)
def term_group(key: str, value: str) -> str:
    """Return what gathers the values of a taxonomy into one term: the value's slug, but a
    goal's number for an SDG that starts with one ("SDG 13" and "13. Climate action" name one
    goal, and the pages name it by its number and title alike), and a country's ISO code for
    a name the standard lists know ("Turkey" and "Türkiye" name one country, which the map
    draws once); a name written in another script than Latin, by its words."""
    if key == "country":
        code = country_code(value)
        # No slug holds a colon.
        return slugify(value) if code is None else f"iso:{code}"
    number = goal_number(value) if key == "sdgs" else None
    if number is not None:
        return str(number)  # no slug of a value that names no goal is a number up to 17
    slug = term_slug(value)
    if slug and not value.isascii() and any(letter > _LATIN_END and letter.isalpha() for letter in value):
        # Written in another script: its slug is a transliteration, which two names may share
        # (水 and 睡 are both 'shui'). Its words, in one case and form, gather its spellings.
        return "=" + " ".join(unicodedata.normalize("NFKC", value).casefold().split())
    return slug  # "" for a name with nothing to name a page by: told when the plan was read


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
    return tuple(sorted(named, key=lambda plan: (plan.slug, type_place(plan.type))))


def base_slug(plan: Plan) -> str:
    """Return the slug a plan's page is named by unless another plan has it first: its
    title's, as its '# ' line writes it (a title taken whole from the Title section keeps
    the address the line gave it)."""
    stem = plan.source_path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return slugify(plan.heading or plan.title) or slugify(stem) or "plan"


def _gather_terms(
    spec: TaxonomySpec, plans: tuple[Plan, ...], problems: list[Problem]
) -> tuple[Taxonomy, dict[str, Term]]:
    """Return a taxonomy's terms keyed by page name, and keyed by the group of their values
    (see term_group).

    A term is named, and its page too, by its most used spelling; a term whose slug the
    site keeps for a page of its own gets another page name.
    """
    members: defaultdict[str, dict[str, Plan]] = defaultdict(dict)
    spellings: defaultdict[str, dict[str, list[str]]] = defaultdict(dict)  # the files using each
    for plan in plans:
        for value in plan_values(plan, spec.key):
            group = term_group(spec.key, value)
            if not group:
                continue  # reported with its line when the plan was read
            spellings[group].setdefault(value, []).append(plan.source_path)
            members[group][plan.source_path] = plan

    # The most used spelling names the term; among those used as often, a country's standard
    # name before another in wide use ("North Macedonia", "Macedonia"), then the tidiest. A
    # goal's, written as its number and title ("5. Gender equality") before any other ("05").
    def rank(value: str, users: dict[str, list[str]]) -> tuple[bool, int, bool, tuple[int, int, int], str]:
        titled = spec.key == "sdgs" and _NUMBER_AND_TITLE.match(value) is not None
        other_name = spec.key == "country" and is_alternative_name(value)
        return (not titled, -len(users[value]), other_name, untidiness(value), value)

    names = {  # most terms are spelt one way: nothing to rank
        group: min(users, key=partial(rank, users=users)) if len(users) > 1 else next(iter(users))
        for group, users in spellings.items()
    }
    bases = {group: term_slug(name) for group, name in names.items()}  # each page's name, unless taken
    reserved = urls.reserved_names(spec.folder)
    page_names = unique_slugs(list(bases.items()), reserved)
    by_value = {}
    for group in sorted(members, key=lambda group: (bases[group], group)):
        users, name, base = spellings[group], names[group], bases[group]
        page = urls.term_path(spec.folder, page_names[group])
        most = max(map(len, users.values()))
        for variant in sorted(set(users) - {name}):
            why = "the tidiest of the spellings most plans use"
            if len(users[name]) < most:  # a goal's number and title, however few write it so
                why = "the spelling that writes the goal's number and title"
            elif len(users[variant]) < len(users[name]):
                why = "the spelling most plans use"
            message = f"{spec.key}: {variant!r} is listed under {name!r}, {why} (page {page})"
            problems += [
                _term_problem(members[group][user], spec.key, variant, message, "spelling")
                for user in users[variant]
            ]
        named_by = members[group][users[name][0]]
        if base in reserved:
            taken = urls.term_path(spec.folder, base)
            message = f"{spec.key}: {name!r} would take the page {taken}, the site's own; its page is {page}"
            problems.append(_term_problem(named_by, spec.key, name, message, "page-name"))
        elif page_names[group] != base:  # a term moved off a reserved name took this one first
            taken = urls.term_path(spec.folder, base)
            message = f"{spec.key}: {name!r} would take the page {taken}, another term's; its page is {page}"
            problems.append(_term_problem(named_by, spec.key, name, message, "page-name"))
        by_value[group] = Term(
            page_names[group], name, page, tuple(members[group].values()), tuple(sorted(users))
        )
    terms = {term.slug: term for term in sorted(by_value.values(), key=lambda term: term.slug)}
    return Taxonomy(spec, terms), by_value


def _term_problem(plan: Plan, key: str, value: str, message: str, kind: str) -> Problem:
    """Return a warning about a value of a plan's, on the metadata line that gives it."""
    return Problem(plan.source_path, plan.metadata_line(key, value), message, "warning", kind)


def untidiness(name: str) -> tuple[int, int, int]:
    """Return how untidy a spelling is, for ties: its flaws (see _FLAWS, and odd capitals:
    all of them, or one after a small letter, "cO-creation"), then its marks ("&", "-", ",",
    not apostrophes), then how few of its letters are beyond ASCII: of two spellings that
    name one page, the one with accents kept them (`adaptación`, not `adaptacion`)."""
    capitals = sum(before.islower() and after.isupper() for before, after in pairwise(name))
    flaws = len(_FLAWS.findall(name)) + capitals + name.isupper()
    marks = sum(not (char.isalnum() or char in " '\u2019") for char in name)  # an apostrophe is a letter's
    return flaws, marks, -sum(not char.isascii() for char in name)
