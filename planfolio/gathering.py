"""The files that gather every plan (search indexes, plans.json) and what each plan gives them.

What a plan gives them, its analysed search terms and its data record, depends only
on its bytes, its page name and the privacy policy. It is made once, before the pages
are rendered, and kept between builds with the parsed plans (see cache.ParsedPlans), so
after an edit these files are put together from the parts instead of made from nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .config import Config
from .data import data_files, record_json
from .goals import shown_names
from .i18n import interface
from .model import Plan
from .search import PlanSearch, SearchCorpus, analyse_plan, search_corpus, search_json, search_scripts
from .site import Site
from .snowball import TermCaches

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


def make_parts(plan: Plan, policy: str, cache: TermCaches | None = None) -> PlanParts:
    """Make what the gathering files take from one plan."""
    return PlanParts(parts_key(plan, policy), analyse_plan(plan, policy, cache), record_json(plan, policy))


def missing_parts(plans: Sequence[Plan], policy: str, known: Mapping[str, PlanParts]) -> list[Plan]:
    """Return the plans whose parts are not known for their present bytes, name and policy."""
    return [plan for plan in plans if not _known(plan, policy, known)]


def parts_cost(plan: Plan) -> int:
    """Return about how long making a plan's parts takes, in the units of route costs."""
    return 1 + plan.answer_length // 3000


def make_all_parts(policy: str, plans: Sequence[Plan]) -> dict[str, PlanParts]:
    """Make the parts of every plan given, by source path."""
    cache = TermCaches()  # the words of one process's plans, stemmed once
    return {plan.source_path: make_parts(plan, policy, cache) for plan in plans}


def every_part(plans: Sequence[Plan], policy: str, known: Mapping[str, PlanParts]) -> dict[str, PlanParts]:
    """Return the parts of every plan by source path: the known ones still valid, the others made now."""
    parts = make_all_parts(policy, missing_parts(plans, policy, known))
    return {plan.source_path: parts.get(plan.source_path) or known[plan.source_path] for plan in plans}


def _known(plan: Plan, policy: str, known: Mapping[str, PlanParts]) -> bool:
    found = known.get(plan.source_path)
    return found is not None and found.key == parts_key(plan, policy)


class Gathering:
    """The gathering files of a site, made kind by kind from the plans' parts, which the
    search files' kinds take from one gathering of every plan's terms."""

    def __init__(self, site: Site, config: Config, known: Mapping[str, PlanParts]) -> None:
        self.site, self.config = site, config
        self.parts = every_part(site.plans, config.focal_points, known)
        self.analysed = {path: part.search for path, part in self.parts.items()}
        # The terms named as the pages name them, in the site's language (see goals.py).
        self.names = shown_names(site, interface(config.language).gettext)
        self._corpus: SearchCorpus | None = None

    def files(self, kind: str) -> dict[str, bytes]:
        """Return the files of a gathering route of a kind by site-relative path."""
        if kind == "data":
            return data_files(
                self.site, self.config, {path: part.record for path, part in self.parts.items()}
            )
        if kind == "search-json":
            return search_json(self.search_corpus(), self.analysed, self.site, self.names)
        return search_scripts(self.search_corpus(), self.analysed, self.site, self.names)

    def search_corpus(self) -> SearchCorpus:
        """Return every plan's terms gathered for the search files, gathering them the first time."""
        if self._corpus is None:
            self._corpus = search_corpus(self.site.plans, self.analysed)
        return self._corpus
