"""The words of French and Spanish documents: lunr-languages' trimmer, stop words and stemmers.

The search page runs the vendored lunr-languages 1.22.0 (assets/vendor/lunr-languages/);
every function here gives what it gives, so a French or Spanish term written at build
time is the term a query looks up. The stemmers are Snowball's own C ones, through
PyStemmer 2.2 (Snowball 2.2), fifty times faster than Snowball's Python: they stem every
word of the archive's plans, experiments and other documents, 94,000 words read as
French and as Spanish, as lunr-languages does, but for French words with ë or ï
(`jamaïque`), which Snowball 2 reads otherwise than the older French of lunr-languages:
those go to the `snowballstemmer` package's French, 1.2.1, the algorithm lunr-languages was
made from. (Snowball 3 also strips elisions and unaccented Spanish suffixes: not it.)
The stop words and word characters are read from the vendored files themselves.

A French or Spanish word goes: trimmed (letters of many scripts kept), French elisions
dropped (`l'`, `d'`, `qu'`...: planfolio's own step, twin of `planfolioElision` in
assets/js/search-pipeline.js), stop words left out, stemmed with its accents (Snowball
reads them), then folded as English words are (`stemmer.fold`), so that the index holds
no accent, and marked with its language (`TERM_MARKS`): a query word's French form finds
French documents alone, and its Spanish form Spanish ones, whatever the English documents
hold (the Spanish `financi` of `financiamiento` is also the English stem of `financial`).
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import Stemmer
from snowballstemmer.french_stemmer import FrenchStemmer

from .stemmer import TermCache, fold
from .stemmer import index_term as english_term

#: Languages with a stemmer of their own here; any other is indexed as English.
LANGUAGES = ("fr", "es")
#: The label of the query function that gives a word's terms in every language.
LANGUAGES_LABEL = "planfolioLanguages"
VENDOR = Path(__file__).resolve().parent.parent / "assets" / "vendor" / "lunr-languages"
#: What each language's terms end with in the index. Folding never leaves U+FF5C in a term
#: (it makes it "|"), so no term of another language ends alike; the codes (ISO 639-2)
#: differ in all three letters, so no typo allowance (two edits at most) turns a term of
#: one language into the same term of the other.
TERM_MARKS = {"fr": "\uff5cfre", "es": "\uff5cspa"}
_NAMES = {"fr": "french", "es": "spanish"}
_WILDCARD = "*"
_ELISION = re.compile("^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['\u2019]")


@lru_cache(maxsize=4)
def _vendored(language: str) -> tuple[re.Pattern[str], frozenset[str]]:
    """Return the trimming pattern and the stop words of lunr.<language>.js."""
    source = (VENDOR / f"lunr.{language}.js").read_text(encoding="utf-8")
    characters = re.search(rf'lunr\.{language}\.wordCharacters = "([^"]*)"', source)
    stop_words = re.search(r"generateStopWordFilter\('([^']*)'\.split\(' '\)\)", source)
    if characters is None or stop_words is None:
        raise RuntimeError(f"{VENDOR.name}/lunr.{language}.js: no word characters or stop words found")
    # The JavaScript string's \xHH and \uHHHH escapes, read as Python reads them.
    allowed = codecs.decode(characters.group(1), "unicode_escape") + "0-9"
    trim = re.compile(f"^[^{allowed}]*(.*?)[^{allowed}]*\\Z", re.S)
    return trim, frozenset(stop_words.group(1).split(" "))


def trim(language: str, token: str) -> str:
    """Trim what is not a word character from both ends, as lunr.<language>.trimmer does."""
    return _vendored(language)[0].match(token).group(1)  # type: ignore[union-attr]


def stop_words(language: str) -> frozenset[str]:
    """Return the stop words of lunr.<language>.stopWordFilter."""
    return _vendored(language)[1]


def stem(language: str, word: str) -> str:
    """Return the Snowball stem of a lower-cased word, as lunr.<language>.stemmer gives it."""
    if language == "fr" and ("ë" in word or "ï" in word):
        return _older_french().stemWord(word)  # type: ignore[no-any-return]
    return _stemmer(language).stemWord(word)  # type: ignore[no-any-return]


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_NAMES[language])


@lru_cache(maxsize=1)
def _older_french() -> FrenchStemmer:
    """The French of Snowball before 2, in Python (snowballstemmer.stemmer() would give
    PyStemmer's, where it is installed)."""
    return FrenchStemmer()


def index_term(language: str, token: str) -> str | None:
    """Return the term of a French or Spanish token without its language's mark, or None for a
    stop word or nothing left."""
    word = trim(language, token)
    if language == "fr":
        word = _ELISION.sub("", word)
    if not word or word in stop_words(language):
        return None
    return fold(stem(language, word)) or None


def language_term(language: str, token: str) -> str | None:
    """Return the term a French or Spanish token is indexed by: its index_term, marked with its language."""
    term = index_term(language, token)
    return None if term is None else term + TERM_MARKS[language]


class LanguageTermCache(TermCache):
    """The index terms of one language's tokens that one build has met, computed on first use."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def __missing__(self, token: str) -> str | None:
        term = self[token] = language_term(self.language, token)
        return term


class TermCaches:
    """The term caches of one build, one per language of its documents."""

    def __init__(self) -> None:
        self._caches: dict[str, TermCache] = {}

    def of(self, language: str) -> TermCache:
        """Return the cache of a document language (English for any without a stemmer here)."""
        language = language if language in LANGUAGES else "en"
        cache = self._caches.get(language)
        if cache is None:
            cache = self._caches[language] = TermCache() if language == "en" else LanguageTermCache(language)
        return cache


def query_terms(word: str) -> list[str]:
    """Return the terms a query word looks up: its English, French and Spanish terms, each
    marked with its language, so that each finds the documents of its language alone.

    None for an English stop word ("and" is no French word to look for in English plans).
    A stop word of French or Spanish only (`ai`, `son`, `sur`) looks up the terms of the
    other languages; it is a weak word (see weak_word): "AI" must find the plans on AI.
    """
    english = english_term(word)
    if english is None:
        return []
    terms = [english, *(language_term(language, word) for language in LANGUAGES)]
    return list(dict.fromkeys(term for term in terms if term))


def weak_word(word: str) -> bool:
    """Return whether a query word is a stop word of French or Spanish but not of English:
    it is looked up, but a document need not hold it (the French plans have no `sur`)."""
    if english_term(word) is None:
        return False
    return any(index_term(language, word) is None for language in LANGUAGES)


def wildcard_terms(term: str) -> list[str]:
    """Return the terms a wildcard term stands as in every language: the terms of French and
    Spanish documents end with their language's mark, which only a wildcard at the end covers."""
    if term.endswith(_WILDCARD):
        return [term]
    return [term, *(term + TERM_MARKS[language] for language in LANGUAGES)]


def lunr_py_languages(token: Any, i: int | None = None, tokens: Any = None) -> list[Any]:
    """Turn a lunr.py query token into one token for each of its terms (see query_terms)."""
    return [token.clone(lambda string, metadata, term=term: term) for term in query_terms(str(token))]


def load_with_lunr_py(serialised: dict[str, Any]) -> Any:
    """Load search-index.json with lunr.py as the search page loads its indexes: on a site of
    several languages, a query word looks up those of its terms the index holds.

    lunr reads the terms of a word as all required, so a word would find nothing whenever
    one of its languages' terms is in no plan. A wildcard term sent through the pipeline
    (lunr's parser does not) stands for the words of every language (see wildcard_terms).
    Call stemmer.register_with_lunr_py() first.
    """
    from lunr.index import Index
    from lunr.pipeline import Pipeline
    from lunr.token_set import TokenSet

    index = Index.load(serialised)
    if LANGUAGES_LABEL in serialised.get("pipeline", ()):

        def held(term: str) -> bool:
            if _WILDCARD not in term:
                return term in index.inverted_index
            return bool(index.token_set.intersect(TokenSet.from_string(term)).to_list())

        def planfolio_languages_in(token: Any, i: int | None = None, tokens: Any = None) -> list[Any]:
            text = str(token)
            terms = query_terms(text) if _WILDCARD not in text else wildcard_terms(text)
            kept = [term for term in terms if held(term)] or terms[:1]
            return [token.clone(lambda string, metadata, term=term: term) for term in kept]

        index.pipeline = Pipeline()
        index.pipeline.add(planfolio_languages_in)
    return index
