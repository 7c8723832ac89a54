"""Properties of the parser, the renderer and slugs, over any input hypothesis can make."""

import re

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from planfolio.check import taken_page_names
from planfolio.lunr_index import SearchField, analyse_document
from planfolio.markdown import (
    _MARKUP,
    _SCHEME_ATTRIBUTE,
    _WWW_LINK,
    AnswerMarkdown,
    _parse_www_link,
    has_markup,
    linked_schemes,
    make_markdown,
    plain_paragraphs,
    quick_html,
    render_answer,
    render_markdown,
    repair_url,
    sanitise,
)
from planfolio.parse import parse_plan, parse_plan_bytes
from planfolio.search import answer_words
from planfolio.site import build_site
from planfolio.slugs import slugify
from planfolio.summary import plain_text

from sitecheck import unsafe_markup

# Pieces of the plan format, so that generated text often looks like a plan.
PLAN_PIECES = [
    "# ", "## ", "> ", "[[", "]]", ":", "country", "year", "methods", "latlng", "sdgs", "type",
    "2023", "1999", "41.5,74.5", "-91,200", "\n", "\r\n", "\r", '<div class="group">', "</div>",
    "****", "Learnings on your challenge", "Partners", "Please state the name of the partner:",
    "\x00", "\ufeff", " ", "é", "²", "&amp;", "<", ">", "..", "/", "?#", "%2e",
]  # fmt: skip
# Pieces of markdown and HTML that attacks are made of.
HTML_PIECES = [
    "<", ">", "</", "/>", " ", "=", '"', "'", "\n", "\t", "a", "img", "svg", "script", "iframe",
    "style", "math", "object", "embed", "form", "base", "meta", "p", "div", "href", "src", "action",
    "formaction", "xlink:href", "srcdoc", "http-equiv", "onerror", "onload", "onclick", "ONMOUSEOVER",
    "javascript:", "JaVaScRiPt:", "java\tscript:", "jav&#x09;ascript:", "&#106;", "&#x6A;", "&colon;",
    "data:", "vbscript:", "alert(1)", "[", "]", "(", ")", "![", "](", "]:", "<!--", "-->", "`", "*",
    "_", "www.", "https://", "mailto:", "#", "?", "%", "\x00", "&", ";", "\\", "<![CDATA[", "> ",
    "- ", "1. ", "    ",
]  # fmt: skip


def texts_of(pieces):
    return st.lists(st.one_of(st.sampled_from(pieces), st.text(max_size=8)), max_size=80).map("".join)


plan_texts = texts_of(PLAN_PIECES)
answer_texts = texts_of(HTML_PIECES)
# Text the markdown parser is not needed for (as read from UTF-8 files, so no lone
# surrogates), with the characters html5ever writes its own way.
PLAIN_PIECES = [
    " ", "\n", "\n\n", "  \n ", "\xa0", "nbsp;", "\x00", "\x0b", "\x0c", "\x85", "\u2028",
    "\ufeff", "\ufffd", '"', "'", "-", "1.", "%", ";", "/", "é", "\U0001f600", "&", " & ", "R&D",
    "&amp", "&;", "& x;", "!", "+", "1+1", "+ ", "&amp;", "&nbsp;", "&lt;", "&gt;", "&quot;", "amp;",
]  # fmt: skip
plain_texts = (
    st.lists(
        st.one_of(
            st.sampled_from(PLAIN_PIECES),
            st.text(st.characters(codec="utf-8", exclude_characters="*_[]<>#`|\\~=\t\r"), max_size=8),
        ),
        max_size=60,
    )
    .map("".join)
    .filter(lambda text: not _MARKUP.search(text))
)
# Markdown's inline syntax, text that starts a rule or almost does, and entities that hold
# a rule's start character.
INLINE_PIECES = HTML_PIECES + [
    "**", "__", "~~", "~", "w", "W", "ww", "www.example.org", "WWW.", "h", "http://a.org/b_c", "http",
    "  \n", "\\\n", ".", ",", "|", "&shy;", "&hearts;", "&#x68;", "&#119;",
]  # fmt: skip
address_free_texts = texts_of(
    [piece for piece in INLINE_PIECES if "http" not in piece and "www." not in piece]
)
# Texts with no bare address, and with one, of one kind only.
markdown_texts = st.one_of(
    texts_of(INLINE_PIECES),
    address_free_texts,
    st.tuples(
        address_free_texts, st.sampled_from([" www.", " http://", " https://"]), address_free_texts
    ).map("".join),
)
MARKDOWN = make_markdown()
ANSWER_MARKDOWN = AnswerMarkdown()


def searching_markdown():
    """Return the answers' parser made to search every rule's pattern through plain text."""
    markdown = make_markdown()
    markdown.inline.register("www_link", _WWW_LINK, _parse_www_link)  # a rule with no start given
    return markdown


SEARCHING_MARKDOWN = searching_markdown()


@given(st.binary(max_size=400))
def test_any_bytes_give_a_plan_or_problems(data):
    plan, problems = parse_plan_bytes(data, "any.md")
    assert plan is not None or problems


@given(plan_texts)
def test_any_text_gives_a_plan_or_problems(text):
    plan, problems = parse_plan(text, "any.md")
    assert plan is not None or problems
    for problem in problems:
        assert problem.path == "any.md" and problem.severity in ("error", "warning")
        assert problem.line is None or 1 <= problem.line <= text.count("\n") + text.count("\r") + 1


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_texts)
def test_rendered_answers_never_hold_scripts_or_handlers(text):
    assert unsafe_markup(render_answer(text, MARKDOWN).html) == []


def test_the_answers_parsers_skip_plain_text_and_the_searching_one_does_not():
    if not hasattr(MARKDOWN.inline, "_get_fast_trigger_chars"):
        pytest.skip("this mistune searches every rule's pattern through plain text")
    assert MARKDOWN.inline._get_fast_trigger_chars() >= {"h", "w"}  # every rule says where it starts
    assert not ANSWER_MARKDOWN.parser("no address").inline._get_fast_trigger_chars() & {"h", "w"}
    assert SEARCHING_MARKDOWN.inline._get_fast_trigger_chars() is None


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown_texts)
def test_the_faster_parsers_give_the_html_of_the_searching_one(text):
    html = SEARCHING_MARKDOWN(text)
    assert MARKDOWN(text) == html
    assert ANSWER_MARKDOWN(text) == html


# Lines that start, or almost start, with a list mark, in unusual white space or not.
marked_lines = st.lists(
    st.tuples(
        st.sampled_from(["", " ", "   ", "\xa0", "\u2028"]),
        st.sampled_from(["", "-", "+", "--", "++", "1.", "12)", "3", "a"]),
        st.sampled_from(["", " x"]),
    ).map("".join),
    max_size=5,
).map("\n".join)


@settings(max_examples=300)
@given(st.one_of(plain_texts, markdown_texts, answer_texts, marked_lines))
@example("a\n- b")
@example("a\n+ b")
@example("a & b &amp; c")
@example("a\n  12) b")
@example("a\n\xa0b")
@example("- a")
def test_the_quick_search_for_markup_finds_what_the_pattern_finds(text):
    assert has_markup(text) == bool(_MARKUP.search(text))


# Text near the edge of plain: white space, list and code indents, marks that almost start a list.
NEARLY_PLAIN_PIECES = [
    " ", "    ", "\n", "\n\n", "\n    ", "\xa0", "-", "--", "1.", "2)", "10.", "3", "a", "word", "é", ".",
    ",", ";", ":", "'", '"', "(", ")", "/", "%", "?", "\u200b", "\U0001f600", "x-y", "&", "&amp;", "&#",
    "&#38;", "&x;", "&hearts", "amp;", "#", "!", "![", "+", "++", "+1", "\t", "[", "&nbsp;", "nbsp;",
    "&lt;", "&gt;", "&quot;", "&NBSP;",
]  # fmt: skip


@settings(max_examples=300)
@given(st.lists(st.sampled_from(NEARLY_PLAIN_PIECES), max_size=25).map("".join))
@example("    code")
@example("R&D, AT&T & co &amp c &amp;nbsp; &nbsp;\n&nbsp;\n\n &lt;b&gt; &quot;")
@example("+ a\nb + c\n+\n!a!\n")
@example("a\n\n    code")
@example("a\n\xa0b")
def test_answers_that_skip_the_parser_render_as_the_parser_would(text):
    assume(not has_markup(text))
    assert render_answer(text, MARKDOWN).html == render_markdown(text, MARKDOWN).html


@given(plain_texts)
def test_answers_without_markup_skip_the_sanitiser_with_the_same_result(text):
    assert render_answer(text, MARKDOWN).html == sanitise(plain_paragraphs(text))


# Answers that are one image, or nearly: alt text, an address, and what may surround them.
IMAGE_ALT_PIECES = ["a", "Missing", " ", "  ", "_", "*", "&amp;", '"', "é", "[", "\n", "2"]
IMAGE_URL_PIECES = [
    "x.org", "/a", ".png", "_b", "~c", "-d", "%20", "?q=1", "#top", "&", '"', " ", "(", ")", "<", ":",
]  # fmt: skip
AROUND_IMAGE = ["", "", "", "\n", "\n\n", " ", "    ", "\t", "text", "\r\n", "!"]
image_answers = st.tuples(
    st.sampled_from(AROUND_IMAGE),
    st.one_of(
        st.sampled_from(["", "Missing alt text", "Chart 2"]),
        st.lists(st.sampled_from(IMAGE_ALT_PIECES), max_size=4).map("".join),
    ),
    st.sampled_from(["https://", "http://", "", "HTTPS://", "ftp://", "javascript:"]),
    st.lists(st.sampled_from(IMAGE_URL_PIECES), min_size=1, max_size=5).map("".join),
    st.sampled_from(AROUND_IMAGE),
).map(lambda parts: f"{parts[0]}![{parts[1]}]({parts[2]}{parts[3]}){parts[4]}")


@settings(deadline=None, max_examples=400)
@given(st.one_of(image_answers, markdown_texts))
def test_answers_with_markup_that_need_no_parser_render_as_the_parser_would(text):
    quick = quick_html(text)
    if quick is not None and _MARKUP.search(text):  # (plain text has a test of its own, above)
        full = render_markdown(text, MARKDOWN)
        assert (quick, (), ()) == (full.html, full.warnings, full.local_links)


def test_an_answer_of_one_remote_image_needs_no_parser():
    text = "![Missing alt text](https://example.org/blobs/plans/a1b2.jpg)\n"
    expected = render_markdown(text, MARKDOWN).html
    assert 'class="remote-image"' in expected
    assert quick_html(text) == expected


@settings(deadline=None)
@given(st.lists(st.sampled_from(HTML_PIECES), max_size=30).map("".join))
def test_rendered_links_keep_only_safe_schemes(text):
    html = render_answer(f'<a href="{text}">x</a> [y]({text}) ![z]({text})', MARKDOWN).html
    assert unsafe_markup(html) == []


@given(st.text())
def test_repaired_urls_have_a_safe_scheme_or_none(url):
    repaired = repair_url(url)
    if repaired is not None:
        scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", repaired)
        assert scheme is None or scheme.group(1).lower() in ("http", "https", "mailto")


@given(st.text())
def test_slugify_gives_ascii_without_slashes_or_dot_dot(text):
    slug = slugify(text)
    assert re.fullmatch(r"([a-z0-9]+(-[a-z0-9]+)*)?", slug), slug
    assert len(slug) <= 80


@settings(deadline=None)
@given(st.lists(st.tuples(st.text(max_size=20), st.lists(st.text(max_size=12), max_size=3)), max_size=8))
def test_every_page_name_is_a_non_empty_ascii_slug(plans):
    texts = {
        f"p{n}/{title[:5]}.md": f"# {title}\n" + "".join(f"[[methods:{value}]]\n" for value in values)
        for n, (title, values) in enumerate(plans)
    }
    parsed = [parse_plan(text, path)[0] for path, text in texts.items()]
    site = build_site([plan for plan in parsed if plan is not None], [])
    slugs = [plan.slug for plan in site.plans] + list(site.taxonomies["methods"].terms)
    for slug in slugs:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
    assert len({plan.slug for plan in site.plans}) == len(site.plans)


@settings(deadline=None)
@given(
    st.lists(st.sampled_from(["Water", "water", "Water!", "Wáter", "Air", "", "?"]), max_size=8), st.randoms()
)
def test_page_names_do_not_depend_on_the_listing_order(titles, random):
    parsed = [parse_plan(f"# {title}\n", f"{n}.md")[0] for n, title in enumerate(titles)]
    shuffled = list(parsed)
    random.shuffle(shuffled)
    site, other = build_site(parsed, []), build_site(shuffled, [])
    assert [(p.source_path, p.slug) for p in site.plans] == [(p.source_path, p.slug) for p in other.plans]
    assert taken_page_names(site.plans) == taken_page_names(other.plans)


# Marks that start lines, and white space Python and JavaScript split apart or alike.
WORD_PIECES = INLINE_PIECES + [
    "> ", ">", "# ", "## ", "- ", "+ ", "\n", "\t", "\xa0", "\u2028", "\x1c", "\x85", "\ufeff",
    "&#x1c;", "&#133;", "word", "Mot-clé", "»",
]  # fmt: skip


@settings(deadline=None)
@given(texts_of(WORD_PIECES))
def test_the_index_finds_the_same_terms_in_an_answer_s_words_as_in_its_plain_text(text):
    fields = [SearchField("text")]
    assert analyse_document({"text": answer_words(text)}, fields) == analyse_document(
        {"text": plain_text(text)}, fields
    )


# Attribute names in any case, letters re.I matches to ASCII ones, and one that lower-cases to two.
SCHEME_PIECES = HTML_PIECES + [
    "HREF", "Src", "sRc", "\u017frc", "\u017fRC", "\u0130", "\u0131", "\u212a", " = ", "='", "x:", "HTTP:",
]  # fmt: skip


@given(texts_of(SCHEME_PIECES))
@example("<a href=\"x:\"> \u0130 <img SRC='\u017f:'>")
@example("\u017frc=java\tscript:")
def test_schemes_found_where_attribute_names_are_are_those_the_pattern_finds(text):
    expected = {"".join(match.group(1).lower().split()) for match in _SCHEME_ATTRIBUTE.finditer(text)}
    assert linked_schemes(text) == expected


BLOCK_SCANNER = make_markdown().block.compile_sc()


@given(
    texts_of(INLINE_PIECES + ["\n", "\n\n", "    ", "> ", "# ", "- ", "1. ", "---", "```", "|a|"]), st.data()
)
def test_the_block_scanner_searched_line_by_line_finds_what_a_search_finds(text, data):
    position = data.draw(st.integers(0, len(text)))
    found = BLOCK_SCANNER.search(text, position)
    expected = BLOCK_SCANNER.pattern.search(text, position)
    assert (found and (found.start(), found.end(), found.lastgroup)) == (
        expected and (expected.start(), expected.end(), expected.lastgroup)
    )
