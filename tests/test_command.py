"""The installed command: `planfolio` and `python -m planfolio` do what `python build.py` does."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planfolio import __version__

from conftest import PROJECT_ROOT, run_build
from test_build import small_site
from trees import snapshot


def run_module(*args, cwd):
    """Run `python -m planfolio` from cwd, importing this project's package."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    command = [sys.executable, "-m", "planfolio", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env)


def test_python_m_planfolio_builds_the_same_site_as_build_py(tmp_path):
    source = small_site(tmp_path)
    version = run_module("--version", cwd=tmp_path)
    assert (version.returncode, version.stdout) == (0, f"planfolio {__version__}\n")
    assert run_module("build", "--source", source, "--output", "by-module", cwd=tmp_path).returncode == 0
    assert run_build("build", "--source", source, "--output", "by-script", cwd=tmp_path).returncode == 0
    assert snapshot(tmp_path / "by-module") == snapshot(tmp_path / "by-script")
    usage = run_module("build", "--help", cwd=tmp_path).stdout
    assert usage.startswith("usage: python -m planfolio build ")


def _installed_from_this_project(cwd: Path) -> Path | None:
    """Return the planfolio command, when pip installed it from this project; else None."""
    beside = Path(sys.executable).parent / "planfolio"  # a virtual environment's, even when not activated
    command = beside if beside.is_file() else shutil.which("planfolio")
    if command is None:
        return None
    interpreter = (
        Path(command).read_text(encoding="utf-8", errors="replace").splitlines()[0].removeprefix("#!")
    )
    where = subprocess.run(
        [interpreter.strip(), "-c", "import planfolio; print(planfolio.__file__)"],
        capture_output=True, text=True, cwd=cwd,
    )  # fmt: skip
    return Path(command) if where.stdout.strip() == str(PROJECT_ROOT / "planfolio/__init__.py") else None


def test_the_installed_command_builds_the_same_site_as_build_py(tmp_path):
    command = _installed_from_this_project(tmp_path)
    if command is None:
        pytest.skip("the planfolio command is not installed from this project (pip install -e .)")
    source = small_site(tmp_path)
    version = subprocess.run([command, "--version"], capture_output=True, text=True)
    assert (version.returncode, version.stdout) == (0, f"planfolio {__version__}\n")
    built = subprocess.run(
        [command, "--source", source, "--output", "site"], cwd=tmp_path, capture_output=True
    )
    assert built.returncode == 0, built.stderr
    assert run_build("build", "--source", source, "--output", "by-script", cwd=tmp_path).returncode == 0
    assert snapshot(tmp_path / "site") == snapshot(tmp_path / "by-script")
