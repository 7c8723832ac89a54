"""French and Spanish search terms: planfolio.snowball against lunr-languages in node, and
the search page finding every French or Spanish plan that uses a form of a word."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from lunr.index import Index
from search_browser import SearchPage
from test_search import CHALLENGE, make_plan
from test_search_query import QUERY_JS, page_rules_search

from planfolio.parse import parse_plan
from planfolio.search import build_search_files, plan_document
from planfolio.site import build_site
from planfolio.snowball import (
    TERM_MARKS,
    VENDOR,
    index_term,
    load_with_lunr_py,
    query_terms,
    stem,
    stop_words,
    trim,
    weak_word,
)
from planfolio.stemmer import index_term as english_term
from planfolio.stemmer import register_with_lunr_py, tokenize
from planfolio.urls import SEARCH_FULLTEXT, SEARCH_JSON, document_path

from browser import chromium
from conftest import CORPUS, PROJECT_ROOT

LUNR_JS = PROJECT_ROOT / "assets" / "vendor" / "lunr" / "lunr.js"
PIPELINE_JS = PROJECT_ROOT / "assets" / "js" / "search-pipeline.js"
EXPERIMENTS = CORPUS.parent / "experiments"

# Loads lunr.js, lunr-languages and the planfolio pipeline; `input` is stdin's JSON.
_PRELUDE = """
const lunr = require({lunr}); global.lunr = lunr;
for (const name of ['lunr.stemmer.support.js', 'lunr.fr.js', 'lunr.es.js']) require({vendor} + '/' + name)(lunr);
require({pipeline});
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
let output = null;
"""


def run_node(script: str, payload: Any) -> Any:
    """Run a Node script with lunr.js and lunr-languages loaded, `input` as payload; return its `output`."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed, so lunr-languages cannot be run")
    prelude = _PRELUDE.format(
        lunr=json.dumps(str(LUNR_JS)), vendor=json.dumps(str(VENDOR)), pipeline=json.dumps(str(PIPELINE_JS))
    )
    source = prelude + script + "\nprocess.stdout.write(JSON.stringify(output));\n"
    done = subprocess.run(
        [node, "-e", source], input=json.dumps(payload), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def corpus_plans(folder: Path) -> list:
    """Return the plans of a corpus folder, or skip when it is absent."""
    if not folder.is_dir():
        pytest.skip(f"the real corpus is not at {folder}")
    plans = []
    for path in sorted(folder.glob("*.md")):
        plan, _ = parse_plan(path.read_text(encoding="utf-8", errors="replace"), path.name)
        if plan is not None:
            plans.append(plan)
    return plans


@pytest.fixture(scope="module")
def corpus_words() -> dict[str, list[str]]:
    """Every token of the French and of the Spanish plans and experiments of the corpus."""
    words: dict[str, set[str]] = {"fr": set(), "es": set()}
    for plan in corpus_plans(CORPUS) + corpus_plans(EXPERIMENTS):
        if plan.language in words:
            for text in plan_document(plan).values():
                words[plan.language].update(tokenize(text))
    return {language: sorted(found) for language, found in words.items()}


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_corpus_word_gets_the_term_lunr_languages_gives(corpus_words, language):
    words = corpus_words[language]
    assert len(words) > 1000  # the corpus holds French and Spanish plans, and they were found
    script = """
    output = input.words.map(word => {
      const forms = lunr[input.language];
      const trimmed = forms.trimmer(new lunr.Token(word)).toString();
      return [trimmed, forms.stemmer(new lunr.Token(trimmed)).toString(), PlanfolioSearch.languageTerm(input.language, word) || null];
    });
    """
    expected = run_node(script, {"language": language, "words": words})
    found = [[trim(language, w), stem(language, trim(language, w)), index_term(language, w)] for w in words]
    differences = [(word, js, py) for word, js, py in zip(words, expected, found, strict=True) if js != py]
    assert differences == []


# French words with ë or ï, which Snowball 2 stems otherwise than lunr-languages' French.
_DIAERESES = [
    "jamaïque",
    "haïti",
    "noël",
    "naïve",
    "maïs",
    "canoë",
    "israël",
    "héroïque",
    "égoïste",
    "caraïbes",
]


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_word_of_the_archive_is_stemmed_as_lunr_languages_stems_it(language):
    # Every word of every document of the archive, whatever its language, read as French
    # and as Spanish: the C stemmers and the older French they leave ë and ï to, together.
    folders = [CORPUS, EXPERIMENTS, CORPUS.parent / "other-types"]
    if not all(folder.is_dir() for folder in folders):
        pytest.skip("the real corpus is not beside the project")
    tokens = {
        token
        for folder in folders
        for path in folder.glob("*.md")
        for token in tokenize(path.read_text("utf-8", "replace"))
    }
    words = sorted({trim(language, token) for token in tokens} - {""}) + _DIAERESES
    assert len(words) > 40_000
    script = (
        f"output = input.map(word => lunr[{json.dumps(language)}].stemmer(new lunr.Token(word)).toString());"
    )
    expected = run_node(script, words)
    assert [(word, stem(language, word)) for word in words] == list(zip(words, expected, strict=True))


def test_a_query_word_looks_up_the_same_terms_in_the_browser(corpus_words):
    words = (
        corpus_words["fr"][::7]
        + corpus_words["es"][::7]
        + ["Adaptation", "participación", "the", "les", "AI"]
    )
    script = """output = input.map(word => [
      PlanfolioSearch.queryTerms(word.toLowerCase()), PlanfolioSearch.isWeakWord(word.toLowerCase())
    ]);"""
    expected = run_node(script, words)
    assert [[query_terms(word.lower()), weak_word(word.lower())] for word in words] == expected


@pytest.mark.parametrize(
    ("word", "terms", "weak"),
    [
        ("and", [], False),  # an English stop word is looked up in no language
        ("ai", ["ai", "ai" + TERM_MARKS["es"]], True),  # a French stop word: looked up in English and Spanish
        ("sur", ["sur", "sur" + TERM_MARKS["es"]], True),
        ("les", ["le"], True),  # a stop word of French and Spanish, looked up in English
        # English and French share a stem, a term in each language: each finds its own documents
        ("adaptation", ["adapt", "adapt" + TERM_MARKS["fr"], "adaptation" + TERM_MARKS["es"]], False),
    ],
)
def test_only_english_stop_words_are_left_out_of_a_query(word, terms, weak):
    assert (query_terms(word), weak_word(word)) == (terms, weak)


def three_language_plans() -> list:
    """Return an English, a French and a Spanish plan, whose words share stems across languages:
    the Spanish stem of `financiamiento` is the English one of `financial`, and the French
    stem of `changement` the English one of `change`."""
    answers = {
        "en": "Financial services and the financing of farmers face climate change.",
        "fr": "Le changement climatique touche les agriculteurs.",
        "es": "Las cooperativas buscan financiamiento.",
    }
    return [
        make_plan(f"plan-{language}", f"Plan {language}", [(CHALLENGE, text)], language=language)
        for language, text in answers.items()
    ]


def language_of_term_search(plans: list, queries: list[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Return the languages of the plans each query finds, by the page's script in node and
    by lunr.py with the page's rules (page_rules_search), both on the plans' search files."""
    files = build_search_files(plans)
    serialised = json.loads(files[SEARCH_JSON])
    languages = [document["language"] for document in serialised["documents"]]
    register_with_lunr_py()
    index: Index = load_with_lunr_py(serialised)
    by_lunr_py = [[languages[ref] for ref in page_rules_search(index, query) or []] for query in queries]
    script = """
    require(input.script);
    const index = PlanfolioSearch.loadIndex(input.packed);
    output = input.queries.map(q => PlanfolioSearch.find(index, q, index.fields).hits.map(hit => hit.ref));
    """
    fulltext = files[SEARCH_FULLTEXT].decode()
    packed = json.loads(fulltext[fulltext.index(",") + 1 : fulltext.rindex(")")])["fulltext"]
    found = run_node(script, {"script": str(QUERY_JS), "packed": packed, "queries": queries})
    return [[languages[ref] for ref in refs] for refs in found], by_lunr_py


def own_term(language: str, word: str) -> str | None:
    """Return a word's term in a document language, without the mark of its language."""
    return index_term(language, word) if language in TERM_MARKS else english_term(word)


def holds_own_term(plan: Any, word: str) -> bool:
    """Return whether some search field of a plan holds a word's term in the plan's own language."""
    term = own_term(plan.language, word)
    return term is not None and any(
        own_term(plan.language, token) == term
        for text in plan_document(plan).values()
        for token in tokenize(text)
    )


def test_a_query_words_form_in_a_language_finds_the_documents_of_that_language_alone():
    plans = three_language_plans()
    queries = ["financiamiento", "financial", "changement", "change", "climate"]
    in_node, by_lunr_py = language_of_term_search(plans, queries)
    assert in_node == by_lunr_py
    for query, found in zip(queries, in_node, strict=True):
        expected = [plan.language for plan in plans if holds_own_term(plan, query)]
        assert sorted(found) == sorted(expected), query
    # the stems each language shares with English, so that the checks above could fail
    assert index_term("es", "financiamiento") == english_term("financial")
    assert index_term("fr", "changement") == english_term("change")


def test_a_wildcard_stands_for_the_words_of_every_language_wherever_it_is():
    in_node, by_lunr_py = language_of_term_search(
        three_language_plans(), ["financ*", "*nci", "chang*", "*ang"]
    )
    assert in_node == by_lunr_py
    assert [sorted(found) for found in in_node] == [["en", "es"], ["en", "es"], ["en", "fr"], ["en", "fr"]]


def test_the_stop_words_are_the_vendored_files_own():
    assert {"les", "des", "dans"} <= stop_words("fr")
    assert {"los", "del", "para"} <= stop_words("es")
    assert "adaptation" not in stop_words("fr")


@pytest.mark.parametrize(
    ("language", "forms"),
    [
        (
            "fr",
            [
                "adaptation",
                "adaptée",
                "adaptées",
                "adapter",
                "l'adaptation",
                "d\u2019adaptation",
                "Adaptation,",
            ],
        ),
        ("es", ["financiamiento", "financiamientos", "financiar"]),
        ("es", ["participación", "participantes", "participativos"]),
    ],
)
def test_the_forms_of_a_word_share_one_term_without_accents(language, forms):
    terms = {index_term(language, form.lower()) for form in forms}
    assert len(terms) == 1
    (term,) = terms
    assert term and term.isascii()


def test_stop_words_and_bare_elisions_have_no_term():
    assert index_term("fr", "les") is None
    assert index_term("fr", "qu'il") is None  # "il" is a stop word once the elision is dropped
    assert index_term("fr", "l'") is None
    assert index_term("es", "los") is None


QUERIES = [
    ("adaptation", "fr", "Français"),
    ("financiamiento", "es", "Español"),
    ("participación", "es", "Español"),
]


@pytest.fixture(scope="module")
def site_plans() -> list:
    """Return the plans of the real corpus as the site holds them, with their page names."""
    return build_site(corpus_plans(CORPUS), []).plans


@pytest.fixture(scope="module")
def using_forms(site_plans) -> dict[str, set[str]]:
    """By query, the pages of the plans of its language that use a form of it, by the Snowball stemmer."""
    found = {}
    for query, language, _ in QUERIES:
        target = index_term(language, query)
        found[query] = {
            f"plans/{plan.slug}.html"
            for plan in site_plans
            if plan.language == language
            and any(
                index_term(language, token) == target
                for text in plan_document(plan).values()
                for token in tokenize(text)
            )
        }
    return found


@pytest.mark.parametrize(("query", "language", "name"), QUERIES)
def test_chromium_from_file_finds_every_plan_that_uses_a_form_of_the_word(
    corpus_site, using_forms, query, language, name
):
    expected = using_forms[query]
    assert len(expected) >= 4  # several plans of the language use the word in some form
    with chromium() as browser:
        page = SearchPage(browser, corpus_site.as_uri() + "/")
        page.open(f"q={query}&language={name}")
        found = set(page.result_urls())
        facet = page.facet("language")
        page.close()
    assert page.errors == []
    assert expected <= found
    assert facet[name] == len(found)  # the language filter counts what it keeps


#: Words whose form in one language is the stem of other words in another language.
CROSSING = ["financiamiento", "participación", "changement", "adaptation", "financing"]


def test_chromium_from_file_finds_each_plan_by_the_words_form_in_its_own_language_alone(
    corpus_site, site_plans
):
    with chromium() as browser:
        for query in CROSSING:
            page = SearchPage(browser, corpus_site.as_uri() + "/")
            page.open(f"q={quote(query)}")
            found = page.results_shown()
            page.close()
            assert page.errors == []
            expected = {
                document_path(plan.type, plan.slug) for plan in site_plans if holds_own_term(plan, query)
            }
            assert found == expected, query
