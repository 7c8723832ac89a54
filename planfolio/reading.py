"""The reading stage: find the plan files of a folder, read and parse them into the site model.

Files whose bytes an earlier build parsed are taken from the parsed plans it kept (see
cache.ParsedPlans); the others are parsed on every core.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection, Sequence
from functools import partial
from pathlib import Path

from .cache import ParsedPlans, entry_key
from .doctypes import DEFAULT_TYPES, PLAN_SUFFIXES
from .model import Plan, Problem, shown_name
from .parallel import run_longest_first
from .parse import parse_plan_bytes
from .site import Site, build_site

README = "readme.md"
#: A plan read: the plan, or None when it cannot be read, and the problems found.
Read = tuple[Plan | None, list[Problem]]


def read_site(
    source: Path, parsed: ParsedPlans | None = None, types: Collection[str] = DEFAULT_TYPES
) -> Site:
    """Discover and parse every document of a folder of the given types into the site model,
    with each one's related documents; count the others, by type."""
    from .related import with_related  # (it needs the search's words, which a check does not load)

    return with_related(read_documents(source, parsed, types))


def read_documents(
    source: Path, parsed: ParsedPlans | None = None, types: Collection[str] = DEFAULT_TYPES
) -> Site:
    """Return the site model of read_site without the related documents: what a check needs."""
    sources, problems = discover(source)
    plans: list[Plan] = []
    left_out: list[str] = []
    for plan, found in read_plans(sources, ParsedPlans() if parsed is None else parsed, types):
        problems += found
        if plan is not None and plan.set_aside:
            left_out.append(plan.type)
        elif plan is not None:
            plans.append(plan)
    return build_site(plans, problems, tuple(sorted(left_out)))


def discover(source: Path) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """Return the plan files below a folder, sorted, each with its path relative to the
    folder (with forward slashes), and what was passed over. A README.md tells about its
    folder: it is not a document."""
    if not source.is_dir():
        return [], [Problem(str(source), None, "plans folder not found", kind="no-plans-folder")]
    found: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    _discover_in(source, "", found, problems)
    return found, problems


def _discover_in(folder: Path, prefix: str, found: list[tuple[Path, str]], problems: list[Problem]) -> None:
    """Add the plan files of a folder, then those of its folders, each folder's by name."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted((entry for entry in listing if not entry.name.startswith(".")), key=_name)
    except OSError:
        return  # a folder that cannot be listed holds no plans to read
    folders = []
    names = {entry.name for entry in entries}
    for entry in entries:
        relative = prefix + shown_name(entry.name)
        named = entry.name.lower().endswith(PLAN_SUFFIXES)  # "Plan.MD" too
        if entry.is_symlink():
            if named or _links_to_folder(entry):
                problems.append(Problem(relative, None, "symbolic link not followed", "warning", "symlink"))
        elif entry.is_dir(follow_symlinks=False):
            if _readable_name(entry, relative, names, problems):
                folders.append(entry)
        elif named and not entry.is_file(follow_symlinks=False):
            # A pipe or a device would be read forever, or not at all.
            problems.append(Problem(relative, None, "not a regular file; left out", "warning", "not-a-file"))
        elif named and entry.name.lower() != README and _readable_name(entry, relative, names, problems):
            found.append((folder / entry.name, relative))
    for entry in folders:
        _discover_in(folder / entry.name, prefix + shown_name(entry.name) + "/", found, problems)


def _readable_name(entry: os.DirEntry[str], relative: str, names: set[str], problems: list[Problem]) -> bool:
    """Return whether a plan file or folder is read under its name shown (see shown_name).

    A name that is not UTF-8 is reported: a page, plans.json and every message need its
    name as text, so its bytes are shown escaped; it is left out only when another file
    of its folder has the name it is shown by.
    """
    shown = shown_name(entry.name)
    if shown == entry.name:
        return True
    what = "folder" if entry.is_dir(follow_symlinks=False) else "file"
    byte = _first_undecodable(os.fsencode(entry.name))
    message = f"{what} name is not UTF-8 (byte 0x{byte:02x} is shown as \\x{byte:02x})"
    if shown in names:
        message = f"{message}, as another {what} is named; left out: rename it"
        problems.append(Problem(relative, None, message, "error", "file-name"))
        return False
    read = "the plan is read" if what == "file" else "its plans are read"
    problems.append(Problem(relative, None, f"{message}; {read}, but rename it", "warning", "file-name"))
    return True


def _first_undecodable(data: bytes) -> int:
    """Return the first byte of data that cannot be decoded as UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return data[error.start]
    raise ValueError("every byte can be decoded")


def _links_to_folder(entry: os.DirEntry[str]) -> bool:
    """Return whether a symbolic link leads to a folder (a loop of links leads nowhere)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def read_plans(
    sources: Sequence[tuple[Path, str]], parsed: ParsedPlans, types: Collection[str] = DEFAULT_TYPES
) -> list[Read]:
    """Read each file (path, source path) and return its plan and problems, parsing only
    the files whose bytes `parsed` does not know; it forgets the files that are gone or
    can no longer be read. Documents of other types than `types` are set aside (see
    parse_plan_bytes).

    With nothing known yet, the processes of the pool read, hash and parse the files;
    else they are read here, to find those whose bytes changed.
    """
    if parsed.empty:
        costs = [_parsing_cost(_size(path)) for path, _ in sources]
        found, readable = [], set()
        for (_, source_path), (digest, plan, problems) in zip(
            sources, run_longest_first(partial(_read_file, types=types), sources, costs), strict=True
        ):
            if digest:
                parsed.keep(source_path, entry_key(digest, types), plan, problems)
                readable.add(source_path)
            found.append((plan, problems))
    else:
        files, unread = [], {}
        for path, source_path in sources:
            try:
                files.append((path.read_bytes(), source_path))
            except OSError as error:
                unread[source_path] = _unreadable(source_path, error)
        read = iter(parse_files(files, parsed, types))
        found = [(None, [unread[s]]) if s in unread else next(read) for _, s in sources]
        readable = {source_path for _, source_path in files}
    parsed.keep_only(readable)
    return found


def parse_files(
    files: Sequence[tuple[bytes, str]], parsed: ParsedPlans, types: Collection[str] = DEFAULT_TYPES
) -> list[Read]:
    """Return the plan and problems of each file's bytes (bytes, source path), parsing on
    every core those that `parsed` does not know (for these types), and keeping them there."""
    new = []
    for data, source_path in files:
        digest = hashlib.sha1(data).hexdigest()
        if parsed.get(source_path, entry_key(digest, types)) is None:
            new.append((data, source_path, digest))
    costs = [_parsing_cost(len(data)) for data, _, _ in new]
    for (_, source_path, digest), (plan, problems) in zip(
        new, run_longest_first(partial(_parse, types=types), new, costs), strict=True
    ):
        parsed.keep(source_path, entry_key(digest, types), plan, problems)
    return [parsed.get(source_path) or (None, []) for _, source_path in files]


def _parsing_cost(size: int) -> int:
    """Return about how long reading and parsing a file of size bytes takes, in the units of
    route costs (see parallel.WORTH_A_PROCESS): about 9 kB of plan a unit."""
    return 1 + size // 9000


def _parse(file: tuple[bytes, str, str], types: Collection[str]) -> Read:
    data, source_path, digest = file
    return parse_plan_bytes(data, source_path, digest, types)


def _read_file(source: tuple[Path, str], types: Collection[str]) -> tuple[str, Plan | None, list[Problem]]:
    """Read, hash and parse a file; return its digest ("" when unreadable), plan and problems."""
    path, source_path = source
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        return "", None, [_unreadable(source_path, error)]
    digest = hashlib.sha1(data).hexdigest()
    return (digest, *parse_plan_bytes(data, source_path, digest, types))


def _unreadable(source_path: str, error: OSError) -> Problem:
    return Problem(source_path, None, f"cannot be read: {error.strerror}", kind="unreadable")


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
