"""One text for any page context: the same context gives the same text, another gives another.

A page's cache key hashes this text of what the page is made from, so the key covers
every field a template can read, with no list of fields written by hand to drift.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .model import Plan


class Canonical:
    """Write values as canonical text, each shared object once.

    Rows, links and terms are shared by many pages: their text is kept by identity, with
    the object itself, so that an identity is never taken by another object while kept.
    """

    def __init__(self) -> None:
        self._kept: dict[int, tuple[Any, str]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}

    def text(self, value: Any) -> str:
        """Return the canonical text of a value: dataclasses, tuples, lists, dicts and scalars."""
        if value is None or isinstance(value, (str, int, float)):
            # repr tells a string from a number and quotes every character: no two values alike.
            return repr(value)
        if isinstance(value, (tuple, list)):
            return "(" + ",".join([self.text(item) for item in value]) + ")"
        if isinstance(value, dict):
            return "{" + ",".join([f"{self.text(k)}:{self.text(v)}" for k, v in value.items()]) + "}"
        kept = self._kept.get(id(value))
        if kept is not None:
            return kept[1]
        text = self._object_text(value)
        self._kept[id(value)] = (value, text)
        return text

    def _object_text(self, value: Any) -> str:
        if isinstance(value, Plan) and value.digest:
            # All a plan holds is read from its bytes (digest) at its path, under its page name.
            return f"Plan({value.source_path!r},{value.slug!r},{value.digest!r})"
        names = self._fields.get(type(value))
        if names is None:
            if not dataclasses.is_dataclass(value):
                raise TypeError(f"no canonical text for a {type(value).__name__}")
            names = self._fields[type(value)] = tuple(field.name for field in dataclasses.fields(value))
        parts = [self.text(getattr(value, name)) for name in names]
        return f"{type(value).__qualname__}(" + ",".join(parts) + ")"
