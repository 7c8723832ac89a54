"""The build cache: what each page of the last build was made from.

It lives in a folder beside the output that the user may delete at any time
(`.planfolio-cache/`). A page
is reused only when its key is the same and the file in the output folder is still
the one the last build wrote (same size and modification time); anything else is
rendered again, so a stale or damaged cache can only cost time, never correctness.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import astuple, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import Config
from .i18n import LOCALE
from .model import Plan, Problem
from .output import CACHE_FOLDER, remove_files_of_ended_processes

if TYPE_CHECKING:  # (the search modules it imports are not the cache's to load: a check needs none)
    from .gathering import PlanParts

_MANIFEST = "manifest.json"
_PARSED = "parsed.pickle"
_FORMAT = 1
#: The code's own version: a new one makes every page be rendered again.
CODE_VERSION = "1"


@dataclass
class Manifest:
    """For each output path: the key it was built from, the file's size and mtime,
    and the problems found while rendering it."""

    output: str = ""
    entries: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    problems: dict[str, tuple[Problem, ...]] = field(default_factory=dict)
    site: str = ""  # the site key of the build that wrote it (see routes.site_key)

    def keys(self) -> dict[str, str]:
        """Return the key of every file, by path."""
        return {path: entry[0] for path, entry in self.entries.items()}

    def reusable(self, output: Path, path: str, key: str | None) -> bool:
        """Return whether the file at path in output was built from the same key (None: any key)."""
        entry = self.entries.get(path)
        if entry is None or key is not None and entry[0] != key:
            return False
        try:
            stat = os.stat(output / path)
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (entry[1], entry[2])

    def only(self, paths: set[str]) -> Manifest:
        """Return the manifest of some of the paths."""
        entries = {path: entry for path, entry in self.entries.items() if path in paths}
        problems = {p: found for p, found in self.problems.items() if p in paths}
        return Manifest(self.output, entries, problems, self.site)


def cache_folder(output: Path) -> Path:
    """Return the cache folder of an output folder: beside it, never inside what is published."""
    return output.absolute().parent / CACHE_FOLDER / output.absolute().name


def load_manifest(cache: Path | None, output: Path) -> Manifest:
    """Read the manifest of the last build into output, or an empty one."""
    if cache is None:
        return Manifest()
    try:
        data = json.loads((cache / _MANIFEST).read_text(encoding="utf-8"))
        if data.get("format") != _FORMAT or data.get("output") != str(output.resolve()):
            return Manifest()
        entries = {path: (key, size, mtime) for path, (key, size, mtime, _) in data["entries"].items()}
        problems = {
            path: tuple(Problem(*problem) for problem in found)
            for path, (_, _, _, found) in data["entries"].items()
        }
        return Manifest(data["output"], entries, problems, data.get("site", ""))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # a file damaged in any way
        return Manifest()


def save_manifest(
    cache: Path | None,
    output: Path,
    keys: dict[str, str],
    problems: dict[str, tuple[Problem, ...]],
    linked: Manifest | None = None,
    site: str = "",
) -> None:
    """Record the key, the file stat and the problems of every page just written to output,
    and the site key of the build (see routes.site_key).

    Files linked from the last build, whose entries `linked` holds, keep their size and
    modification time: a hard link shares them. A file copied instead has a new time,
    so the next build makes it again.
    """
    if cache is None:
        return
    entries = {}
    for path, key in sorted(keys.items()):
        known = linked.entries.get(path) if linked is not None else None
        size, mtime = known[1:] if known is not None else _size_and_time(output / path)
        found = [list(astuple(problem)) for problem in problems.get(path, ())]
        entries[path] = (key, size, mtime, found)
    data = {"format": _FORMAT, "output": str(output.resolve()), "site": site, "entries": entries}
    cache.mkdir(parents=True, exist_ok=True)
    temporary = cache / f"{_MANIFEST}.{os.getpid()}"
    temporary.write_text(json.dumps(data), encoding="utf-8")
    temporary.replace(cache / _MANIFEST)


def _size_and_time(path: Path) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_size, stat.st_mtime_ns


def fingerprint(config: Config, code: str, *folders: Path) -> str:
    """Hash the code (see code_fingerprint), the templates and the config: what every page depends on."""
    digest = hashlib.sha1(repr((code, config)).encode("utf-8"))
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".html", ".xml", ".txt"):
                digest.update(os.fsencode(path.relative_to(folder).as_posix()))  # any name's bytes
                digest.update(path.read_bytes())
    return digest.hexdigest()


class ParsedPlans:
    """The plans parsed by earlier builds, by file, with a hash of the bytes they came from,
    and their parts of the gathering files.

    A process that builds again and again (the preview server) keeps one, so that a
    rebuild parses only the files whose bytes changed; a build with a cache folder
    reads one saved by the last build (see load_parsed and write_parsed).
    """

    def __init__(self, files: dict[str, bytes] | None = None, derived: dict[str, Any] | None = None) -> None:
        self._files: dict[str, tuple[str, Plan | None, tuple[Problem, ...]]] = {}
        #: What each plan gave the files that gather every plan, by source path.
        self.parts: dict[str, PlanParts] = {}
        #: What a stage worked out from all the plans, by the stage's name (see keep_derived).
        self.derived: dict[str, Any] = derived or {}
        # Each file's entry and parts pickled, as loaded or last saved: saving again
        # pickles only the files that changed.
        self._pickled = files or {}
        for source_path, data in self._pickled.items():
            self._files[source_path], part = pickle.loads(data)
            if part is not None:
                self.parts[source_path] = part
        self.changed = files is None  # whether anything was parsed, made or forgotten since loading

    @property
    def empty(self) -> bool:
        """Return whether no file is known."""
        return not self._files

    def get(self, source_path: str, key: str | None = None) -> tuple[Plan | None, list[Problem]] | None:
        """Return the plan and problems of a file, if known (made from that key, if given:
        see entry_key)."""
        entry = self._files.get(source_path)
        if entry is None or key is not None and entry[0] != key:
            return None
        return entry[1], list(entry[2])

    def keep(self, source_path: str, key: str, plan: Plan | None, problems: list[Problem]) -> None:
        """Keep the plan and problems parsed from a file, made from that key (see entry_key)."""
        self._files[source_path] = (key, plan, tuple(problems))
        self._pickled.pop(source_path, None)
        self.changed = True

    def keep_only(self, source_paths: set[str]) -> None:
        """Forget the files that are gone."""
        for source_path in set(self._files) - source_paths:
            del self._files[source_path]
            self._pickled.pop(source_path, None)
            self.changed = True
        for source_path in set(self.parts) - source_paths:
            del self.parts[source_path]

    def add_parts(self, parts: Mapping[str, PlanParts]) -> None:
        """Keep parts newly made for the gathering files."""
        for source_path in parts:
            self._pickled.pop(source_path, None)
            self.changed = True
        self.parts.update(parts)

    def keep_derived(self, name: str, value: Any) -> None:
        """Keep what a stage worked out from the plans, for the next build (see related.py)."""
        self.derived[name] = value
        self.changed = True

    def pickled(self) -> dict[str, bytes]:
        """Return each file's entry and parts, pickled (see __init__)."""
        for source_path, entry in self._files.items():
            if source_path not in self._pickled:
                value = (entry, self.parts.get(source_path))
                self._pickled[source_path] = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        return {source_path: self._pickled[source_path] for source_path in self._files}


def entry_key(digest: str, types: Collection[str]) -> str:
    """Return what a file's entry is made from: its bytes (their digest), and the types parsed."""
    return f"{digest}:{','.join(sorted(types))}"


def code_fingerprint(locale: Path | None = None) -> str:
    """Hash the package's own code, version and message catalogues: nothing another code made
    is reused, and no page keeps the words of an older catalogue."""
    digest = hashlib.sha1(CODE_VERSION.encode("utf-8"))
    package = Path(__file__).parent
    catalogues = sorted((locale or LOCALE).rglob("*.po"))
    for path in [*sorted(package.glob("*.py")), *catalogues]:
        digest.update(path.name.encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_parsed(cache: Path, code: str) -> ParsedPlans:
    """Read the parsed plans the last build saved with this code, or none; remove the
    drafts of builds killed before they could (see parsed_draft)."""
    _remove_killed_drafts(cache)
    try:
        with open(cache / _PARSED, "rb") as file:
            saved_code, files, derived = pickle.load(file)
            return ParsedPlans(files, derived) if saved_code == code else ParsedPlans()
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        return ParsedPlans()


def _remove_killed_drafts(cache: Path) -> None:
    """Remove the drafts of the parsed plans and of the manifest that processes no longer
    running left in the cache (a build killed as it wrote them)."""
    drafts = re.compile(rf"(?:{re.escape(_PARSED)}|{re.escape(_MANIFEST)})\.(\d+)")
    remove_files_of_ended_processes(cache, drafts)


def parsed_draft(cache: Path) -> Path:
    """Return where this process writes the parsed plans before they replace the last
    build's (see keep_parsed): beside them, under a name of its own."""
    return cache / f"{_PARSED}.{os.getpid()}"


def write_parsed(
    parsed: ParsedPlans, code: str, draft: Path, parts: Mapping[str, PlanParts] | None = None
) -> None:
    """Write the parsed plans, with parts newly made for them, to a draft, which keep_parsed
    puts in the place of the last build's, or which is removed when the build fails (any
    process may write it)."""
    if parts:
        parsed.add_parts(parts)
    draft.parent.mkdir(parents=True, exist_ok=True)
    with open(draft, "wb") as file:
        pickle.dump((code, parsed.pickled(), parsed.derived), file, protocol=pickle.HIGHEST_PROTOCOL)


def discard_parsed(draft: Path, folders: Sequence[Path] = ()) -> None:
    """Remove a draft of the parsed plans (see write_parsed) that a failed build wrote, and
    the folders given, made for it (the cache folder of a first build), left empty."""
    draft.unlink(missing_ok=True)
    for folder in folders:
        with contextlib.suppress(OSError):  # not empty: another build's, or the user's
            folder.rmdir()


def keep_parsed(draft: Path) -> None:
    """Put a draft written by write_parsed in place of the last build's parsed plans."""
    draft.replace(draft.with_name(_PARSED))
