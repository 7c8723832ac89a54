"""Each command loads only the modules it uses: start-up is part of every wait."""

import json
import subprocess
import sys

from planfolio.cache import CACHE_FOLDER
from planfolio.cli import make_parser

from conftest import PROJECT_ROOT

LOADED = """
import json, sys
from planfolio.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded_by(*args, cwd):
    """Return the modules loaded by a command of build.py, run in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-c", LOADED, *map(str, args)],
        cwd=cwd,
        env={"PYTHONPATH": str(PROJECT_ROOT), "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


def test_help_loads_no_module_of_a_command(tmp_path):
    loaded = loaded_by("--help", cwd=tmp_path)
    assert "planfolio.cli" in loaded
    assert not loaded & {"planfolio.pipeline", "planfolio.config", "jinja2", "mistune", "yaml", "tornado"}


def test_a_build_loads_no_web_server_and_no_progress_bar_when_quiet(tmp_path):
    loaded = loaded_by(
        "build", "--source", PROJECT_ROOT / "seeds", "--output", tmp_path / "site", "--quiet", cwd=tmp_path
    )
    assert {"planfolio.pipeline", "jinja2"} <= loaded  # it did build
    assert (tmp_path / "site" / "index.html").is_file()
    assert not loaded & {"tornado", "tqdm", "planfolio.serve", "planfolio.deploy"}


def test_the_help_names_the_cache_folder():
    build = make_parser()._subparsers._group_actions[0].choices["build"]  # noqa: SLF001
    assert f"{CACHE_FOLDER}/" in build.format_help().replace("\n", " ").replace("  ", " ")


def test_a_check_loads_no_templates_and_no_search(tmp_path):
    loaded = loaded_by("check", "--source", PROJECT_ROOT / "seeds", cwd=tmp_path)
    assert "planfolio.check" in loaded
    assert not loaded & {"jinja2", "planfolio.render", "planfolio.search", "tornado", "tqdm"}
