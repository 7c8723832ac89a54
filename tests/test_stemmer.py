"""planfolio.stemmer against lunr.js 2.3.9 itself, run by Node on the vendored file."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planfolio.stemmer import fold, fold_accents, index_term, stem, tokenize

from conftest import PROJECT_ROOT

# lunr.tokenizer's separator, /[\s\-]+/, with JavaScript's \s spelt out.
SEPARATOR_PATTERN = "[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff-]+"

LUNR_JS = PROJECT_ROOT / "assets" / "vendor" / "lunr" / "lunr.js"
PIPELINE_JS = PROJECT_ROOT / "assets" / "js" / "search-pipeline.js"

# What lunr.js 2.3.9 gives (lunr.py 0.8.0 gives survei, monei, kei, dai, journei, attornei).
LUNR_JS_STEMS = {
    "survey": "survey",
    "money": "money",
    "key": "key",
    "day": "day",
    "journey": "journey",
    "attorney": "attorney",
    "surveys": "survey",
    "happy": "happi",
    "cry": "cri",
    "yes": "ye",
    "yelling": "yell",
    "relational": "relat",
    "hopping": "hop",
    "ponies": "poni",
    "generalization": "gener",
}

# Read by every script run_node runs: lunr.js, the planfolio pipeline, and stdin as `input`.
_PRELUDE = """
const lunr = require({lunr}); global.lunr = lunr; require({pipeline});
const vm = require('vm');
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
let output = null;
"""


def run_node(script: str, payload: Any) -> Any:
    """Run a Node script with lunr.js loaded, `input` as payload; return its `output`."""
    node = shutil.which("node")
    if node is None:
        print("skipped: node is not installed, so lunr.js cannot be run")
        pytest.skip("node is not installed, so lunr.js cannot be run")
    prelude = _PRELUDE.format(lunr=json.dumps(str(LUNR_JS)), pipeline=json.dumps(str(PIPELINE_JS)))
    source = prelude + script + "\nprocess.stdout.write(JSON.stringify(output));\n"
    done = subprocess.run(
        [node, "-e", source], input=json.dumps(payload), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def lunr_js_words(words: list[str]) -> list[list[str]]:
    """Return lunr.js's [stem, fold, index pipeline result or None] for each word."""
    script = """
    const index = new lunr.Pipeline();
    index.add(PlanfolioSearch.foldFunction, lunr.stopWordFilter, lunr.stemmer);
    output = input.map(word => {
      const terms = index.runString(word);
      return [lunr.stemmer(new lunr.Token(word)).toString(), PlanfolioSearch.fold(word), terms.length ? terms[0] : null];
    });
    """
    return run_node(script, words)


def mismatches(words: list[str], expected: list[str | None], actual: list[str | None]) -> list[str]:
    """Return the words whose results differ, with both results, for a failure message."""
    return [
        f"{w!r}: lunr.js {e!r}, planfolio {a!r}"
        for w, e, a in zip(words, expected, actual, strict=True)
        if e != a
    ]


def test_named_words_stem_as_lunr_js_does() -> None:
    words = sorted(LUNR_JS_STEMS)
    assert {word: stem(word) for word in words} == LUNR_JS_STEMS
    assert [result[0] for result in lunr_js_words(words)] == [LUNR_JS_STEMS[word] for word in words]


def test_stemmer_matches_lunr_js_over_the_corpus_vocabulary(corpus: Path) -> None:
    script = """
    const seen = new Set();
    for (const text of input) for (const token of lunr.tokenizer(text)) seen.add(token.toString());
    output = Array.from(seen);
    """
    texts = [path.read_text(encoding="utf-8-sig") for path in sorted(corpus.glob("*.md"))]
    js_tokens = run_node(script, texts)
    py_tokens = {token for text in texts for token in tokenize(text)}
    assert set(js_tokens) == py_tokens
    words = sorted(py_tokens | {fold(token) for token in py_tokens} - {""})
    print(f"comparing {len(words)} words of {len(texts)} plans with lunr.js")
    results = lunr_js_words(words)
    assert not mismatches(words, [r[0] for r in results], [stem(w) for w in words])[:20]
    assert not mismatches(words, [r[1] for r in results], [fold(w) for w in words])[:20]
    assert not mismatches(words, [r[2] for r in results], [index_term(w) for w in words])[:20]


def test_stemmer_matches_lunr_js_on_generated_words() -> None:
    # Letters that steer the Porter rules (y, doubled consonants, s, e) and a few others.
    generator = random.Random(20240501)
    alphabet = "aeiouyysslltbdnrzcmg😀é"
    suffixes = ["", "s", "es", "ies", "ed", "ing", "y", "ly", "ational", "ness", "ement", "ize", "e", "ll"]
    words = sorted(
        {
            "".join(generator.choice(alphabet) for _ in range(generator.randint(1, 7)))
            + generator.choice(suffixes)
            for _ in range(20000)
        }
    )
    results = lunr_js_words(words)
    assert not mismatches(words, [r[0] for r in results], [stem(w) for w in words])[:20]
    assert not mismatches(words, [r[1] for r in results], [fold(w) for w in words])[:20]


def test_tokenizer_splits_on_javascript_white_space_and_hyphens() -> None:
    text = "Côte\u00a0d'Ivoire—north-east\u2003WASTE\x1cmanagement\ufeffplan"
    expected = run_node("output = lunr.tokenizer(input).map(String);", text)
    assert tokenize(text) == expected
    assert "waste\x1cmanagement" in expected  # \x1c is white space to Python, not to JavaScript
    plain = "north-east  WASTE\tplan\u3000é\u00a0x--y"  # white space both languages share
    assert tokenize(plain) == run_node("output = lunr.tokenizer(input).map(String);", plain)


@given(st.text(alphabet=st.sampled_from("ab -\t\n\x0b\x1c\x1f\x85\xa0\u2003\u2028\u3000\ufeffÉ")))
def test_tokenizer_splits_alike_on_every_mix_of_white_space(text: str) -> None:
    # Text without the white space only one language has is split by str.split.
    assert tokenize(text) == [token for token in re.split(SEPARATOR_PATTERN, text.lower()) if token]


@pytest.mark.parametrize(
    ("token", "folded"),
    [
        ("côte", "cote"),
        ("d'ivoire", "d'ivoire"),
        ("déchets", "dechets"),
        ("“déchets”,", "dechets"),
        ("straße", "strasse"),
        ("œuvre", "oeuvre"),
        ("ﬁnance", "finance"),
        ("undp’s", "undp's"),
        ("été", "ete"),
        ("...", ""),
    ],
)
def test_fold_removes_accents_and_trims_like_lunr_js(token: str, folded: str) -> None:
    assert fold(token) == folded
    assert run_node("output = PlanfolioSearch.fold(input);", token) == folded


def test_fold_accents_keeps_query_syntax_for_the_page() -> None:
    query = "+Côte* -déchets title:Straße “œuvre”~1"
    expected = "+Cote* -dechets title:Strasse “oeuvre”~1"
    assert fold_accents(query) == expected
    assert run_node("output = PlanfolioSearch.foldAccents(input);", query) == expected


def test_index_terms_drop_stop_words_and_empty_tokens() -> None:
    words = ["the", "...", "surveys", "«été»", "your"]
    expected = [result[2] for result in lunr_js_words(words)]
    assert [index_term(word) for word in words] == expected == [None, None, "survey", "et", None]
