"""Every file the build writes goes through here, and never lands outside the output.

A site is built into a staging folder beside the output (`.NAME.PID-build`) and swapped in
whole, so a build that fails or is killed never leaves a half-written site.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .doctypes import PLAN_SUFFIXES
from .model import shown_name

_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows, where links need privileges
#: The earliest date a zip entry can hold: a fixed date keeps the zip reproducible.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: The folder beside an output folder where planfolio keeps what it reuses between builds.
CACHE_FOLDER = ".planfolio-cache"
#: The file that marks a folder as a site planfolio built, which a build may replace whole.
MARKER = ".planfolio-site"
#: Its bytes: the same for every site, so that builds stay reproducible.
MARKER_TEXT = b"This folder is a site built by planfolio: the next build replaces everything in it.\n"
#: The comment of every zip planfolio writes, by which it knows a zip it may replace.
ZIP_COMMENT = b"A site built by planfolio."


class OutputError(Exception):
    """A write or an output folder that would leave the site's own folder."""


def write_file(root: Path, relative: str, data: bytes, folders: set[Path] | None = None) -> Path:
    """Write bytes to a path below root, refusing any path that leaves it.

    A caller writing many files may pass the same set as `folders` each time: the folders
    found inside root are kept in it, and are not resolved and made again for each file.
    """
    target = _checked_target(root, relative, folders)
    try:  # a link put where the file goes would lead the bytes elsewhere: never follow one
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NO_FOLLOW, 0o666)
    except OSError as error:
        raise OutputError(f"refusing to write {relative!r}: {error.strerror}") from error
    try:
        written = os.write(descriptor, data)
        while written < len(data):  # a write may take only part of the bytes
            written += os.write(descriptor, memoryview(data)[written:])
    finally:
        os.close(descriptor)
    return target


def link_file(root: Path, relative: str, existing: Path, folders: set[Path] | None = None) -> Path:
    """Put an existing file at a path below root, as a hard link where the file system allows."""
    target = _checked_target(root, relative, folders)
    try:
        os.link(existing, target, follow_symlinks=False)
    except OSError:  # a file system without hard links
        shutil.copyfile(existing, target, follow_symlinks=False)
    return target


def holds(path: Path, data: bytes) -> bool:
    """Return whether a file holds exactly these bytes (False when there is none)."""
    try:
        if os.stat(path, follow_symlinks=False).st_size != len(data):
            return False
        with open(path, "rb") as file:
            return file.read() == data
    except OSError:
        return False


def _checked_target(root: Path, relative: str, folders: set[Path] | None) -> Path:
    """Return root/relative once its folder is known to be inside root, and made."""
    target = root / relative
    if folders is None or target.parent not in folders:
        real = (root / relative).resolve()
        if not real.is_relative_to(root.resolve()) or real == root.resolve():
            raise OutputError(f"refusing to write {relative!r}: it is outside the output folder")
        real.parent.mkdir(parents=True, exist_ok=True)
        if folders is not None:
            folders.add(target.parent)
    return target


def editors_file(name: str) -> bool:
    """Return whether a file name is one an editor keeps beside the file it edits (a hidden
    swap or lock file, `style.css~`, Emacs' `#style.css#`, the `4913` vim writes to try the
    folder), never a part of the theme."""
    if name.startswith(".") or name.endswith(("~", ".swp", ".swo", ".swx")) or name == "4913":
        return True
    return name.startswith("#") and name.endswith("#")


def copy_tree(source: Path, root: Path, prefix: str) -> list[str]:
    """Copy every file below source into root/prefix, but editors' files (see editors_file);
    return their site paths."""
    written = []
    for path in sorted(source.rglob("*")):
        if path.is_file() and not path.is_symlink() and not editors_file(path.name):
            relative = f"{prefix}/{path.relative_to(source).as_posix()}"
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            written.append(relative)
    return written


def _beside(plans: Path) -> str:
    """Return a folder beside the plans folder to build into, as the command line would name it."""
    folder = plans.parent / ("site" if plans.name != "site" else "site-pages")
    try:
        return os.path.relpath(folder)
    except ValueError:  # on another drive than the current folder
        return str(folder)


def check_output_folder(
    output: Path, source: Path, project: Path, theme: tuple[Path, ...] = (), force: bool = False
) -> None:
    """Refuse an output folder that a build would replace but planfolio did not make.

    A folder that is missing, empty or marked as a site of planfolio is accepted; any other
    only with `force`. Never accepted: one that is or holds the plans, the project, the
    theme, the current folder, a home folder or /; one inside the plans folder, the theme
    or the package; a `.git` folder, one inside it, or one that holds one.
    """
    if output.is_symlink():
        raise OutputError(f"refusing to build into {output}: it is a symbolic link; give the folder it names")
    if output.exists() and not output.is_dir():
        raise OutputError(f"refusing to build into {output}: it is a file, not a folder")
    _check_parents(output, f"cannot build into {output}")
    output = output.resolve()
    kept = _kept_folders(source, project, theme)
    for name, folder in kept:
        if folder == output:
            raise OutputError(f"refusing to build into {output}: it is {name} {folder}")
    for name, folder in kept:
        if folder.is_relative_to(output):
            raise OutputError(f"refusing to build into {output}: it holds {name} {folder}")
    for name, folder in kept:
        if name in _READ_BY_EVERY_BUILD and output.is_relative_to(folder):
            # Its pages would be copied, or read, into every site built after it.
            inside = f"it is inside {name} {folder}, which builds read"
            raise OutputError(f"refusing to build into {output}: {inside}")
    if output.is_relative_to(source.resolve()):
        plans = source.resolve()
        raise OutputError(
            f"refusing to build into {output}: it is inside the plans folder {plans};"
            f" build beside it instead, as with --output {_beside(plans)}"
        )
    if CACHE_FOLDER in output.parts:  # the cache of the site would be published with it
        raise OutputError(
            f"refusing to build into {output}: it is, or is inside, a {CACHE_FOLDER} folder,"
            " where planfolio keeps what it reuses between builds; name another folder"
        )
    if ".git" in output.parts or output.is_dir() and _holds_git(output):
        raise OutputError(f"refusing to build into {output}: it is, is inside or holds a .git folder")
    if output.is_dir() and not is_site(output) and (documents := _documents_in(output)):
        # --force or not: a folder of plans given as the output (--source and --output swapped).
        raise OutputError(
            f"refusing to build into {output}: it holds {documents} markdown files (plans?) that"
            " a build would delete; give a new or empty folder"
        )
    if not force and output.is_dir() and not is_site(output) and any(output.iterdir()):
        raise OutputError(
            f"refusing to build into {output}: it holds files planfolio did not make (it has no {MARKER});"
            " give a new or empty folder, or add --force to replace everything in it"
        )


def _documents_in(folder: Path) -> int:
    """Return how many files below a folder a build would read as documents."""
    return sum(name.lower().endswith(PLAN_SUFFIXES) for _, _, names in os.walk(folder) for name in names)


def _check_parents(path: Path, cannot: str) -> None:
    """Refuse a path below a file, or below a symbolic link that leads nowhere."""
    for folder in path.parents:
        if folder.is_symlink() and not folder.exists():
            raise OutputError(f"{cannot}: {folder} is a symbolic link to nothing")
        if folder.exists():
            if not folder.is_dir():
                raise OutputError(f"{cannot}: {folder} is a file, not a folder")
            return


def is_site(folder: Path) -> bool:
    """Return whether a folder is a site a build of planfolio made (it holds the marker)."""
    return holds(folder / MARKER, MARKER_TEXT)


#: The kept folders (see _kept_folders) whose files every build reads: no output may be inside them.
_READ_BY_EVERY_BUILD = ("the theme folder", "the planfolio package")


def _kept_folders(source: Path, project: Path, theme: tuple[Path, ...]) -> list[tuple[str, Path]]:
    """Return the folders a build must never replace, each with what it is."""
    kept = [("the project folder", project), ("the plans folder", source), ("the current folder", Path.cwd())]
    kept += [("the theme folder", folder) for folder in theme]
    kept.append(("the planfolio package", Path(__file__).parent))
    kept.append(("the root folder", Path("/")))  # before the homes: some accounts have / as theirs
    kept += [("the home folder", Path(home)) for home in sorted(_homes())]
    return [(name, folder.resolve()) for name, folder in kept]


def _homes() -> set[str]:
    """Return this user's home folder and those of every account of the machine."""
    homes = {str(Path.home())}
    try:
        import pwd  # not on Windows

        homes.update(entry.pw_dir for entry in pwd.getpwall() if entry.pw_dir)
    except ImportError:
        pass
    return homes


def _holds_git(folder: Path) -> bool:
    """Return whether a .git folder or file (a worktree's) is anywhere below folder."""
    return any(".git" in folders or ".git" in files for _, folders, files in os.walk(folder))


def check_zip_target(zip_path: Path, output: Path, source: Path | None = None) -> None:
    """Refuse a zip path that is a folder, is inside the output or the plans folder (`source`),
    or is a file planfolio did not make."""
    if zip_path.is_dir():
        raise OutputError(f"refusing to write the zip {zip_path}: it is a folder; name a file (site.zip)")
    _check_parents(zip_path, f"cannot write the zip {zip_path}")
    if zip_path.resolve().is_relative_to(output.resolve()):
        raise OutputError(f"refusing to write the zip {zip_path} inside the folder it archives")
    if source is not None and zip_path.resolve().is_relative_to(source.resolve()):
        # The next build would read it there, or a name ending in .md as a plan.
        raise OutputError(f"refusing to write the zip {zip_path} inside the plans folder; write it beside it")
    if (zip_path.exists() or zip_path.is_symlink()) and not is_site_zip(zip_path):
        raise OutputError(
            f"refusing to replace {zip_path}: it is not a zip planfolio made; give a new file name"
        )


def is_site_zip(path: Path) -> bool:
    """Return whether a file is a zip a build of planfolio made (its comment says so)."""
    if path.is_symlink() or not path.is_file():
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.comment == ZIP_COMMENT
    except (OSError, zipfile.BadZipFile):
        return False


@dataclass(frozen=True)
class ZipPlace:
    """The file a zip is written into before it takes its name, and the folders made for it."""

    partial: Path
    made: tuple[Path, ...]  # the zip's folders that were not there, outermost first

    def give_back(self) -> None:
        """Remove the file and the folders made for a zip that was not written."""
        self.partial.unlink(missing_ok=True)
        _remove_empty(self.made)


def _remove_empty(folders: tuple[Path, ...]) -> None:
    """Remove folders, innermost first, that are empty."""
    for folder in reversed(folders):
        with contextlib.suppress(OSError):
            folder.rmdir()


def reserve_zip(zip_path: Path) -> ZipPlace:
    """Make the new, empty file a zip is written into, beside it, before it takes the zip's
    name: a zip that cannot be written there is found before a build replaces the site.

    Its name is one no other file has (never one already there, a link or not), short
    whatever the zip's, with the number of the process that writes it, so that those of
    builds killed before they could finish are removed here; it is made readable as any
    new file is.
    """
    made = tuple(folder for folder in reversed(zip_path.absolute().parents) if not folder.exists())
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        _remove_killed_zips(zip_path.parent)
        prefix = f".planfolio-zip.{os.getpid()}."
        handle, name = tempfile.mkstemp(prefix=prefix, suffix=".partial", dir=zip_path.parent)
    except OSError:
        _remove_empty(made)
        raise
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(handle, 0o666 & ~umask)
    os.close(handle)
    return ZipPlace(Path(name), made)


def _remove_killed_zips(folder: Path) -> None:
    """Remove the zips in the making that processes no longer running left in a folder."""
    remove_files_of_ended_processes(folder, re.compile(r"\.planfolio-zip\.(\d+)\.[^/]*\.partial"))


def remove_files_of_ended_processes(folder: Path, named: re.Pattern[str]) -> None:
    """Remove the files of a folder whose whole name matches `named`, its first group the
    number of the process that made it, when that process is no longer running."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            found = named.fullmatch(entry.name)
            if found is not None and entry.is_file(follow_symlinks=False) and not is_running(int(found[1])):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def zip_folder(
    folder: Path, zip_path: Path, leave_out: frozenset[str] = frozenset(), partial: Path | None = None
) -> int:
    """Write every file below folder, but those left out and the marker, into one zip under a
    folder named after it, through the file `partial` (see reserve_zip) renamed over it.

    Entries are sorted and carry one fixed date and mode, so the same site always gives
    the same bytes. Return how many files were written.
    """
    check_zip_target(zip_path, folder)
    top = shown_name(zip_path.name).removesuffix(".zip") or "site"  # an entry's name is UTF-8
    files = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())
    files = [name for name in files if name not in leave_out and name != MARKER]
    partial = reserve_zip(zip_path).partial if partial is None else partial
    try:
        handle = os.open(partial, os.O_WRONLY | os.O_TRUNC | _NO_FOLLOW)
        with os.fdopen(handle, "wb") as stream, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.comment = ZIP_COMMENT
            for name in files:
                entry = zipfile.ZipInfo(f"{top}/{name}", date_time=ZIP_DATE)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o100644 << 16  # a regular file, readable by all
                archive.writestr(entry, (folder / name).read_bytes())
        partial.replace(zip_path)
    finally:
        partial.unlink(missing_ok=True)
    return len(files)


def staging_folder(output: Path) -> Path:
    """Return a new, empty folder beside the output to build into."""
    output = output.resolve()  # so that "." or "site/.." name the folder itself
    output.parent.mkdir(parents=True, exist_ok=True)
    _clear_leftovers(output)
    staging = output.parent / f".{output.name}.{os.getpid()}-build"
    staging.mkdir()
    # The mark that tells a killed build's folder from one of the same name someone made.
    write_file(staging, MARKER, MARKER_TEXT)
    return staging


def mark_as_site(staging: Path, previous: Path | None) -> None:
    """Put in staging, in place of the marker staging_folder made, the previous site's, kept
    as unchanged pages are, or a new one: in one step, so that the folder always has one."""
    new = f"{MARKER}.new"
    if previous is not None and holds(previous / MARKER, MARKER_TEXT):
        link_file(staging, new, previous / MARKER)
    else:
        write_file(staging, new, MARKER_TEXT)
    os.replace(staging / new, staging / MARKER)


def swap_in(staging: Path, output: Path) -> None:
    """Replace the output folder with the finished staging folder."""
    output = output.resolve()
    if not output.exists():
        staging.rename(output)
        return
    old = output.parent / f".{output.name}.{os.getpid()}-old-build"
    output.rename(old)
    try:
        staging.rename(output)
    except BaseException:  # Ctrl+C too: the last site goes back, unless the new one is in place
        if not output.exists():
            old.rename(output)
        raise
    remove_build_folder(old)


def remove_build_folder(folder: Path) -> None:
    """Remove a folder a build made, if it is there, its marker last: a removal stopped or
    refused half-way leaves a folder the next build still knows as a build's, and removes
    (see _made_by_a_build)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name == MARKER:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
    try:
        left = [entry.name for entry in os.scandir(folder) if entry.name != MARKER]
    except OSError:
        return
    if left:
        return  # a file that would not go: the marker stays, for the next build to try again
    with contextlib.suppress(OSError):
        (folder / MARKER).unlink(missing_ok=True)
        folder.rmdir()


def _clear_leftovers(output: Path) -> None:
    """Remove what killed builds left beside the output; restore a site a killed swap moved aside."""
    pattern = re.compile(rf"\.{re.escape(output.name)}\.(\d+)-(old-)?build")
    for folder in sorted(output.parent.iterdir()):
        match = pattern.fullmatch(folder.name)
        if match is None or is_running(int(match.group(1))) or not _made_by_a_build(folder):
            continue  # not a build's folder, one of a build still running, or someone's of that name
        if match.group(2) and not output.exists():
            folder.rename(output)  # killed between the swap's two renames: the last good site
        else:
            remove_build_folder(folder)


def _made_by_a_build(folder: Path) -> bool:
    """Return whether a folder named as a build's is one: it holds the mark a build puts in
    its folders as it makes them (see staging_folder), or nothing."""
    return (
        folder.is_dir()
        and not folder.is_symlink()
        and (holds(folder / MARKER, MARKER_TEXT) or not any(folder.iterdir()))
    )


def is_running(pid: int) -> bool:
    """Return whether another process with this id is running."""
    if pid == os.getpid() or os.name != "posix":
        return False  # on Windows, os.kill would end the process instead of asking
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OverflowError:
        return False
    return True
