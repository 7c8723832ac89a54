"""Snapshots of folders, to prove that a command changed nothing in them."""

from __future__ import annotations

import os
from pathlib import Path

#: What a snapshot holds for a folder, beside the bytes of files and the targets of links.
FOLDER = "folder"


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Return every entry below root by relative path, hidden ones and .git included:
    a file's bytes, a link's target, or FOLDER; an empty dict when root is missing."""
    entries: dict[str, bytes | str] = {}
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        for name in folders + files:
            path = here / name
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                entries[relative] = f"link to {os.readlink(path)}"
            elif path.is_dir():
                entries[relative] = FOLDER
            else:
                entries[relative] = path.read_bytes()
    return entries


def files(folder: Path) -> dict[str, bytes]:
    """Return every file below folder by relative path, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }
