"""lunr.js 2.3.9 indexes built directly: terms, BM25 weights, serialised and packed forms.

lunr.py's stock `lunr()` is several times slower, and its stemmer is not
lunr.js's. Here the words come from `planfolio.stemmer`, memoised per build, and the
weights and the JSON follow lunr.js 2.3.9's Builder and Index.toJSON step for step,
so `lunr.Index.load` takes the result as it is and ranks exactly as lunr.js would.
The packed form is what the search page downloads; assets/js/search-pipeline.js
expands it with the same formulas.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from .stemmer import FOLD_LABEL, STEMMER_LABEL, TermCache, tokenize

LUNR_VERSION = "2.3.9"
#: The pipeline a loaded index runs queries through, by registered label.
SEARCH_PIPELINE = (FOLD_LABEL, STEMMER_LABEL)
_K1 = 1.2
_B = 0.75


@dataclass(frozen=True)
class SearchField:
    """One field of a search index and the boost of its matches."""

    name: str
    boost: int = 1


@dataclass(frozen=True)
class Corpus:
    """Documents run through the index pipeline once, for every index made from them."""

    fields: tuple[SearchField, ...]
    lengths: list[list[int]]  # per field, per document: how many terms it holds
    postings: list[dict[str, list[int]]]  # per field: term -> [doc, tf, doc, tf, ...]
    terms: dict[str, int]  # every term -> its number, in lunr.Builder's first-seen order

    @property
    def document_count(self) -> int:
        """Return how many documents were analysed."""
        return len(self.lengths[0]) if self.lengths else 0


def analyse(documents: Sequence[dict[str, str]], fields: Sequence[SearchField]) -> Corpus:
    """Count the terms of every field of every document (refs are their positions)."""
    lengths: list[list[int]] = [[] for _ in fields]
    postings: list[dict[str, list[int]]] = [{} for _ in fields]
    seen: dict[str, int] = {}
    cache = TermCache()
    for number, doc in enumerate(documents):
        for column, field in enumerate(fields):
            frequencies = _count_terms(doc[field.name], cache)
            found = postings[column]
            for term, tf in frequencies.items():
                pairs = found.get(term)
                if pairs is None:
                    found[term] = [number, tf]
                    seen.setdefault(term, len(seen))
                else:
                    pairs.append(number)
                    pairs.append(tf)
            lengths[column].append(frequencies.total())
    return Corpus(tuple(fields), lengths, postings, seen)


def lunr_index_json(corpus: Corpus, extra: dict[str, Any] | None = None) -> str:
    """Return lunr.js 2.3.9's serialised index as JSON.stringify writes it, then any extra keys."""
    names = [field.name for field in corpus.fields]
    vectors = _field_vectors(corpus)
    field_vectors = ",".join(
        f"[{dumps(f'{name}/{doc}')},{dumps(vectors[column][doc])}]"
        for doc in range(corpus.document_count)
        for column, name in enumerate(names)
    )
    ref_items = [f'"{doc}":{{}}' for doc in range(corpus.document_count)]
    inverted = ",".join(
        _inverted_entry(corpus, term, names, ref_items) for term in sorted(corpus.terms, key=_utf16)
    )
    text = (
        f'{{"version":"{LUNR_VERSION}","fields":{dumps(names)},"fieldVectors":[{field_vectors}],'
        f'"invertedIndex":[{inverted}],"pipeline":{dumps(list(SEARCH_PIPELINE))}'
    )
    return text + "".join(f",{dumps(key)}:{dumps(value)}" for key, value in (extra or {}).items()) + "}"


def packed_index(corpus: Corpus, fields: Sequence[SearchField]) -> dict[str, Any]:
    """Return the compact form of an index that search-pipeline.js expands for lunr.Index.load.

    Terms are sorted; per field, each term present is [term gap, doc gap, doc gap, ...],
    where a negative number after a doc is its term frequency (when above one). The
    page computes the BM25 weights with lunr.Builder's formula, so it ships no weights.
    """
    columns = [corpus.postings[corpus.fields.index(field)] for field in fields]
    terms = sorted((t for t in corpus.terms if any(t in found for found in columns)), key=_utf16)
    packed: list[list[list[int]]] = [[] for _ in columns]
    last = [0 for _ in columns]
    for position, term in enumerate(terms):
        for slot, found in enumerate(columns):
            if term in found:
                packed[slot].append([position - last[slot], *_doc_gaps(found[term])])
                last[slot] = position
    return {
        "version": LUNR_VERSION,
        "fields": [field.name for field in fields],
        "boosts": [field.boost for field in fields],
        "pipeline": list(SEARCH_PIPELINE),
        "documentCount": corpus.document_count,
        "terms": terms,
        "lengths": [corpus.lengths[corpus.fields.index(field)] for field in fields],
        "postings": packed,
    }


def dumps(value: Any) -> str:
    """Return JSON as JSON.stringify writes it: no spaces, no ASCII escapes."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _count_terms(text: str, cache: TermCache) -> Counter[str]:
    """Count a field's terms in C, in token order, which keeps lunr's first-seen order."""
    counted = Counter(map(cache.__getitem__, tokenize(text)))
    counted.pop(None, None)  # stop words, and tokens with nothing left once folded
    return cast("Counter[str]", counted)


def _field_vectors(corpus: Corpus) -> list[list[list[float | int]]]:
    """Return per field, per document, lunr's [term number, weight, ...] vector."""
    count = corpus.document_count
    vectors: list[list[list[float | int]]] = [[[] for _ in range(count)] for _ in corpus.fields]
    scales = [_length_scales(lengths) for lengths in corpus.lengths]
    boosts = [field.boost for field in corpus.fields]
    # Terms in first-seen order have rising numbers, so every vector comes out sorted.
    for term, index in corpus.terms.items():
        found = [
            (column, pairs)
            for column, postings in enumerate(corpus.postings)
            if (pairs := postings.get(term))
        ]
        idf = _idf(sum(len(pairs) for _, pairs in found) // 2, count)
        for column, pairs in found:
            rows, scale, boost = vectors[column], scales[column], boosts[column]
            for doc, tf in zip(pairs[::2], pairs[1::2], strict=True):
                row = rows[doc]
                row.append(index)
                row.append(_score(idf, tf, scale[doc], boost))
    return vectors


def _inverted_entry(corpus: Corpus, term: str, names: list[str], ref_items: list[str]) -> str:
    """Return one [term, posting] pair of the inverted index as JSON text."""
    columns = []
    for name, found in zip(names, corpus.postings, strict=True):
        pairs = found.get(term)
        docs = ",".join(map(ref_items.__getitem__, pairs[::2])) if pairs else ""
        columns.append(f'"{name}":{{{docs}}}')
    return f'[{dumps(term)},{{"_index":{corpus.terms[term]},{",".join(columns)}}}]'


def _doc_gaps(pairs: list[int]) -> list[int]:
    """Return [doc, tf, doc, tf, ...] as doc gaps, each followed by -tf when tf is above one."""
    gaps, last = [], 0
    for doc, tf in zip(pairs[::2], pairs[1::2], strict=True):
        gaps.append(doc - last)
        if tf > 1:
            gaps.append(-tf)
        last = doc
    return gaps


def _length_scales(lengths: list[int]) -> list[float]:
    """Return lunr's k1 * (1 - b + b * length / average length) for each document."""
    average = sum(lengths) / len(lengths) if lengths else 0
    return [_K1 * (1 - _B + _B * (length / average)) if length else 0.0 for length in lengths]


def _idf(with_term: int, document_count: int) -> float:
    """Return lunr.idf, where a document counts once for each field that holds the term."""
    x = (document_count - with_term + 0.5) / (with_term + 0.5)
    return math.log(1 + abs(x))


def _score(idf: float, tf: int, scale: float, boost: int) -> float | int:
    """Return lunr's BM25 weight of a term in a field, rounded as lunr.js rounds it."""
    score = idf * ((_K1 + 1) * tf) / (scale + tf) * boost
    thousandths = math.floor(score * 1000)
    if score * 1000 - thousandths >= 0.5:  # Math.round: halves go up
        thousandths += 1
    rounded = thousandths / 1000
    return int(rounded) if rounded.is_integer() else rounded  # JSON.stringify writes 2, not 2.0


def _utf16(term: str) -> bytes:
    """Return a sort key that orders strings as JavaScript's sort() does."""
    return term.encode("utf-16-be", "surrogatepass")
