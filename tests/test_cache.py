"""A rebuild with the cache gives the same site as a clean build, whatever changed."""

import filecmp
import shutil

import pytest

from planfolio import cache as cache_module
from planfolio import parallel, reading
from planfolio.cache import ParsedPlans
from planfolio.config import Config
from planfolio.gathering import missing_parts
from planfolio.model import Problem
from planfolio.output import MARKER
from planfolio.pipeline import GATHERING_KINDS, build, make_routes
from planfolio.preview import Deferring
from planfolio.reading import parse_files, read_plans

from conftest import PROJECT_ROOT, plan_text, write_plans
from trees import files as tree


@pytest.fixture
def project(tmp_path):
    """Return a copy of the theme and a small plans folder, built once with a cache."""
    shutil.copytree(PROJECT_ROOT / "templates", tmp_path / "templates")
    shutil.copytree(PROJECT_ROOT / "assets", tmp_path / "assets")
    write_plans(
        tmp_path / "plans",
        {
            "a.md": plan_text("Alpha", {"country": "Kenya", "methods": ["Co-creation"], "year": "2022"}),
            "b.md": plan_text("Beta", {"country": "Chad", "methods": ["Co-creation"], "year": "2023"}),
        },
    )
    return tmp_path


def build_both(project, config=None):
    """Build with the cache into site/ and without it into clean/; return both trees."""
    config = config or Config()
    options = dict(templates=project / "templates", assets=project / "assets")
    cached = build(project / "plans", project / "site", config, project / "cache", **options)
    build(project / "plans", project / "clean", config, None, **options)
    return cached, tree(project / "site"), tree(project / "clean")


def write_numbered_plans(project, count):
    """Add count plans to the project's, p0.md on ("Plan 0"...), of one country and four years."""
    write_plans(
        project / "plans",
        {
            f"p{i}.md": plan_text(f"Plan {i}", {"country": "Chad", "year": str(2019 + i % 4)})
            for i in range(count)
        },
    )


def test_no_change_reuses_every_page(project):
    build_both(project)
    result, cached, clean = build_both(project)
    assert result.pages_written == 0 and result.pages_reused > 0
    assert cached == clean


def test_edited_plan(project):
    build_both(project)
    (project / "plans/a.md").write_text(plan_text("Alpha renamed", {"country": "Chad"}), encoding="utf-8")
    result, cached, clean = build_both(project)
    assert cached == clean
    assert "countries/kenya.html" not in cached
    assert 0 < result.pages_written < result.pages_reused + result.pages_written


def test_added_and_deleted_plans(project):
    build_both(project)
    (project / "plans/b.md").unlink()
    write_plans(project / "plans", {"c.md": plan_text("Gamma", {"country": "Peru"})})
    _, cached, clean = build_both(project)
    assert cached == clean and "plans/gamma.html" in cached and "plans/beta.html" not in cached


def test_template_change(project):
    build_both(project)
    base = project / "templates/base.html"
    base.write_text(
        base.read_text(encoding="utf-8").replace("Skip to content", "Skip ahead"), encoding="utf-8"
    )
    _, cached, clean = build_both(project)
    assert cached == clean and b"Skip ahead" in cached["plans/alpha.html"]


def test_asset_change(project):
    build_both(project)
    (project / "assets/style.css").write_text("body { color: red }", encoding="utf-8")
    _, cached, clean = build_both(project)
    assert cached == clean and cached["assets/style.css"] == b"body { color: red }"


def test_config_change(project):
    build_both(project)
    _, cached, clean = build_both(project, Config(title="Another title"))
    assert cached == clean and b"Another title" in cached["plans/alpha.html"]


def test_code_version_change(project, monkeypatch):
    build_both(project)
    monkeypatch.setattr(cache_module, "CODE_VERSION", "another")
    result, cached, clean = build_both(project)
    assert cached == clean and result.pages_reused == 0


def test_output_changed_by_hand_is_rendered_again(project):
    build_both(project)
    page = project / "site/plans/alpha.html"
    page.write_bytes(b"edited by hand")
    result, cached, clean = build_both(project)
    assert cached == clean and result.pages_written == 1


@pytest.mark.parametrize("edit_a_plan", [False, True])
def test_a_gathering_file_changed_by_hand_is_made_again_beside_the_others(project, edit_a_plan):
    # The files that gather every plan are made in a process of their own, which writes
    # only those the last build's cannot stand for: the others are linked, not made twice.
    write_numbered_plans(project, 150)  # enough to be made on every core
    build_both(project)
    (project / "site/plans.csv").write_bytes(b"edited by hand")
    search = (project / "site/search-index.json").stat().st_ino
    if edit_a_plan:
        (project / "plans/p3.md").write_text(plan_text("Plan 3, edited"), encoding="utf-8")
    result, cached, clean = build_both(project)
    assert cached == clean
    assert ((project / "site/search-index.json").stat().st_ino == search) is not edit_a_plan


@pytest.mark.parametrize("damage", ["{not json", "[1, 2, 3]", '{"format": 1, "output": 3}', "null"])
def test_damaged_cache_is_ignored(project, damage):
    build_both(project)
    for path in (project / "cache").iterdir():
        path.write_text(damage, encoding="utf-8")
    result, cached, clean = build_both(project)
    assert cached == clean and result.pages_reused == 0


def test_drafts_of_killed_builds_are_removed_from_the_cache(project):
    # A build killed while it wrote the parsed plans or the manifest leaves its draft, named
    # by its process id: the next build removes those of processes no longer running.
    build_both(project)
    cache = project / "cache"
    kept = sorted(path.name for path in cache.iterdir())
    dead = 2**22 + 1  # above the largest process id Linux gives
    for name in (f"parsed.pickle.{dead}", f"manifest.json.{dead + 1}", "parsed.pickle.1"):
        (cache / name).write_bytes(b"half written")
    build_both(project)
    # Process 1 runs: its draft may be a build's still writing it.
    assert sorted(path.name for path in cache.iterdir()) == sorted([*kept, "parsed.pickle.1"])


def test_problems_of_reused_pages_are_still_reported(project):
    write_plans(
        project / "plans", {"c.md": plan_text("Gamma", body="## End\n\n> Q\n\n[x](javascript:alert(1))\n")}
    )
    first, _, _ = build_both(project)
    second, _, _ = build_both(project)
    assert second.pages_written == 0
    assert second.problems == first.problems and any("javascript" in p.message for p in second.problems)


def test_unchanged_files_keep_their_inode(project):
    build_both(project)
    before = (project / "site/plans/beta.html").stat().st_ino
    build_both(project)
    assert (project / "site/plans/beta.html").stat().st_ino == before
    assert filecmp.cmp(project / "site/plans/beta.html", project / "clean/plans/beta.html", shallow=False)


def test_kept_parsed_plans_give_the_same_site(project):
    parsed = ParsedPlans()
    options = dict(templates=project / "templates", assets=project / "assets", parsed=parsed)
    build(project / "plans", project / "site", Config(), project / "cache", **options)
    (project / "plans/a.md").write_text(plan_text("Alpha renamed", {"country": "Chad"}), encoding="utf-8")
    (project / "plans/b.md").unlink()
    write_plans(project / "plans", {"c.md": plan_text("Gamma", {"country": "Peru"})})
    build(project / "plans", project / "site", Config(), project / "cache", **options)
    build(
        project / "plans",
        project / "clean",
        Config(),
        None,
        templates=project / "templates",
        assets=project / "assets",
    )
    assert tree(project / "site") == tree(project / "clean")


def test_parsed_plans_parse_only_new_bytes(monkeypatch):
    calls = []
    monkeypatch.setattr(
        reading,
        "parse_plan_bytes",
        lambda data, path, digest=None, types=(): calls.append(path) or (None, []),
    )
    parsed = ParsedPlans()
    parse_files([(b"# A\n", "a.md")], parsed)
    parse_files([(b"# A\n", "a.md")], parsed)
    parse_files([(b"# A, edited\n", "a.md")], parsed)
    parsed.keep_only(set())
    parse_files([(b"# A, edited\n", "a.md")], parsed)
    assert calls == ["a.md", "a.md", "a.md"]


def build_deferring(project, made=None):
    """Build into site/ with the cache, letting the files that gather every plan lag."""
    options = dict(templates=project / "templates", assets=project / "assets")
    return build(
        project / "plans",
        project / "site",
        Config(),
        project / "cache",
        **options,
        keep=Deferring(GATHERING_KINDS, made or {}),
    )


GATHERED = ("plans.csv", "plans.json", "search-fulltext.js", "search-index.js", "search-index.json")


def test_deferred_files_lag_until_a_build_without_defer(project):
    build_both(project)
    before = tree(project / "site")
    (project / "plans/a.md").write_text(plan_text("Alpha renamed"), encoding="utf-8")
    result = build_deferring(project)
    assert result.deferred == ("plans.json", "search-index.js", "search-index.json")
    lagging = tree(project / "site")
    assert all(lagging[path] == before[path] for path in GATHERED)
    assert b"Alpha renamed" in lagging["index.html"]
    assert build_deferring(project).deferred == result.deferred  # still changed, still lagging
    result, cached, clean = build_both(project)
    assert cached == clean and result.pages_written == 3  # the three deferred routes, no page


def test_files_made_ahead_are_used_when_their_keys_match(project):
    build_both(project)
    (project / "plans/a.md").write_text(plan_text("Alpha renamed"), encoding="utf-8")
    made = make_routes(project / "plans", Config(), GATHERING_KINDS, project / "templates")
    assert build_deferring(project, made).deferred == ()
    build(project / "plans", project / "clean", Config(), None, project / "templates", project / "assets")
    assert tree(project / "site") == tree(project / "clean")


def test_files_made_for_other_plans_are_not_used(project):
    build_both(project)
    made = make_routes(project / "plans", Config(), GATHERING_KINDS, project / "templates")
    (project / "plans/a.md").write_text(plan_text("Alpha renamed"), encoding="utf-8")
    assert build_deferring(project, made).deferred == ("plans.json", "search-index.js", "search-index.json")


def test_parsed_plans_are_reused_only_for_the_same_bytes_and_code(project, monkeypatch):
    from planfolio import parse as parse_module

    build_both(project)
    calls = []
    real = parse_module.parse_plan_bytes
    monkeypatch.setattr(reading, "parse_plan_bytes", lambda *a: calls.append(a[1]) or real(*a))
    build(project / "plans", project / "site", Config(), project / "cache")
    assert calls == []  # every plan came from the saved parse
    (project / "plans/b.md").write_text(plan_text("Beta edited", {"country": "Chad"}), encoding="utf-8")
    build(project / "plans", project / "site", Config(), project / "cache")
    assert calls == ["b.md"]
    monkeypatch.setattr(cache_module, "CODE_VERSION", "another")
    build(project / "plans", project / "site", Config(), project / "cache")
    assert sorted(calls) == ["a.md", "b.md", "b.md"]
    _, cached, clean = build_both(project)
    assert cached == clean


def test_a_damaged_parse_cache_is_ignored(project):
    build_both(project)
    (project / "cache/parsed.pickle").write_bytes(b"not a pickle")
    _, cached, clean = build_both(project)
    assert cached == clean


def test_kept_parts_of_the_gathering_files_are_made_again_only_for_changed_plans(project, monkeypatch):
    from planfolio import gathering

    log = project / "made.log"  # parts may be made in another process: each is logged to a file
    original = gathering.make_parts

    def logged(plan, *args):
        with open(log, "a", encoding="utf-8") as file:
            file.write(plan.source_path + "\n")
        return original(plan, *args)

    monkeypatch.setattr(gathering, "make_parts", logged)
    build_both(project)
    log.unlink()
    (project / "plans/b.md").write_text(plan_text("Beta", {"country": "Chad"}, "Edited."), encoding="utf-8")
    write_plans(project / "plans", {"c.md": plan_text("Gamma", {"country": "Peru"})})
    result, cached, clean = build_both(project)
    # The clean build makes every plan's parts; the cached one only the changed and new plans'.
    assert sorted(log.read_text(encoding="utf-8").split()) == ["a.md", "b.md", "b.md", "c.md", "c.md"]
    assert cached == clean


def test_the_search_files_gather_the_plans_terms_once_after_an_edit(project, monkeypatch):
    from planfolio import gathering

    log = project / "gathered.log"  # the gathering may run in another process: each is logged to a file
    original = gathering.search_corpus

    def logged(*args):
        with open(log, "a", encoding="utf-8") as file:
            file.write("gathered\n")
        return original(*args)

    monkeypatch.setattr(gathering, "search_corpus", logged)
    build(project / "plans", project / "site", Config(), project / "cache")
    log.unlink()
    (project / "plans/b.md").write_text(plan_text("Beta", {"country": "Chad"}, "Edited."), encoding="utf-8")
    result, cached, clean = build_both(project)
    # Once for the cached build's search-index.js and search-index.json together, once for the clean build's.
    assert log.read_text(encoding="utf-8").split() == ["gathered", "gathered"]
    assert cached == clean and result.pages_written > 0


def test_parts_kept_under_another_privacy_policy_are_not_used(project):
    (project / "plans/a.md").write_text(
        plan_text("Alpha", {"focal_point": "jane.doe@example.org"}, "Ask jane.doe@example.org."),
        encoding="utf-8",
    )
    build_both(project)
    _, cached, clean = build_both(project, Config(focal_points="show"))
    assert cached == clean and b"jane.doe@example.org" in cached["plans.json"]


def test_new_files_parsed_on_every_core_give_what_parsing_each_gives(monkeypatch):
    from planfolio.parse import parse_plan_bytes

    monkeypatch.setattr(parallel, "WORTH_A_PROCESS", 0)  # share even a few small files
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    files = [(plan_text(f"Plan {n}", {"country": "Chad"}).encode(), f"{n}.md") for n in range(7)]
    files.append((b"\xff", "broken.md"))
    parsed = parse_files(files, ParsedPlans())
    assert parsed == [parse_plan_bytes(data, path) for data, path in files]


def test_files_read_on_every_core_give_what_reading_each_gives(tmp_path, monkeypatch):
    from planfolio.parse import parse_plan_bytes

    monkeypatch.setattr(parallel, "WORTH_A_PROCESS", 0)  # share even a few small files
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    sources = []
    for n in range(7):
        (tmp_path / f"{n}.md").write_text(plan_text(f"Plan {n}", {"country": "Chad"}), encoding="utf-8")
        sources.append((tmp_path / f"{n}.md", f"{n}.md"))
    (tmp_path / "broken.md").write_bytes(b"\xff")
    sources += [(tmp_path / "broken.md", "broken.md"), (tmp_path / "gone.md", "gone.md")]
    parsed = ParsedPlans()
    found = read_plans(sources, parsed)
    expected = [parse_plan_bytes(path.read_bytes(), name) for path, name in sources[:-1]]
    gone = Problem("gone.md", None, "cannot be read: No such file or directory", kind="unreadable")
    assert found == [*expected, (None, [gone])]
    assert set(parsed.pickled()) == {name for _, name in sources[:-1]}


def test_a_file_that_can_no_longer_be_read_is_reported_and_forgotten(tmp_path):
    sources = []
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(plan_text(name), encoding="utf-8")
        sources.append((tmp_path / name, name))
    parsed = ParsedPlans()
    read_plans(sources, parsed)
    (tmp_path / "b.md").unlink()
    plan, problems = read_plans(sources, parsed)[1]
    assert plan is None and [problem.kind for problem in problems] == ["unreadable"]
    assert set(parsed.pickled()) == {"a.md"}


def test_saved_parsed_plans_repickle_only_what_changed(tmp_path):
    parsed = ParsedPlans()
    parse_files([(plan_text("Alpha").encode(), "a.md"), (plan_text("Beta").encode(), "b.md")], parsed)
    draft = cache_module.parsed_draft(tmp_path)
    cache_module.write_parsed(parsed, "code", draft)
    cache_module.keep_parsed(draft)
    loaded = cache_module.load_parsed(tmp_path, "code")
    before = loaded.pickled()
    parse_files([(plan_text("Beta, edited").encode(), "b.md")], loaded)
    after = loaded.pickled()
    assert after["a.md"] is before["a.md"] and after["b.md"] != before["b.md"]
    assert cache_module.load_parsed(tmp_path, "other code").pickled() == {}


def test_the_manifest_records_the_true_size_and_time_of_every_file(project):
    build_both(project)
    (project / "plans/a.md").write_text(plan_text("Alpha", {"country": "Kenya"}, "Edited."), encoding="utf-8")
    build_both(project)
    build_both(project)
    manifest = cache_module.load_manifest(project / "cache", project / "site")
    files = tree(project / "site")
    made = {path for path in files if not path.startswith("assets/") and path != MARKER}  # not rendered
    assert set(manifest.entries) == made
    for path, (_, size, mtime) in manifest.entries.items():
        stat = (project / "site" / path).stat()
        assert (size, mtime) == (stat.st_size, stat.st_mtime_ns), path


def test_pages_rendered_again_to_the_same_bytes_keep_their_file(project):
    build_both(project)
    inodes = {path: (project / "site" / path).stat().st_ino for path in tree(project / "site")}
    base = project / "templates/base.html"
    base.write_text(base.read_text(encoding="utf-8") + "{# a comment changes no page #}\n", encoding="utf-8")
    result, cached, clean = build_both(project)
    assert result.pages_written > 0 and cached == clean
    pages = [path for path in inodes if not path.startswith("assets/")]
    assert all((project / "site" / path).stat().st_ino == inodes[path] for path in pages)
    (project / "plans/b.md").write_text(plan_text("Beta", {"country": "Chad"}, "Edited."), encoding="utf-8")
    result, cached, clean = build_both(project)
    assert cached == clean
    assert (project / "site/plans/beta.html").stat().st_ino != inodes["plans/beta.html"]
    assert (project / "site/plans/alpha.html").stat().st_ino == inodes["plans/alpha.html"]


@pytest.mark.parametrize("collecting", [True, False])
def test_a_build_leaves_the_garbage_collector_as_it_found_it(project, collecting):
    import gc

    (gc.enable if collecting else gc.disable)()
    try:
        build_both(project)
        assert gc.isenabled() == collecting
    finally:
        gc.enable()


def _manifest_keys(project):
    from planfolio.cache import load_manifest

    return load_manifest(project / "cache", project / "site").keys()


def _keys_worked_out_now(project, config):
    """Return the key of every page of the site as it is now, worked out from nothing."""
    from planfolio.cache import code_fingerprint, fingerprint
    from planfolio.reading import read_site
    from planfolio.render import Renderer
    from planfolio.routes import site_routes

    site = read_site(project / "plans", types=config.types)
    renderer = Renderer(project / "templates", config, site)
    routes = site_routes(renderer, fingerprint(config, code_fingerprint(), project / "templates"))
    return {path: route.key for route in routes for path in route.outputs}


@pytest.mark.parametrize("plans", [2, 150])  # on one core, and on every core
def test_a_first_build_records_the_keys_a_later_build_works_out(project, plans):
    # A first build works out each page's key as it renders it; a later build of another
    # site key works them all out before: both must agree, or nothing would be reused.
    write_numbered_plans(project, plans)
    config = Config()
    build_both(project, config)
    assert _manifest_keys(project) == _keys_worked_out_now(project, config)
    result, cached, clean = build_both(project, config)
    assert result.pages_written == 0 and cached == clean


@pytest.mark.parametrize("plans", [2, 150])  # on one core, and on every core
def test_a_first_build_saves_every_plan_with_its_parts_and_related_lists(project, plans):
    # With many plans, a process of the pages makes their parts and saves them all, with
    # the related lists, while the others make the pages.
    write_numbered_plans(project, plans)
    build_both(project)
    parsed = cache_module.load_parsed(project / "cache", cache_module.code_fingerprint())
    site = reading.read_documents(project / "plans", parsed)
    assert len(site.plans) == plans + 2 and not parsed.changed  # every file known, none parsed again
    assert missing_parts(site.plans, Config().focal_points, parsed.parts) == []
    assert {"related", "related-words"} <= parsed.derived.keys()


@pytest.mark.parametrize("plans", [2, 150])  # on one core, and on every core
def test_an_edited_answer_makes_its_page_again_and_keeps_every_other_file(project, plans):
    # The key of each page is worked out where the page would be made, which keeps the
    # last build's file when the key is the same: only the edited plan's page, and the
    # files that gather every plan, are made again.
    write_numbered_plans(project, plans)
    build_both(project)
    site = project / "site"
    inodes = {path: (site / path).stat().st_ino for path in tree(site)}
    edited = project / "plans" / "p1.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOur second answer.\n", encoding="utf-8")
    result, cached, clean = build_both(project)
    assert cached == clean
    changed = {path for path in cached if (site / path).stat().st_ino != inodes.get(path)}
    assert "plans/plan-1.html" in changed
    assert {path for path in changed if path.endswith(".html")} == {"plans/plan-1.html"}
    assert result.pages_reused >= plans


def test_a_rebuild_of_the_same_site_takes_the_keys_it_recorded(project):
    build_both(project)
    recorded = _manifest_keys(project)
    result, cached, clean = build_both(project)  # the same site key: no key worked out again
    assert result.pages_written == 0 and cached == clean
    assert _manifest_keys(project) == recorded == _keys_worked_out_now(project, Config())
    # Another template: another site key, whose keys are worked out again and differ.
    (project / "templates" / "plan.html").write_text(
        (project / "templates" / "plan.html").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    result, cached, clean = build_both(project)
    assert result.pages_written > 0 and cached == clean
    assert _manifest_keys(project) != recorded


def test_a_failure_making_the_gathering_files_after_an_edit_changes_nothing(project, monkeypatch):
    from planfolio.gathering import Gathering

    build_both(project)
    (project / "plans/a.md").write_text(plan_text("Alpha again", {"country": "Chad"}), encoding="utf-8")
    before = tree(project / "site")

    def broken(*args, **kwargs):
        raise ValueError("no room for the search index")

    monkeypatch.setattr(Gathering, "files", broken)
    options = dict(templates=project / "templates", assets=project / "assets")
    with pytest.raises(ValueError, match="no room for the search index"):  # made here: few plans
        build(project / "plans", project / "site", Config(), project / "cache", **options)
    assert tree(project / "site") == before
    assert sorted(path.name for path in project.iterdir()) == [
        "assets",
        "cache",
        "clean",
        "plans",
        "site",
        "templates",
    ]


def test_parsed_plans_saved_beside_the_pages_are_kept_only_by_a_build_that_succeeds(project, monkeypatch):
    # After an edit the parsed plans are whole before the pages are made, and one of the
    # processes that make the pages saves them, as a draft that the build puts in place
    # once it has succeeded, and removes when it fails.
    import hashlib

    from planfolio import render
    from planfolio.cache import code_fingerprint, entry_key, load_parsed
    from planfolio.doctypes import DEFAULT_TYPES

    write_numbered_plans(project, 150)  # enough to be made on every core
    build_both(project)
    cache = project / "cache"
    saved = tree(cache)
    edited = project / "plans" / "p1.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOur second answer.\n", encoding="utf-8")
    page = render.Renderer.render

    def failing(self, source):
        if source.path == "plans/plan-1.html":  # the page made again
            raise OSError(28, "No space left on device")
        return page(self, source)

    options = dict(templates=project / "templates", assets=project / "assets")
    with monkeypatch.context() as patched:
        patched.setattr(render.Renderer, "render", failing)
        with pytest.raises(parallel.WorkerError, match="No space left"):
            build(project / "plans", project / "site", Config(), cache, **options)
    assert tree(cache) == saved  # no draft left, and the last build's parsed plans as they were
    build(project / "plans", project / "site", Config(), cache, **options)
    digest = hashlib.sha1(edited.read_bytes()).hexdigest()
    parsed = load_parsed(cache, code_fingerprint())
    plan, _ = parsed.get("p1.md", entry_key(digest, DEFAULT_TYPES))
    assert plan is not None and "second answer" in plan.sections[-1].entries[-1].answer
    assert parsed.parts["p1.md"].key.startswith(digest)
    assert sorted(path.name for path in cache.iterdir()) == ["manifest.json", "parsed.pickle"]


def test_plans_of_one_title_have_their_own_addresses_in_the_gathering_files(project):
    import json

    same = {"country": "Chad", "year": "2022"}
    write_plans(
        project / "plans", {"x.md": plan_text("Same title", same), "y.md": plan_text("Same title", same)}
    )
    result, cached, clean = build_both(project)
    assert cached == clean
    urls = sorted(record["url"] for record in json.loads((project / "site/plans.json").read_text())["plans"])
    assert "plans/same-title.html" in urls and "plans/same-title-2.html" in urls
    search = (project / "site/search-index.js").read_text(encoding="utf-8")
    assert "plans/same-title-2.html" in search


def test_every_page_is_written_where_its_context_says_it_is(project):
    # Routes take a page's path without making its context (Renderer.path); the context's
    # own path is the one its links are made relative to: the two must never differ.
    from planfolio.reading import read_site
    from planfolio.render import Renderer
    from planfolio.routes import PAGE_KINDS, site_routes

    write_plans(
        project / "plans",
        {
            "x.md": plan_text("Index", {"country": "Chad", "methods": ["Index"]}),
            "y.md": plan_text("A trial", {"country": "Chad", "type": "experiment"}),
        },
    )
    renderer = Renderer(project / "templates", Config(), read_site(project / "plans"))
    pages = [route for route in site_routes(renderer, "", unkeyed=PAGE_KINDS) if route.kind in PAGE_KINDS]
    assert {route.kind for route in pages} == PAGE_KINDS
    assert all(route.path == renderer.source(route.kind, route.subject).path for route in pages)
