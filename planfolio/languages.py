"""The language of a plan's text, where its template's section names do not say it.

The commonest words of each language tell English, French and Spanish apart in a few
lines of text; no library is needed for three languages this far apart.
"""

from __future__ import annotations

from collections import Counter

#: Languages a plan can be detected in, and the site's interface has catalogues for.
LANGUAGES = ("en", "fr", "es")
# Frequent words of one language that the other two do not use (so "en", "la" and "que",
# shared by French and Spanish, are left out).
_MARKERS = {
    "en": "the and of to is are for with that this be by we will our from have which",
    "fr": "les des et est pour dans une du sur avec au aux nous ce cette qui sont pas être leur",
    "es": "los las del y es para una con por el al su sus como más está son lo entre",
}
_LANGUAGE_OF = {word: language for language, words in _MARKERS.items() for word in words.split()}
# Below this many marker words the text is too short to say; a plan's first few thousand
# characters say it as well as the whole text.
_ENOUGH = 5
LANGUAGE_SAMPLE = 5000


def detect_language(text: str) -> str | None:
    """Return "en", "fr" or "es" when the text's common words clearly say which, else None."""
    # Words as white space parts them: one with a comma stuck to it is not counted, which
    # leaves plenty.
    counts = Counter(filter(None, map(_LANGUAGE_OF.get, text[:LANGUAGE_SAMPLE].lower().split())))
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < _ENOUGH:
        return None
    best, count = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    return best if count >= 2 * runner_up else None
