"""The GitHub Pages workflow: what it runs must agree with the command line and the output."""

import re
import shlex
from pathlib import Path

import pytest
import yaml

from planfolio.cli import make_parser

from conftest import PROJECT_ROOT

WORKFLOW = PROJECT_ROOT / ".github/workflows/pages.yml"


@pytest.fixture(scope="module")
def workflow():
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps_of(workflow):
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def step_using(workflow, action):
    found = [step for step in steps_of(workflow) if step.get("uses", "").startswith(f"{action}@")]
    assert len(found) == 1, action
    return found[0]


def test_builds_on_push_to_main(workflow):
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]


def test_uses_the_official_pages_actions_pinned_to_major_versions(workflow):
    for step in steps_of(workflow):
        if "uses" in step:
            assert re.fullmatch(r"actions/[a-z-]+@v\d+", step["uses"]), step["uses"]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        step_using(workflow, action)
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"


def test_dot_files_survive_the_upload(workflow):
    upload = step_using(workflow, "actions/upload-pages-artifact")
    assert upload["with"]["include-hidden-files"] is True


def test_builds_with_the_base_url_pages_gives_into_the_uploaded_folder(workflow):
    configure = step_using(workflow, "actions/configure-pages")
    build = next(step for step in steps_of(workflow) if "build.py" in step.get("run", ""))
    assert build["env"]["BASE_URL"] == f"${{{{ steps.{configure['id']}.outputs.base_url }}}}"
    line = next(line for line in build["run"].splitlines() if "build.py" in line)
    assert '--base-url "$BASE_URL"' in line
    # The shell passes the address Pages gives, which the option checks.
    command = shlex.split(line.replace('"$BASE_URL"', "https://labs.github.io/plans"))
    assert command[:2] == ["python", "build.py"]
    args = make_parser().parse_args(command[2:])
    assert args.command == "build" and args.base_url == "https://labs.github.io/plans"
    upload = step_using(workflow, "actions/upload-pages-artifact")
    assert args.output == Path(upload["with"]["path"])
