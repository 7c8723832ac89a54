"""Every page's key covers what the page shows: a cached rebuild equals a clean build.

Each step below changes one input (a field of a plan, the terms of a taxonomy, site.yml,
a template, an asset); after each, the site rebuilt with the cache (or by the preview)
must be byte for byte the site built from nothing.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from planfolio import preview as preview_module
from planfolio import worldmap
from planfolio.config import load_config
from planfolio.pipeline import GATHERING_KINDS, build
from planfolio.preview import Inputs, Preview
from planfolio.routes import site_routes

from conftest import PROJECT_ROOT, plan_text, write_plans
from trees import files as tree

LIST_TAXONOMIES = ("methods", "datasources", "sdgs", "thematic_areas")


class Project:
    """A theme, a site.yml and three plans, which the steps change one input at a time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.templates = shutil.copytree(PROJECT_ROOT / "templates", folder / "templates")
        self.assets = shutil.copytree(PROJECT_ROOT / "assets", folder / "assets")
        self.plans_folder = folder / "plans"
        self.site_yml = folder / "site.yml"
        self.site_yml.write_text("focal_points: obfuscate\n", encoding="utf-8")
        common = {
            "heading": "Challenge statement",
            "question": "What is your challenge?",
            "answer": "Our challenge is water.",
            "partner": "Water Board",
        }
        self.plans = {
            "a.md": {
                **common,
                "title": "Alpha",
                "meta": {
                    "country": "Kenya",
                    "year": "2022",
                    "methods": ["Co-creation", "Surveys"],
                    "datasources": ["Interviews"],
                    "sdgs": ["5. Gender equality"],
                    "thematic_areas": ["Peace"],
                    "focal_point": "ana@undp.org",
                    "type": "learningplan",
                    "latlng": "-1.29,36.82",
                    "sector": "Health",
                },
            },
            "b.md": {
                **common,
                "title": "Beta",
                "meta": {
                    "country": "Chad",
                    "year": "2023",
                    "methods": ["Co-creation"],
                    "datasources": ["Interviews", "Satellite images"],
                    "sdgs": ["5. Gender equality", "13. Climate action"],
                    "thematic_areas": ["Peace"],
                },
            },
            "c.md": {
                **common,
                "title": "Gamma",
                "meta": {
                    "country": "Kenya",
                    "year": "2023",
                    "methods": ["Mapping"],
                    "datasources": ["Satellite images"],
                    "sdgs": ["13. Climate action"],
                    "thematic_areas": ["Climate"],
                },
            },
        }
        for name in self.plans:
            self.write(name)

    def write(self, name: str) -> None:
        """Write one plan's file from its fields."""
        plan = self.plans[name]
        body = (
            f"## {plan['heading']}\n\n> {plan['question']}\n\n{plan['answer']}\n\n"
            "## Partners\n\n> Please indicate what partners you have actually worked with.\n\n"
            f'<div class="group">\n\n> Please state the name of the partner:\n\n{plan["partner"]}\n\n</div>\n'
        )
        write_plans(self.plans_folder, {name: plan_text(plan["title"], plan["meta"], body)})

    def set(self, name: str, field: str, value: str) -> None:
        """Change one field of a plan's text."""
        self.plans[name][field] = value
        self.write(name)

    def add(self, name: str, title: str) -> None:
        """Add a plan like the last, under another title."""
        last = self.plans[list(self.plans)[-1]]
        self.plans[name] = {**last, "title": title, "meta": dict(last["meta"])}
        self.write(name)

    def set_meta(self, name: str, key: str, value: str | list[str]) -> None:
        """Change one metadata key of a plan."""
        self.plans[name]["meta"][key] = value
        self.write(name)

    def add_to_file(self, path: Path, old: str, new: str) -> None:
        """Replace text in a file of the theme or the config."""
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path.name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def clean_build(self) -> dict[str, bytes]:
        """Build the site from nothing, with no cache; return its files."""
        clean = self.folder / "clean"
        shutil.rmtree(clean, ignore_errors=True)
        build(self.plans_folder, clean, load_config(self.site_yml), None, self.templates, self.assets)
        return tree(clean)


def steps(project: Project) -> list[tuple[str, Callable[[], None]]]:
    """Return the changes to make, one input each, named."""
    p = project
    changes: list[tuple[str, Callable[[], None]]] = [
        ("a plan moved to another theme", lambda: p.set_meta("b.md", "thematic_areas", ["Climate"])),
        ("title", lambda: p.set("a.md", "title", "Alpha renamed")),
        ("section heading", lambda: p.set("a.md", "heading", "Learning questions")),
        ("question", lambda: p.set("b.md", "question", "What do you want to learn?")),
        ("answer", lambda: p.set("c.md", "answer", "Our challenge is **waste**.")),
        ("partner", lambda: p.set("a.md", "partner", "City Council")),
        ("focal point", lambda: p.set_meta("a.md", "focal_point", "bea@undp.org")),
        ("type", lambda: p.set_meta("a.md", "type", "report")),
        ("latlng", lambda: p.set_meta("a.md", "latlng", "0.5,37.1")),
        ("extra metadata", lambda: p.set_meta("a.md", "sector", "Education")),
        ("country", lambda: p.set_meta("a.md", "country", "Chad")),
        ("year", lambda: p.set_meta("c.md", "year", "2022")),
    ]
    for key in LIST_TAXONOMIES:
        changes.append((f"{key}: a plan joins another's terms", lambda key=key: _join(p, key)))
        # b now has c's terms: c respelling them makes a tie, which may rename them on b's
        # page and card, though b's file is unchanged.
        changes.append((f"{key}: spelling", lambda key=key: _respell(p, key)))
    changes += [
        ("country: spelling", lambda: p.set_meta("c.md", "country", "KENYA")),
        ("a plan added", lambda: p.add("d.md", "Delta")),
        ("a plan removed", lambda: (p.plans_folder / "b.md").rename(p.plans_folder / "b.txt")),
        ("site.yml: title", lambda: p.site_yml.write_text("title: Labs\n", encoding="utf-8")),
        ("site.yml: description", lambda: _append(p.site_yml, "description: What we learn\n")),
        ("site.yml: language", lambda: _append(p.site_yml, "language: fr\n")),
        ("site.yml: focal points", lambda: _append(p.site_yml, "focal_points: show\n")),
        ("site.yml: base_url", lambda: _append(p.site_yml, "base_url: https://example.org/labs/\n")),
        (
            "included template",
            lambda: p.add_to_file(p.templates / "_plan_list.html", "<", "<!-- list -->\n<"),
        ),
        ("home template", lambda: p.add_to_file(p.templates / "home.html", "<h2>", "<h2>The ")),
        ("base template", lambda: p.add_to_file(p.templates / "base.html", "</body>", "<hr></body>")),
        ("asset", lambda: p.add_to_file(p.assets / "style.css", "body", "html { color: #111 }\nbody")),
    ]
    return changes


def _join(project: Project, key: str) -> None:
    project.set_meta("b.md", key, list(project.plans["c.md"]["meta"][key]))


def _respell(project: Project, key: str) -> None:
    project.set_meta("c.md", key, [value.upper() for value in project.plans["c.md"]["meta"][key]])


def _append(path: Path, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    key = line.split(":")[0] + ":"
    kept = [old for old in text.splitlines(keepends=True) if not old.startswith(key)]
    path.write_text("".join(kept) + line, encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """Return a project of three plans."""
    return Project(tmp_path)


def test_moving_a_plan_to_another_theme_updates_the_home_page(project):
    site, cache = project.folder / "site", project.folder / "cache"
    options = dict(templates=project.templates, assets=project.assets)
    build(project.plans_folder, site, load_config(project.site_yml), cache, **options)
    project.set_meta("b.md", "thematic_areas", ["Climate"])
    build(project.plans_folder, site, load_config(project.site_yml), cache, **options)
    home = project.clean_build()["index.html"]
    assert (site / "index.html").read_bytes() == home
    assert b"Climate</a> <span" in home and b'<span class="badge">2</span>' in home


def test_each_change_rebuilt_with_the_cache_or_by_the_preview_gives_the_clean_site(project, monkeypatch):
    monkeypatch.setattr(preview_module, "CATCH_UP_AFTER_SECONDS", 0.0)
    site, cache = project.folder / "site", project.folder / "cache"
    options = dict(templates=project.templates, assets=project.assets)
    build(project.plans_folder, site, load_config(project.site_yml), cache, **options)
    inputs = Inputs(project.plans_folder, project.site_yml, project.templates, project.assets)
    preview = Preview(inputs, project.folder / "preview")
    changed_files = set()
    try:
        assert preview.rebuild().result is not None
        for name, change in steps(project):
            before = tree(site)
            change()
            result = build(project.plans_folder, site, load_config(project.site_yml), cache, **options)
            outcome = preview.rebuild()
            clean = project.clean_build()
            assert tree(site) == clean, f"cached build after: {name}"
            # The theme and config are in every key; a plan's change leaves other pages be.
            assert result.pages_reused > 0 or "template" in name or "site.yml" in name, name
            # The preview shows the plans' pages at once; the lists, indexes and the files
            # that gather every plan follow, brought up to date by catching up.
            assert outcome.result is not None and not outcome.state.failed, name
            lagging = _lagging_files(project)
            served = {path: data for path, data in tree(preview.site).items() if path not in lagging}
            assert served == {path: data for path, data in clean.items() if path not in lagging}, (
                f"preview after: {name}"
            )
            while not preview.state.complete:
                if preview.catch_up() is None:
                    time.sleep(0.01)
            assert tree(preview.site) == clean, f"preview caught up after: {name}"
            changed_files |= {path for path in clean if before.get(path) != clean[path]}
    finally:
        preview.close()
    # Every kind of page was changed by some step, so the comparisons covered each.
    kinds = {path.split("/")[0] for path in changed_files}
    assert {"plans", "countries", "methods", "data-sources", "sdgs", "themes", "years", "index.html"} <= kinds


def _lagging_files(project: Project) -> set[str]:
    """Return the files that the preview brings up to date after the plans' pages."""
    from planfolio.pipeline import read_site
    from planfolio.render import Renderer

    site = read_site(project.plans_folder)
    routes = site_routes(Renderer(project.templates, load_config(project.site_yml), site), "")
    lagging = preview_module.LAGGING_KINDS
    assert lagging >= GATHERING_KINDS
    return {path for route in routes if route.kind in lagging for path in route.outputs}


@pytest.fixture
def outlines_restored():
    """Forget the outlines read during a test, which it may move, before and after it."""
    made = (worldmap.outlines_digest, worldmap.outlines, worldmap.all_outlines)
    for cached in made:
        cached.cache_clear()
    yield
    for cached in made:
        cached.cache_clear()


def test_new_map_outlines_redraw_every_map(project, monkeypatch, outlines_restored):
    site, cache = project.folder / "site", project.folder / "cache"
    options = dict(templates=project.templates, assets=project.assets)
    build(project.plans_folder, site, load_config(project.site_yml), cache, **options)
    before = tree(site)
    topology = json.loads(worldmap.OUTLINES.read_bytes())
    topology["transform"]["translate"][0] += 2.0  # every country two degrees east
    moved = project.folder / "countries-110m.json"
    moved.write_text(json.dumps(topology), encoding="utf-8")
    monkeypatch.setattr(worldmap, "OUTLINES", moved)
    for cached in (worldmap.outlines_digest, worldmap.outlines, worldmap.all_outlines):
        cached.cache_clear()
    build(project.plans_folder, site, load_config(project.site_yml), cache, **options)
    after = tree(site)
    assert after == project.clean_build()
    # The home page's map, and the small map of every term page but a country's, moved.
    redrawn = {path.split("/")[0] for path in after if after[path] != before[path]}
    assert {"index.html", "methods", "data-sources", "sdgs", "themes", "years"} <= redrawn


def test_an_answer_edited_makes_again_only_the_pages_that_show_its_plan(tmp_path):
    from planfolio.related import RELATED_COUNT

    countries, methods = ("Kenya", "Chad", "Peru"), ("Co-creation", "Surveys", "Mapping", "Pilots")
    plans = {
        f"p{number:02}.md": plan_text(
            f"Plan {number}",
            {
                "country": countries[number % 3],
                "year": str(2020 + number % 4),
                "methods": [methods[number % 4], methods[(number + 1) % 4]],
                "sdgs": [f"{1 + number % 17}. Goal"],
                "thematic_areas": ["Peace" if number % 2 else "Climate"],
            },
            f"## Challenge statement\n\n> What is your challenge?\n\nWater {number}.\n",
        )
        for number in range(30)
    }
    source, site, cache = write_plans(tmp_path / "plans", plans), tmp_path / "site", tmp_path / "cache"
    build(source, site, load_config(tmp_path / "site.yml"), cache)
    edited = source / "p07.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Water 7.", "Water 7, and wells."))
    result = build(source, site, load_config(tmp_path / "site.yml"), cache)
    # Its own page, and those of the plans that list it as related: no list, map or index
    # shows an answer.
    assert 1 <= result.pages_written <= 1 + RELATED_COUNT
    assert result.pages_reused > 60
