"""The preview server: safe paths, debounced numbered builds, and a served site equal to a clean build."""

import json
import os
import re
import shutil
import signal
import socket
import threading
import time

import jinja2
import pytest

from planfolio.config import Config
from planfolio.model import Problem
from planfolio.pipeline import BuildResult, build, explain_failure
from planfolio.preview import BuildState, Inputs, Outcome, Preview, Watcher, mount_path
from planfolio.render import make_environment
from planfolio.serve import (
    LiveSite,
    Redirect,
    for_this_machine_only,
    inject_script,
    lags,
    local_request,
    locate,
)

from conftest import PROJECT_ROOT, plan_text, write_plans
from serving import ServeProcess, copy_theme, start_serve, without_reload_script
from test_build import run_build
from trees import files as tree


@pytest.fixture
def built(tmp_path):
    """Return a folder laid out like a built site, with a secret file beside it."""
    root = tmp_path / "site"
    write_plans(
        root, {"index.html": "home", "plans/a.html": "a", "countries/index.html": "c", ".nojekyll": ""}
    )
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", root / "plans/leak.html")
    os.symlink(tmp_path, root / "outside")
    return root


@pytest.mark.parametrize(
    ("mount", "request_path", "expected"),
    [
        ("/", "/", "index.html"),
        ("/", "/plans/a.html", "plans/a.html"),
        ("/", "/countries/", "countries/index.html"),
        ("/", "/countries", Redirect("/countries/")),
        ("/", "/plans/%61.html", "plans/a.html"),  # an encoded letter is that letter
        ("/", "/missing.html", None),
        ("/", "/../secret.txt", None),
        ("/", "/plans/../../secret.txt", None),
        ("/", "/plans/..%2f..%2fsecret.txt", None),
        ("/", "/%2e%2e/secret.txt", None),
        ("/", "/%2E%2E/%2E%2E/etc/passwd", None),
        ("/", "/%252e%252e/secret.txt", None),  # encoded twice: a name, not a step up
        ("/", "//etc/passwd", None),
        ("/", "/%2fetc%2fpasswd", None),
        ("/", "/plans/a.html%00.txt", None),
        ("/", "/plans\\..\\..\\secret.txt", None),
        ("/", "/%ff.html", None),  # not UTF-8
        ("/", "/plans/leak.html", None),  # a link to a file outside
        ("/", "/outside/secret.txt", None),  # a link to a folder outside
        ("/", "/outside/", None),
        ("/", "/.nojekyll", ".nojekyll"),
        ("/", "/.missing", None),
        ("/", "/plans/./a.html", None),
        ("/portfolio/", "/portfolio/", "index.html"),
        ("/portfolio/", "/portfolio/plans/a.html", "plans/a.html"),
        ("/portfolio/", "/portfolio", Redirect("/portfolio/")),
        ("/portfolio/", "/", Redirect("/portfolio/")),
        ("/portfolio/", "/index.html", None),
        ("/portfolio/", "/portfolio/../secret.txt", None),
        ("/portfolio/", "/portfolio-old/index.html", None),
    ],
)
def test_locate(built, mount, request_path, expected):
    found = locate(built, mount, request_path)
    if isinstance(expected, str):
        assert found == (built / expected).resolve()
    else:
        assert found == expected


@pytest.mark.parametrize(
    ("base_url", "mount"),
    [
        ("", "/"),
        ("https://example.org/", "/"),
        ("https://example.github.io/portfolio/", "/portfolio/"),
        ("https://example.org/a/b/", "/a/b/"),
    ],
)
def test_mount_path(base_url, mount):
    assert mount_path(Config(base_url=base_url)) == mount


def test_the_script_goes_before_the_end_of_the_body():
    page = b"<html><body><p>x</p></body></html>\n"
    assert inject_script(page, 7) == (
        b'<html><body><p>x</p><script src="/.planfolio/livereload.js" data-build="7"></script>\n'
        b"</body></html>\n"
    )
    assert inject_script(b"<p>no body</p>", 1).endswith(b'data-build="1"></script>\n')
    # The server's name, and whether the search files lagged the page (see livereload.js).
    assert inject_script(page, 7, "ab12", complete=False).endswith(
        b'data-build="7" data-server="ab12" data-complete="false"></script>\n</body></html>\n'
    )
    # The plan it is the page of: a reload keeps the reader's place when the page moves.
    assert inject_script(page, 7, "ab12", plan='a "b".md').endswith(
        b'data-build="7" data-server="ab12" data-plan="a &#34;b&#34;.md"></script>\n</body></html>\n'
    )


SEARCH_PAGE = b'<script src="assets/js/search.js"></script><script src="search-index.js"></script>'


@pytest.mark.parametrize(
    ("page", "path", "lagging", "expected"),
    [
        (b"<p>list</p>", "countries/kenya.html", {"countries/kenya.html"}, True),
        (b"<p>plan</p>", "plans/a.html", {"countries/kenya.html", "search-index.js"}, False),
        (SEARCH_PAGE, "search.html", {"search-index.js"}, True),  # the files it reads lag
        (SEARCH_PAGE, "search.html", {"plans.json"}, False),
        (b'<script src="../search-index.js"></script>', "plans/a.html", {"search-index.js"}, True),
        (b'<script src="search-index.js"></script>', "plans/a.html", {"search-index.js"}, False),
        (b"<p>home</p>", "index.html", set(), False),
    ],
)
def test_a_page_lags_when_it_or_a_script_it_runs_does(page, path, lagging, expected):
    assert lags(page, path, frozenset(lagging)) == expected


def watched(tmp_path):
    """Return the inputs of a small site."""
    templates, assets = copy_theme(tmp_path)
    source = write_plans(tmp_path / "plans", {"a.md": plan_text("Alpha")})
    return Inputs(source, tmp_path / "site.yml", templates, assets)


def test_watcher_sees_each_kind_of_change(tmp_path):
    inputs = watched(tmp_path)
    watcher = Watcher(inputs)
    assert not watcher.changed()
    (inputs.source / "a.md").write_text(plan_text("Alpha, edited"), encoding="utf-8")
    assert watcher.changed() and not watcher.changed()
    (tmp_path / "old.md").write_text(plan_text("Old"), encoding="utf-8")
    os.utime(tmp_path / "old.md", (0, 0))
    os.rename(tmp_path / "old.md", inputs.source / "old.md")  # moved in, with its old time
    assert watcher.changed()
    (inputs.source / "a.md").unlink()
    assert watcher.changed()
    (tmp_path / "site.yml").write_text("title: X\n", encoding="utf-8")
    assert watcher.changed()
    (inputs.templates / "base.html").write_text("changed", encoding="utf-8")
    assert watcher.changed()
    (inputs.assets / "new.css").write_text("p {}", encoding="utf-8")
    assert watcher.changed()


def test_a_translators_edit_of_a_catalogue_is_seen_and_shown(tmp_path, monkeypatch):
    locale = shutil.copytree(PROJECT_ROOT / "planfolio/locale", tmp_path / "locale")
    for module in ("i18n", "preview", "cache"):
        monkeypatch.setattr(f"planfolio.{module}.LOCALE", locale)
    inputs = watched(tmp_path)
    inputs.config.write_text("language: fr\n", encoding="utf-8")
    watcher = Watcher(inputs)
    preview = Preview(inputs, tmp_path / "work")
    catalogue = locale / "fr/LC_MESSAGES/planfolio.po"
    try:
        preview.rebuild()
        page = preview.site / "plans/alpha.html"  # made at once: the lists' pages may lag
        assert ">Rechercher</span></button>" in page.read_text(encoding="utf-8")
        text = catalogue.read_text(encoding="utf-8")
        edited = text.replace('msgid "Search"\nmsgstr "Rechercher"', 'msgid "Search"\nmsgstr "Chercher"')
        assert edited != text
        catalogue.write_text(edited, encoding="utf-8")
        assert watcher.changed()
        preview.rebuild()
    finally:
        preview.close()
    shown = page.read_text(encoding="utf-8")
    assert ">Chercher</span></button>" in shown and ">Rechercher</span></button>" not in shown


def test_watcher_ignores_what_a_build_does_not_read(tmp_path):
    inputs = watched(tmp_path)
    watcher = Watcher(inputs)
    write_plans(inputs.source, {".a.md.swp": "x", "a.md~": "x", "notes.txt": "x", ".drafts/b.md": "x"})
    assert not watcher.changed()
    # An editor's files beside a template or the stylesheet: vim rewrites its swap file every few seconds.
    for name in (".base.html.swp", "base.html~", "4913", "#base.html#"):
        (inputs.templates / name).write_text("x", encoding="utf-8")
        (inputs.assets / name.replace("base.html", "style.css")).write_text("x", encoding="utf-8")
    assert not watcher.changed()


def test_watcher_sees_a_plan_named_in_capitals(tmp_path):
    inputs = watched(tmp_path)
    watcher = Watcher(inputs)
    write_plans(inputs.source, {"UPPER.MD": plan_text("Upper")})  # a build reads it
    assert watcher.changed()
    (inputs.source / "UPPER.MD").unlink()
    assert watcher.changed()


class FakeWatcher:
    def __init__(self, looks):
        self.looks = list(looks)

    def changed(self):
        return self.looks.pop(0)


class FakePreview:
    def __init__(self):
        self.builds = 0
        self.state = BuildState()

    def catch_up(self):
        return None

    def rebuild(self):
        self.builds += 1
        self.state = BuildState(self.builds, self.builds)
        return Outcome(self.state, BuildResult(1, 1, 0, (), 0.1), ())


def test_many_quick_saves_make_one_build(capsys):
    preview = FakePreview()
    live = LiveSite(preview, FakeWatcher([True, True, True, False, False, True, False]))
    builds, delays = [], []
    for _ in range(7):
        delays.append(live.poll())
        builds.append(preview.builds)
    assert builds == [0, 0, 0, 1, 1, 1, 2]
    assert delays == [0.05, 0.05, 0.05, 0.1, 0.1, 0.05, 0.1]  # sooner while saves are coming
    assert "Build 2: 1 plan read" in capsys.readouterr().out


def test_a_failure_in_a_template_names_its_file_and_line(tmp_path):
    templates, _ = copy_theme(tmp_path)
    (templates / "home.html").write_text(
        "{% extends 'base.html' %}\n{% block content %}\n{{ no_such_thing }}\n{% endblock %}\n",
        encoding="utf-8",
    )
    source = write_plans(tmp_path / "plans", {"a.md": plan_text()})
    with pytest.raises(jinja2.UndefinedError) as caught:
        build(source, tmp_path / "site", Config(), None, templates)
    assert explain_failure(caught.value, templates) == (
        Problem("templates/home.html", 3, "UndefinedError: 'no_such_thing' is undefined"),
    )


def test_a_failure_in_code_a_template_calls_is_not_the_templates(tmp_path):
    """A fault inside planfolio's code that a template calls (here the `number` filter,
    given a text) is the code's, reported with its traceback, not blamed on the template
    line that called it; the template's own mistake is the template's."""
    templates = tmp_path / "templates"
    templates.mkdir()

    def failure(source: str) -> Exception:
        (templates / "page.html").write_text(source, encoding="utf-8")
        with pytest.raises(Exception) as caught:
            make_environment(templates).get_template("page.html").render(value="abc")
        return caught.value

    (own,) = explain_failure(failure("line one\n{{ value|number }}\n"), templates)
    assert (own.path, own.line) == ("the build", None) and own.message.startswith("ValueError")
    (mistake,) = explain_failure(failure("line one\n{{ value + 1 }}\n"), templates)
    assert (mistake.path, mistake.line) == ("templates/page.html", 2)


@pytest.mark.parametrize("template", ["plan.html", "term.html", "home.html"])
def test_a_failure_in_a_template_of_a_site_built_on_every_core_names_its_file_and_line(tmp_path, template):
    templates, _ = copy_theme(tmp_path)
    text = (
        (templates / template)
        .read_text(encoding="utf-8")
        .replace("{% block content %}\n", "{% block content %}\n{{ no_such_thing }}\n", 1)
    )
    (templates / template).write_text(text, encoding="utf-8")
    line = text.splitlines().index("{{ no_such_thing }}") + 1
    plans = {f"p{number}.md": plan_text(f"Plan {number}") for number in range(40)}
    source = write_plans(tmp_path / "plans", plans)
    with pytest.raises((jinja2.UndefinedError, RuntimeError)) as caught:  # (raised here, or in a worker)
        build(source, tmp_path / "site", Config(), None, templates)
    (problem,) = explain_failure(caught.value, templates)
    assert (problem.path, problem.line) == (f"templates/{template}", line)
    assert problem.message.endswith("'no_such_thing' is undefined")


def test_the_old_page_of_a_renamed_plan_leads_to_its_new_page(tmp_path):
    inputs = watched(tmp_path)
    preview = Preview(inputs, tmp_path / "preview")
    preview.rebuild()
    for title in ("Alpha 1", "Alpha 2"):
        write_plans(inputs.source, {"a.md": plan_text(title)})
        preview.rebuild()
    assert preview.moved == {
        "plans/alpha.html": "plans/alpha-2.html",
        "plans/alpha-1.html": "plans/alpha-2.html",
    }
    write_plans(inputs.source, {"a.md": plan_text("Alpha")})
    preview.rebuild()
    assert preview.moved == {
        "plans/alpha-1.html": "plans/alpha.html",
        "plans/alpha-2.html": "plans/alpha.html",
    }
    assert preview.plan_at("plans/alpha.html") == "a.md"
    assert preview.plan_at("plans/alpha-2.html") is None  # the plan's page no longer
    assert preview.plan_at("index.html") is None
    (inputs.source / "a.md").unlink()
    preview.rebuild()
    assert preview.moved == {}
    assert preview.plan_at("plans/alpha.html") is None


# The real server, in a process of its own.


@pytest.fixture
def project(tmp_path):
    """Return a folder with a copy of the theme and three plans."""
    copy_theme(tmp_path)
    write_plans(
        tmp_path / "plans",
        {
            "a.md": plan_text("Alpha", {"country": "Kenya", "methods": ["Co-creation"], "year": "2022"}),
            "b.md": plan_text(
                "Beta", {"country": "Chad", "methods": ["Co-creation", "Surveys"], "year": "2023"}
            ),
            "c.md": plan_text("Gamma", {"country": "Peru", "methods": ["Mapping"], "year": "2021"}),
        },
    )
    return tmp_path


def left_behind(temporary):
    """Return what is in a temporary folder but Jinja's compiled templates, which are kept."""
    return [path.name for path in temporary.iterdir() if not path.name.startswith("_jinja2-cache-")]


def test_pages_get_the_reload_script_only_when_served(project):
    with ServeProcess(project) as server:
        status, headers, page = server.request("/plans/alpha.html")
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        tag = re.search(
            rb'<script src="/.planfolio/livereload.js" data-build="1" data-server="(\w+)" data-plan="a.md">'
            rb"</script>\n</body>",
            page,
        )
        assert tag is not None
        assert b"livereload" not in (server.site_folder / "plans/alpha.html").read_bytes()
        status, headers, css = server.request("/assets/style.css")
        assert status == 200 and css == (project / "assets/style.css").read_bytes()
        status, _, script = server.request("/.planfolio/livereload.js")
        assert status == 200 and b"location.reload()" in script
        state = server.state()
        assert state == {
            "build": 1,
            "version": 1,
            "failed": False,
            "errors": [],
            "complete": True,
            "server": tag[1].decode(),
        }
    assert left_behind(project / "tmp") == [], "the build folder is removed on stop"
    with ServeProcess(project) as again:  # a page open across a restart tells the new server by its name
        assert again.state()["server"] != state["server"]


def test_a_closed_terminal_stops_the_server_and_removes_its_folder(project):
    with ServeProcess(project) as server:
        server.process.send_signal(signal.SIGHUP)
        assert server.process.wait(30) == 0
        assert server.output.endswith("Stopped.\n")
    assert left_behind(project / "tmp") == []
    assert not (project / "output").exists()


def test_served_site_equals_a_clean_build_after_edits(project):
    plans = project / "plans"
    with ServeProcess(project) as server:
        state = server.state()

        def step(*changes, until=None):
            """Make the changes; return the state of the first build after them that gives until."""
            nonlocal state
            build = state["build"]
            for change in changes:
                change()
            until = until or (lambda state: state["build"] > build)  # not the catching up of the last
            state = server.state(after=state["version"], until=until)
            return state

        state = step(lambda: write_plans(plans, {"a.md": plan_text("Alpha renamed", {"country": "Kenya"})}))
        assert not state["complete"]  # the search indexes and data files follow
        step(
            lambda: write_plans(
                plans, {"d.md": plan_text("Delta", {"country": "Fiji", "methods": "Mapping"})}
            )
        )
        step(lambda: (plans / "c.md").unlink())
        step(lambda: write_plans(plans, {"b.md": plan_text("Beta", {"country": "Kenya", "year": "2023"})}))
        step(
            *[
                lambda n=n: write_plans(plans, {"d.md": plan_text("Delta " + "x" * n, {"country": "Fiji"})})
                for n in range(8)
            ]
        )
        state = step(
            lambda: write_plans(plans, {"e.md": ""}), until=lambda state: state["errors"]
        )  # half-written
        assert state["errors"] == ["e.md:1: error: empty file: expected a '# Title' line"]
        base = project / "templates/base.html"
        good_base = base.read_text(encoding="utf-8")
        state = step(
            lambda: base.write_text(good_base.replace("{% endfor %}", "{% endfr %}", 1), encoding="utf-8"),
            until=lambda state: state["failed"],
        )
        assert state["failed"] and state["errors"][0].startswith("templates/base.html:")
        step(lambda: base.write_text(good_base.replace("Skip to content", "Skip ahead"), encoding="utf-8"))
        step(lambda: (project / "site.yml").write_text("title: Another title\n", encoding="utf-8"))
        step(lambda: (project / "assets/style.css").write_text("body { color: red }\n", encoding="utf-8"))
        step(lambda: write_plans(plans, {"e.md": plan_text("Epsilon", {"country": "Chad"})}))
        while not state["complete"]:
            state = server.state(after=state["version"])
        with pytest.raises(TimeoutError):  # and no build follows
            server.state(after=state["version"], timeout=1)

        clean = project / "clean"
        config = Config(title="Another title")
        build(plans, clean, config, None, project / "templates", project / "assets")
        expected = tree(clean)
        assert tree(server.site_folder) == expected
        for path, data in expected.items():
            status, _, served = server.request("/" + path)
            assert status == 200 and without_reload_script(served) == data, path
        assert "countries/peru.html" not in expected and "countries/fiji.html" in expected
        for gone in ("/plans/gamma.html", "/countries/peru.html", "/methods/surveys.html"):
            assert server.request(gone)[0] == 404
        assert b"Skip ahead" in expected["plans/alpha-renamed.html"]
        assert not server.state()["failed"]


def test_mistakes_keep_the_last_good_site(project):
    with ServeProcess(project) as server:
        _, _, good_page = server.request("/plans/alpha.html")
        (project / "templates/plan.html").write_text("{% block %}\n", encoding="utf-8")
        state = server.state(after=1)
        assert state == {
            "build": 1,
            "server": state["server"],
            "version": 2,
            "failed": True,
            "complete": True,
            "errors": [
                "templates/plan.html:1: error: template syntax: expected token 'name', got 'end of statement block'"
            ],
        }
        assert server.request("/plans/alpha.html")[2] == good_page
        (project / "site.yml").write_text("title: [unclosed\n", encoding="utf-8")
        state = server.state(after=2)
        assert state["failed"] and state["errors"][0].startswith("site.yml:1: error: not valid YAML:")
        (project / "site.yml").write_text("titel: x\n", encoding="utf-8")
        state = server.state(after=3)
        assert state["errors"] == [
            "site.yml:1: error: titel: not a known key; expected one of title, description, language,"
            " base_url, focal_points, types; did you mean 'title'?"
        ]
        assert server.request("/plans/alpha.html")[2] == good_page
        (project / "site.yml").unlink()
        (project / "templates/plan.html").write_bytes((PROJECT_ROOT / "templates/plan.html").read_bytes())
        state = server.state(after=4, until=lambda state: not state["failed"])
        assert state["build"] == 2 and state["errors"] == []
        assert server.request("/plans/alpha.html")[2] == good_page.replace(
            b'data-build="1"', b'data-build="2"'
        )
    assert "templates/plan.html:1: error: template syntax:" in server.output
    assert "Build failed; still serving build 1:" in server.output


def test_a_renamed_plan_is_followed_to_its_new_page(project):
    with ServeProcess(project) as server:
        write_plans(project / "plans", {"a.md": plan_text("Alpha renamed", {"country": "Kenya"})})
        server.state(after=1)
        status, headers, _ = server.request("/plans/alpha.html")
        assert status == 302 and headers["Location"] == "/plans/alpha-renamed.html"


def test_path_traversal_gets_404(project):
    (project / "secret.txt").write_text("SECRET-VALUE", encoding="utf-8")
    with ServeProcess(project) as server:
        os.symlink(project / "secret.txt", server.site_folder / "leak.html")
        os.symlink(project, server.site_folder / "up")
        for path in [
            "/../secret.txt",
            "/../../../../etc/passwd",
            "/plans/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/plans/..%2F..%2Fsecret.txt",
            "/.%2e/secret.txt",
            "//etc/passwd",
            "/%2Fetc%2Fpasswd",
            "/leak.html",
            "/up/secret.txt",
            "/up/plans/a.md",
            str(project / "secret.txt"),
            "http://127.0.0.1/../secret.txt",
        ]:
            status, _, body = server.request(path)
            assert status in (403, 404), path
            assert b"SECRET" not in body and b"root:" not in body, path


@pytest.mark.parametrize(
    ("host", "listening_on", "answered"),
    [
        ("127.0.0.1:8000", "127.0.0.1", True),
        ("localhost:8000", "127.0.0.1", True),
        ("LOCALHOST", "127.0.0.1", True),
        ("plans.localhost:8000", "127.0.0.1", True),
        ("[::1]:8000", "::1", True),
        ("127.0.0.2:8000", "127.0.0.2", True),
        ("attacker.example", "127.0.0.1", False),
        ("attacker.example:8000", "127.0.0.1", False),
        ("127.0.0.1.attacker.example", "127.0.0.1", False),
        ("localhost.attacker.example", "127.0.0.1", False),
        ("", "127.0.0.1", False),
    ],
)
def test_a_server_for_this_machine_answers_only_its_names(host, listening_on, answered):
    assert for_this_machine_only(listening_on)
    assert local_request(host, listening_on) == answered


def test_requests_for_another_name_are_refused_and_see_nothing(project):
    with ServeProcess(project) as server:
        port = server.url.split(":")[2].split("/")[0]
        for path in ("/", "/plans/alpha.html", "/.planfolio/wait?version=-1", "/.planfolio/livereload.js"):
            status, _, body = server.request(path, host=f"attacker.example:{port}")
            assert status == 403, path
            assert b"Alpha" not in body and b"build" not in body, path
        status, _, body = server.request("/plans/alpha.html", host=f"localhost:{port}")
        assert status == 200 and b"Alpha" in body


def test_a_server_open_to_the_network_answers_any_name(project):
    with ServeProcess(project, "--host", "0.0.0.0") as server:
        assert not for_this_machine_only("0.0.0.0")
        status, _, body = server.request("/plans/alpha.html", host="planfolio.example.org")
        assert status == 200 and b"Alpha" in body


def test_the_site_is_served_under_the_path_of_base_url(project):
    (project / "site.yml").write_text("base_url: https://example.github.io/portfolio/\n", encoding="utf-8")
    with ServeProcess(project) as server:
        assert server.url.endswith("/portfolio/") and server.url.startswith("http://127.0.0.1:")
        assert server.request("/portfolio/plans/alpha.html")[0] == 200
        status, headers, _ = server.request("/")
        assert status in (301, 302) and headers["Location"] == "/portfolio/"
        assert server.request("/plans/alpha.html")[0] == 404


def test_a_page_open_when_base_url_changes_is_led_to_its_new_address(project):
    config = project / "site.yml"
    config.write_text("base_url: https://example.github.io/portfolio/\n", encoding="utf-8")
    with ServeProcess(project) as server:
        state = server.state()
        assert server.request("/portfolio/plans/alpha.html")[0] == 200
        config.write_text("title: Plans\n", encoding="utf-8")  # base_url taken out
        state = server.state(after=state["version"], until=lambda new: new["build"] > state["build"])
        status, headers, _ = server.request("/portfolio/plans/alpha.html")
        assert status in (301, 302) and headers["Location"] == "/plans/alpha.html"
        assert server.request("/plans/alpha.html")[0] == 200
        config.write_text("base_url: https://example.org/lab/\n", encoding="utf-8")
        server.state(after=state["version"], until=lambda new: new["build"] > state["build"])
        for old in ("/portfolio/plans/alpha.html", "/plans/alpha.html"):
            status, headers, _ = server.request(old)
            assert status in (301, 302) and headers["Location"] == "/lab/plans/alpha.html", old
        assert server.request("/portfolio/plans/nothing.html")[0] == 404  # no such page under any


def test_serve_refuses_a_missing_plans_folder_or_config(tmp_path):
    result = run_build("serve", "--source", tmp_path / "nowhere", cwd=tmp_path)
    assert (
        result.returncode == 2 and f"error: --source {tmp_path / 'nowhere'}: no such folder" in result.stderr
    )
    write_plans(tmp_path / "plans", {"a.md": plan_text()})
    result = run_build("serve", "--source", "plans", "--config", "missing.yml", cwd=tmp_path)
    assert result.returncode == 2 and "error: --config missing.yml: no such file" in result.stderr


def test_serve_says_when_the_port_is_taken(tmp_path):
    write_plans(tmp_path / "plans", {"a.md": plan_text()})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_build("serve", "--source", "plans", "--port", port, cwd=tmp_path)
    assert result.returncode == 1
    assert f"error: cannot listen on 127.0.0.1 port {port}: Address already in use" in result.stderr


def serving_the_corpus(corpus, tmp_path):
    """Start serving the real corpus, in a process group of its own; return the process
    once the first build is writing its pages."""
    process = start_serve(tmp_path, "--source", str(corpus), "--port", "0")
    deadline = time.monotonic() + 60
    while not list((tmp_path / "tmp").glob("planfolio-serve-*/.site.*-build")):  # building
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise AssertionError(f"the first build did not start:\n{process.communicate()[0]}")
        time.sleep(0.01)
    return process


def test_a_stop_during_the_first_build_leaves_nothing_behind(corpus, tmp_path):
    process = serving_the_corpus(corpus, tmp_path)
    try:
        process.terminate()
        output, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0 and output.endswith("Stopped.\n") and "Serving on" not in output
    assert left_behind(tmp_path / "tmp") == []


def test_ctrl_c_during_the_first_build_stops_it_where_it_is(corpus, tmp_path):
    # A thousand plans take seconds to build: Ctrl+C must not wait for them.
    process = serving_the_corpus(corpus, tmp_path)
    try:
        os.killpg(process.pid, signal.SIGINT)  # as a terminal sends it: to every process of the group
        output, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0 and output == "Stopped.\n"  # no build done, no traceback
    assert left_behind(tmp_path / "tmp") == []
    deadline = time.monotonic() + 10
    while True:  # and the build's other processes are gone with it
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "a process of the build is still running"
        time.sleep(0.05)


def test_ctrl_c_with_pages_open_stops_without_an_error_logged(project):
    with ServeProcess(project) as server:
        version = server.state(until=lambda state: state["complete"])["version"]  # the lists caught up
        waiting = [
            threading.Thread(
                target=server.request, args=(f"/.planfolio/wait?version={version}",), daemon=True
            )
            for _ in range(2)
        ]  # two open pages, waiting for the next build
        for thread in waiting:
            thread.start()
        time.sleep(0.5)
        os.killpg(server.process.pid, signal.SIGINT)
        assert server.process.wait(30) == 0
        for thread in waiting:
            thread.join(10)
    assert server.output.rstrip().endswith("Stopped.")
    assert "500 GET" not in server.output and "Traceback" not in server.output


def test_the_problems_of_a_build_are_counted_in_the_singular_for_one(capsys):

    live = LiveSite(FakePreview(), FakeWatcher([]))
    one, two = Problem("a.md", 2, "first"), Problem("b.md", 3, "second")
    state = BuildState(1, 1)
    live.report(Outcome(state, BuildResult(1, 1, 0, (one,), 0.1), (one,)))
    live.report(Outcome(state, BuildResult(1, 1, 0, (one, two), 0.1), (one, two)))
    said = capsys.readouterr().err.splitlines()
    assert [line for line in said if line.endswith(":")] == ["1 problem:", "1 new problem:"]


def test_the_maps_warning_stays_when_the_home_page_is_made_in_the_background(tmp_path, monkeypatch):
    # The preview's builds after a change keep the home page, then bring it in made in the
    # background: the warning of a country the map cannot draw was lost from the count.
    monkeypatch.setattr("planfolio.preview.CATCH_UP_AFTER_SECONDS", 0)
    inputs = watched(tmp_path)
    write_plans(inputs.source, {"s.md": plan_text("Samoa", {"country": "Samoa", "latlng": "-13.7,-172.1"})})
    preview = Preview(inputs, tmp_path / "work")
    warning = "country: 'Samoa' matches no outline of the world map"
    try:
        outcomes = [preview.rebuild()]
        (inputs.config).write_text("language: fr\n", encoding="utf-8")
        outcomes.append(preview.rebuild())
        deadline = time.monotonic() + 60
        while (caught := preview.catch_up()) is None:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        outcomes.append(caught)
    finally:
        preview.close()
    assert [outcome.state.complete for outcome in outcomes] == [True, False, True]
    for outcome in outcomes:
        assert [p.path for p in outcome.problems if warning in p.message] == ["s.md"]


def test_the_404_pages_skip_link_stays_on_the_address_it_is_shown_at(project):
    # The page has a <base> to the site's top, against which "#main" would lead to the home page.
    with ServeProcess(project) as server:
        status, _, body = server.request('/plans/no-such"plan.html')
        assert status == 404 and b'<base href="/">' in body
        assert b'href="/plans/no-such&#34;plan.html#main"' in body and b'href="#' not in body


def test_a_page_waiting_when_the_server_stops_is_answered_not_failed(project):
    with ServeProcess(project) as server:
        version = server.state()["version"]
        answers = []
        waiting = threading.Thread(
            target=lambda: answers.append(server.request(f"/.planfolio/wait?version={version}"))
        )
        waiting.start()
        time.sleep(0.5)  # the page is waiting for the next build
        server.process.send_signal(signal.SIGTERM)
        waiting.join(20)
        assert server.process.wait(20) == 0
    ((status, _, body),) = answers
    assert status == 200 and json.loads(body)["version"] == version
    assert "500" not in server.output and server.output.endswith("Stopped.\n")


def test_a_plans_folder_taken_away_keeps_the_last_good_site(project):
    # A folder renamed, or on a drive taken out, is not a portfolio of no plans.
    with ServeProcess(project) as server:
        _, _, good_page = server.request("/plans/alpha.html")
        (project / "plans").rename(project / "plans-away")
        state = server.state(after=1)
        assert state["failed"] and state["build"] == 1
        assert state["errors"] == ["plans: error: plans folder not found"]
        assert server.request("/plans/alpha.html")[2] == good_page
        (project / "plans-away").rename(project / "plans")
        state = server.state(after=2, until=lambda state: not state["failed"])
        assert state["build"] == 2 and server.request("/plans/alpha.html")[0] == 200
    assert "Build failed; still serving build 1:" in server.output


def test_a_site_without_an_icon_answers_the_browsers_favicon_request_with_no_content(project):
    # Browsers ask for /favicon.ico of their own accord: a 404 for it, logged on every page
    # shown, would bury the real ones.
    (project / "site.yml").write_text("base_url: https://example.github.io/portfolio/\n", encoding="utf-8")
    with ServeProcess(project) as server:
        assert server.request("/favicon.ico")[::2] == (204, b"")
        assert server.request("/portfolio/nothing.html")[0] == 404
        (server.site_folder / "favicon.ico").write_bytes(b"icon")  # a site with an icon of its own
        status, headers, body = server.request("/favicon.ico")
        assert (status, headers["Content-Type"], body) == (200, "image/vnd.microsoft.icon", b"icon")
        server.stop()
    assert "404 GET /portfolio/nothing.html" in server.output  # a real one is still logged
    assert "favicon" not in server.output


def test_a_config_file_gone_while_serving_keeps_the_last_good_site(project):
    """site.yml removed (an editor's save by rename, a slip) is missing, not a wish for the
    defaults: the site of its title stays, with the error, until it is back."""
    (project / "site.yml").write_text("title: Lab notes\nlanguage: de\n", encoding="utf-8")
    with ServeProcess(project) as server:
        assert b"Lab notes" in server.request("/plans/alpha.html")[2]
        (project / "site.yml").rename(project / "site.yml.away")
        state = server.state(after=1, until=lambda state: state["failed"])
        assert state["errors"] == ["site.yml: error: file not found"]
        assert b"Lab notes" in server.request("/plans/alpha.html")[2]
        (project / "site.yml.away").rename(project / "site.yml")
        state = server.state(after=state["version"], until=lambda state: not state["failed"])
        assert state["build"] == 2 and b"Lab notes" in server.request("/plans/alpha.html")[2]
        server.stop()
    # The language with no catalogue is told, as build tells it.
    assert "site.yml:2: warning: language: 'de' has no catalogue" in server.output


def script_messages(script: bytes) -> dict:
    """Return the messages the server put into the reload script."""
    found = re.search(rb"^  var messages = (.*);$", script, re.MULTILINE)
    assert found is not None
    return json.loads(found[1])


def test_the_servers_own_words_are_in_the_sites_language(project):
    (project / "site.yml").write_text(
        "language: fr\nbase_url: https://example.github.io/portfolio/\n", encoding="utf-8"
    )
    with ServeProcess(project) as server:
        status, _, body = server.request("/elsewhere.html")  # outside the site
        page = without_reload_script(body).decode()
        assert status == 404 and '<html lang="fr">' in page and "<h1>Introuvable</h1>" in page
        assert 'Rien ici. Le site est à l’adresse <a href="/portfolio/">/portfolio/</a>.' in page
        status, _, script = server.request("/.planfolio/livereload.js")
        messages = script_messages(script)
        assert status == 200 and messages["Hide"] == "Masquer"
        assert messages["%(count)s error in the plans:"] == {
            "one": "%(count)s erreur dans les plans :",
            "many": "%(count)s erreurs dans les plans :",  # a million, in CLDR's French
            "other": "%(count)s erreurs dans les plans :",
        }
        port = server.url.split(":")[2].split("/")[0]
        status, _, body = server.request("/portfolio/", host=f"attacker.example:{port}")
        assert (status, body.decode()) == (403, "Cet aperçu ne répond qu’à localhost et à 127.0.0.1.\n")
        status, _, body = server.request("/portfolio/", method="POST")
        assert status == 405 and "<h1>405: Méthode non autorisée</h1>" in body.decode()


def test_a_first_build_that_fails_is_said_in_the_sites_language(project):
    (project / "site.yml").write_text("language: es\n", encoding="utf-8")
    (project / "templates/plan.html").write_text("{% block %}\n", encoding="utf-8")
    with ServeProcess(project) as server:
        status, _, body = server.request("/")
        page = body.decode()
        assert status == 503 and '<html lang="es">' in page
        assert "<h1>El sitio aún no está generado</h1>" in page
        assert server.request("/favicon.ico")[::2] == (204, b"")  # no error to log before a first build
        assert "La primera generación falló; se volverá a intentar cuando guarde un cambio." in page
        status, _, script = server.request("/.planfolio/livereload.js")
        assert (
            script_messages(script)["The site could not be built yet."]
            == "Todavía no se pudo generar el sitio."
        )


def test_the_reload_script_of_an_english_site_has_no_messages(project):
    with ServeProcess(project) as server:
        _, _, script = server.request("/.planfolio/livereload.js")
    assert script_messages(script) == {}
