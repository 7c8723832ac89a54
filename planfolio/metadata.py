"""Read and check the `[[key:value]]` metadata lines at the head of a plan."""

from __future__ import annotations

import functools
import html
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .countries import closest_country, is_known_country
from .doctypes import EXPERIMENT, LEARNING_PLAN, type_name
from .model import (
    EXPERIMENT_LIST_KEYS,
    EXPERIMENT_SINGLE_KEYS,
    LIST_KEYS,
    SINGLE_KEYS,
    Problem,
    did_you_mean,
)
from .slugs import slugify, term_slug

_LISTS = LIST_KEYS + EXPERIMENT_LIST_KEYS
_SINGLES = SINGLE_KEYS + EXPERIMENT_SINGLE_KEYS

# One metadata line; its white space never reaches into the next line.
_META_LINE = re.compile(r"^[^\S\n]*\[\[[^\S\n]*([A-Za-z_][\w-]*)[^\S\n]*:(.*)\]\][^\S\n]*$", re.M)
# What opens a line meant as metadata, whether it is one or not.
_META_OPENING = re.compile(r"^[^\S\n]*\[\[", re.M)
YEAR_RANGE = (2000, 2100)
#: The keys whose values name terms, each with a page.
TERM_KEYS = (*LIST_KEYS, "country")
# Marks left around a name by the forms' lists and by hand: "- study", "data,", "response\\".
_STRAY_BEFORE = re.compile(r"^[-–—•*·,;:|_~ ]+")
_STRAY_AFTER = re.compile(r"[-–—•*·,;:\\/|_~ ]+$")
_SPACE_BEFORE_MARK = re.compile(r" +(?=[,;:.])")


@dataclass
class _Found:
    """The metadata of one plan as its lines are read, with their problems."""

    source_path: str
    singles: dict[str, tuple[str, int]] = field(default_factory=dict)
    # Each list key's values in order, as dict keys: a repeated value is kept once.
    lists: dict[str, dict[str, None]] = field(default_factory=lambda: {key: {} for key in _LISTS})
    extra: list[tuple[str, str]] = field(default_factory=list)
    # The line of each value kept, by key and value: the first line that gives it.
    lines: dict[tuple[str, str], int] = field(default_factory=dict)
    # The lines of each single key given again, and of each unknown key, reported once each.
    repeats: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    unknown: dict[str, list[int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def report(self, line: int, message: str, kind: str, severity: str = "error") -> None:
        """Add a problem found on one line."""
        self.problems.append(Problem(self.source_path, line, message, severity, kind))


def metadata_keys(text: str) -> Iterator[tuple[int, str]]:
    """Yield the offset and key of each line of a text written as a metadata line."""
    for match in _META_LINE.finditer(text):
        yield match.start(), match.group(1).lower()


def read_metadata(head: str, source_path: str) -> tuple[dict[str, Any], list[Problem]]:
    """Return Plan keyword arguments from the metadata lines of a plan's head, with their problems."""
    found = _Found(source_path)
    position, line = 0, 1
    for match in _META_LINE.finditer(head):
        line += head.count("\n", position, match.start())
        position = match.start()
        for key, value in _tags(*match.groups()):
            key = key.lower()
            value = clean_text(value)
            if "]]" in value or "[[" in value:
                message = f"{key}: the value {value!r} holds '[[' or ']]'"
                message += "; write each [[key:value]] on a line of its own"
                found.report(line, message, "metadata-line", "warning")
            if key in TERM_KEYS:
                value = term_name(value) or value  # one with nothing but marks is reported as such
            _read_line(found, key, value, line)
    _report_unread(found, head)
    type_ = type_name(found.singles.get("type", ("", 0))[0])
    # planfolio knows the keys of learning plans and experiments alone: the other types
    # (solutions, blogs... when site.yml's types: holds them) have keys of their own, kept
    # as extra metadata without a word, where a plan's unknown key is likely a typo.
    _report_repeats(found, type_ in (LEARNING_PLAN, EXPERIMENT))
    fields: dict[str, Any] = {key: tuple(values) for key, values in found.lists.items()}
    fields["extra_metadata"] = tuple(found.extra)
    fields["metadata_lines"] = tuple((key, value, line) for (key, value), line in found.lines.items())
    for key in ("focal_point", *EXPERIMENT_SINGLE_KEYS):
        fields[key] = found.singles.get(key, ("", 0))[0]
    fields["type"] = type_
    fields["country"] = _country(found)
    fields["year"] = _year(found)
    fields["latlng"] = _latlng(found)
    return fields, sorted(found.problems, key=lambda problem: problem.line or 0)


# Tags one after another on one line ("[[country:Kenya]] [[year:2021]]"), each read as its own.
_NEXT_TAG = re.compile(r"\]\][\s,;]*\[\[")
_TAG = re.compile(r"\[\[\s*([A-Za-z_][\w-]*)\s*:(.*?)\]\][\s,;]*")


def _tags(key: str, value: str) -> list[tuple[str, str]]:
    """Return the key and value of each tag of a metadata line read as one from its first key
    (whose value then holds the others'): one tag, or several on one line."""
    if "]]" not in value or not _NEXT_TAG.search(value):
        return [(key, value)]
    line = f"[[{key}:{value}]]"
    tags, position = [], 0
    for match in _TAG.finditer(line):
        if match.start() != position:
            return [(key, value)]  # text between them: not tags side by side
        tags.append((match.group(1), match.group(2)))
        position = match.end()
    return tags if position == len(line) else [(key, value)]


# The plans share their metadata values, and the forms their questions.
@functools.lru_cache(maxsize=4096)
def clean_text(text: str) -> str:
    """Return plain text with the forms' HTML entities decoded and spaces folded."""
    return " ".join(html.unescape(text).split())


def term_name(value: str) -> str:
    """Return a term's name without the stray marks around it ("covid-19 , response" gives
    "covid-19, response"; "tracking data," gives "tracking data"), or "" if it is all marks.

    A last full stop goes too, unless its word holds another (an abbreviation: "U.S.").
    """
    name = _SPACE_BEFORE_MARK.sub("", value)
    while True:
        before = name
        name = _STRAY_AFTER.sub("", _STRAY_BEFORE.sub("", name))
        if name.endswith(".") and "." not in name.rpartition(" ")[2][:-1]:
            name = name[:-1]
        if name.endswith(")") and name.count(")") > name.count("("):
            name = name[:-1]
        if name.startswith("(") and name.count("(") > name.count(")"):
            name = name[1:]
        if name == before:
            return name


#: How many Sustainable Development Goals there are, numbered from 1.
GOALS = 17
# A goal's number, after the word for a goal in English, French or Spanish, if any.
_GOAL_NUMBER = re.compile(
    r"\s*(?:(?:sdgs?|goal|objectif|objetivo|objective|ods|odd)\s*(?:n[°o.]?|#)?\s*)?(\d+)\b", re.IGNORECASE
)


def written_goal_number(name: str) -> int | None:
    """Return the number an SDG value starts with ("13", "SDG 13", "13. Climate action",
    "Goal 13", "Objectif 13", "ODS 13"), in the range of the goals or not, or None when it
    starts with none."""
    match = _GOAL_NUMBER.match(name)
    return int(match.group(1)) if match else None


def goal_number(name: str) -> int | None:
    """Return the goal an SDG value names by its number ("10. Reduced inequalities" is 10),
    or None when it starts with no number of a goal."""
    number = written_goal_number(name)
    return number if number is not None and 1 <= number <= GOALS else None


def _read_line(found: _Found, key: str, value: str, line: int) -> None:
    if not value:
        found.report(line, f"{key}: empty value ignored", "empty-value", "warning")
    elif key in EXPERIMENT_LIST_KEYS:
        found.lists[key][value] = None  # shown as text: no page to name
        found.lines.setdefault((key, value), line)
    elif key in LIST_KEYS:
        if not term_slug(value):  # as the site names its page (site.term_group)
            _report_unnamed(found, key, value, line)
        elif key == "sdgs" and written_goal_number(value) is None:
            message = f"sdgs: {value!r} gives no goal's number, which decides the goal"
            message += ": write it as '13. Climate action'"
            found.report(line, message, "sdg", "warning")
        elif key == "sdgs" and goal_number(value) is None:
            message = f"sdgs: {value!r} names no goal: the SDGs are numbered 1 to {GOALS}"
            found.report(line, message, "sdg", "warning")
        found.lists[key][value] = None
        found.lines.setdefault((key, value), line)
    elif key in _SINGLES:
        if key in found.singles:
            found.repeats.setdefault(key, []).append((value, line))
        else:
            found.singles[key] = (value, line)
            found.lines[key, value] = line
    else:
        found.extra.append((key, value))
        found.unknown.setdefault(key, []).append(line)


def _report_unread(found: _Found, head: str) -> None:
    """Report each line of the head that opens as a metadata line but is none
    (`[[year:2021]`, `[[country Kenya]]`): its value would be lost without a word."""
    for opening in _META_OPENING.finditer(head):
        if not _META_LINE.match(head, opening.start()):
            line = head.count("\n", 0, opening.start()) + 1
            text = head[opening.start() :].split("\n", 1)[0].strip()
            message = f"not read as metadata: {text[:60]!r}; a metadata line is [[key:value]]"
            found.report(line, message, "metadata-line", "warning")


def _report_repeats(found: _Found, known_keys: bool = True) -> None:
    """Report each repeated single key and, for a type whose keys planfolio knows, each
    unknown key once, where it is first repeated."""
    for key, repeats in found.repeats.items():
        kept, first = found.singles[key]
        # The same value again (solutions repeat their country and latlng) loses nothing.
        ignored = [(value, line) for value, line in repeats if value != kept]
        if not ignored:
            continue
        given = "more than once" if len(repeats) == 1 else f"{len(repeats) + 1} times"
        dropped = repr(ignored[0][0]) if len(ignored) == 1 else _lines([line for _, line in ignored])
        message = f"{key}: given {given} (first on line {first}); keeping {kept!r}, ignoring {dropped}"
        found.report(ignored[0][1], message, "repeated-key")
    for key, lines in found.unknown.items() if known_keys else ():
        where = f" on {len(lines)} lines" if len(lines) > 1 else ""
        meant = did_you_mean(key, (*_LISTS, *_SINGLES))
        message = f"unknown metadata key {key!r}{where} (kept as extra metadata){meant}"
        found.report(lines[0], message, "unknown-key", "warning")


def _lines(numbers: list[int], shown: int = 5) -> str:
    """Return 'lines 4, 5 and 9', or 'lines 4, 5, 9, 12, 15 and 90 more'."""
    if len(numbers) <= shown:
        return "lines " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"
    return "lines " + ", ".join(map(str, numbers[:shown])) + f" and {len(numbers) - shown} more"


def _report_unnamed(found: _Found, key: str, value: str, line: int) -> None:
    message = f"{key}: {value!r} has no letters or digits to name a page; left out"
    found.report(line, message, "unnamed-term")


def _country(found: _Found) -> str:
    value, line = found.singles.get("country", ("", 0))
    if not value:
        return ""
    if not slugify(value):
        _report_unnamed(found, "country", value, line)
    elif not is_known_country(value):
        closest = closest_country(value)
        hint = f"; did you mean {closest!r}?" if closest else ""
        found.report(line, f"country: {value!r} is not a known country name{hint}", "country", "warning")
    return value


def _year(found: _Found) -> int | None:
    if "year" not in found.singles:
        return None
    value, line = found.singles["year"]
    low, high = YEAR_RANGE
    if value.isascii() and value.isdigit() and low <= int(value) <= high:
        return int(value)
    found.report(line, f"year: expected a year from {low} to {high}, found {value!r}", "year")
    return None


# A decimal number as a latlng gives it: sign, digits, a point, an exponent, spaces around.
_DECIMAL = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*")


def _latlng(found: _Found) -> tuple[float, float] | None:
    if "latlng" not in found.singles:
        return None
    value, line = found.singles["latlng"]
    parts = value.split(",")
    lat = lng = math.nan
    if len(parts) == 2 and all(map(_DECIMAL.fullmatch, parts)):  # float() would read "1_0" as 10
        lat, lng = (float(part) for part in parts)
    if -90 <= lat <= 90 and -180 <= lng <= 180:
        return (lat, lng)
    message = f"latlng: expected 'latitude,longitude' (from -90 to 90, -180 to 180), found {value!r}"
    found.report(line, message, "latlng")
    return None
