"""How the search page reads a query (assets/js/search-query.js), run by Node on small indexes.

`page_rules_search` states the same rules for lunr.py; the browser tests use it to
check the page against lunr.py on the real corpus, and these tests check that it and
the script agree.
"""

from __future__ import annotations

import re
from typing import Any

from lunr.exceptions import QueryParseError
from lunr.index import Index
from lunr.query import Clause, QueryPresence
from lunr.query_parser import QueryParser
from test_search import documents_and_json, lunr_index_only, sample_plans
from test_stemmer import run_node

from planfolio.snowball import query_terms, weak_word
from planfolio.stemmer import STOP_WORDS, fold, fold_accents, register_with_lunr_py

from conftest import PROJECT_ROOT

QUERY_JS = PROJECT_ROOT / "assets" / "js" / "search-query.js"
SYNTAX = re.compile(r"[+\-:*~^\\]")
LONE_SIGNS = re.compile(r"(?<!\S)[+-]+(?!\S)")
FIELD_NAME = re.compile(r"(^|[\s+\-])([A-Za-z_]+)(?=:)")
MAX_EDIT_DISTANCE = 2
QUERIES = [
    "waste",
    "waste kenya",
    "waste - kenya",
    "waste zzzz",
    "+waste zzzz",
    "waste -kenya",
    "-kenya",
    "the of",
    "*",
    "wast*",
    "(wast*)",
    "title:waste",
    "TITLE:waste",
    "+Title:waste kenya",
    "Nomadism: waste",
    "nomadism: waste",
    "waste~",
    "money~9",
    "déchets plastiques",
    "+",
    "c++",
    "year:2023",
]


def page_rules_search(index: Index, text: str) -> list[int] | None:
    """Return the refs the page's rules give for a query with lunr.py, or None when it has no words.

    On an index of several languages the query keeps its accents, only wildcard and typo
    terms are folded, and wildcard terms go through the pipeline (see search-query.js).
    """
    multilingual = _multilingual(index)
    folded = LONE_SIGNS.sub(" ", text if multilingual else fold_accents(text))
    folded = FIELD_NAME.sub(lambda found: found[1] + _lower_field(index, found[2]), folded)
    try:
        clauses = _parse(index, folded)
    except QueryParseError:
        clauses = _parse(index, SYNTAX.sub(" ", folded))
    kept = [clause for clause in clauses if _searchable(clause, multilingual)]
    if not kept:
        return None
    optional = sum(clause.presence == QueryPresence.OPTIONAL and not _weak(clause) for clause in kept)
    if any(clause.presence == QueryPresence.REQUIRED for clause in kept) or not optional:
        return _run(index, kept, every_word=False)
    found = _run(index, kept, every_word=True)
    return found if found or optional < 2 else _run(index, kept, every_word=False)


def _lower_field(index: Index, name: str) -> str:
    return name.lower() if name.lower() in index.fields else name


def _parse(index: Index, text: str) -> list[Clause]:
    query = index.create_query()
    QueryParser(text, query).parse()
    return query.clauses


def _multilingual(index: Index) -> bool:
    return any(
        getattr(function, "__name__", "") == "planfolio_languages_in" for function in index.pipeline._stack
    )


def _searchable(clause: Clause, multilingual: bool = False) -> bool:
    clause.edit_distance = min(clause.edit_distance, MAX_EDIT_DISTANCE)
    if clause.use_pipeline and multilingual:
        clause.weak = weak_word(clause.term)
        return bool(query_terms(clause.term))
    if clause.use_pipeline:
        word = fold(clause.term)
        return bool(word) and word not in STOP_WORDS
    if multilingual:
        clause.term = fold_accents(clause.term)
    clause.term = re.sub(r"[^A-Za-z0-9_*]+$", "", re.sub(r"^[^A-Za-z0-9_*]+", "", clause.term))
    clause.use_pipeline = multilingual  # for the wildcard to stand for words of every language
    return bool(clause.term.strip("*"))


def _weak(clause: Clause) -> bool:
    """Return whether a clause is a weak word: looked up, never required (see search-query.js)."""
    return getattr(clause, "weak", False)


def _run(index: Index, clauses: list[Clause], every_word: bool) -> list[int]:
    query = index.create_query()
    for clause in clauses:
        presence = clause.presence
        if every_word and presence == QueryPresence.OPTIONAL and not _weak(clause):
            presence = QueryPresence.REQUIRED
        query.clause(
            Clause(
                term=clause.term,
                fields=list(clause.fields),
                edit_distance=clause.edit_distance,
                use_pipeline=clause.use_pipeline,
                boost=clause.boost,
                wildcard=clause.wildcard,
                presence=presence,
            )
        )
    return [int(result["ref"]) for result in index.query(query)]


def find_in_node(queries: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """Return what PlanfolioSearch.find gives for each query on the sample plans, and their titles."""
    documents, index = documents_and_json(sample_plans())
    script = """
    require(input.script);
    const index = lunr.Index.load(input.index);
    output = input.queries.map(q => PlanfolioSearch.find(index, q, index.fields));
    """
    payload = {"script": str(QUERY_JS), "index": lunr_index_only(index), "queries": queries}
    return run_node(script, payload), [doc["title"] for doc in documents]


def highlight_in_node(cases: list[tuple[str, list[str]]]) -> list[list[list[Any]]]:
    """Return PlanfolioSearch.highlight's pieces for each (text, terms) case."""
    script = "require(input.script); output = input.cases.map(([t, terms]) => PlanfolioSearch.highlight(t, terms));"
    return run_node(script, {"script": str(QUERY_JS), "cases": cases})


def test_the_script_and_the_lunr_py_rules_find_the_same_plans_in_the_same_order():
    found, _ = find_in_node(QUERIES)
    _, index = documents_and_json(sample_plans())
    register_with_lunr_py()
    loaded = Index.load(index)
    for query, result in zip(QUERIES, found, strict=True):
        expected = page_rules_search(loaded, query)
        if expected is None:
            assert result["outcome"] == "no-words", query
        else:
            assert [hit["ref"] for hit in result["hits"]] == expected, query


def test_plain_words_must_all_match_else_any_of_them_do():
    queries = ["waste kenya", "waste - kenya", "waste zzzz", "+waste zzzz", "zzzz yyyy"]
    found, titles = find_in_node(queries)
    outcome = {
        q: (r["outcome"], sorted(titles[hit["ref"]] for hit in r["hits"]))
        for q, r in zip(queries, found, strict=True)
    }
    assert outcome["waste kenya"] == ("found", ["Waste management in Kenya"])
    assert outcome["waste - kenya"] == outcome["waste kenya"]
    waste = [
        "Journeys of money",
        "Recyclage des déchets plastiques",
        "Straße und Œuvre",
        "Waste management in Kenya",
    ]
    assert outcome["waste zzzz"] == ("any-word", waste)
    assert outcome["+waste zzzz"] == ("found", waste)
    assert outcome["zzzz yyyy"] == ("found", [])


def test_queries_with_nothing_to_search_say_so():
    found, _ = find_in_node(["", "   ", "the of and", "*", "+", "-", "**"])
    assert [r["outcome"] for r in found] == ["all", "all"] + ["no-words"] * 5
    assert all(r["hits"] == [] for r in found)


def test_syntax_lunr_cannot_parse_is_read_as_plain_words():
    found, titles = find_in_node(["nomadism: waste", "waste~", "waste^x", "title:waste", "wast*"])
    assert [r["sanitised"] for r in found] == [True, True, True, False, False]
    assert [titles[hit["ref"]] for hit in found[3]["hits"]] == ["Waste management in Kenya"]
    assert len(found[4]["hits"]) == 4


def test_hits_carry_the_index_words_they_matched_except_for_a_negated_query():
    found, titles = find_in_node(["dechets", "-kenya"])
    assert [hit["terms"] for hit in found[0]["hits"]] == [["dechet"]]
    assert found[1]["hits"] and all(hit["terms"] == [] for hit in found[1]["hits"])
    assert "Waste management in Kenya" not in [titles[hit["ref"]] for hit in found[1]["hits"]]


def test_fields_the_index_lacks_wait_for_the_full_text():
    _, index = documents_and_json(sample_plans())
    script = """
    require(input.script);
    const fields = input.index.fields;
    const small = lunr.Index.load(Object.assign({}, input.index, {fields: fields.filter(f => f !== 'year')}));
    output = PlanfolioSearch.find(small, 'year:2023', fields).outcome;
    """
    assert run_node(script, {"script": str(QUERY_JS), "index": lunr_index_only(index)}) == "pending"


def test_highlighted_words_are_those_whose_index_word_matched_without_their_punctuation():
    cases = [
        ("Recyclage des déchets, plastiques.", ["dechet"]),
        ("\u201cWaste-pickers\u201d sort waste.", ["wast"]),
        ("Surveys and a survey", ["survey"]),
        ("Nothing here", ["wast"]),
        ("No terms", []),
    ]
    assert highlight_in_node(cases) == [
        [["Recyclage des ", False], ["déchets", True], [", plastiques.", False]],
        [["\u201c", False], ["Waste", True], ["-pickers\u201d sort ", False], ["waste", True], [".", False]],
        [["Surveys", True], [" and a ", False], ["survey", True]],
        [["Nothing here", False]],
        [["No terms", False]],
    ]


def test_a_field_name_in_any_case_finds_what_it_finds_in_lower_case():
    queries = ["title:waste", "TITLE:waste", "Title:waste", "+TITLE:waste -country:kenya"]
    found, titles = find_in_node(queries)
    hits = [[titles[int(hit["ref"])] for hit in result["hits"]] for result in found]
    assert hits[0] and hits[1] == hits[2] == hits[0]
    assert not found[1]["sanitised"]  # read as a field, not as the plain words 'title' and 'waste'
    assert set(hits[3]) <= set(hits[0])
