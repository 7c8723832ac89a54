import os
import re
import shlex
import shutil
import subprocess
import sys
import time

import pytest

from planfolio.config import Config
from planfolio.pipeline import build

from conftest import PROJECT_ROOT, plan_text, write_plans
from test_build import run_build


def many_plans(folder, count):
    return write_plans(
        folder, {f"p{n:03}.md": plan_text(f"Plan {n}", {"country": "Kenya"}) for n in range(count)}
    )


def test_progress_counts_every_rendered_route_across_processes(tmp_path):
    calls = []
    result = build(
        many_plans(tmp_path / "plans", 120), tmp_path / "site", Config(), progress=lambda *c: calls.append(c)
    )
    total = calls[-1][1]
    assert calls[-1] == (total, total) and total == result.pages_written > 120
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_no_bar_when_not_a_terminal(tmp_path):
    result = run_build(
        "build", "--source", many_plans(tmp_path / "plans", 60), "--output", tmp_path / "site", cwd=tmp_path
    )
    assert result.returncode == 0 and "rendering" not in result.stderr and "\r" not in result.stderr


def test_quiet_prints_nothing_but_problems(tmp_path):
    source = many_plans(tmp_path / "plans", 3)
    result = run_build("build", "--source", source, "--output", tmp_path / "site", "--quiet", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""


def test_a_bar_is_drawn_on_a_terminal_for_a_long_build(tmp_path):
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed: no terminal to draw the bar on")
    # Answers differ from plan to plan, as the renderer renders a text met before only once.
    answer = "Some **markdown** to render in plan {n}, with a [link](https://example.org/{n}).\n\n" * 40
    body = "## End\n\n> What did you learn?\n\n" + answer
    plans = {
        f"p{n:04}.md": plan_text(f"Plan {n}", {"country": "Kenya"}, body.format(n=n)) for n in range(1500)
    }
    source = write_plans(tmp_path / "plans", plans)
    done = tmp_path / "done"
    command = shlex.join(
        [sys.executable, str(PROJECT_ROOT / "build.py"), "build", "--source", str(source),
         "--output", str(tmp_path / "site"), "--no-cache"]
    ) + f"; touch {shlex.quote(str(done))}; sleep 30"  # fmt: skip
    session = f"planfolio-{os.getpid()}"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "30", command], check=True)
    screens = []
    try:
        deadline = time.monotonic() + 120
        while not done.exists() and time.monotonic() < deadline:
            capture = ["tmux", "capture-pane", "-p", "-t", session]
            screens.append(subprocess.run(capture, capture_output=True, text=True).stdout)
            time.sleep(0.2)
        screens.append(subprocess.run(capture, capture_output=True, text=True).stdout)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    assert any(re.search(r"rendering:\s+\d+%\|", screen) for screen in screens)
    assert "1500 plans read" in screens[-1] and "rendering:" not in screens[-1]  # the bar leaves no trace
