"""The plain data that flows through a build: problems, plans and their parts."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from .doctypes import EXPERIMENT, LEARNING_PLAN
from .i18n import count_noun, interface

#: Metadata keys that may repeat; each becomes a tuple on the plan.
LIST_KEYS = ("methods", "datasources", "sdgs", "thematic_areas")
#: Metadata keys that may appear once.
SINGLE_KEYS = ("country", "year", "latlng", "focal_point", "type")
#: An experiment's own metadata keys that may repeat (its form's answers of several choices)...
EXPERIMENT_LIST_KEYS = (
    "experiment_type",
    "assignment_type",
    "control_group",
    "sample_size",
    "partnering_sector",
    "quality_check",
    "scaling",
)
#: ... and those that may appear once.
EXPERIMENT_SINGLE_KEYS = ("experiment_status", "total_cost")
#: Every experiment key, in the order its card shows them.
EXPERIMENT_KEYS = (
    "experiment_status",
    "experiment_type",
    "assignment_type",
    "control_group",
    "sample_size",
    "total_cost",
    "partnering_sector",
    "quality_check",
    "scaling",
)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file, found while reading it."""

    path: str
    line: int | None
    message: str
    severity: str = "error"  # "error" or "warning"
    kind: str = "other"  # what is wrong, for counting ("not-utf8", "unknown-key", ...)

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.severity}: {self.message}"


def shown_name(name: str) -> str:
    """Return a file name as text that every encoder takes: the bytes of a name that is not
    UTF-8 (which Python holds as lone surrogates) escaped, as in 'caf\\xe9.md'."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


@dataclass(frozen=True)
class Entry:
    """One question of a section with the markdown answer written under it."""

    question: str
    answer: str
    line: int
    in_group: bool = False
    answer_line: int = 0  # the line of the answer's first text, 0 when it has none


@dataclass(frozen=True)
class Partner:
    """One partner record from the repeated groups of a partners section."""

    name: str = ""
    sector: str = ""
    description: str = ""
    is_new: str = ""
    #: The line of each field's answer in its file, by field name, for the warnings of its text.
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False)

    def line(self, name: str) -> int:
        """Return the line of a field's answer in its file (0 when unknown)."""
        return dict(self.lines).get(name, 0)


#: A partner's fields, in the order of its table's columns and of its record in plans.json.
PARTNER_FIELDS = ("name", "sector", "description", "is_new")


@dataclass(frozen=True)
class Section:
    """A `## ` section: its heading as written, a canonical key and its entries."""

    heading: str
    key: str
    line: int
    entries: tuple[Entry, ...] = ()
    partners: tuple[Partner, ...] = ()
    lead: str = ""  # the form's instruction under the heading, shown before the questions

    @cached_property
    def answered(self) -> tuple[Entry, ...]:
        """Return the entries that have an answer (found once: pages, search and checks ask)."""
        return tuple(entry for entry in self.entries if entry.answer.strip())


@dataclass(frozen=True)
class Plan:
    """One action learning plan, as read from its file."""

    source_path: str  # relative to the source folder, with forward slashes
    title: str
    title_line: int = 1
    # The '# ' line as written, when it cut the title short and the Title section gave it
    # whole ("" otherwise): the page keeps the name that line gives it (see site.base_slug).
    heading: str = ""
    slug: str = ""
    country: str = ""
    year: int | None = None
    latlng: tuple[float, float] | None = None
    focal_point: str = ""
    type: str = LEARNING_PLAN  # see doctypes
    methods: tuple[str, ...] = ()
    datasources: tuple[str, ...] = ()
    sdgs: tuple[str, ...] = ()
    thematic_areas: tuple[str, ...] = ()
    # An experiment's own metadata.
    experiment_status: str = ""
    experiment_type: tuple[str, ...] = ()
    assignment_type: tuple[str, ...] = ()
    control_group: tuple[str, ...] = ()
    sample_size: tuple[str, ...] = ()
    total_cost: str = ""
    partnering_sector: tuple[str, ...] = ()
    quality_check: tuple[str, ...] = ()
    scaling: tuple[str, ...] = ()
    extra_metadata: tuple[tuple[str, str], ...] = ()
    # (key, value, line) for each metadata value kept: the first line that gives it.
    metadata_lines: tuple[tuple[str, str, int], ...] = ()
    sections: tuple[Section, ...] = ()
    template: str = "unknown"  # "plan", "report" or "unknown"
    language: str = "en"
    digest: str = ""  # content hash of the source bytes
    # A document of a type the site does not hold: read only as far as its type line.
    set_aside: bool = False
    problems: tuple[Problem, ...] = field(default=(), compare=False)

    def named(self, slug: str) -> Plan:
        """Return the plan under a page name: what dataclasses.replace gives, but without
        calling __init__ again (a site names every plan before any page is made)."""
        named = object.__new__(type(self))
        named.__dict__.update(self.__dict__, slug=slug)
        return named

    def metadata_line(self, key: str, value: str) -> int | None:
        """Return the line of the metadata line that gives a value of a key, if one does."""
        return next((line for k, v, line in self.metadata_lines if (k, v) == (key, value)), None)

    @property
    def is_experiment(self) -> bool:
        """Return whether the document is an experiment rather than a learning plan."""
        return self.type == EXPERIMENT

    @property
    def partners(self) -> tuple[Partner, ...]:
        """Return every partner record of every section."""
        return tuple(p for section in self.sections for p in section.partners)

    @cached_property
    def answer_length(self) -> int:
        """Return how many characters its answers hold: a measure of the work it takes."""
        return sum(len(entry.answer) for section in self.sections for entry in section.entries)


def counted(number: int, noun: str) -> str:
    """Return a number with its noun, plural unless the number is one ("1 plan", "2 plans")."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def system_refusal(error: OSError) -> str:
    """Return what the system refused, and what of: 'cannot write x: No space left on device'.

    A copy names the file written second (filename2), the file read first.
    """
    where = error.filename2 or error.filename
    return (
        f"cannot write {where}: {error.strerror or error}"
        if where
        else f"cannot write: {error.strerror or error}"
    )


def did_you_mean(written: str, known: Iterable[str]) -> str:
    """Return "; did you mean 'x'?" for the known word closest to one mistyped, or "" when
    none is close, to end a problem's message."""
    # Closer than difflib's default: "colour" is not a mistyped "country".
    close = difflib.get_close_matches(written.lower(), list(known), n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""


def counted_documents(documents: int, by_type: Mapping[str, int] | None = None) -> str:
    """Return how many documents there are, those of each type but learning plans apart,
    in the order of `by_type` (the count of each type, as Site.type_counts gives them):
    "2 plans", "2 plans and 1 experiment", "938 plans, 252 experiments and 20 solutions"."""
    others = {type_: count for type_, count in (by_type or {}).items() if type_ != LEARNING_PLAN and count}
    plans = documents - sum(others.values())
    english = interface("en")
    parts = [f"{count} {count_noun(english, type_, count)}" for type_, count in others.items()]
    if plans or not parts:
        parts.insert(0, counted(plans, "plan"))
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
