"""lunr.js 2.3.9 indexes built directly: terms, BM25 weights, serialised and packed forms.

lunr.py's stock `lunr()` is several times slower, and its stemmer is not
lunr.js's. Here the words come from `planfolio.stemmer`, memoised per build, and the
weights and the JSON follow lunr.js 2.3.9's Builder and Index.toJSON step for step,
so `lunr.Index.load` takes the result as it is and ranks exactly as lunr.js would.
The packed form is what the search page downloads; assets/js/search-pipeline.js
expands it with the same formulas.
"""

from __future__ import annotations

import dataclasses
import json
import math
import operator
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

from .jsontext import json_bytes
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
class DocumentTerms:
    """One document run through the index pipeline: per field, its terms and their counts.

    Terms are in first-seen order, joined by line breaks (the tokenizer splits at each, and
    folding never makes one, though it can make a space);
    counts are unsigned 32-bit integers. Both pickle as one string and one bytes object
    per field, so a build cache loads a thousand documents' terms in milliseconds.
    """

    fields: tuple[tuple[str, bytes], ...]


@dataclass(frozen=True)
class Corpus:
    """Documents run through the index pipeline once, for every index made from them."""

    fields: tuple[SearchField, ...]
    lengths: list[list[int]]  # per field, per document: how many terms it holds
    postings: list[dict[str, list[int]]]  # per field: term -> [doc, tf, doc, tf, ...]
    terms: dict[str, int]  # every term -> its number, in lunr.Builder's first-seen order

    _gaps: dict[tuple[int, str], list[int]] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def document_count(self) -> int:
        """Return how many documents were analysed."""
        return len(self.lengths[0]) if self.lengths else 0

    @cached_property
    def sorted_terms(self) -> list[str]:
        """Return every term in the order JavaScript's sort() gives."""
        return sorted(self.terms, key=_utf16)

    def doc_gaps(self, column: int, term: str) -> list[int]:
        """Return a term's [doc, tf, ...] in a field as doc gaps, each followed by -tf when above one.

        Each is computed once, for all the packed indexes made from the corpus.
        """
        gaps = self._gaps.get((column, term))
        if gaps is None:
            pairs = self.postings[column][term]
            if len(pairs) == 2:  # most terms are in one document
                gaps = [pairs[0]] if pairs[1] == 1 else [pairs[0], -pairs[1]]
            else:
                docs, frequencies = pairs[::2], pairs[1::2]
                gaps = list(map(operator.sub, docs, [0, *docs[:-1]]))
                if max(frequencies) > 1:
                    # Each gap followed by -tf, then every -1 dropped: no gap is negative.
                    both = [0] * len(pairs)
                    both[::2], both[1::2] = gaps, map(operator.neg, frequencies)
                    gaps = list(filter((-1).__ne__, both))
            self._gaps[column, term] = gaps
        return gaps


def analyse_document(
    document: dict[str, str], fields: Sequence[SearchField], cache: TermCache | None = None
) -> DocumentTerms:
    """Count the terms of every field of one document."""
    cache = TermCache() if cache is None else cache
    counted = []
    for field in fields:
        frequencies = _count_terms(document[field.name], cache)
        counted.append(("\n".join(frequencies), array("I", frequencies.values()).tobytes()))
    return DocumentTerms(tuple(counted))


def gather(documents: Sequence[DocumentTerms], fields: Sequence[SearchField]) -> Corpus:
    """Return the corpus of documents already analysed, in order (refs are their positions)."""
    lengths: list[list[int]] = [[] for _ in fields]
    postings: list[dict[str, list[int]]] = [{} for _ in fields]
    seen: dict[str, int] = {}
    for number, document in enumerate(documents):
        for column, (text, counts) in enumerate(document.fields):
            frequencies = array("I")
            frequencies.frombytes(counts)
            lengths[column].append(sum(frequencies))
            if not text:
                continue
            found = postings[column]
            for term, tf in zip(text.split("\n"), frequencies, strict=True):
                pairs = found.get(term)
                if pairs is None:
                    found[term] = [number, tf]
                    if term not in seen:
                        seen[term] = len(seen)
                else:
                    pairs += (number, tf)
    return Corpus(tuple(fields), lengths, postings, seen)


def lunr_index_json(
    corpus: Corpus, extra: dict[str, Any] | None = None, pipeline: Sequence[str] = SEARCH_PIPELINE
) -> bytes:
    """Return lunr.js 2.3.9's serialised index as JSON.stringify writes it, then any extra keys.

    The text is made and encoded piece by piece: for ten thousand plans it is a hundred
    megabytes, and one string of it would take up to four times that once any term
    holds a character beyond Latin-1.
    """
    names = [field.name for field in corpus.fields]
    head = f'{{"version":"{LUNR_VERSION}","fields":{dumps(names)},"fieldVectors":['
    chunks = [head.encode(), *_field_vector_chunks(corpus, names), b'],"invertedIndex":[']
    chunks += _inverted_index(corpus, names)
    chunks.append(f'],"pipeline":{dumps(list(pipeline))}'.encode())
    chunks += [b"," + json_bytes(key) + b":" + json_bytes(value) for key, value in (extra or {}).items()]
    chunks.append(b"}")
    return b"".join(chunks)


def _field_vector_chunks(corpus: Corpus, names: list[str]) -> list[bytes]:
    """Return lunr's fieldVectors, ["field/ref", [term number, weight, ...]] for every document and field."""
    vectors = _field_vectors(corpus)
    return [
        ",".join(
            f'["{name}/{doc}",[{",".join(vectors[column][doc])}]]' for column, name in enumerate(names)
        ).encode()
        + (b"," if doc < corpus.document_count - 1 else b"")
        for doc in range(corpus.document_count)
    ]


def packed_index(
    corpus: Corpus, fields: Sequence[SearchField], pipeline: Sequence[str] = SEARCH_PIPELINE
) -> dict[str, Any]:
    """Return the compact form of an index that search-pipeline.js expands for lunr.Index.load.

    Terms are sorted; per field, each term present is [term gap, doc gap, doc gap, ...],
    where a negative number after a doc is its term frequency (when above one). The
    page computes the BM25 weights with lunr.Builder's formula, so it ships no weights.
    """
    columns = [corpus.fields.index(field) for field in fields]
    postings = [corpus.postings[column] for column in columns]
    if len(columns) == len(corpus.fields):  # every term is in one field or another
        terms = corpus.sorted_terms
    else:
        present = set().union(*postings)
        terms = [term for term in corpus.sorted_terms if term in present]
    positions = {term: position for position, term in enumerate(terms)}
    packed: list[list[list[int]]] = []
    for column, found in zip(columns, postings, strict=True):
        rows, last = [], 0
        for position in sorted(map(positions.__getitem__, found)):
            rows.append([position - last, *corpus.doc_gaps(column, terms[position])])
            last = position
        packed.append(rows)
    return {
        "version": LUNR_VERSION,
        "fields": [field.name for field in fields],
        "boosts": [field.boost for field in fields],
        "pipeline": list(pipeline),
        "documentCount": corpus.document_count,
        "terms": terms,
        "lengths": [corpus.lengths[column] for column in columns],
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


def _field_vectors(corpus: Corpus) -> list[list[list[str]]]:
    """Return per field, per document, lunr's [term number, weight, ...] vector as JSON numbers."""
    count = corpus.document_count
    vectors: list[list[list[str]]] = [[[] for _ in range(count)] for _ in corpus.fields]
    scales = [_length_scales(lengths) for lengths in corpus.lengths]
    boosts = [field.boost for field in corpus.fields]
    columns = list(zip(corpus.postings, vectors, scales, boosts, strict=True))
    weights = _WeightText()
    k = _K1 + 1
    # Terms in first-seen order have rising numbers, so every vector comes out sorted.
    for term, index in corpus.terms.items():
        found = [
            (postings[term], rows, scale, boost)
            for postings, rows, scale, boost in columns
            if term in postings
        ]
        idf = _idf(sum(len(pairs) for pairs, *_ in found) // 2, count)
        number = str(index)
        for pairs, rows, scale, boost in found:
            each = iter(pairs)  # doc, tf, doc, tf...
            for doc in each:
                tf = next(each)
                # lunr.Builder's BM25 weight, operation for operation, then Math.round to thousandths.
                thousandths = idf * (k * tf) / (scale[doc] + tf) * boost * 1000
                whole = int(thousandths)  # the floor: weights are positive
                if thousandths - whole >= 0.5:  # Math.round: halves go up
                    whole += 1
                rows[doc] += (number, weights[whole])
    return vectors


class _WeightText(dict[int, str]):
    """JSON.stringify's text of a weight, by its number of thousandths, computed on first use."""

    def __missing__(self, thousandths: int) -> str:
        # k / 1000 prints as its shortest round trip, as JSON.stringify prints it: 2, not 2.0.
        text = self[thousandths] = repr(thousandths / 1000 if thousandths % 1000 else thousandths // 1000)
        return text


def _inverted_index(corpus: Corpus, names: list[str]) -> list[bytes]:
    """Return the [term, posting] pairs of lunr's inverted index in term order, as JSON, comma-separated."""
    refs = [f'"{doc}":{{}}' for doc in range(corpus.document_count)]
    openings = [f'"{name}":{{' for name in names]
    empty = [f'"{name}":{{}}' for name in names]
    holders: dict[str, list[int]] = {}  # the fields that hold each term: most terms are in one
    for column, found in enumerate(corpus.postings):
        for term in found:
            holders.setdefault(term, []).append(column)
    entries = []
    for term in corpus.sorted_terms:
        parts = empty.copy()
        for column in holders[term]:
            docs = corpus.postings[column][term][::2]
            parts[column] = openings[column] + ",".join(map(refs.__getitem__, docs)) + "}"
        entries.append(
            f'[{_json_string(term)},{{"_index":{corpus.terms[term]},{",".join(parts)}}}],'.encode()
        )
    if entries:
        entries[-1] = entries[-1][:-1]  # no comma after the last
    return entries


def _json_string(text: str) -> str:
    """Return a string as JSON, as dumps does, without its cost per call."""
    return cast(str, json.encoder.encode_basestring(text))  # type: ignore[attr-defined]


def _length_scales(lengths: list[int]) -> list[float]:
    """Return lunr's k1 * (1 - b + b * length / average length) for each document."""
    average = sum(lengths) / len(lengths) if lengths else 0
    return [_K1 * (1 - _B + _B * (length / average)) if length else 0.0 for length in lengths]


def _idf(with_term: int, document_count: int) -> float:
    """Return lunr.idf, where a document counts once for each field that holds the term."""
    x = (document_count - with_term + 0.5) / (with_term + 0.5)
    return math.log(1 + abs(x))


def _utf16(term: str) -> bytes:
    """Return a sort key that orders strings as JavaScript's sort() does."""
    return term.encode("utf-16-be", "surrogatepass")
