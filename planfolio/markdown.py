"""Render answers from markdown to safe HTML: an allow-list sanitiser and link repair."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import mistune
import nh3
from mistune.plugins import import_plugin

from .alttext import meaningful_alt
from .i18n import N_
from .model import Problem

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "del", "div", "em", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
_URL_ATTRIBUTES = {"href", "src"}
_WWW_LINK = r"(?<![\w/.:@-])www\.[^\s<()\[\]]*[^\s<?!.,:;*_~()\[\]\"']"
# A markdown link whose text or address holds pasted HTML (`[u<div>v](u<div>v)`). No part
# may hold its own delimiters, so a long run of brackets is scanned once, not once per bracket.
# An address written between angle brackets (`[text](<address>)`) is markdown, not HTML.
_TAGGED_LINK = re.compile(
    r"\[([^\[\]]*)\]\((?!\s*<[^<>\n]*>\s*(?:\"[^\"\n]*\"|'[^'\n]*')?\s*\))([^()<]*<[^()]*)\)"
)
_TAG = re.compile(r"<[^>]*>")
# Browsers ignore tabs and line breaks in a URL's scheme ("java\tscript:").
_SCHEME_ATTRIBUTE = re.compile(r"""\b(?:href|src)\s*=\s*["']?\s*([A-Za-z][\w+.\t\n\r-]*):""", re.I)
# Where a match of it can start, in lower-case text: what re.I takes for "href" and "src".
_ATTRIBUTE_NAMES = ("href", "src", "\u017frc")
# Where an answer may write a link's address: `](x`, `]: x`, `<x>` and `href=x` or `src=x`.
_ADDRESS_START = r"""(?:\]\(|\]:|<|\b(?:href|src)\s*=)\s*["'<]?\s*"""
# Markup that could run code, restyle the page or send the reader elsewhere: the sanitiser
# removes it, and the answer's problems name it.
_UNSAFE_MARKUP = re.compile(
    r"<(script|iframe|frame|object|embed|applet|style|svg|math|form|base|meta|link)\b"
    r"|<[A-Za-z][^>]*?\s(on[A-Za-z]+)\s*=",
    re.I,
)
# Text with none of these is plain paragraphs, which need no markdown parser: any markdown
# or HTML syntax or NUL, an image, what may be a character reference but the five that
# sanitised_plain_paragraphs writes as the sanitiser does (any other "&" is written "&amp;"
# either way), a link, white space other than spaces, line breaks and
# no-break spaces, a list mark or a line of dashes, four spaces that start a paragraph
# (code), a line of only spaces and no-break spaces, or a no-break space that starts a
# paragraph's later line (the parser drops those two; elsewhere it keeps them as they are).
_MARKUP = re.compile(
    r"[*_\[\]<>#`|\\~=\x00]|!\[|&(?!(?:amp|nbsp|lt|gt|quot);)(?:#|[^\t\n\f <&#;]{1,32};)"
    r"|[^\S \n\xa0]|https?:|mailto:|www\."
    r"|^ *(?:[-+](?=[ \t]|$)|-(?=-)|\d+[.)](?=[ \t]|$))"
    r"|(?:\A|\n *\n)(?: *\n)* {4}"
    r"|^[ \xa0]*\xa0[ \xa0]*$|[^ \n] *\n *\xa0",
    re.M,
)
# The same search as several simpler ones, each of which the regular expression engine
# runs at full speed: a set of characters, plain strings, and what starts a line.
# (The white space is every character str.isspace() holds but the space, "\n" and "\xa0".)
_MARKUP_CHARACTER = re.compile(
    r"[*_\[\]<>#`|\\~=\x00\t\x0b\x0c\r\x1c-\x1f\x85\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)
# mistune's character references, or what may start one, but five (see _MARKUP).
_REFERENCE = re.compile(r"&(?!(?:amp|nbsp|lt|gt|quot);)(?:#|[^\t\n\f <&#;]{1,32};)")
# Those five, as html.escape writes them, and what the parser writes for each.
_ESCAPED_REFERENCE = re.compile("&amp;(amp|nbsp|lt|gt|quot);")
_PARSED_REFERENCES = {"amp": "&amp;", "nbsp": "\xa0", "lt": "&lt;", "gt": "&gt;", "quot": "&quot;"}

_FIRST_LINE_MARK = re.compile(r" *(?:[-+](?=[ \t]|$)|-(?=-)|\d+[.)](?=[ \t]|$))", re.M)
_LINE_MARK = re.compile(r"\n *(?:[-+](?=[ \t]|$)|-(?=-)|\d+[.)](?=[ \t]|$))", re.M)
_FIRST_CODE = re.compile(r"(?: *\n)* {4}")
_CODE = re.compile(r"\n *\n(?: *\n)* {4}")
_NO_BREAK_AT_END = re.compile(r"\xa0[ \xa0]*(?:\n|\Z)")
_NO_BREAK_AT_START = re.compile(r"\n *\xa0")
_PARAGRAPH_BREAK = re.compile(r"\n *\n")
# An answer that is one remote image and nothing else, with a plain address and plain alt text,
# as the archive's templates write a picture: its link is made without the markdown parser.
_IMAGE_ONLY = re.compile(
    r"\n*!\[((?:[A-Za-z0-9]+(?: [A-Za-z0-9]+)*)?)\]\((https?://[A-Za-z0-9][A-Za-z0-9._~/-]*)\)\n*"
)
_REMOTE_IMAGE = re.compile(r'<img\b([^>]*?)\ssrc="(https?://[^"]*)"([^>]*)>')
_IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
# A link the sanitiser left without an address (it was dropped), or one of which it cannot
# be told without reading its tag whole: an attribute's value may hold ">".
_LINK_WITHOUT_ADDRESS = re.compile(r'<a(?![^>]*\shref=")[\s>]')
# Every tag of the sanitiser's HTML, each attribute value read whole (it escapes only '"' there).
_SANITISED_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)(?:\s+[^\s=>/]+(?:="[^"]*")?)*\s*/?>')
_ALT = re.compile(r'\salt="([^"]*)"')
# Characters a URL may hold as they are (RFC 3986 reserved and unreserved, and '%').
_URL_SAFE = "!$&'()*+,;=:@/?~-._%"
# Beyond these, markdown and the HTML sanitiser slow down by seconds (the sanitiser's time
# grows with the square of the nesting), so the answer is shown as plain text instead.
MAX_ANSWER_CHARS = 1_000_000
MAX_HTML_DEPTH = 100
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*?(/?)>")
_VOID_TAGS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
}  # fmt: skip


@dataclass(frozen=True)
class ImageLabels:
    """The words of the link that stands for a remote image, in the interface's language:
    with the image's alternative text, and without one."""

    named: str = N_("Image: %(alt)s")
    unnamed: str = N_("Image (opens on another site)")


#: The labels in English, the language the code is written in.
ENGLISH_LABELS = ImageLabels()


@dataclass(frozen=True)
class Rendered:
    """Safe HTML of one answer, and what had to be repaired or dropped in it."""

    html: str
    # (kind, message, line): kind "link", "unsafe-html" or "answer-as-text", and the line
    # of the text at fault, counted from the answer's first line, which is 0.
    warnings: tuple[tuple[str, str, int], ...]
    local_links: tuple[str, ...] = ()  # links with no scheme or host, as written

    def problems(self, source_path: str, answer_line: int) -> list[Problem]:
        """Return the warnings as problems of a plan, its answer starting on answer_line."""
        return [
            Problem(source_path, answer_line + line, message, "warning", kind)
            for kind, message, line in self.warnings
        ]


class _Places:
    """The lines of an answer on which what its rendering reports is written, counted from
    its first line (0).

    What is found again is looked for after where it was last found, so that two links
    alike name their own lines. What the parser or the sanitiser rewrote beyond finding
    ("&#106;avascript:") is put on the answer's first line.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._after: dict[str, int] = {}  # per pattern, where it was last found

    def line(self, pattern: re.Pattern[str]) -> int:
        """Return the line of the next place that pattern matches, or 0."""
        match = pattern.search(self.text, self._after.get(pattern.pattern, 0)) or pattern.search(self.text)
        if match is None:
            return 0
        self._after[pattern.pattern] = match.end()
        return self.text.count("\n", 0, match.start())

    def lines(self, pattern: re.Pattern[str]) -> list[int]:
        """Return every line that pattern matches on, in order, or [0]."""
        lines = dict.fromkeys(
            self.text.count("\n", 0, match.start()) for match in pattern.finditer(self.text)
        )
        return list(lines) or [0]


class _AnswerRenderer(mistune.HTMLRenderer):
    """Shift headings below the page's own and keep URLs for the sanitiser to check."""

    def heading(self, text: str, level: int, **attrs: Any) -> str:
        tag = f"h{min(level + 2, 6)}"
        return f"<{tag}>{text}</{tag}>\n"

    def link(self, text: str, url: str, title: str | None = None) -> str:
        # A link that shows its own address is marked, so print does not repeat it.
        html = super().link(text, url, title)
        return html.replace("<a ", '<a class="bare" ', 1) if text == url else html

    def safe_url(self, url: str) -> str:
        return mistune.escape(url)

    def sanitize_url(self, url: str) -> str:
        # The sanitiser checks every URL once, for markdown and raw HTML alike.
        return mistune.escape(url)


class _AnswerInlineParser(mistune.InlineParser):
    """mistune's inline parser, stopping its fast skip over plain text only where a bare
    address can start, instead of at every "h" and "w" of the text."""

    _trigger_chars: set[str] | None = None
    _trigger: re.Pattern[str] | None = None

    def _get_fast_trigger_re(self, chars: set[str]) -> re.Pattern[str]:
        if chars is not self._trigger_chars:
            # The address rules (url_link and www_link) are the only ones that start at h or w.
            others = "".join(sorted(chars - {"h", "w"}))
            alternatives = [f"[{re.escape(others)}]"] if others else []
            alternatives += ["h(?=ttps?://)"] if "h" in chars else []
            alternatives += [r"w(?=ww\.)"] if "w" in chars else []
            self._trigger = re.compile("|".join(alternatives))
            self._trigger_chars = chars
        assert self._trigger is not None
        return self._trigger


class _AnswerBlockParser(mistune.BlockParser):
    """mistune's block parser, searching for the next block only where a line starts.

    Every block rule starts with "^": a regular expression search tries it at every
    character all the same, while most answers are lines of hundreds of characters.
    """

    def __init__(self) -> None:
        super().__init__()
        self._scanners: dict[tuple[str, ...] | None, Any] = {}

    def compile_sc(self, rules: list[str] | None = None) -> Any:
        key = None if rules is None else tuple(rules)
        scanner = self._scanners.get(key)
        if scanner is None:
            pattern = super().compile_sc(rules)
            names = self.rules if rules is None else rules
            starts_lines = all(self.specification[name].startswith(("^", "(^")) for name in names)
            scanner = self._scanners[key] = _LineStarts(pattern) if starts_lines else pattern
        return scanner


class _LineStarts:
    """A pattern of which every match starts a line, searched line by line."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.match = pattern.match

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """Return the first match at a line start from pos on, as pattern.search would."""
        if endpos is not None:
            return self.pattern.search(text, pos, endpos)
        while True:
            match = self.match(text, pos)  # (no match where no line starts: each rule begins with "^")
            if match is not None:
                return match
            pos = text.find("\n", pos) + 1
            if pos == 0:
                return None


def _parse_www_link(inline: Any, match: re.Match[str], state: Any) -> int:
    text = match.group(0)
    if state.in_link:
        inline.process_text(text, state)
        return match.end()
    token = {"type": "link", "children": [{"type": "text", "raw": text}], "attrs": {"url": text}}
    state.append_token(token)
    return match.end()


def _www_links(md: Any) -> None:
    # Saying that the rule starts only at a "w" lets mistune skip plain text between the
    # characters that can start a rule, instead of searching one long pattern.
    md.inline.register("www_link", _WWW_LINK, _parse_www_link, start_chars="w")


def make_markdown(
    bare_addresses: bool = True, tables: bool = True, strikethrough: bool = True
) -> mistune.Markdown:
    """Return the markdown parser of answers, with or without links made of bare addresses,
    tables and struck-through text."""
    plugins: list[Any] = []
    plugins += ["strikethrough"] if strikethrough else []
    plugins += ["table"] if tables else []
    plugins += ["url", _www_links] if bare_addresses else []
    return mistune.Markdown(
        renderer=_AnswerRenderer(escape=False),
        block=_AnswerBlockParser(),
        inline=_AnswerInlineParser(hard_wrap=True),
        plugins=[import_plugin(plugin) for plugin in plugins],
    )


class AnswerMarkdown:
    """The markdown parser of answers, with only the rules that can match each text: a rule
    that looks for what the text does not hold costs time at every line or word.

    A bare address starts "http" or "www.", a table needs "|" and struck-through text "~~".
    Without the address rules, mistune also skips plain text faster (past every h and w).
    """

    def __init__(self) -> None:
        self._parsers: dict[tuple[bool, bool, bool], mistune.Markdown] = {}

    def parser(self, text: str) -> mistune.Markdown:
        """Return the parser with the rules that text may need, made on first use."""
        needs = ("http" in text or "www." in text, "|" in text, "~~" in text)
        parser = self._parsers.get(needs)
        if parser is None:
            parser = self._parsers[needs] = make_markdown(*needs)
        return parser

    def __call__(self, text: str) -> str:
        return str(self.parser(text)(text))


def render_answer(
    text: str, markdown: Callable[[str], Any], labels: ImageLabels = ENGLISH_LABELS
) -> Rendered:
    """Render one answer's markdown (with any raw HTML) to sanitised HTML, a remote image
    as a link labelled in the interface's language."""
    if len(text) > MAX_ANSWER_CHARS:
        size = f"answer of {len(text):,} characters is longer than {MAX_ANSWER_CHARS:,}"
        return _plain_text(text, f"{size}: shown as plain text")
    quick = quick_html(text, labels)
    if quick is not None:
        return Rendered(quick, ())
    return render_markdown(text, markdown, labels)


def quick_html(text: str, labels: ImageLabels = ENGLISH_LABELS) -> str | None:
    """Return the safe HTML of an answer simple enough to need no parser or sanitiser, else None.

    That is flat paragraphs of text, and an answer that is one remote image: neither holds a
    link to check, anything nested or anything to remove.
    """
    if not has_markup(text):
        return sanitised_plain_paragraphs(text)
    image = _IMAGE_ONLY.fullmatch(text)
    if image is not None:
        return f"<p>{_remote_image_link(image.group(1), image.group(2), labels)}</p>\n"
    return None


def has_markup(text: str) -> bool:
    """Return whether text holds anything _MARKUP finds: markdown or HTML syntax, a link, a mark."""
    return bool(
        _MARKUP_CHARACTER.search(text)
        or "![" in text
        or ("&" in text and _REFERENCE.search(text))
        or "http:" in text
        or "https:" in text
        or "mailto:" in text
        or "www." in text
        or _FIRST_LINE_MARK.match(text)
        or _LINE_MARK.search(text)
        or ("    " in text and (_FIRST_CODE.match(text) or _CODE.search(text)))
        or ("\xa0" in text and _dropped_no_break_space(text))
    )


def _dropped_no_break_space(text: str) -> bool:
    """Return whether a line is only spaces and no-break spaces, or a paragraph's later line
    starts with a no-break space: the two cases where the parser drops them."""
    for match in _NO_BREAK_AT_END.finditer(text):
        if not text[text.rfind("\n", 0, match.start()) + 1 : match.start()].strip(" \xa0"):
            return True
    for match in _NO_BREAK_AT_START.finditer(text):
        if text[text.rfind("\n", 0, match.start()) + 1 : match.start()].strip(" "):
            return True
    return False


def render_markdown(
    text: str, markdown: Callable[[str], Any], labels: ImageLabels = ENGLISH_LABELS
) -> Rendered:
    """Render an answer's markdown and raw HTML through the parser and the sanitiser."""
    places = _Places(text)  # (the answer as written, where its warnings' lines are found)
    text = _TAGGED_LINK.sub(_untagged_link, text)
    raw_html = str(markdown(text))
    depth = html_depth(raw_html) if raw_html.count("<") > MAX_HTML_DEPTH else 0
    if depth > MAX_HTML_DEPTH:
        return _plain_text(
            text, f"HTML nested {depth} levels deep (at most {MAX_HTML_DEPTH}): shown as plain text"
        )
    warnings = _unsafe_markup(raw_html, places)
    local_links: list[str] = []
    decoded = html.unescape(raw_html) if "&" in raw_html else raw_html  # "&#106;avascript:"
    schemes = linked_schemes(decoded)
    schemes -= URL_SCHEMES
    for scheme in sorted(schemes):
        message = f"link with a {scheme}: address dropped: only http, https and mailto are kept"
        written = re.compile(_ADDRESS_START + re.escape(scheme) + ":", re.I)
        warnings += [("link", message, line) for line in places.lines(written)]

    def check_attribute(tag: str, name: str, value: str) -> str | None:
        if name not in _URL_ATTRIBUTES:
            return value
        repaired = repair_url(value)
        if repaired is None and value.strip() and _scheme(value) not in schemes:
            message = f"link {_short(value)!r} dropped: not a valid http, https or mailto address"
            warnings.append(("link", message, places.line(re.compile(re.escape(value.strip())))))
        elif repaired and repaired != value.strip() and repaired != "https://" + value.strip():
            message = f"link {_short(value)!r} repaired as {_short(repaired)!r}"
            warnings.append(("link", message, places.line(re.compile(re.escape(value.strip())))))
        if repaired and is_local_url(repaired):
            local_links.append(value.strip())
        return repaired

    clean = sanitise(raw_html, check_attribute)
    clean = _REMOTE_IMAGE.sub(lambda match: _image_as_link(match, labels), clean)
    clean = _IMAGE_WITHOUT_SOURCE.sub(_image_as_text, clean)
    if "<a" in clean and _LINK_WITHOUT_ADDRESS.search(clean):
        clean = links_as_text(clean)
    return Rendered(clean, tuple(warnings), tuple(local_links))


def links_as_text(markup: str) -> str:
    """Return sanitised HTML with every link that has no address left as its text alone.

    A link whose address was dropped is no link: `<a>` without href may not carry rel, and
    a reader could not follow it. Its text stays where it was.
    """
    parts: list[str] = []
    start = 0
    unwrapped: list[bool] = []  # for each open <a>, whether its tags go
    for match in _SANITISED_TAG.finditer(markup):
        closing, name = match.groups()
        if name != "a":
            continue
        if closing:
            drop = unwrapped.pop() if unwrapped else False
        else:
            drop = ' href="' not in match.group(0)
            unwrapped.append(drop)
        if drop:
            parts.append(markup[start : match.start()])
            start = match.end()
    parts.append(markup[start:])
    return "".join(parts)


def _untagged_link(match: re.Match[str]) -> str:
    """Return a markdown link that holds pasted HTML as its text and address, tags left out:
    each address in it becomes a link of its own, and text that is not its address stays."""
    text, address = (_TAG.sub(" ", part) for part in match.groups())
    shown = "" if text.split() == address.split() else text
    return f" {shown} {address} "


def linked_schemes(markup: str) -> set[str]:
    """Return the scheme of every href and src attribute _SCHEME_ATTRIBUTE finds, lower-cased
    and without white space.

    It is tried only where the text, lower-cased, holds what re.I takes for "href" or "src":
    four times faster than a search of the whole text, whose pattern ignores case and so
    has no first character to skip to.
    """
    lowered = markup.lower()
    if len(lowered) != len(markup):  # a character lower-cased to two: the others moved
        return {"".join(match.group(1).lower().split()) for match in _SCHEME_ATTRIBUTE.finditer(markup)}
    schemes = set()
    for name in _ATTRIBUTE_NAMES:
        start = lowered.find(name)
        while start >= 0:
            match = _SCHEME_ATTRIBUTE.match(markup, start)
            if match is not None:
                schemes.add("".join(match.group(1).lower().split()))
            start = lowered.find(name, start + 1)
    return schemes


def sanitise(raw_html: str, attribute_filter: Callable[[str, str, str], str | None] | None = None) -> str:
    """Return HTML with only the allowed tags, attributes and classes, as html5ever writes it."""
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "template", "textarea", "title", "iframe", "object"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=attribute_filter,
        link_rel="noopener noreferrer",
        allowed_classes={"a": {"bare"}},
    )


def html_depth(markup: str) -> int:
    """Return how deep the elements of an HTML fragment nest, counting unclosed ones."""
    depth = deepest = 0
    for match in _HTML_TAG.finditer(markup):
        closing, name, self_closing = match.groups()
        if closing:
            depth = max(depth - 1, 0)
        elif not self_closing and name.lower() not in _VOID_TAGS:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def is_local_url(url: str) -> bool:
    """Return whether a URL names a file beside the page: no scheme, no host, a path."""
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and bool(parts.path)


def _unsafe_markup(raw_html: str, places: _Places) -> list[tuple[str, str, int]]:
    """Return a warning for each line of the answer that holds tags or event handlers the
    sanitiser will remove, naming them."""
    found: dict[int, set[str]] = {}
    for match in _UNSAFE_MARKUP.finditer(raw_html):
        tag, handler = match.groups()
        if tag:
            name, written = f"<{tag.lower()}>", re.compile(rf"<{tag}\b", re.I)
        else:
            name, written = f"{handler.lower()}=", re.compile(rf"\s{handler}\s*=", re.I)
        found.setdefault(places.line(written), set()).add(name)
    message = "removed what could run code or restyle the page: "
    return [
        ("unsafe-html", message + ", ".join(sorted(names)), line) for line, names in sorted(found.items())
    ]


def _scheme(url: str) -> str:
    try:
        return urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""


def _plain_text(text: str, warning: str) -> Rendered:
    """Return an answer shown as escaped text, line by line, with why."""
    body = html.escape(text).replace("\n", "<br>\n")
    return Rendered(f"<p>{body}</p>\n", (("answer-as-text", warning, 0),))


def plain_paragraphs(text: str) -> str:
    """Render text without markup as the markdown parser would, many times faster."""
    paragraphs = []
    for block in _PARAGRAPH_BREAK.split(text.strip("\n")):
        lines = [line.strip(" ") for line in block.split("\n")]
        if any(lines):
            escaped = (html.escape(line, quote=False) for line in lines if line)
            paragraphs.append("<p>" + "<br />\n".join(escaped) + "</p>\n")
    markup = "".join(paragraphs)
    # The parser reads the five character references text without markup may hold.
    return _ESCAPED_REFERENCE.sub(_parsed_reference, markup) if "&amp;" in markup else markup


def _parsed_reference(match: re.Match[str]) -> str:
    return _PARSED_REFERENCES[match.group(1)]


def sanitised_plain_paragraphs(text: str) -> str:
    """Return what the sanitiser makes of plain_paragraphs(text), without running it."""
    # Text without markup holds nothing the sanitiser removes: it only writes <br /> as
    # <br>, a no-break space as an entity, a quotation mark as itself, and drops NUL, as
    # html5ever does everywhere.
    markup = plain_paragraphs(text).replace("<br />", "<br>").replace("&quot;", '"')
    return markup.replace("\xa0", "&nbsp;").replace("\x00", "")


def repair_url(value: str) -> str | None:
    """Return a URL the HTML standard accepts, repaired where possible, or None."""
    url = value.strip()
    url = url.split("<", 1)[0].strip()  # HTML pasted into a link ends it
    if not url:
        return None
    if url.lower().startswith("www."):
        url = "https://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme and parts.scheme.lower() not in URL_SCHEMES:
        return None
    if parts.scheme.lower() in ("http", "https") and not parts.netloc:
        return None
    head, _, fragment = url.partition("#")
    repaired = quote(head, safe=_URL_SAFE + "#[]" if parts.netloc.startswith("[") else _URL_SAFE + "#")
    if fragment or url.endswith("#"):
        repaired += "#" + quote(fragment, safe=_URL_SAFE)
    return repaired


def _image_as_link(match: re.Match[str], labels: ImageLabels) -> str:
    """Show a remote image as a link, so pages make no request to other sites."""
    alt = _ALT.search(match.group(1) + match.group(3))
    return _remote_image_link(alt.group(1) if alt else "", match.group(2), labels)


def _image_as_text(match: re.Match[str]) -> str:
    """Show an image whose address was dropped as its alternative text."""
    alt = _ALT.search(match.group(0))
    return html.escape(meaningful_alt(html.unescape(alt.group(1))), quote=False) if alt else ""


def _remote_image_link(alt: str, url: str, labels: ImageLabels) -> str:
    """Return the link that stands for a remote image: alt and url as sanitised HTML writes
    them, the labels as text. The export's placeholder counts as no alternative text."""
    alt = meaningful_alt(alt)
    label = html.escape(labels.named, quote=False) % {"alt": alt} if alt else html.escape(labels.unnamed)
    return f'<a class="remote-image" href="{url}" rel="noopener noreferrer">{label}</a>'


def _short(url: str) -> str:
    return url if len(url) <= 80 else url[:77] + "..."
