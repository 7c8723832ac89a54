"""Related documents: for each document of a site, the few others that share most with it.

Two documents are alike by their words and by their taxonomy terms. Words are read as
the search index reads them (lunr's tokenizer, stop words and stemmer), from the title
and the start of the answers, each weighted by tf-idf; a document keeps only its
strongest words. Terms are weighted by rarity: two plans sharing a rare method say
more than two sharing "Co-creation". The score is the cosine of the two weighted
vectors, found through an inverted index so that only documents sharing something
are ever compared.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from operator import itemgetter

from .cache import ParsedPlans
from .model import Plan
from .search import answer_words
from .site import Site, Term
from .stemmer import STOP_WORDS, fold, tokenize

#: How many related documents a page shows at most.
RELATED_COUNT = 5
# How much of a document's answers is read for its words: a plan's challenge, or a
# report's first learnings, name what it is about; the rest mostly adds time.
_TEXT_CHARACTERS = 1000
# The title says most in the fewest words: each of its words counts as often as this.
_TITLE_REPEATS = 3
# How many of its strongest words a document keeps.
_KEPT_WORDS = 25
# A word or term held by more documents than this says little of any two of them and
# would make every document a candidate of every other: it is not looked up.
_COMMON = 40
# The share of the score that shared taxonomy terms give; words give the rest.
_TERMS_SHARE = 0.35
# The taxonomies that count, with the key of each in the vectors (years count in the reason only:
# most documents share one with hundreds of others).
_TERM_KEYS = ("country", "methods", "datasources", "sdgs", "thematic_areas")
# How many shared methods and data sources a reason names, the rarest first.
_NAMED_IN_REASON = 3

# The weight of a word by how often a document holds it, 1 + log(tf), up to fifteen times.
_TF_WEIGHTS = [0.0] + [1 + math.log(tf) for tf in range(1, 16)]

#: A sparse vector: feature -> weight.
Vector = dict[str, float]


@dataclass(frozen=True)
class Shared:
    """What two related documents share: a country, the names of methods and data sources, a year."""

    country: bool
    names: tuple[str, ...]
    year: int | None

    def text(self, gettext: Callable[[str], str] = str) -> str:
        """Return it in a few words ("same country · Prototyping · 2021"), its fixed words in
        the language `gettext` translates to."""
        parts = [gettext("same country")] if self.country else []
        if self.names:
            parts.append(", ".join(self.names))
        if self.year is not None:
            parts.append(str(self.year))
        return " · ".join(parts) if parts else gettext("similar words")


@dataclass(frozen=True)
class RelatedDocument:
    """A document related to another, and what they share."""

    plan: Plan
    shared: Shared

    @property
    def reason(self) -> str:
        """Return what they share, in a few English words."""
        return self.shared.text()


#: Related lists as kept: each document's, by source path, as (source path, what they share).
_KeptLists = dict[str, tuple[tuple[str, Shared], ...]]


def with_related(site: Site, parsed: ParsedPlans | None = None) -> Site:
    """Return the site with the related documents of every document.

    With the parsed plans of earlier builds, each document's words are counted only when
    its bytes changed, and the lists are those kept when everything they are found from
    is as it was (see _inputs_key): an edit past the start of the answers changes none.
    """
    if parsed is None:
        return replace(site, related=related_documents(site))
    documents = _documents_key(site.plans)
    kept = parsed.derived.get(_RELATED)
    if kept is not None and kept[0] == documents:  # the same files: the same inputs, unread
        return replace(site, related=_lists_of(site, kept[2]))
    counted = parsed.derived.get(_WORDS, {})
    counts = _counts(site, counted)
    key = _inputs_key(site, counts)
    if kept is not None and kept[1] == key:
        lists: _KeptLists = kept[2]
        related = _lists_of(site, lists)
    else:
        related = _related_lists(site, counts)
        lists = {
            path: tuple((item.plan.source_path, item.shared) for item in items)
            for path, items in related.items()
        }
    parsed.keep_derived(_RELATED, (documents, key, lists))
    parsed.keep_derived(_WORDS, counted)
    return replace(site, related=related)


def _lists_of(site: Site, lists: _KeptLists) -> dict[str, tuple[RelatedDocument, ...]]:
    """Return the related documents of kept lists, which name them by source path."""
    by_path = {plan.source_path: plan for plan in site.plans}
    return {
        path: tuple(RelatedDocument(by_path[other], shared) for other, shared in items)
        for path, items in lists.items()
    }


# The names of what the parsed plans keep for this stage: the lists, with the keys of the
# documents and of all they were found from (see _inputs_key), and each document's words
# counted (see _Counted).
_RELATED = "related"
_WORDS = "related-words"


def _documents_key(documents: Sequence[Plan]) -> str:
    """Return the key of the documents by path, page name and bytes, in order: all the
    lists are found from is read from them."""
    texts = [text for plan in documents for text in (plan.source_path, plan.slug, plan.digest)]
    return hashlib.sha1("\x00".join(texts).encode("utf-8", "surrogatepass")).hexdigest()


def _inputs_key(site: Site, counts: Sequence[_Counted]) -> str:
    """Return the key of all the lists are found from: the documents in their order, by
    path, page name and year; the words each counts; the terms each carries, with the
    name and the number of documents of each, which weigh them and name them in reasons."""
    digest = hashlib.sha1()
    for plan, counted in zip(site.plans, counts, strict=True):
        terms = [
            (key, term.slug, term.name, len(term.plans))
            for key in _TERM_KEYS
            for term in site.terms_of(plan, key)
        ]
        found = (plan.source_path, plan.slug, plan.year, counted.key, terms)
        digest.update(repr(found).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def related_documents(
    site: Site, counted: dict[str, _Counted] | None = None
) -> dict[str, tuple[RelatedDocument, ...]]:
    """Return up to RELATED_COUNT related documents of every document, by source path, best first.

    `counted` holds each document's words counted (see _Counted), by source path: those
    of documents whose bytes changed are counted again, those of documents gone are dropped.
    """
    return _related_lists(site, _counts(site, {} if counted is None else counted))


def _related_lists(site: Site, counts: Sequence[_Counted]) -> dict[str, tuple[RelatedDocument, ...]]:
    """Return the related documents of every document, from the words each counts."""
    documents = site.plans
    vectors = _vectors(site, counts)
    postings = _inverted_index(vectors)
    named = [_named_terms(site, plan) for plan in documents]
    related = {}
    for number, plan in enumerate(documents):
        found = _best(number, vectors[number], postings, documents)
        related[plan.source_path] = tuple(
            RelatedDocument(documents[other], _reason(named[number], named[other])) for other in found
        )
    return related


def reason(site: Site, plan: Plan, other: Plan) -> str:
    """Return what two documents share, in a few words ("same country · Prototyping · 2021")."""
    return _reason(_named_terms(site, plan), _named_terms(site, other)).text()


#: What a reason may name of a document: its countries, its methods and data sources, its year.
_Named = tuple[frozenset[str], dict[tuple[str, str], Term], int | None]


def _named_terms(site: Site, plan: Plan) -> _Named:
    countries = frozenset(term.slug for term in site.terms_of(plan, "country"))
    terms = {
        (key, term.slug): term for key in ("methods", "datasources") for term in site.terms_of(plan, key)
    }
    return countries, terms, plan.year


def _reason(mine: _Named, theirs: _Named) -> Shared:
    named: list[str] = []
    shared = [term for key, term in mine[1].items() if key in theirs[1]]
    if shared:
        # A method and a data source may have one name ("Solutions Mapping"): it is said once,
        # as the method spells it.
        spelling: dict[str, str] = {}
        for term in shared:
            spelling.setdefault(term.name.casefold(), term.name)
        shared.sort(key=lambda term: (len(term.plans), term.name.lower(), term.slug))  # the rarest first
        names = list(dict.fromkeys(term.name.casefold() for term in shared))[:_NAMED_IN_REASON]
        named = [spelling[name] for name in names]
    year = mine[2] if mine[2] is not None and mine[2] == theirs[2] else None
    return Shared(bool(mine[0] & theirs[0]), tuple(named), year)


def _counts(site: Site, known: dict[str, _Counted]) -> list[_Counted]:
    """Return the words each document counts, in order; keep them in `known` (see
    related_documents)."""
    cache = _Words()
    counts = []
    for plan in site.plans:
        found = known.get(plan.source_path)
        if found is None or found.digest != plan.digest or not plan.digest:
            words = _word_counts(plan, cache)
            # In their order: among the strongest words, ties go to the first met.
            key = hashlib.sha1(repr(list(words.items())).encode("utf-8", "surrogatepass")).hexdigest()
            found = known[plan.source_path] = _Counted(plan.digest, words, key)
        counts.append(found)
    for gone in set(known) - {plan.source_path for plan in site.plans}:
        del known[gone]
    return counts


@dataclass(frozen=True)
class _Counted:
    """A document's words counted, from its bytes of a digest, and the key of the count."""

    digest: str
    words: Counter[str]
    key: str


def _vectors(site: Site, counts: Sequence[_Counted]) -> list[Vector]:
    """Return every document's vector, words and terms, each part of unit length times its share."""
    total = len(site.plans)
    frequency: Counter[str] = Counter()
    for counted in counts:
        frequency.update(counted.words.keys())
    rarity = {word: math.log(total / count) for word, count in frequency.items()}
    vectors = []
    for plan, counted in zip(site.plans, counts, strict=True):
        words = {word: rarity[word] * _TF_WEIGHTS[min(tf, 15)] for word, tf in counted.words.items()}
        # The strongest words; among equal ones, those met first (the same on every run).
        strongest = heapq.nlargest(_KEPT_WORDS, words.items(), key=itemgetter(1))
        vector = _scaled(dict(strongest), 1 - _TERMS_SHARE)
        terms = {
            f"{key}\x00{term.slug}": math.log(total / len(term.plans))
            for key in _TERM_KEYS
            for term in site.terms_of(plan, key)
        }
        vector.update(_scaled(terms, _TERMS_SHARE))
        vectors.append(vector)
    return vectors


class _Words(dict[str, "str | None"]):
    """The word each token of one build's documents counts as, found on first use: folded
    as the search index folds it (not stemmed: stemming every new token would take most
    of the time, and titles of documents alike share their words as written)."""

    def __missing__(self, token: str) -> str | None:
        word = fold(token)
        found = self[token] = None if len(word) < 3 or word in STOP_WORDS or word.isdigit() else word
        return found


def _word_counts(plan: Plan, cache: _Words) -> Counter[str]:
    """Count the words of a document's first answers, and of its title several times over."""
    pieces, room = [], _TEXT_CHARACTERS
    for section in plan.sections:
        for entry in section.entries:
            if entry.answer and room > 0:
                pieces.append(entry.answer[:room])
                room -= len(pieces[-1])
    counted = Counter(map(cache.__getitem__, tokenize(answer_words("\n".join(pieces)))))
    for word in map(cache.__getitem__, tokenize(plan.title)):
        counted[word] += _TITLE_REPEATS
    counted.pop(None, None)  # type: ignore[call-overload]  # stop words
    return counted  # type: ignore[return-value]


def _scaled(weights: dict[str, float], share: float) -> Vector:
    """Return weights scaled to a vector of length sqrt(share): the part of the cosine it gives."""
    weights = {feature: weight for feature, weight in weights.items() if weight > 0}
    length = math.sqrt(sum(weight * weight for weight in weights.values()))
    if not length:
        return {}
    factor = math.sqrt(share) / length
    return {feature: weight * factor for feature, weight in weights.items()}


def _inverted_index(vectors: Sequence[Vector]) -> dict[str, list[tuple[int, float]]]:
    """Return, for every feature no more common than _COMMON, the documents that hold it."""
    postings: defaultdict[str, list[tuple[int, float]]] = defaultdict(list)
    for number, vector in enumerate(vectors):
        for feature, weight in vector.items():
            postings[feature].append((number, weight))
    return {feature: found for feature, found in postings.items() if 1 < len(found) <= _COMMON}


def _best(
    number: int, vector: Vector, postings: dict[str, list[tuple[int, float]]], documents: Sequence[Plan]
) -> list[int]:
    """Return the documents most like one, best first, ties broken by page name: never itself."""
    scores: defaultdict[int, float] = defaultdict(float)
    for feature in vector:  # in the vector's own order (strongest first), the same on every run
        found = postings.get(feature)
        if found is not None:
            weight = vector[feature]
            for other, other_weight in found:
                scores[other] += weight * other_weight
    scores.pop(number, None)
    if len(scores) > RELATED_COUNT:
        # The few best by score alone, then every document within rounding of the last of them.
        least = heapq.nlargest(RELATED_COUNT, scores.values())[-1] - 1e-9
        close = {other: score for other, score in scores.items() if score >= least}
        return sorted(close, key=lambda other: _order(close[other], documents[other]))[:RELATED_COUNT]
    return sorted(scores, key=lambda other: _order(scores[other], documents[other]))


def _order(score: float, plan: Plan) -> tuple[float, str, str]:
    # Scores are rounded so that sums equal but for the last bit are a tie, broken by page name.
    return (-round(score, 9), plan.slug, plan.source_path)
