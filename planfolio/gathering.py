"""The files that gather every plan (search indexes, plans.json) and what each plan gives them.

What a plan gives them, its analysed search terms and its data record, depends only
on its bytes, its page name and the privacy policy. It is made once, beside the plan's
page, and kept between builds with the parsed plans (see cache.ParsedPlans), so after
an edit these files are put together from the parts instead of made from nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .config import Config
from .data import data_files, record_json
from .model import Plan
from .search import PlanSearch, analyse_plan, search_json, search_scripts
from .site import Site
from .stemmer import TermCache

#: The kinds of route whose files gather every plan.
GATHERING_KINDS = frozenset({"search-index", "search-json", "data"})


@dataclass(frozen=True)
class PlanParts:
    """What the gathering files take from one plan, and the key of what they were made from."""

    key: str
    search: PlanSearch
    record: bytes  # its entry in plans.json


def parts_key(plan: Plan, policy: str) -> str:
    """Return what a plan's parts depend on: its bytes, its page name and the privacy policy."""
    return f"{plan.digest}:{plan.slug}:{policy}"


def make_parts(plan: Plan, policy: str, cache: TermCache | None = None) -> PlanParts:
    """Make what the gathering files take from one plan."""
    return PlanParts(parts_key(plan, policy), analyse_plan(plan, policy, cache), record_json(plan, policy))


def every_part(plans: Sequence[Plan], policy: str, known: Mapping[str, PlanParts]) -> dict[str, PlanParts]:
    """Return the parts of every plan by source path: the known ones still valid, the others made now."""
    cache = TermCache()
    parts = {}
    for plan in plans:
        found = known.get(plan.source_path)
        if found is None or found.key != parts_key(plan, policy):
            found = make_parts(plan, policy, cache)
        parts[plan.source_path] = found
    return parts


def gathering_files(
    kind: str, site: Site, config: Config, known: Mapping[str, PlanParts]
) -> dict[str, bytes]:
    """Return the files of a gathering route by site-relative path."""
    parts = every_part(site.plans, config.focal_points, known)
    if kind == "data":
        return data_files(site, config, {path: part.record for path, part in parts.items()})
    analysed = {path: part.search for path, part in parts.items()}
    if kind == "search-json":
        return search_json(site.plans, analysed)
    return search_scripts(site.plans, analysed)
