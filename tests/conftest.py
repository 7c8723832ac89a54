"""Shared test helpers: writing plan folders and finding the real corpus."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# HYPOTHESIS_PROFILE=thorough tries fifty times more inputs in the property tests.
settings.register_profile("thorough", max_examples=5000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT_ROOT.parent / "shared" / "corpus" / "plans"


def write_plans(folder: Path, plans: dict[str, str | bytes]) -> Path:
    """Write plan files (text or raw bytes) into folder and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in plans.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def plan_text(
    title: str = "A plan",
    meta: dict[str, str | list[str]] | None = None,
    body: str = "## Challenge statement\n\n> What is your challenge?\n\nOur challenge is water.\n",
) -> str:
    """Return the text of a small plan in the real files' format."""
    lines = [f"# {title}", ""]
    for key, values in (meta or {"country": "Kenya", "year": "2023", "methods": ["Co-creation"]}).items():
        for value in [values] if isinstance(values, str) else values:
            lines.append(f"[[{key}:{value}]]")
    return "\n".join(lines) + "\n" + body


@pytest.fixture
def corpus() -> Path:
    """Return the real corpus folder, or skip with the reason when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"the real corpus is not at {CORPUS}")
    return CORPUS


def run_build(*args, cwd, timeout=None):
    """Run build.py from cwd, where its cache folder goes, never from the project; a run
    longer than timeout seconds fails the test (subprocess.TimeoutExpired) instead of hanging it."""
    command = [sys.executable, str(PROJECT_ROOT / "build.py"), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=timeout)


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory):
    """Build the real corpus once for every test that reads it (tests must not change it)."""
    if not CORPUS.is_dir():
        pytest.skip(f"the real corpus is not at {CORPUS}")
    output = tmp_path_factory.mktemp("corpus") / "site"
    result = run_build("build", "--source", CORPUS, "--output", output, cwd=output.parent)
    assert result.returncode == 0, result.stderr
    return output
