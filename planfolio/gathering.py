"""The files that gather every plan (search indexes, plans.json) and what each plan gives them.

What a plan gives them, its analysed search terms and its data record, depends only
on its bytes, its page name and the privacy policy. It is made once, before the pages
are rendered, and kept between builds with the parsed plans (see cache.ParsedPlans), so
after an edit these files are put together from the parts instead of made from nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from .config import Config
from .data import data_files, record_json
from .model import Plan
from .parallel import run_parallel, share, worker_count
from .search import PlanSearch, analyse_plan, search_json, search_scripts
from .site import Site
from .stemmer import TermCache

#: The kinds of route whose files gather every plan.
GATHERING_KINDS = frozenset({"search-index", "search-json", "data"})
# Below this many plans to analyse, starting a second process costs more than it saves.
_SHARED_PLANS = 50


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


def new_parts(plans: Sequence[Plan], policy: str, known: Mapping[str, PlanParts]) -> dict[str, PlanParts]:
    """Make the parts of the plans whose parts are not known for their present bytes, on every core."""
    missing = [plan for plan in plans if not _known(plan, policy, known)]
    sizes = [
        sum(len(entry.answer) for section in plan.sections for entry in section.entries) for plan in missing
    ]
    chunks = share(missing, sizes, worker_count() if len(missing) > _SHARED_PLANS else 1)
    return {
        path: part for made in run_parallel(partial(_make_all, policy), chunks) for path, part in made.items()
    }


def every_part(plans: Sequence[Plan], policy: str, known: Mapping[str, PlanParts]) -> dict[str, PlanParts]:
    """Return the parts of every plan by source path: the known ones still valid, the others made now."""
    parts = _make_all(policy, [plan for plan in plans if not _known(plan, policy, known)])
    return {plan.source_path: parts.get(plan.source_path) or known[plan.source_path] for plan in plans}


def _known(plan: Plan, policy: str, known: Mapping[str, PlanParts]) -> bool:
    found = known.get(plan.source_path)
    return found is not None and found.key == parts_key(plan, policy)


def _make_all(policy: str, plans: Sequence[Plan]) -> dict[str, PlanParts]:
    cache = TermCache()  # the words of one process's plans, stemmed once
    return {plan.source_path: make_parts(plan, policy, cache) for plan in plans}


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
