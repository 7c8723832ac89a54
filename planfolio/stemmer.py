"""The words of the search index: lunr.js 2.3.9's tokenizer, stop words and stemmer.

Every function here gives exactly what lunr.js 2.3.9 gives in the browser, so a
term written at build time is the term a query looks up. lunr.py 0.8.0 is not used
for this: its stemmer strips a final "y" after a vowel ("survey" -> "survei") where
lunr.js keeps it. The accent folding (`fold`) has a JavaScript twin in
assets/js/search-pipeline.js, registered under the same label, `FOLD_LABEL`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

#: The label of the folding pipeline function, in lunr.js and in lunr.py alike.
FOLD_LABEL = "planfolioFold"
#: The label of lunr.js's own stemmer, which `stem` reproduces.
STEMMER_LABEL = "stemmer"

# JavaScript's \s (ECMAScript WhiteSpace and LineTerminator), which is not Python's.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_SEPARATOR = re.compile(f"[{_JS_SPACE}\\-]+")
# White space to one of Python's str.split and JavaScript's \s, and not to the other.
_NOT_SHARED_SPACE = re.compile("[\x1c-\x1f\x85\ufeff]")
# JavaScript's "." matches anything but a line terminator; its \W is ASCII only.
_DOT = "[^\n\r\u2028\u2029]"
_TRIM = re.compile(r"[^A-Za-z0-9_]*(.*[A-Za-z0-9_])?", re.S)
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
# Letters NFKD leaves whole, and apostrophes; the JavaScript twin holds the same table.
_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th"}
    | {"ł": "l", "ħ": "h", "ı": "i", "ŀ": "l", "ŧ": "t"}
    | {"\u2018": "'", "\u2019": "'", "\u02bc": "'"}  # typographic apostrophes
)

STOP_WORDS = frozenset({
    "a", "able", "about", "across", "after", "all", "almost", "also", "am", "among", "an", "and",
    "any", "are", "as", "at", "be", "because", "been", "but", "by", "can", "cannot", "could",
    "dear", "did", "do", "does", "either", "else", "ever", "every", "for", "from", "get", "got",
    "had", "has", "have", "he", "her", "hers", "him", "his", "how", "however", "i", "if", "in",
    "into", "is", "it", "its", "just", "least", "let", "like", "likely", "may", "me", "might",
    "most", "must", "my", "neither", "no", "nor", "not", "of", "off", "often", "on", "only", "or",
    "other", "our", "own", "rather", "said", "say", "says", "she", "should", "since", "so", "some",
    "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "tis", "to",
    "too", "twas", "us", "wants", "was", "we", "were", "what", "when", "where", "which", "while",
    "who", "whom", "why", "will", "with", "would", "yet", "you", "your",
})  # fmt: skip


def splits_alike(text: str) -> bool:
    """Return whether text holds white space only where Python's str.split and JavaScript's
    \\s agree (almost all text does)."""
    return _NOT_SHARED_SPACE.search(text) is None


def tokenize(text: str) -> list[str]:
    """Split text into lower-cased tokens as `lunr.tokenizer` does."""
    if splits_alike(text):
        # White space is the same to Python and JavaScript here, and str.split is faster.
        return text.lower().replace("-", " ").split()
    return list(filter(None, _SEPARATOR.split(text.lower())))


def fold_accents(text: str) -> str:
    """Return text without accents: NFKD, combining marks dropped, a few letters spelt out."""
    if text.isascii():
        return text
    return _MARKS.sub("", unicodedata.normalize("NFKD", text)).translate(_LETTERS)


def fold(token: str) -> str:
    """Fold a token's accents and trim non-word characters from both ends, as lunr.trimmer does."""
    return _TRIM.match(fold_accents(token)).group(1) or ""  # type: ignore[union-attr]


def index_term(token: str) -> str | None:
    """Return the indexed term of a token, or None for a stop word or nothing left."""
    word = fold(token)
    if not word or word in STOP_WORDS:
        return None
    return stem(word)


class TermCache(dict[str, "str | None"]):
    """The index terms of the tokens one build has met, computed on first use."""

    def __missing__(self, token: str) -> str | None:
        term = self[token] = index_term(token)
        return term


_STEP2 = {
    "ational": "ate", "tional": "tion", "enci": "ence", "anci": "ance", "izer": "ize",
    "bli": "ble", "alli": "al", "entli": "ent", "eli": "e", "ousli": "ous",
    "ization": "ize", "ation": "ate", "ator": "ate", "alism": "al", "iveness": "ive",
    "fulness": "ful", "ousness": "ous", "aliti": "al", "iviti": "ive", "biliti": "ble",
    "logi": "log",
}  # fmt: skip
_STEP3 = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": ""}

_C = "[^aeiou][^aeiouy]*"  # consonant sequence
_V = "[aeiouy][aeiou]*"  # vowel sequence
_MGR0 = re.compile(f"^({_C})?{_V}{_C}")  # measure > 0
_MEQ1 = re.compile(f"^({_C})?{_V}{_C}({_V})?\\Z")  # measure == 1
_MGR1 = re.compile(f"^({_C})?{_V}{_C}{_V}{_C}")  # measure > 1
_S_V = re.compile(f"^({_C})?[aeiouy]")  # vowel in stem
_CVC = re.compile(f"^{_C}[aeiouy][^aeiouwxy]\\Z")  # consonant, vowel, consonant

_1A = re.compile(f"^({_DOT}+?)(ss|i)es\\Z")
_1A2 = re.compile(f"^({_DOT}+?)([^s])s\\Z")
_1B = re.compile(f"^({_DOT}+?)eed\\Z")
_1B2 = re.compile(f"^({_DOT}+?)(ed|ing)\\Z")
_LAST = re.compile(f"{_DOT}\\Z")
_AT_BL_IZ = re.compile("(at|bl|iz)\\Z")
_DOUBLE = re.compile("([^aeiouylsz])\\1\\Z")
_1C = re.compile(f"^({_DOT}+?[^aeiou])y\\Z")
_2 = re.compile(f"^({_DOT}+?)({'|'.join(_STEP2)})\\Z")
_3 = re.compile(f"^({_DOT}+?)({'|'.join(_STEP3)})\\Z")
_STEP4_ENDS: tuple[str, ...] = ("al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment")
_STEP4_ENDS += ("ent", "ou", "ism", "ate", "iti", "ous", "ive", "ize")
_STEP2_ENDS = tuple(_STEP2)
_STEP3_ENDS = tuple(_STEP3)
_4 = re.compile(f"^({_DOT}+?)({'|'.join(_STEP4_ENDS)})\\Z")
_4B = re.compile(f"^({_DOT}+?)(s|t)(ion)\\Z")
_5 = re.compile(f"^({_DOT}+?)e\\Z")


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """Return lunr.js 2.3.9's Porter stem of a lower-cased word."""
    if word.isascii() or max(word) < "\U00010000":
        return _porter(word)
    # lunr.js counts and matches UTF-16 code units: stem the surrogate pairs, then rejoin.
    units = word.encode("utf-16-le", "surrogatepass")
    split = "".join(chr(int.from_bytes(units[i : i + 2], "little")) for i in range(0, len(units), 2))
    return _porter(split).encode("utf-16-le", "surrogatepass").decode("utf-16-le")


def _porter(w: str) -> str:
    """Stem one word, step by step as lunr.js's porterStemmer does."""
    if len(w) < 3:
        return w
    starts_with_y = w[0] == "y"
    if starts_with_y:
        w = "Y" + w[1:]
    w = _step1(w)
    # Each endswith() only skips a regular expression that could not match.
    if w.endswith(_STEP2_ENDS) and (match := _2.match(w)):
        stem_, suffix = match.groups()
        w = stem_ + _STEP2[suffix] if _MGR0.match(stem_) else w
    if w.endswith(_STEP3_ENDS) and (match := _3.match(w)):
        stem_, suffix = match.groups()
        w = stem_ + _STEP3[suffix] if _MGR0.match(stem_) else w
    w = _step4(w)
    if w.endswith("e") and (match := _5.match(w)):
        stem_ = match.group(1)
        if _MGR1.match(stem_) or (_MEQ1.match(stem_) and not _CVC.match(stem_)):
            w = stem_
    if w.endswith("ll") and _MGR1.match(w):
        w = _LAST.sub("", w, count=1)
    return "y" + w[1:] if starts_with_y else w


def _step1(w: str) -> str:
    """Apply steps 1a, 1b and 1c: plurals, -ed and -ing, then a final y."""
    if w.endswith("s") and (match := _1A.match(w) or _1A2.match(w)):
        w = match.group(1) + match.group(2)
    if w.endswith("eed") and (match := _1B.match(w)):
        if _MGR0.match(match.group(1)):
            w = _LAST.sub("", w, count=1)
    elif w.endswith(("ed", "ing")) and (match := _1B2.match(w)) and _S_V.match(match.group(1)):
        w = match.group(1)
        if _AT_BL_IZ.search(w):
            w += "e"
        elif _DOUBLE.search(w):
            w = _LAST.sub("", w, count=1)
        elif _CVC.match(w):
            w += "e"
    if w.endswith("y") and (match := _1C.match(w)):
        w = match.group(1) + "i"
    return w


def _step4(w: str) -> str:
    """Apply step 4: drop a suffix when the stem's measure is above one."""
    if w.endswith(_STEP4_ENDS) and (match := _4.match(w)):
        return match.group(1) if _MGR1.match(match.group(1)) else w
    if w.endswith(("sion", "tion")) and (match := _4B.match(w)):
        stem_ = match.group(1) + match.group(2)
        return stem_ if _MGR1.match(stem_) else w
    return w


def register_with_lunr_py() -> None:
    """Register the fold, lunr.js's stemmer and the query function of French and Spanish
    sites (planfolio.snowball) with lunr.py, so it loads our indexes alike.

    lunr.py's own "stemmer" differs from lunr.js's; this replaces it under that label
    for every index lunr.py loads afterwards (lunr.py's builder is not affected).
    """
    from lunr.pipeline import Pipeline

    from .snowball import LANGUAGES_LABEL, lunr_py_languages

    functions = ((_lunr_py_fold, FOLD_LABEL), (_lunr_py_stemmer, STEMMER_LABEL))
    for function, label in (*functions, (lunr_py_languages, LANGUAGES_LABEL)):
        if Pipeline.registered_functions.get(label) is not function:
            Pipeline.register_function(function, label)


def _lunr_py_fold(token: Any, i: int | None = None, tokens: Any = None) -> Any:
    """Fold a lunr.py token, dropping it when nothing is left."""
    folded = fold(str(token))
    return token.update(lambda string, metadata: folded) if folded else None


def _lunr_py_stemmer(token: Any, i: int | None = None, tokens: Any = None) -> Any:
    """Stem a lunr.py token as lunr.js does."""
    return token.update(lambda string, metadata: stem(string))
