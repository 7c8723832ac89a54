"""Every file the build writes goes through here, and never lands outside the output."""

from __future__ import annotations

import shutil
from pathlib import Path


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
