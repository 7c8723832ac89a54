"""Read and check the `[[key:value]]` metadata lines at the head of a plan."""

from __future__ import annotations

import html
import math
import re
from typing import Any

from .model import LIST_KEYS, SINGLE_KEYS, Problem

_META_LINE = re.compile(r"^\s*\[\[\s*([A-Za-z_][\w-]*)\s*:(.*)\]\]\s*$")
YEAR_RANGE = (2000, 2100)


def read_metadata(head: list[str], source_path: str) -> tuple[dict[str, Any], list[Problem]]:
    """Return Plan keyword arguments from metadata lines, with their problems."""
    problems: list[Problem] = []
    singles: dict[str, tuple[str, int]] = {}
    lists: dict[str, list[str]] = {key: [] for key in LIST_KEYS}
    extra: list[tuple[str, str]] = []
    for index, line in enumerate(head):
        match = _META_LINE.match(line)
        if not match:
            continue
        number, key = index + 1, match.group(1).lower()
        value = " ".join(html.unescape(match.group(2)).split())
        if not value:
            problems.append(Problem(source_path, number, f"{key}: empty value ignored", "warning"))
        elif key in LIST_KEYS:
            if value not in lists[key]:
                lists[key].append(value)
        elif key in SINGLE_KEYS:
            if key in singles:
                first = singles[key][1]
                message = (
                    f"{key}: given more than once (first on line {first});"
                    f" keeping {singles[key][0]!r}, ignoring {value!r}"
                )
                problems.append(Problem(source_path, number, message))
            else:
                singles[key] = (value, number)
        else:
            extra.append((key, value))
            message = f"unknown metadata key {key!r} (kept as extra metadata)"
            problems.append(Problem(source_path, number, message, "warning"))
    fields: dict[str, Any] = {key: tuple(values) for key, values in lists.items()}
    fields["extra_metadata"] = tuple(extra)
    for key in ("country", "focal_point", "type"):
        fields[key] = singles.get(key, ("", 0))[0]
    fields["year"] = _year(singles.get("year"), source_path, problems)
    fields["latlng"] = _latlng(singles.get("latlng"), source_path, problems)
    return fields, problems


def _year(found: tuple[str, int] | None, path: str, problems: list[Problem]) -> int | None:
    if found is None:
        return None
    value, line = found
    low, high = YEAR_RANGE
    if value.isdigit() and low <= int(value) <= high:
        return int(value)
    problems.append(Problem(path, line, f"year: expected a year from {low} to {high}, found {value!r}"))
    return None


def _latlng(found: tuple[str, int] | None, path: str, problems: list[Problem]) -> tuple[float, float] | None:
    if found is None:
        return None
    value, line = found
    parts = value.split(",")
    try:
        lat, lng = (float(part) for part in parts) if len(parts) == 2 else (math.nan, math.nan)
    except ValueError:
        lat = lng = math.nan
    if -90 <= lat <= 90 and -180 <= lng <= 180:
        return (lat, lng)
    message = f"latlng: expected 'latitude,longitude' (from -90 to 90, -180 to 180), found {value!r}"
    problems.append(Problem(path, line, message))
    return None
