"""The search files, checked by lunr.js 2.3.9 (through Node) and by lunr.py."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from lunr.index import Index
from test_stemmer import run_node

from planfolio.model import Entry, Partner, Plan, Section
from planfolio.search import BRIEF_FIELDS, FULL_FIELDS, build_search_files, plan_document
from planfolio.stemmer import register_with_lunr_py

TWEET = "Short “tweet” summary: We would like to tweet what you are working on?"
CHALLENGE = 'Challenge statement: What is your challenge? (Please answer: "Our challenge is that...”.)'
QUERIES = [
    "waste",
    "dechets",
    "déchets",
    "cote d'ivoire",
    "Côte",
    "COTE",
    "survey",
    "journeys",
    "title:waste",
    "+waste -kenya",
    "wast*",
    "money~1",
    "strasse",
    "oeuvre",
    "finance",
    "the",
    "nothing-like-this",
]


def make_plan(slug: str, title: str, answers: list[tuple[str, str]], **fields: Any) -> Plan:
    """Return a plan whose one section holds the given (question, answer) entries."""
    entries = tuple(Entry(question, answer, number + 3) for number, (question, answer) in enumerate(answers))
    partners = fields.pop("partners", ())
    section = Section("Challenge statement", "challenge_statement", 2, entries, partners)
    return Plan(source_path=f"{slug}.md", title=title, slug=slug, sections=(section,), **fields)


def sample_plans() -> list[Plan]:
    """Return a few plans with accents, markup, partners and the words lunr.py stems wrongly."""
    return [
        make_plan(
            "recyclage",
            "Recyclage des déchets plastiques",
            [
                (TWEET, "Nous trions les **déchets** à Abidjan."),
                (CHALLENGE, "Our challenge is that waste piles up."),
            ],
            country="Côte d'Ivoire",
            year=2022,
            methods=("Co-création",),
            partners=(Partner("Ministère de l'Économie", "Public", "Données sur les déchets"),),
        ),
        make_plan(
            "kenya-waste",
            "Waste management in Kenya",
            [
                (
                    CHALLENGE,
                    "Our challenge is that every survey, money and key day of the journey costs an attorney.",
                )
            ],
            country="Kenya",
            year=2023,
            methods=("Solutions mapping", "Surveys"),
            datasources=("Open data",),
            sdgs=("SDG 11",),
        ),
        make_plan(
            "markup",
            "Straße und Œuvre",
            [("Anything else?", "**Bold** <br> [link text](https://example.org) see www.example.com ﬁnance")],
            country="Ivory Coast",
            thematic_areas=("Urban waste",),
        ),
        make_plan("empty", "A plan with no answers", [], country="Kenya"),
        make_plan("journeys", "Journeys of money", [("Q", "Journeys and surveys, waste and more waste.")]),
    ]


def documents_and_json(plans: list[Plan]) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """Return the documents in ref order and the parsed search-index.json."""
    index = json.loads(build_search_files(plans)["search-index.json"])
    ordered = sorted(plans, key=lambda plan: plan.slug)
    return [plan_document(plan) for plan in ordered], index


def lunr_js_build(documents: list[dict[str, str]], fields: Any, queries: list[str]) -> dict[str, Any]:
    """Build an index of the documents with lunr.js's own Builder; return its JSON and results."""
    script = """
    const builder = new lunr.Builder();
    builder.pipeline.add(PlanfolioSearch.foldFunction, lunr.stopWordFilter, lunr.stemmer);
    builder.searchPipeline.add(PlanfolioSearch.foldFunction, lunr.stemmer);
    builder.ref('id');
    input.fields.forEach(([name, boost]) => builder.field(name, {boost: boost}));
    input.documents.forEach((doc, number) => builder.add(Object.assign({id: String(number)}, doc)));
    const index = builder.build();
    output = {json: index.toJSON(), results: input.queries.map(q => index.search(q).map(r => [r.ref, r.score]))};
    """
    payload = {"documents": documents, "fields": [[f.name, f.boost] for f in fields], "queries": queries}
    return run_node(script, payload)


def lunr_js_search(serialised: dict[str, Any], queries: list[str]) -> list[list[list[Any]]]:
    """Load a serialised index with lunr.Index.load and return each query's [ref, score] list."""
    script = """
    const index = lunr.Index.load(input.index);
    output = input.queries.map(q => index.search(q).map(r => [r.ref, r.score]));
    """
    return run_node(script, {"index": serialised, "queries": queries})


def lunr_index_only(index: dict[str, Any]) -> dict[str, Any]:
    """Return a parsed search-index.json without planfolio's table of results."""
    return {key: value for key, value in index.items() if key != "documents"}


def normalised(serialised: dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, float]]]:
    """Return an index's postings and weights keyed by term, whatever its term numbering."""
    terms = {posting["_index"]: term for term, posting in serialised["invertedIndex"]}
    postings = {
        term: {k: v for k, v in p.items() if k != "_index"} for term, p in serialised["invertedIndex"]
    }
    weights = {
        ref: dict(zip(map(terms.get, v[::2]), v[1::2], strict=True)) for ref, v in serialised["fieldVectors"]
    }
    return postings, weights


def test_our_index_is_the_one_lunr_js_builds_from_the_same_documents() -> None:
    documents, index = documents_and_json(sample_plans())
    built = lunr_js_build(documents, FULL_FIELDS, QUERIES)
    assert lunr_index_only(index) == built["json"]
    assert lunr_js_search(index, QUERIES) == built["results"]


def test_lunr_py_finds_what_lunr_js_finds_in_the_json_index() -> None:
    _, index = documents_and_json(sample_plans())
    register_with_lunr_py()
    loaded = Index.load(index)  # as it is, table of results included
    for query, js_results in zip(QUERIES, lunr_js_search(index, QUERIES), strict=True):
        py_results = [[r["ref"], r["score"]] for r in loaded.search(query)]
        assert [ref for ref, _ in py_results] == [ref for ref, _ in js_results], query
        assert [score for _, score in py_results] == pytest.approx([score for _, score in js_results]), query


def test_accents_fold_at_build_and_at_query_time() -> None:
    documents, index = documents_and_json(sample_plans())
    refs = {doc["title"]: str(number) for number, doc in enumerate(documents)}
    found = dict(zip(QUERIES, lunr_js_search(index, QUERIES), strict=True))
    titles = {query: {ref for ref, _ in found[query]} for query in QUERIES}
    assert titles["dechets"] == titles["déchets"] == {refs["Recyclage des déchets plastiques"]}
    assert (
        titles["Côte"]
        == titles["COTE"]
        == titles["cote d'ivoire"]
        == {refs["Recyclage des déchets plastiques"]}
    )
    assert titles["strasse"] == titles["oeuvre"] == titles["finance"] == {refs["Straße und Œuvre"]}


def test_wildcard_queries_find_accented_words_once_the_page_folds_them() -> None:
    _, index = documents_and_json(sample_plans())
    script = """
    const index = lunr.Index.load(input);
    output = ['déch*', PlanfolioSearch.foldAccents('déch*')].map(q => index.search(q).length);
    """
    assert run_node(script, lunr_index_only(index)) == [0, 1]


def test_words_lunr_py_would_stem_differently_are_found() -> None:
    documents, index = documents_and_json(sample_plans())
    found = dict(zip(QUERIES, lunr_js_search(index, QUERIES), strict=True))
    kenya = str([doc["title"] for doc in documents].index("Waste management in Kenya"))
    assert kenya in {ref for ref, _ in found["survey"]}
    assert "survey" in dict(index["invertedIndex"]) and "survei" not in dict(index["invertedIndex"])
    assert found["the"] == [] and found["nothing-like-this"] == []


def test_page_scripts_expand_to_the_indexes_lunr_js_builds() -> None:
    plans = sample_plans()
    files = build_search_files(plans)
    documents, index = documents_and_json(plans)
    script = """
    global.window = {};
    vm.runInThisContext(input.first);
    vm.runInThisContext(input.second);
    const data = window.PLANFOLIO_SEARCH;
    output = {
      brief: PlanfolioSearch.loadIndex(data.index).toJSON(),
      full: PlanfolioSearch.loadIndex(data.fulltext).toJSON(),
      documents: data.documents,
      fields: data.fulltextFields,
    };
    """
    page = run_node(
        script, {"first": files["search-index.js"].decode(), "second": files["search-fulltext.js"].decode()}
    )
    brief = lunr_js_build(documents, BRIEF_FIELDS, [])["json"]
    assert normalised(json.loads(json.dumps(page["full"]))) == normalised(index)
    assert normalised(page["brief"]) == normalised(brief)
    assert page["documents"] == index["documents"]
    assert page["fields"] == [field.name for field in FULL_FIELDS] == index["fields"]


def test_result_table_holds_what_a_result_shows() -> None:
    plans = sample_plans()
    _, index = documents_and_json(plans)
    first = index["documents"][[d["url"] for d in index["documents"]].index("plans/recyclage.html")]
    assert first.pop("language") == plans[0].language  # for the page to mark when not its own
    assert first == {
        "title": "Recyclage des déchets plastiques",
        "url": "plans/recyclage.html",
        "country": "Côte d'Ivoire",
        "year": 2022,
        "methods": ["Co-création"],
        "type": "learningplan",
        "summary": "Nous trions les déchets à Abidjan.",
    }


def test_a_result_names_its_terms_as_their_pages_do_whatever_the_plan_wrote() -> None:
    # Names of one country by its code, and a method's page named apart from its slug.
    plans = [
        make_plan("a", "Alpha", [(CHALLENGE, "Water.")], country="Turkey", methods=("Co-creation",)),
        make_plan("b", "Beta", [(CHALLENGE, "Water.")], country="Turkey", methods=("co creation",)),
        make_plan("c", "Gamma", [(CHALLENGE, "Water.")], country="Türkiye", methods=("Index",)),
    ]
    _, index = documents_and_json(plans)
    shown = {d["title"]: (d["country"], d["methods"]) for d in index["documents"]}
    assert shown["Gamma"] == ("Turkey", ["Index"])  # its country was left out: 'turkiye' names no page
    assert shown["Alpha"] == shown["Beta"]  # two spellings, one term, one name


def test_summary_is_the_tweet_else_the_challenge_else_the_first_answer_as_plain_text() -> None:
    long = "word " * 100
    plans = [
        make_plan("a", "A", [(CHALLENGE, "The challenge."), (TWEET, "The tweet.")]),
        make_plan("b", "B", [("Other", "First."), (CHALLENGE, "The challenge.")]),
        make_plan("c", "C", [("Other", "**Bold** <br>[link](https://x.org) see https://y.org &amp; more")]),
        make_plan("d", "D", [(TWEET, long)]),
        make_plan("e", "E", []),
    ]
    summaries = [
        doc["summary"] for doc in json.loads(build_search_files(plans)["search-index.json"])["documents"]
    ]
    assert summaries[:3] == ["The tweet.", "The challenge.", "Bold link see & more"]
    assert len(summaries[3]) <= 200 and summaries[3].endswith("word…")
    assert summaries[4] == ""


def test_a_site_without_plans_still_gets_loadable_empty_indexes() -> None:
    files = build_search_files([])
    script = """
    global.window = {};
    vm.runInThisContext(input.first);
    vm.runInThisContext(input.second);
    const data = window.PLANFOLIO_SEARCH;
    const loaded = [PlanfolioSearch.loadIndex(data.index), PlanfolioSearch.loadIndex(data.fulltext), lunr.Index.load(input.json)];
    output = loaded.map(index => index.search('waste').length);
    """
    texts = {name: files[name].decode() for name in ("search-index.js", "search-fulltext.js")}
    payload = {"first": texts["search-index.js"], "second": texts["search-fulltext.js"]}
    assert run_node(script, payload | {"json": json.loads(files["search-index.json"])}) == [0, 0, 0]


def test_files_are_byte_for_byte_the_same_whatever_the_order_of_plans() -> None:
    plans = sample_plans()
    assert build_search_files(plans) == build_search_files(list(reversed(plans)))


def test_the_real_corpus_index_is_lunr_js_s_and_fits_the_budget(corpus: Path) -> None:
    from planfolio.parse import parse_plan_bytes
    from planfolio.search import gzipped_size
    from planfolio.site import build_site

    plans = [parse_plan_bytes(path.read_bytes(), path.name)[0] for path in sorted(corpus.glob("*.md"))]
    site = build_site([plan for plan in plans if plan is not None], [])
    # lunr.js's own builder has one pipeline for every document: the English plans' index is
    # its index (the French and Spanish plans' terms are tested in test_snowball.py).
    english = [plan for plan in site.plans if plan.language == "en"]
    files = build_search_files(english)
    index = json.loads(files["search-index.json"])
    documents = [plan_document(plan) for plan in english]
    queries = ["waste", "dechets", "youth unemployment", "survey", "title:plastic", "solution* mapping"]
    built = lunr_js_build(documents, FULL_FIELDS, queries)
    assert lunr_index_only(index) == built["json"]
    assert lunr_js_search(index, queries) == built["results"]
    assert gzipped_size(build_search_files(site.plans)["search-index.js"]) <= 600_000
    assert sum(gzipped_size(files[name]) for name in ("search-index.js", "search-fulltext.js")) <= 2_400_000


def test_addresses_in_answers_follow_the_focal_point_policy():
    from planfolio.parse import parse_plan

    text = "# Reach us\n## End\n\n> Contact?\n\nWrite to someone.private@example.org today.\n"
    plan = replace(parse_plan(text, "a.md")[0], slug="reach-us")
    hidden = build_search_files([plan], "hide")
    shown = build_search_files([plan], "show")
    assert all(b"someone.private" not in data for data in hidden.values())
    assert any(b"someone.private" in data for data in shown.values())
