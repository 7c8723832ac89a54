"""Readable, stable ASCII slugs for plans and terms."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection

from unidecode import unidecode

_NON_WORD = re.compile(r"[^a-z0-9]+")
MAX_SLUG_LENGTH = 80


@functools.lru_cache(maxsize=65536)
def slugify(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """Return a lower-case ASCII slug of `text`, or "" when nothing is left."""
    ascii_text = unidecode(unicodedata.normalize("NFKC", text)).lower()
    ascii_text = ascii_text.replace("&", " and ").replace("'", "")
    slug = _NON_WORD.sub("-", ascii_text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug.strip("-")


# Marks that end a name and make it another ("C++", "C#", "F#"), which a slug would drop.
_NAMING_MARKS = re.compile(r"(?<=[^\W_])(\+\+|\+|#)(?!\w)")
_MARK_WORDS = {"++": " plus plus", "+": " plus", "#": " sharp"}


def term_slug(value: str) -> str:
    """Return the page name of a term's value: its slug, with the marks that end a name as
    words ("C++" is c-plus-plus, "C#" c-sharp), where the slug alone would make them "c"."""
    if "+" in value or "#" in value:
        value = _NAMING_MARKS.sub(lambda mark: _MARK_WORDS[mark.group()], value)
    return slugify(value)


def unique_slugs(keys: list[tuple[str, str]], reserved: Collection[str] = ()) -> dict[str, str]:
    """Give each (identity, base slug) pair a slug no other pair has, nor `reserved` holds.

    Identities are sorted first, so the same inputs get the same slugs whatever
    order they were found in; the first keeps the base, the others get -2, -3...
    A reserved base is taken before the first: it gets -2 too.
    """
    taken: set[str] = set(reserved)
    result: dict[str, str] = {}
    for identity, base in sorted(keys, key=lambda pair: (pair[1], pair[0])):
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        result[identity] = slug
    return result
