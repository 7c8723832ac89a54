"""One key for any page context: the same context gives the same key, another gives another.

A page's cache key hashes what the page is made from, so the key covers every field
a template can read, with no list of fields written by hand to drift.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

from .model import Plan

# A string longer than this is hashed once, by identity, as objects are: a long text is
# most often one that many pages hold (the outlines of a map), and a key is shorter.
_LONG = 256


class Canonical:
    """Hash values: dataclasses, tuples, lists, dicts and scalars.

    An object's key is the hash of its type and fields, each field written as its repr
    (a scalar) or its own key (an object): rows, links, terms and plans are shared by
    many pages, so each is hashed once. Keys are kept by identity, with the object
    itself, so that an identity is never taken by another object while its key is kept.
    """

    def __init__(self) -> None:
        self._kept: dict[int, tuple[Any, str]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}

    def key(self, value: Any) -> str:
        """Return the key of an object: the hash of its canonical text."""
        kept = self._kept.get(id(value))
        if kept is not None:
            return kept[1]
        text = self._object_text(value)
        key = "#" + hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        self._kept[id(value)] = (value, key)
        return key

    def text(self, value: Any) -> str:
        """Return the canonical text of a value, objects in it given by their keys."""
        if type(value) is str and len(value) > _LONG:
            return self.key(value)
        if value is None or isinstance(value, (str, int, float)):
            # repr tells a string from a number and quotes every character: no two values alike.
            return repr(value)
        if isinstance(value, (tuple, list)):
            return "(" + ",".join(self._texts(value)) + ")"
        if isinstance(value, dict):
            return "{" + ",".join([f"{self.text(k)}:{self.text(v)}" for k, v in value.items()]) + "}"
        return self.key(value)

    def _object_text(self, value: Any) -> str:
        if type(value) is str:  # a long one, which many pages share (a map's outlines)
            return repr(value)
        if isinstance(value, Plan) and value.digest:
            # All a plan holds is read from its bytes (digest) at its path, under its page name.
            return f"Plan({value.source_path!r},{value.slug!r},{value.digest!r})"
        names = self._fields.get(type(value))
        if names is None:
            if not dataclasses.is_dataclass(value):
                raise TypeError(f"no canonical text for a {type(value).__name__}")
            names = self._fields[type(value)] = tuple(field.name for field in dataclasses.fields(value))
        parts = self._texts([getattr(value, name) for name in names])
        return f"{type(value).__qualname__}(" + ",".join(parts) + ")"

    def _texts(self, values: list[Any] | tuple[Any, ...]) -> list[str]:
        """Return the texts of values: text() with its two commonest cases first, a string
        and an object already hashed (a page's fields, and the rows and links it lists)."""
        kept = self._kept
        return [
            repr(item)
            if type(item) is str and len(item) <= _LONG
            else kept[id(item)][1]
            if id(item) in kept
            else self.text(item)
            for item in values
        ]
