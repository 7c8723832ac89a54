"""Every file the build writes goes through here, and never lands outside the output."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

#: The earliest date a zip entry can hold: a fixed date keeps the zip reproducible.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class OutputError(Exception):
    """A write or an output folder that would leave the site's own folder."""


def write_file(root: Path, relative: str, data: bytes) -> Path:
    """Write bytes to a path below root, refusing any path that leaves it."""
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()) or target == root.resolve():
        raise OutputError(f"refusing to write {relative!r}: it is outside the output folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def copy_tree(source: Path, root: Path, prefix: str) -> list[str]:
    """Copy every file below source into root/prefix; return their site paths."""
    written = []
    for path in sorted(source.rglob("*")):
        if path.is_file() and not path.is_symlink():
            relative = f"{prefix}/{path.relative_to(source).as_posix()}"
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            written.append(relative)
    return written


def check_output_folder(output: Path, source: Path, project: Path) -> None:
    """Refuse an output folder that is or holds the sources, the project, home or /."""
    output, source = output.resolve(), source.resolve()
    forbidden = {Path("/"), Path.home().resolve(), project.resolve()}
    if output in forbidden:
        raise OutputError(f"refusing to build into {output}: it is / or the home or project folder")
    if source == output or source.is_relative_to(output):
        raise OutputError(f"refusing to build into {output}: it holds the plans folder {source}")


def zip_folder(folder: Path, zip_path: Path, leave_out: frozenset[str] = frozenset()) -> int:
    """Write every file below folder, but those left out, into one zip under a folder named after it.

    Entries are sorted and carry one fixed date and mode, so the same site always gives
    the same bytes. Return how many files were written.
    """
    if zip_path.resolve().is_relative_to(folder.resolve()):
        raise OutputError(f"refusing to write the zip {zip_path} inside the folder it archives")
    top = zip_path.name.removesuffix(".zip") or "site"
    files = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())
    files = [name for name in files if name not in leave_out]
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    partial = zip_path.with_name(f".{zip_path.name}.partial")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in files:
                entry = zipfile.ZipInfo(f"{top}/{name}", date_time=ZIP_DATE)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o100644 << 16  # a regular file, readable by all
                archive.writestr(entry, (folder / name).read_bytes())
        partial.replace(zip_path)
    finally:
        partial.unlink(missing_ok=True)
    return len(files)
