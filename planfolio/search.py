"""The search files: what of each plan is searched, and the files the search page loads.

The page loads `search-index.js` first (a small index, the table of results and
the full index's field names), then `search-fulltext.js` (every field and the text
of every answer); both fill in `window.PLANFOLIO_SEARCH`. `search-index.json` is
the full index in lunr.js 2.3.9's serialised form for other tools. The indexes
themselves come from `lunr_index`.
"""

from __future__ import annotations

import gzip
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from .charts import term_order
from .goals import shown_names
from .i18n import interface, language_name
from .jsontext import json_bytes
from .lunr_index import (
    SEARCH_PIPELINE,
    Corpus,
    DocumentTerms,
    SearchField,
    analyse_document,
    gather,
    lunr_index_json,
    packed_index,
)
from .model import Plan
from .privacy import publish_text
from .site import Site, TermNames, build_site
from .snowball import LANGUAGES, LANGUAGES_LABEL, TermCaches
from .stemmer import splits_alike
from .summary import LINE_MARK, plan_summary, without_markup
from .urls import SEARCH_FILTERS, SEARCH_FULLTEXT, SEARCH_INDEX, SEARCH_JSON, document_path

#: Global variable that the page's script files fill in.
GLOBAL_NAME = "PLANFOLIO_SEARCH"
#: The taxonomies the search page filters by their terms (its other filters, the year, the type
#: and the language, are read from the results).
FILTER_TAXONOMIES = ("country", "methods", "datasources", "sdgs", "thematic_areas")

#: Fields of the small index the page loads first.
BRIEF_FIELDS = (
    SearchField("title", 10),
    SearchField("country", 5),
    SearchField("methods", 2),
    SearchField("datasources", 2),
    SearchField("sdgs", 2),
    SearchField("themes", 2),
    SearchField("partners"),
    SearchField("summary"),
)
#: Fields of the full-text index: every field above, the year, every answer and the
#: document's type ("learningplan", "experiment").
FULL_FIELDS = BRIEF_FIELDS + (SearchField("year"), SearchField("text"), SearchField("type"))


class SearchFilter(TypedDict):
    """One filter of the search page by terms: the terms of a taxonomy, (page name, name), in
    the order of the site's lists, and the terms of each plan as their places in that list."""

    terms: list[tuple[str, str]]
    documents: list[list[int]]


#: The plans in index order and the corpus of their terms, which every index is made from.
SearchCorpus = tuple[list[Plan], Corpus]


@dataclass(frozen=True)
class PlanSearch:
    """What the search files take from one plan, whatever its page name: summary and terms."""

    summary: str
    terms: DocumentTerms


def analyse_plan(plan: Plan, policy: str = "hide", caches: TermCaches | None = None) -> PlanSearch:
    """Run one plan's search fields through its language's index pipeline, addresses published by policy."""
    document = plan_document(plan, policy)
    cache = (caches or TermCaches()).of(plan.language)
    return PlanSearch(document["summary"], analyse_document(document, FULL_FIELDS, cache))


def build_search_files(plans: Sequence[Plan], policy: str = "hide") -> dict[str, bytes]:
    """Return the search files by site-relative path: two page scripts and the JSON index.

    E-mail addresses in answers are indexed and summarised as `policy` publishes them;
    terms are named as an English site's pages name them.
    """
    caches = TermCaches()
    analysed = {plan.source_path: analyse_plan(plan, policy, caches) for plan in plans}
    corpus = search_corpus(plans, analysed)
    site = build_site(list(plans), [])
    names = shown_names(site, interface("en").gettext)
    return search_scripts(corpus, analysed, site, names) | search_json(corpus, analysed, site, names)


def search_scripts(
    corpus: SearchCorpus, analysed: Mapping[str, PlanSearch], site: Site, names: TermNames
) -> dict[str, bytes]:
    """Return the two scripts the search page loads, from search_corpus, every plan analysed,
    the site, whose terms the page filters by, and their names as the pages show them."""
    ordered, gathered = corpus
    pipeline = search_pipeline(ordered)
    brief = {
        "index": packed_index(gathered, BRIEF_FIELDS, pipeline),
        "documents": _results(ordered, analysed, site, names),
        "filters": search_filters(ordered, site, names),
        # The page parses a query's field names against the full index from the start.
        "fulltextFields": [field.name for field in FULL_FIELDS],
    }
    if pipeline != SEARCH_PIPELINE:  # the languages' names, for the page's language filter
        brief["languages"] = {plan.language: language_name(plan.language) for plan in ordered}
    return {
        SEARCH_INDEX: _script(brief),
        SEARCH_FULLTEXT: _script({"fulltext": packed_index(gathered, FULL_FIELDS, pipeline)}),
    }


def search_json(
    corpus: SearchCorpus, analysed: Mapping[str, PlanSearch], site: Site, names: TermNames
) -> dict[str, bytes]:
    """Return lunr.js's serialised full index with the result table, from search_corpus,
    every plan analysed, the site and the names of its terms."""
    ordered, gathered = corpus
    pipeline = search_pipeline(ordered)
    documents = {"documents": _results(ordered, analysed, site, names)}
    return {SEARCH_JSON: lunr_index_json(gathered, documents, pipeline)}


def search_filters(ordered: Sequence[Plan], site: Site, names: TermNames) -> dict[str, SearchFilter]:
    """Return the search page's filters by terms, by their address parameter, for the plans
    in index order; goals are listed by number.

    The terms are those of the term pages, named as the pages name them (goals.shown_names),
    so spellings of one term are one filter, and the page filtered to a term keeps the
    plans of that term's page.
    """
    filters = {}
    for key in FILTER_TAXONOMIES:
        terms = sorted(site.taxonomies[key].terms.values(), key=lambda term: term_order(key, term))
        place = {term.slug: number for number, term in enumerate(terms)}
        carried = [site.terms_of(plan, key) for plan in ordered]
        filters[SEARCH_FILTERS[key]] = SearchFilter(
            terms=[(term.slug, names[key][term.slug]) for term in terms],
            documents=[sorted({place[term.slug] for term in found}) for found in carried],
        )
    return filters


def search_pipeline(plans: Sequence[Plan]) -> tuple[str, ...]:
    """Return the pipeline a query goes through: English alone, or every language when some
    plans are French or Spanish (each word then looks up its term in each language)."""
    if any(plan.language in LANGUAGES for plan in plans):
        return (LANGUAGES_LABEL,)
    return SEARCH_PIPELINE


def search_corpus(plans: Sequence[Plan], analysed: Mapping[str, PlanSearch]) -> SearchCorpus:
    """Return the plans in index order, by page name, and their terms gathered in that order."""
    ordered = sorted(plans, key=lambda plan: (plan.slug, plan.source_path))
    return ordered, gather([analysed[plan.source_path].terms for plan in ordered], FULL_FIELDS)


def _results(
    ordered: list[Plan], analysed: Mapping[str, PlanSearch], site: Site, names: TermNames
) -> list[dict[str, Any]]:
    results = [result_entry(plan, analysed[plan.source_path].summary, site, names) for plan in ordered]
    # Each one's language, when known: the page marks the words of those not in its own, and,
    # on a site of several languages, filters by it.
    for result, plan in zip(results, ordered, strict=True):
        if plan.language:
            result["language"] = plan.language
    return results


def plan_document(plan: Plan, policy: str = "hide") -> dict[str, str]:
    """Return the text of every search field of one plan, addresses published by policy."""
    answers = [publish_text(entry.answer, policy) for section in plan.sections for entry in section.answered]
    partners = [
        answer_words(publish_text(text, policy))
        for p in plan.partners
        for text in (p.sector, p.description)
        if text
    ]
    return {
        "title": plan.title,
        "country": plan.country,
        "methods": "\n".join(plan.methods),
        "datasources": "\n".join(plan.datasources),
        "sdgs": "\n".join(plan.sdgs),
        "themes": "\n".join(plan.thematic_areas),
        "partners": "\n".join(answer_words(p.name) for p in plan.partners),
        "summary": plan_summary(plan, policy),
        "year": "" if plan.year is None else str(plan.year),
        "text": "\n".join([answer_words(answer) for answer in answers] + partners),
        "type": plan.type,
    }


def answer_words(markdown: str) -> str:
    """Return text with the words of plain_text(markdown), for the search index.

    Marks at the start of lines and runs of white space are left as they are when the
    tokenizer would split and trim them away alike, which spares the search fields of
    every answer two passes over its text.
    """
    text = without_markup(markdown)
    return text if splits_alike(text) else " ".join(LINE_MARK.sub("", text).split())


def result_entry(plan: Plan, summary: str, site: Site, names: TermNames) -> dict[str, Any]:
    """Return what the page shows of one search result; its url is relative to the site root.

    Its country and methods are the terms the site gives it, named as its pages name them
    (a plan's 'Türkiye' is the site's 'Turkey' when most plans write that).
    """
    countries = [names["country"][term.slug] for term in site.terms_of(plan, "country")]
    return {
        "title": plan.title,
        "url": document_path(plan.type, plan.slug),
        "country": countries[0] if countries else "",
        "year": plan.year,
        "methods": [names["methods"][term.slug] for term in site.terms_of(plan, "methods")],
        "type": plan.type,
        "summary": summary,
    }


def gzipped_size(data: bytes) -> int:
    """Return the size of data once gzipped, as a server or a budget counts it."""
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def _script(value: dict[str, Any]) -> bytes:
    """Return a script that merges value into the page's global search object."""
    head = f"window.{GLOBAL_NAME}=Object.assign(window.{GLOBAL_NAME}||{{}},".encode()
    return b"".join((head, json_bytes(value), b");\n"))  # one copy of a file of megabytes
