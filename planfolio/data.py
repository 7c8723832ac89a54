"""The plans as data for reuse: plans.json (everything) and plans.csv (metadata).

Both follow the `focal_points` policy, as the pages do. Each plan's `url` is its page,
relative to the site root (where both files are).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from . import urls
from .config import Config
from .jsontext import json_bytes
from .model import EXPERIMENT_KEYS, LIST_KEYS, PARTNER_FIELDS, Partner, Plan, Section
from .privacy import publish_focal_point, publish_partner, publish_text
from .site import Site

CSV_COLUMNS = (
    "url", "title", "country", "year", "latitude", "longitude", "type", "methods",
    "datasources", "sdgs", "thematic_areas", "focal_point", "language", "template", "source_path",
)  # fmt: skip
LIST_SEPARATOR = ";"


def data_files(site: Site, config: Config, records: Mapping[str, bytes] | None = None) -> dict[str, bytes]:
    """Return plans.json and plans.csv for every plan of the site.

    `records` may hold plans' record_json by source path, made earlier; the others are made here.
    """
    records = records or {}
    made = [records.get(plan.source_path) or record_json(plan, config.focal_points) for plan in site.plans]
    return {urls.PLANS_JSON: plans_json(config, made), urls.PLANS_CSV: plans_csv(site, config)}


def plans_json(config: Config, records: Sequence[bytes]) -> bytes:
    """Return the site's details and every plan's record (see record_json) as one JSON document.

    Each plan is on a line of its own, so the file reads and compares plan by plan.
    """
    document = {"title": config.title, "description": config.description, "base_url": config.base_url}
    head = json.dumps(document, ensure_ascii=False, separators=(",", ":")).removesuffix("}").encode("utf-8")
    if not records:
        return head + b',"plans":[]}\n'
    # Joined once: the file is ten megabytes for a thousand plans, and each copy costs.
    parts = [head + b',"plans":[\n']
    for record in records:
        parts += (record, b",\n")
    parts[-1] = b"\n]}\n"
    return b"".join(parts)


def record_json(plan: Plan, policy: str) -> bytes:
    """Return a plan's record as plans.json holds it, on one line."""
    record = plan_record(plan, policy)
    # orjson leaves a UTF-8 copy of each string it writes that is not ASCII inside it (CPython
    # caches it there). The answers are written from copies of their own, so that the plans'
    # answers, which live as long as the process, do not keep one each (190 MB for 10,000 plans).
    for section in record["sections"]:
        for entry in section["entries"]:
            entry["answer"] = _own_copy(entry["answer"])
    return json_bytes(record)


def _own_copy(text: str) -> str:
    """Return text, as a string object of its own unless it is ASCII (which caches nothing)."""
    return text if text.isascii() else (text + " ")[:-1]


def plans_csv(site: Site, config: Config) -> bytes:
    """Return one row of metadata per plan, list values joined with ';' (UTF-8, with a BOM)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for plan in site.plans:
        writer.writerow(_csv_row(plan, config.focal_points))
    # The byte order mark makes spreadsheet programs read the file as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def plan_record(plan: Plan, policy: str) -> dict[str, Any]:
    """Return everything published of one plan, as plain JSON values."""
    record: dict[str, Any] = {
        "url": urls.document_path(plan.type, plan.slug),
        "slug": plan.slug,
        "title": plan.title,
        "country": plan.country,
        "year": plan.year,
        "latlng": list(plan.latlng) if plan.latlng else None,
        "type": plan.type,
        "focal_point": publish_focal_point(plan.focal_point, policy),
        "language": plan.language,
        "template": plan.template,
        "source_path": plan.source_path,
    }
    record.update({key: list(getattr(plan, key)) for key in LIST_KEYS})
    if plan.is_experiment:
        record["experiment"] = {key: _json_value(getattr(plan, key)) for key in EXPERIMENT_KEYS}
    record["extra_metadata"] = [[key, value] for key, value in plan.extra_metadata]
    record["sections"] = [_section_record(section, policy) for section in plan.sections]
    return record


def _json_value(value: str | tuple[str, ...]) -> str | list[str]:
    return list(value) if isinstance(value, tuple) else value


def _section_record(section: Section, policy: str) -> dict[str, Any]:
    return {
        "heading": section.heading,
        "key": section.key,
        "lead": section.lead,
        "entries": [
            {"question": entry.question, "answer": publish_text(entry.answer, policy)}
            for entry in section.entries
        ],
        "partners": [_partner_record(publish_partner(partner, policy)) for partner in section.partners],
    }


def _partner_record(partner: Partner) -> dict[str, str]:
    return {name: getattr(partner, name) for name in PARTNER_FIELDS}


def _csv_row(plan: Plan, policy: str) -> list[str]:
    latitude, longitude = (str(number) for number in plan.latlng) if plan.latlng else ("", "")
    values = {
        "url": urls.document_path(plan.type, plan.slug),
        "title": plan.title,
        "country": plan.country,
        "year": str(plan.year or ""),
        "latitude": latitude,
        "longitude": longitude,
        "type": plan.type,
        "focal_point": publish_focal_point(plan.focal_point, policy),
        "language": plan.language,
        "template": plan.template,
        "source_path": plan.source_path,
    }
    values.update({key: LIST_SEPARATOR.join(getattr(plan, key)) for key in LIST_KEYS})
    return [_as_text(values[column]) for column in CSV_COLUMNS]


# What a spreadsheet program reads a cell starting with as a formula, which it would run.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _as_text(value: str) -> str:
    """Return a cell that a spreadsheet program shows as the text it is: one that would start
    a formula (`=HYPERLINK(...)`, a title starting `- `) is marked as text with a leading
    apostrophe, as OWASP advises; a number (a negative longitude) is left as it is."""
    if not value.startswith(_FORMULA_STARTS):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value
