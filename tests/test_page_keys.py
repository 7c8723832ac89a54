"""Every page's key covers what the page shows: a cached rebuild equals a clean build."""

import shutil

from planfolio.config import Config
from planfolio.pipeline import build

from conftest import PROJECT_ROOT, plan_text, write_plans


def tree(folder):
    """Return every file below folder with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def build_both(project, config=None):
    """Build with the cache into site/ and without it into clean/; return both trees."""
    config = config or Config()
    options = dict(templates=project / "templates", assets=project / "assets")
    build(project / "plans", project / "site", config, project / "cache", **options)
    shutil.rmtree(project / "clean", ignore_errors=True)
    build(project / "plans", project / "clean", config, None, **options)
    return tree(project / "site"), tree(project / "clean")


def test_moving_a_plan_to_another_theme_updates_the_home_page(tmp_path):
    shutil.copytree(PROJECT_ROOT / "templates", tmp_path / "templates")
    shutil.copytree(PROJECT_ROOT / "assets", tmp_path / "assets")
    plans = tmp_path / "plans"
    themes = {"a.md": "Peace", "b.md": "Peace", "c.md": "Climate"}
    for name, theme in themes.items():
        meta = {"country": "Kenya", "year": "2023", "thematic_areas": theme}
        write_plans(plans, {name: plan_text(name[0].upper() + " plan", meta)})
    build_both(tmp_path)
    meta = {"country": "Kenya", "year": "2023", "thematic_areas": "Climate"}
    write_plans(plans, {"b.md": plan_text("B plan", meta)})
    cached, clean = build_both(tmp_path)
    assert cached["index.html"] == clean["index.html"]
    assert cached == clean
