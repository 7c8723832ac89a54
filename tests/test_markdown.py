import re
from html.parser import HTMLParser

import pytest

from planfolio.markdown import html_depth, make_markdown, render_answer, repair_url


def render(text):
    return render_answer(text, make_markdown())


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "<iframe src='https://example.org'></iframe>",
        "<style>body{display:none}</style>",
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        "[x](data:text/html,<script>alert(1)</script>)",
        "<a href='vbscript:msgbox'>x</a>",
        '<p style="color:red" onclick="alert(1)">x</p>',
    ],
)
def test_dangerous_html_is_removed(hostile):
    assert unsafe_parts(render(hostile).html) == []


class _Inspector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.unsafe = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "style", "svg", "object", "embed"):
            self.unsafe.append(tag)
        for name, value in attrs:
            scheme = (value or "").strip().lower().split(":", 1)[0]
            if name.startswith("on") or name == "style":
                self.unsafe.append(name)
            elif (
                name in ("href", "src") and ":" in (value or "") and scheme not in ("http", "https", "mailto")
            ):
                self.unsafe.append(value)


def unsafe_parts(html):
    """Return every tag, attribute or URL in html that could run code."""
    inspector = _Inspector()
    inspector.feed(html)
    return inspector.unsafe


def test_allowed_markup_is_kept():
    html = render("**bold** *em*<br>line\n\n- a\n- b\n\n[link](https://example.org)").html
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html and "<br>" in html
    assert "<ul>" in html and '<a href="https://example.org"' in html


def test_bare_www_address_becomes_an_external_link():
    assert 'href="https://www.example.org"' in render("see www.example.org today").html
    assert 'href="https://www.example.org/x"' in render("[site](www.example.org/x)").html


def test_two_hashes_are_repaired_with_a_warning():
    rendered = render("[x](https://example.org/a#b#c)")
    assert 'href="https://example.org/a#b%23c"' in rendered.html
    assert rendered.warnings == (
        ("link", "link 'https://example.org/a#b#c' repaired as 'https://example.org/a#b%23c'", 0),
    )


def test_dropped_link_is_reported():
    assert render("[x](javascript:alert(1))").warnings == (
        ("link", "link with a javascript: address dropped: only http, https and mailto are kept", 0),
    )


def test_pasted_html_inside_a_link_is_split_into_links():
    text = "[https://a.org/x<div><br></div>https://b.org/y](https://a.org/x<div><br></div>https://b.org/y)"
    html = render(text).html
    assert 'href="https://a.org/x"' in html and 'href="https://b.org/y"' in html
    assert "<div" not in html


def test_remote_image_becomes_a_link():
    html = render("![a chart](https://example.org/c.png)").html
    assert "<img" not in html
    assert '<a class="remote-image" href="https://example.org/c.png"' in html and "Image: a chart" in html


@pytest.mark.parametrize(
    "text",
    [
        "![Missing alt text](https://example.org/c.png)",
        "![missing  ALT text](https://example.org/c.png)",
        "See ![Missing alt text](https://example.org/c.png) and **this**.",
        'See <img src="https://example.org/c.png" alt="Missing alt text"> too.',
    ],
)
def test_the_exports_placeholder_alt_labels_a_remote_image_as_one_without_alt(text):
    without_alt = render(re.sub(r"!\[[^\]]*\]", "![]", re.sub(r' alt="[^"]*"', "", text))).html
    html = render(text).html
    assert "missing" not in html.lower()
    assert html == without_alt and 'class="remote-image"' in html


def test_an_image_without_address_and_with_the_placeholder_alt_shows_no_text():
    assert "missing" not in render('a <img src="javascript:x" alt="Missing alt text"> b').html.lower()


def test_headings_in_answers_sit_below_the_page_headings():
    html = render("# Big\n\n## Less").html
    assert "<h3>Big</h3>" in html and "<h4>Less</h4>" in html and "<h1" not in html


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a b", "https://example.org/a%20b"),
        ("www.example.org", "https://www.example.org"),
        ("  https://example.org  ", "https://example.org"),
        ("docs/report.pdf", "docs/report.pdf"),
        ("mailto:a@example.org", "mailto:a@example.org"),
        ("https://example.org/a#b#c", "https://example.org/a#b%23c"),
        ("javascript:alert(1)", None),
        ("https://", None),
        ("", None),
    ],
)
def test_repair_url(url, expected):
    assert repair_url(url) == expected


@pytest.mark.parametrize(
    "text",
    [
        "One line.",
        "Two\nlines.",
        "A paragraph.\n\nAnother one.\n  \nA third,  with  spaces.  ",
        "  indented by two\ncontinued\n\n\n\nafter blank lines",
        'Quotes "and" apostrophes \' and percent 50%; (brackets) / slashes.',
        "Accents: déchets, Côte d'Ivoire — and dashes – here.",
    ],
)
def test_plain_text_takes_the_fast_path_with_the_same_result(text):
    from planfolio.markdown import _MARKUP, plain_paragraphs

    assert not _MARKUP.search(text)
    assert render(text).html == nh3_clean_of_mistune(text)
    assert plain_paragraphs(text) != ""


def nh3_clean_of_mistune(text):
    """Return what the full markdown path makes of text, sanitised the same way."""
    import nh3

    from planfolio.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

    return nh3.clean(str(make_markdown()(text)), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES)


def test_fast_paths_agree_with_the_parser_on_every_corpus_answer_they_take(corpus):
    from planfolio.markdown import _MARKUP, quick_html, render_markdown
    from planfolio.pipeline import read_site

    site = read_site(corpus)
    answers = {e.answer for p in site.plans for s in p.sections for e in s.answered}
    quick = {answer: quick_html(answer) for answer in answers}
    plain = [answer for answer in answers if not _MARKUP.search(answer)]
    images = [answer for answer in answers if _MARKUP.search(answer) and quick[answer] is not None]
    assert len(plain) > 5000 and len(images) > 500
    differ = [a[:80] for a in plain if render(a).html != nh3_clean_of_mistune(a)]
    differ += [a[:80] for a in images if quick[a] != render_markdown(a, make_markdown()).html]
    assert differ == []


def test_local_links_are_listed_as_written():
    text = (
        "[report](docs/my%20report.pdf) [site](https://example.org) [top](#top) [q](?page=2)"
        " [mail](mailto:a@example.org) [host](//example.org/x) ![chart](img/chart.png)"
        ' <a href="notes.txt">notes</a>'
    )
    assert render(text).local_links == ("docs/my%20report.pdf", "img/chart.png", "notes.txt")


def test_an_answer_too_long_is_shown_as_plain_text():
    rendered = render("<script>alert(1)</script>\n" + "x" * 1_000_000)
    assert rendered.html.startswith("<p>&lt;script&gt;alert(1)&lt;/script&gt;<br>\nxxx")
    assert rendered.warnings == (
        ("answer-as-text", "answer of 1,000,026 characters is longer than 1,000,000: shown as plain text", 0),
    )


def test_html_nested_too_deep_is_shown_as_plain_text():
    rendered = render("<div>" * 101 + "deep <b onclick='alert(1)'>x</b>")
    assert rendered.html.startswith("<p>&lt;div&gt;&lt;div&gt;")
    assert "<b" not in rendered.html
    assert rendered.warnings == (
        ("answer-as-text", "HTML nested 102 levels deep (at most 100): shown as plain text", 0),
    )


def test_html_nested_up_to_the_limit_is_rendered():
    rendered = render("<div>" * 99 + "<b>deep</b>" + "</div>" * 99)
    assert rendered.warnings == () and "<b>deep</b>" in rendered.html


@pytest.mark.parametrize(
    ("markup", "depth"),
    [
        ("<p>a</p><p>b</p>", 1),
        ("<ul><li>a<br><img src=x></li></ul>", 2),
        ("<div><div/><span>x</span></div>", 2),
        ("</div></div><b>", 1),
        ("<b><i><u>", 3),
        ("a < b and c > d", 0),
    ],
)
def test_html_depth(markup, depth):
    assert html_depth(markup) == depth


def test_long_runs_of_link_brackets_render_in_one_pass():
    # Each of these once took time growing with the square of the run's length.
    for text in ("[" * 100_000, "[](<" * 25_000, "[a](" * 25_000):
        assert render(text).warnings == ()


@pytest.mark.parametrize(
    ("hostile", "removed"),
    [
        ("<script>alert(1)</script>", "<script>"),
        ("<img src=x onerror=alert(1)>", "onerror="),
        ("<svg onload=alert(1)>", "<svg>"),
        ("<IFRAME SRC='https://example.org'></IFRAME>", "<iframe>"),
        ("<style>body{display:none}</style>", "<style>"),
        ("<form action=x><button>go</button></form>", "<form>"),
    ],
)
def test_removed_markup_is_named(hostile, removed):
    assert ("unsafe-html", f"removed what could run code or restyle the page: {removed}", 0) in render(
        hostile
    ).warnings


@pytest.mark.parametrize(
    "hostile",
    [
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href=" java\tscript:alert(1)">x</a>',
        "<A HREF='JavaScript:alert(1)'>x</A>",
        "[x](JaVaScRiPt:alert(1))",
    ],
)
def test_disguised_javascript_links_are_named(hostile):
    rendered = render(hostile)
    assert unsafe_parts(rendered.html) == []
    assert rendered.warnings == (
        ("link", "link with a javascript: address dropped: only http, https and mailto are kept", 0),
    )


def test_text_that_mentions_handlers_is_not_reported():
    assert render("Go online= now; `<script>` is code; a < b onclick= c").warnings == ()


SCRIPT = "removed what could run code or restyle the page: <script>"
JAVASCRIPT = "link with a javascript: address dropped: only http, https and mailto are kept"
REPAIRED = "link 'https://example.org/a#b#c' repaired as 'https://example.org/a#b%23c'"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("One.\n\n[x](javascript:alert(1))", [("link", JAVASCRIPT, 2)]),
        ("[x][map]\n\n[map]: javascript:alert(1)", [("link", JAVASCRIPT, 2)]),
        ("One.\nTwo.\n<javascript:open()>", [("link", JAVASCRIPT, 2)]),
        ('One.\n<a title="x"\n  href="JavaScript:alert(1)">x</a>', [("link", JAVASCRIPT, 2)]),
        ("[x](javascript:a)\n\n[y](javascript:b)", [("link", JAVASCRIPT, 0), ("link", JAVASCRIPT, 2)]),
        ("One.\n\n<script>alert(1)</script>\n", [("unsafe-html", SCRIPT, 2)]),
        (
            "<p>one</p>\n<p onclick=x>two</p>\n<script>x</script>",
            [
                ("unsafe-html", "removed what could run code or restyle the page: onclick=", 1),
                ("unsafe-html", SCRIPT, 2),
            ],
        ),
        ("One.\n\n[x](https://example.org/a#b#c)", [("link", REPAIRED, 2)]),
        # Written beyond finding: the answer's first line.
        ('One.\n\n<a href="&#106;avascript:alert(1)">x</a>', [("link", JAVASCRIPT, 0)]),
    ],
)
def test_each_warning_names_its_line_within_the_answer(answer, expected):
    assert sorted(render(answer).warnings, key=lambda warning: warning[2]) == expected


def test_pasted_divs_keep_their_lines_apart():
    # A form's rich text editor writes each line as a <div>: without them, its lines' words run together.
    rendered = render("Government<div>Youth Organisations</div><div>Private Sector</div>")
    text = re.sub(r"<(?:p|div)>", "\n", rendered.html)
    assert [line for line in re.sub(r"<[^>]+>", "", text).splitlines() if line] == [
        "Government",
        "Youth Organisations",
        "Private Sector",
    ]
