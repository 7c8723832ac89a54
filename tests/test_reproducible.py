"""Two builds of the same plans, at different times and in different folders, are identical."""

import os
import subprocess
import sys
import time

from conftest import PROJECT_ROOT, plan_text, write_plans
from test_output import tree


def answered(text):
    return f"## End\n\n> Where is this plan?\n\n{text}\n"


PLANS = {
    "b/water.md": plan_text("Water", {"methods": ["Co-creation", "co creation"]}, answered("In folder b")),
    "a/water.md": plan_text(
        "Water", {"country": "kenya", "methods": ["Co creation"]}, answered("In folder a")
    ),
    "water!.md": plan_text("Water!", {"country": "Côte d'Ivoire", "year": "2022"}),
    "air.md": plan_text("Air", {"thematic_areas": ["Peace", "peace,", "Zeta", "alpha"]}),
    "same-letters.md": plan_text("Sáme letters", {"methods": ["Data & analytics"]}),
    "same_letters.md": plan_text("Same letters", {"methods": ["data and analytics"]}),
}


def build_in(folder, order, seed):
    """Write the plans in the given order into a folder of its own, then build them there."""
    source = write_plans(folder / "plans", {name: PLANS[name] for name in order})
    output = folder / "out"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    command = [sys.executable, str(PROJECT_ROOT / "build.py"), "build", "--source", str(source)]
    result = subprocess.run(
        [*command, "--output", str(output)], capture_output=True, text=True, cwd=folder, env=env
    )
    assert result.returncode == 0, result.stderr
    return output, result.stderr


def test_two_builds_are_byte_identical(tmp_path):
    first, first_problems = build_in(tmp_path / "one", list(PLANS), "1")
    time.sleep(1.1)  # a build date or time in a page would differ
    second, second_problems = build_in(tmp_path / "elsewhere/two", list(reversed(PLANS)), "2")
    assert tree(first) == tree(second)
    assert first_problems == second_problems
    for page in first.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert str(tmp_path) not in text and str(PROJECT_ROOT) not in text, page


def test_collisions_are_resolved_by_path_whatever_the_listing_order(tmp_path):
    first, _ = build_in(tmp_path / "one", list(PLANS), "3")
    assert "In folder a" in (first / "plans/water.html").read_text(encoding="utf-8")
    assert "In folder b" in (first / "plans/water-2.html").read_text(encoding="utf-8")
    assert sorted(path.name for path in (first / "plans").iterdir()) == [
        "air.html", "same-letters-2.html", "same-letters.html", "water-2.html", "water-3.html", "water.html",
    ]  # fmt: skip
