"""The types of document a folder may hold, told apart by their `[[type:...]]` line.

A site holds the types its config names (learning plans and experiments by default);
the documents of the other types are read only as far as their type line and set aside.
Each type held has its own folder of pages (urls.TYPE_FOLDERS) and its own names on the
pages, one and many (i18n.type_label, and i18n.count_noun after a number).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable

#: The names of the files a build reads as documents, in any case ("Plan.MD" too).
PLAN_SUFFIXES = (".md", ".markdown")
LEARNING_PLAN = "learningplan"
EXPERIMENT = "experiment"
#: Every type the collections written with the Accelerator Labs' forms hold.
KNOWN_TYPES = (
    LEARNING_PLAN,
    EXPERIMENT,
    "solution",
    "blog",
    "publications",
    "story",
    "tools",
    "skills",
    "tactics",
    "principles",
)
#: The types a site holds unless its config says otherwise.
DEFAULT_TYPES = (LEARNING_PLAN, EXPERIMENT)
# A line's start and end in a file's bytes, whatever its line breaks (LF, CRLF or CR alone),
# and its first line's after a byte order mark.
_START = rb"(?:^|(?<=\r))(?:\xef\xbb\xbf)?"
_END = rb"(?=[\r\n]|\Z)"
# The type line, anywhere in the head of a file (before its first `## ` heading).
# Its value ends at its ']]': other tags may follow it on the line ("[[type:blog]] [[year:2021]]").
_TYPE_LINE = re.compile(
    _START
    + rb"[ \t]*\[\[[ \t]*type[ \t]*:((?:(?!\]\])[^\r\n])*)\]\](?:[ \t,;]*\[\[[^\r\n]*\]\])?[ \t]*"
    + _END,
    re.M | re.I,
)
_FIRST_HEADING = re.compile(_START + rb"##(?: |[ \t]*" + _END + rb")", re.M)
#: A line break in a file's bytes: LF, CRLF or CR alone.
LINE_BREAK = re.compile(rb"\r\n?|\n")


def type_name(value: str) -> str:
    """Return the type a `[[type:...]]` value names: a learning plan when it names none."""
    return " ".join(value.split()).lower() or LEARNING_PLAN


def peek_type(data: bytes) -> str:
    """Return the type of a file's bytes from its first type line, reading nothing else."""
    # The type line comes early in the head: look for it first, then for a heading before it.
    match = _TYPE_LINE.search(data)
    if match is None or _FIRST_HEADING.search(data, 0, match.start()):
        return LEARNING_PLAN
    return type_name(match.group(1).decode("utf-8", "replace"))


def type_line_number(data: bytes) -> int | None:
    """Return the number of a file's first type line, if it has one."""
    match = _TYPE_LINE.search(data)
    return None if match is None else len(LINE_BREAK.findall(data, 0, match.start())) + 1


def left_out_line(types: Iterable[str]) -> str:
    """Return the one line that tells how many documents of other types were left out, by type."""
    counts = Counter(types)
    if not counts:
        return ""
    total = sum(counts.values())
    noun = "document" if total == 1 else "documents"
    each = ", ".join(
        f"{count:,} {name}" for name, count in sorted(counts.items(), key=lambda i: (-i[1], i[0]))
    )
    return f"{total:,} {noun} of other types left out: {each}"


def other_types_hint(left_out: Collection[str], types: Collection[str]) -> str:
    """Return how to include the documents of other types, for a folder that holds no others."""
    known = sorted(set(left_out) & set(KNOWN_TYPES))  # an unknown type is told in its own warning
    if not known and left_out:
        return ": it holds only documents of types planfolio does not know (see their warnings)"
    if not known:
        return ""
    wanted = ", ".join(dict.fromkeys([*types, *known]))
    return (
        ": it holds only documents of other types; to include them, list their types in site.yml:"
        f" types: [{wanted}]"
    )
