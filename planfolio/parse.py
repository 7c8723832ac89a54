"""Read one plan file into a `Plan`, collecting every problem instead of raising."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace

from .doctypes import (
    DEFAULT_TYPES,
    EXPERIMENT,
    KNOWN_TYPES,
    LEARNING_PLAN,
    LINE_BREAK,
    peek_type,
    type_line_number,
)
from .languages import LANGUAGE_SAMPLE, detect_language
from .metadata import clean_text, metadata_keys, read_metadata
from .model import Entry, Partner, Plan, Problem, Section, did_you_mean
from .sections import (
    BODY_SECTION,
    EXPERIMENT_SECTIONS,
    PLAN_SECTIONS,
    REPORT_SECTIONS,
    heading_language,
    partner_field,
    section_key,
)

# The lines that give a plan body its structure: headings, questions, group bounds. Each
# match starts with the newline before its line, which lets the search skip from one
# newline to the next instead of trying every character.
_STRUCTURE = re.compile(
    r"\n(?:(?P<heading>##(?: .*|[ \t]*))|>(?P<quote>.*)"
    r'|(?P<open>[ \t]*<div[ \t]+class[ \t]*=[ \t]*"group"[ \t]*>[ \t]*)'
    r"|(?P<close>[ \t]*</div>[ \t]*))$",
    re.M | re.I,
)
_FIRST_HEADING = re.compile(r"^##(?: |[ \t]*$)", re.M)
_RULE_ONLY = re.compile(r"^\s*\*{3,}\s*$")
# The first line with text in a block, and a line of white space after a block's first.
_CONTENT_LINE = re.compile(r"^[^\S\n]*\S", re.M)
_BLANK_LINE = re.compile(r"\n[^\S\n]+(?![^\n])")
# Lines at the end of an answer that hold only a list marker, a dash or no-break spaces: a
# multiple-choice question left blank ('- '), or a placeholder ('-', '--', '—', '&nbsp;').
# They would show an empty bullet or nothing; an answer of nothing else is no answer.
_SPACE = r"(?:[^\S\n]|&nbsp;)*"
_EMPTY_ITEMS = re.compile(rf"(?:^|\n)(?:{_SPACE}(?:(?:[-*+]|--|[\u2013\u2014]){_SPACE})?(?:\n|\Z))+\Z")
_MARKER_ENDS = ("-", "*", "+", "\u2013", "\u2014", "&nbsp;")
# The last characters of an answer that may end with empty items: a marker, '&nbsp;', a
# number's '.' or ')', or the white space after any of them.
_MAY_END_EMPTY = frozenset("-*+\u2013\u2014;.) \t\u00a0")
# The empty numbered items a list ends with ('5.' after items 1 to 4). An answer of nothing
# else is kept: '2021.' may be a year.
_EMPTY_NUMBERED = re.compile(r"\n(?:[^\S\n]*\d{1,9}[.)][^\S\n]*(?:\n|\Z))+\Z")


def decode_utf8(
    data: bytes, source_path: str, advice: str = "the document is left out: save it as UTF-8"
) -> tuple[str | None, list[Problem]]:
    """Decode a file's bytes as UTF-8 (BOM allowed), reporting where decoding fails, and
    then what it means and what to do (`advice`)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        message = f"not UTF-8 but UTF-16 (its first bytes say so); {advice}"
        return None, [Problem(source_path, 1, message, kind="not-utf8")]
    if _looks_utf16(data):
        message = f"not UTF-8 but, it seems, UTF-16 (every other byte of its start is 0); {advice}"
        return None, [Problem(source_path, 1, message, kind="not-utf8")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        # Lines end at any line break, as the text's are read (a CR alone too); a column counts characters.
        starts = [match.end() for match in LINE_BREAK.finditer(data, 0, error.start)]
        line_start = starts[-1] if starts else 0
        column = len(data[line_start : error.start].decode("utf-8", "replace")) + 1
        message = f"not UTF-8: byte 0x{data[error.start]:02x} in column {column} cannot be decoded; {advice}"
        return None, [Problem(source_path, len(starts) + 1, message, kind="not-utf8")]
    return text, []


def _looks_utf16(data: bytes) -> bool:
    """Return whether a file's start is UTF-16 without its byte order mark: text of Latin
    letters has a 0 for every other byte, in one place or the other."""
    start = data[:200]
    if len(start) < 8 or start.count(0) < len(start) // 2 - 1:
        return False
    return start[1::2].count(0) >= len(start) // 2 - 1 or start[0::2].count(0) >= len(start) // 2 - 1


def parse_plan_bytes(
    data: bytes, source_path: str, digest: str | None = None, types: Collection[str] = DEFAULT_TYPES
) -> tuple[Plan | None, list[Problem]]:
    """Decode and parse one plan file's bytes (`digest`: their SHA-1, if already known).

    A document of a type not in `types` is read only as far as its type line, and set aside.
    """
    type_ = peek_type(data)
    if type_ not in types:
        return _set_aside(data, source_path, type_, digest)
    text, problems = decode_utf8(data, source_path)
    if text is None:
        return None, problems
    plan, more = parse_plan(text, source_path, digest or hashlib.sha1(data).hexdigest())
    if plan is not None and plan.type not in types:  # a type line the peek could not see
        return _set_aside(data, source_path, plan.type, digest)
    return plan, problems + more


def _set_aside(
    data: bytes, source_path: str, type_: str, digest: str | None
) -> tuple[Plan | None, list[Problem]]:
    """Return a document of a type the site does not hold, set aside, and a warning when its
    type is none planfolio knows (a typo would leave it out without a word)."""
    problems = []
    if type_ not in KNOWN_TYPES:
        known = ", ".join(KNOWN_TYPES)
        message = f"type: '{type_}' is none of the types planfolio knows ({known}); the document is left out"
        message += did_you_mean(type_, KNOWN_TYPES)
        problems.append(Problem(source_path, type_line_number(data), message, "warning", "unknown-type"))
    return Plan(source_path, "", type=type_, digest=digest or "", set_aside=True), problems


def parse_plan(text: str, source_path: str, digest: str = "") -> tuple[Plan | None, list[Problem]]:
    """Parse the text of one plan; return the plan (or None) and its problems."""
    problems: list[Problem] = []
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        problems.append(Problem(source_path, line, "NUL bytes removed", "warning", "nul-bytes"))
        text = text.replace("\x00", "")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text or text.isspace():
        return None, [Problem(source_path, 1, "empty file: expected a '# Title' line", kind="empty-file")]
    # Read for its structure without its HTML comments, which no reader sees; its text keeps them.
    structure = _COMMENT.sub(_blank, text) if "<!--" in text else text
    first_heading = _FIRST_HEADING.search(structure)
    head = structure[: first_heading.start() if first_heading else len(text)]
    head_lines = head.split("\n")
    title, title_line, title_problems, title_lines = _read_title(head_lines, source_path)
    problems += title_problems
    meta, meta_problems = read_metadata(head, source_path)
    problems += meta_problems
    if first_heading:
        problems += _unread_head_lines(head_lines, title_lines, source_path)
        sections = _read_sections(text, first_heading.start(), structure=structure)
        problems += _questions_under_answers(sections, source_path)
        problems += _late_metadata(structure, first_heading.start(), source_path)
        problems += _near_headings(structure, first_heading.start(), source_path)
    else:
        head_lines = text[: len(head)].split("\n")  # shown as they are written
        sections = _unheaded_text(head_lines, title_lines)
        if sections and meta["type"] in (LEARNING_PLAN, EXPERIMENT):  # forms written in sections
            problems.append(_no_sections(sections[0], source_path))
    heading, title = title, whole_title(title, sections)
    keys = {section.key for section in sections}
    languages = [heading_language(section.heading) for section in sections]
    plan = Plan(
        source_path=source_path,
        title=title,
        title_line=title_line,
        heading=heading if heading != title else "",
        sections=sections,
        template=_template(keys),
        language=next((lang for lang in languages if lang), None) or _text_language(title, sections),
        digest=digest,
        problems=tuple(problems),
        **meta,
    )
    return plan, problems


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\xa0]*\n")


def whole_title(title: str, sections: tuple[Section, ...]) -> str:
    """Return a title that its '# ' line cut short ("... des types de matéri…"), as the
    archive's forms cut long titles, whole: the answer of the plan's Title section that
    begins with it. Any other title, or one no answer completes, is returned as it is."""
    if not title.endswith(("…", "...")):
        return title
    start = title.removesuffix("…").removesuffix("...").rstrip()
    for section in sections:
        if section.key != "title":
            continue
        for entry in section.answered:
            answer = clean_text(entry.answer)
            one_paragraph = not _PARAGRAPH_BREAK.search(entry.answer.strip())
            if start and one_paragraph and answer.startswith(start):
                return answer
    return title


def _text_language(title: str, sections: tuple[Section, ...]) -> str:
    """Return the language of a plan's title and answers, English when they do not say."""
    parts, length = [title], len(title)
    for entry in (entry for section in sections for entry in section.answered):
        if length >= LANGUAGE_SAMPLE:  # enough to tell; a long plan is not joined whole
            break
        parts.append(entry.answer)
        length += len(entry.answer) + 1
    return detect_language("\n".join(parts)) or "en"


def _read_title(head: list[str], source_path: str) -> tuple[str, int, list[Problem], range]:
    """Return the title, its line number, its problems and the indexes of the lines it
    was read from.

    A title the form wrapped onto the line under the '# ' line ("# Returning Point -",
    then "building bridges between Serbia and its diaspora") is read whole, from both.
    """
    for index, line in enumerate(head):
        if line.startswith("# ") and line[2:].strip():
            end = index + 1
            if end < len(head) and _continues_title(head[end]):
                return (
                    clean_text(f"{line[2:].strip()} {head[end].strip()}"),
                    index + 1,
                    [],
                    range(index, end + 1),
                )
            return clean_text(line[2:]), index + 1, [], range(index, end)
        if line.rstrip() == "#" or (line.startswith("# ") and not line[2:].strip()):
            return _title_below(head, index, source_path)
    fallback = source_path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    message = f"no title: expected a first line '# Title'; using the file name {fallback!r}"
    return fallback, 1, [Problem(source_path, 1, message, kind="no-title")], range(0)


def _continues_title(line: str) -> bool:
    """Return whether a line right under the title's carries it on: text, not metadata or a heading."""
    text = line.strip()
    return bool(text) and not text.startswith(("[[", "#"))


def _title_below(head: list[str], index: int, source_path: str) -> tuple[str, int, list[Problem], range]:
    """Take the title from the line under an empty '# ' line, as some forms wrote it."""
    below = head[index + 1].strip() if index + 1 < len(head) else ""
    if below and not below.startswith("[["):
        message = "title: '# ' line is empty; using the line below it as the title"
        problem = Problem(source_path, index + 1, message, "warning", "title-line")
        return clean_text(below), index + 2, [problem], range(index, index + 2)
    fallback = source_path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    message = f"no title: the '# ' line is empty; using the file name {fallback!r}"
    return (
        fallback,
        index + 1,
        [Problem(source_path, index + 1, message, kind="no-title")],
        range(index, index + 1),
    )


def _unread_head_lines(head: list[str], title: range, source_path: str) -> list[Problem]:
    """Report the text above the first '## ' section that is neither the title nor metadata:
    no page shows it."""
    problems = []
    for index in _text_lines(head, title):
        text = head[index].strip()
        shown = text if len(text) <= 60 else text[:59] + "…"
        message = f"text above the first '## ' section is not shown: {shown!r}; put it under a section"
        problems.append(Problem(source_path, index + 1, message, "warning", "head-text"))
    return problems


def _text_lines(head: list[str], title: range) -> list[int]:
    """Return the indexes of the lines of a document's head that are neither its title nor
    metadata: a line that opens with '[[' is metadata (read_metadata reports one that is
    not read), and so is one that ends with ']]' with no '[' before (the rest of a
    metadata line broken in two); '- see [notes [1]]' is text."""
    return [
        index
        for index, line in enumerate(head)
        if index not in title
        and (text := line.strip())
        and not text.startswith("[[")
        and not (text.endswith("]]") and "[" not in text)
    ]


# An HTML comment, and each of its characters but line breaks, blanked to read a text's structure.
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _blank(comment: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", comment.group())


# A line written as a section's heading but not quite one: one to three spaces before it (four
# make a block of code), or a tab after it.
_NEAR_HEADING = re.compile(r"^(?: {1,3}##[ \t]+\S|##\t[ \t]*\S)", re.M)


def _near_headings(text: str, body: int, source_path: str) -> list[Problem]:
    """Report each line of the body that looks like a section's heading but is none
    ('   ## Partners', '##<tab>Partners'): it and what follows are read into the answer
    above. One in a fenced block of code is code ('  ## a comment' of a script)."""
    if text.find(" ##", body) < 0 and text.find("##\t", body) < 0:
        return []  # no line of the body can be one: most plans, told apart without reading each line
    problems = []
    fence = ""
    line = text.count("\n", 0, body)
    for written in text[body:].split("\n"):
        line += 1
        opening = _FENCE.match(written)
        if opening is not None and (not fence or opening.group(1).startswith(fence)):
            fence = "" if fence else opening.group(1)
        elif not fence and _NEAR_HEADING.match(written):
            message = (
                "a line like a section's heading, but with spaces before its '##' or a tab after it:"
                " read as text of the answer above; a section starts with '## ' at the line's start"
            )
            problems.append(Problem(source_path, line, message, "warning", "heading-line"))
    return problems


# The line that opens or closes a fenced block of code: three or more backticks or tildes.
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def _late_metadata(text: str, body: int, source_path: str) -> list[Problem]:
    """Report each metadata line below the first '## ' heading: it is read as text of an
    answer, and the plan goes without its value."""
    if text.find("[[", body) < 0:
        return []  # no metadata line below: most plans, told apart without reading each line
    problems = []
    for offset, key in metadata_keys(text[body:]):
        line = text.count("\n", 0, body + offset) + 1
        message = (
            f"[[{key}:...]] below the first '## ' section is not read as metadata (it is shown as"
            " text); move it above the first section"
        )
        problems.append(Problem(source_path, line, message, "warning", "late-metadata"))
    return problems


def _questions_under_answers(sections: tuple[Section, ...], source_path: str) -> list[Problem]:
    """Report each question with no answer straight under a line of an answer: more of that
    answer, likely ('>3% expected'), which a reader would not see (a question without an
    answer is not shown). The forms leave a blank line above every question."""
    problems = []
    for section in sections:
        for above, entry in itertools.pairwise(section.entries):
            if entry.answer or not above.answer_line:
                continue
            if entry.line == above.answer_line + above.answer.count("\n") + 1:
                shown = entry.question if len(entry.question) <= 40 else entry.question[:39] + "\u2026"
                message = (
                    f"'>{shown}' is read as a question, and one without an answer is not shown:"
                    " a line that starts with '>' is a question; if it belongs to the answer above,"
                    " write '\\>' for its first mark"
                )
                problems.append(Problem(source_path, entry.line, message, "warning", "lone-question"))
    return problems


def _no_sections(body: Section, source_path: str) -> Problem:
    """Report a plan or an experiment with text but no '## ' section: the form's sections
    were likely written otherwise ('##Challenge', '### Challenge')."""
    line = body.line + 1  # the first line of text, right under the heading of nothing put above it
    message = (
        "no '## ' section: the text under the title is shown as one, without a heading;"
        " a section starts with a line '## Heading'"
    )
    return Problem(source_path, line, message, "warning", "head-text")


def _unheaded_text(lines: list[str], title: range) -> tuple[Section, ...]:
    """Return the text of a document without any '## ' heading (a blog post, a solution...)
    under its title and metadata, as one section without a heading (key "body")."""
    shown = _text_lines(lines, title)
    if not shown:
        return ()
    # Its lines where they are, the title and metadata blanked, under a heading of nothing
    # put on the line above the first (or above the file, which moves every line by one).
    kept = set(shown)
    text_lines = [line if index in kept else "" for index, line in enumerate(lines)]
    above = shown[0] - 1
    if above >= 0:
        text_lines[above] = "## "
    else:
        text_lines.insert(0, "## ")
    # Every line before the heading is blank, so its offset in the text is its index.
    (section,) = _read_sections("\n".join(text_lines), max(above, 0), shift=-1 if above < 0 else 0)
    return (replace(section, key=BODY_SECTION),)


def _template(keys: set[str]) -> str:
    if keys & EXPERIMENT_SECTIONS:
        return "experiment"
    if keys & REPORT_SECTIONS:
        return "report"
    if keys & PLAN_SECTIONS:
        return "plan"
    return "unknown"


@dataclass
class _SectionBuilder:
    """Collects the entries of one section while its lines are read."""

    heading: str
    line: int
    entries: list[Entry] = field(default_factory=list)
    question: list[str] = field(default_factory=list)
    answer: list[str] = field(default_factory=list)
    entry_line: int = 0
    answer_line: int = 0
    open_entry: bool = False
    question_done: bool = False
    in_group: bool = False
    entry_in_group: bool = False

    def quote_line(self, text: str, line: int) -> None:
        """Add a '>' line: the next line of this question, or a new question."""
        if self.open_entry and not self.question_done:
            self.question.append(text)
            return
        self._start(line)
        self.question.append(text)

    def text_block(self, text: str, start: int, end: int, line: int) -> None:
        """Add the lines of text[start:end], between two structural lines: blank lines and answer text."""
        content = self._first_content(text, start, end)
        skipped = text.count("\n", start, end) + 1 if content < 0 else text.count("\n", start, content)
        if skipped:
            # A blank line ends the question; those after it are part of the answer.
            if self.open_entry:
                self.answer.extend([""] * (skipped if self.question_done else skipped - 1))
            self.question_done = self.open_entry
        if content < 0:
            return
        if not self.open_entry:
            self._start(line + skipped)
        self.question_done = True
        self.answer_line = self.answer_line or line + skipped
        self.answer.append(_BLANK_LINE.sub("\n", text[content:end]))

    def _first_content(self, text: str, start: int, end: int) -> int:
        """Return where the first line with text starts in text[start:end], or -1."""
        while match := _CONTENT_LINE.search(text, start, end):
            if self.entries or self.open_entry:
                return match.start()
            # The forms put a '****' rule under some headings, before any question.
            line_end = text.find("\n", match.start(), end)
            line_end = end if line_end < 0 else line_end
            if not _RULE_ONLY.match(text[match.start() : line_end]):
                return match.start()
            start = line_end + 1
        return -1

    def set_group(self, in_group: bool) -> None:
        """Open or close a repeated group; either ends the current entry."""
        self.close_entry()
        self.in_group = in_group

    def close_entry(self) -> None:
        """Store the entry being read, if any."""
        if self.open_entry:
            question = _clean_question(self.question)
            answer = "\n".join(self.answer).strip("\n")
            if answer[-1:] in _MAY_END_EMPTY:  # most answers end with a word: no call for them
                answer = _without_empty_items(answer)
            answer_line = self.answer_line if answer else 0
            entry = Entry(question, answer, self.entry_line, self.entry_in_group, answer_line)
            self.entries.append(entry)
        self.question, self.answer, self.answer_line = [], [], 0
        self.open_entry = self.question_done = False

    def build(self) -> Section:
        """Return the finished section."""
        self.close_entry()
        key = section_key(self.heading)
        entries: tuple[Entry, ...] = tuple(self.entries)
        partners: tuple[Partner, ...] = ()
        if key == "partners":
            entries, partners = _split_partners(entries)
        lead, entries = _split_lead(entries)
        return Section(self.heading, key, self.line, entries, partners, lead)

    def _start(self, line: int) -> None:
        self.close_entry()
        self.open_entry, self.entry_line = True, line
        self.entry_in_group = self.in_group


def _read_sections(
    text: str, first_heading: int, shift: int = 0, structure: str | None = None
) -> tuple[Section, ...]:
    """Read the sections of a plan body, jumping from one structural line to the next
    (`shift`: what to add to a line's number in text for its number in the file;
    `structure`: the text as read for its structure, of the same length, its comments blank)."""
    structure = text if structure is None else structure
    line = text.count("\n", 0, first_heading) + 1 + shift
    end = text.find("\n", first_heading)
    end = len(text) if end < 0 else end
    builder = _SectionBuilder(structure[first_heading + 2 : end].strip(), line)
    sections: list[Section] = []
    position = end + 1
    for match in _STRUCTURE.finditer(structure, end):
        start = match.start() + 1  # the structural line starts after its newline
        if start > position:
            builder.text_block(text, position, start - 1, line + 1)
            line += text.count("\n", position, start)
        line += 1
        position = match.end() + 1
        if match.lastgroup == "heading":
            sections.append(builder.build())
            builder = _SectionBuilder(match.group("heading")[2:].strip(), line)
        else:
            _read_structure(builder, match, line)
    if position < len(text):
        builder.text_block(text, position, len(text), line + 1)
    sections.append(builder.build())
    return tuple(sections)


def _read_structure(builder: _SectionBuilder, match: re.Match[str], line: int) -> None:
    kind = match.lastgroup
    if kind == "quote":
        builder.quote_line(match.group("quote").strip(), line)
    elif kind == "open":
        builder.set_group(True)
    elif builder.in_group:
        builder.set_group(False)
    else:  # a '</div>' outside any group is text of the answer
        builder.text_block(match.string, match.start() + 1, match.end(), line)


def _split_lead(entries: tuple[Entry, ...]) -> tuple[str, tuple[Entry, ...]]:
    """Take the bold instruction line some forms put under a heading, before any question,
    as the section's lead: it is no one's answer."""
    if not entries or entries[0].question:
        return "", entries
    first = entries[0]
    line, _, rest = first.answer.partition("\n")
    lead = _bold_line(line)
    if lead is None:
        return "", entries
    below = len(rest) - len(rest.lstrip("\n"))  # the blank lines between the lead and the answer
    rest = rest.strip("\n")
    answer_line = first.answer_line + 1 + below
    kept = (Entry("", rest, first.line, first.in_group, answer_line),) if rest.strip() else ()
    return clean_text(lead), kept + entries[1:]


def _bold_line(line: str) -> str | None:
    """Return the text of a line all in bold ('**This section is...**', an instruction of
    the form), or None. Read by its ends, in one pass: a pattern with two lazy groups took
    minutes on a long line that starts in bold and does not end so."""
    text = line.strip()
    if len(text) < 5 or not text.startswith("**") or text.startswith("***") or not text.endswith("**"):
        return None
    inner = text[2:-2]
    return inner if inner.strip() else None


def _without_empty_items(answer: str) -> str:
    """Return an answer without the empty list items and dashes it ends with (see
    _EMPTY_ITEMS and _EMPTY_NUMBERED)."""
    end = answer.rstrip()
    if end.endswith(_MARKER_ENDS):
        found = _EMPTY_ITEMS.search(answer)
    elif end.endswith((".", ")")) and end[end.rfind("\n") + 1 : -1].strip().isdigit():
        found = _EMPTY_NUMBERED.search(answer)
        if found is not None and not _follows_its_item(answer, found):
            return answer  # '2023.' ending a sentence cut across lines, not a list's next number
    else:
        return answer
    return answer if found is None else answer[: found.start()].rstrip()


def _follows_its_item(answer: str, found: re.Match[str]) -> bool:
    """Return whether the first of the empty numbered items an answer ends with starts a list
    ('1.') or comes after the item of the number before it ('5.' after a '4. ...' line)."""
    number = int(re.match(r"\s*(\d+)", found.group())[1])  # type: ignore[index]
    if number <= 1:
        return True
    return re.search(rf"(?m)^[^\S\n]*0*{number - 1}[.)][^\S\n]+\S", answer[: found.start()]) is not None


def _clean_question(parts: list[str]) -> str:
    question = clean_text(" ".join(filter(None, parts)).replace("\\n", " "))
    return "" if question == _NO_QUESTION else question


# What the archive's export writes for a question it has no text of (Python's None, as text).
_NO_QUESTION = "None"


def _split_partners(entries: tuple[Entry, ...]) -> tuple[tuple[Entry, ...], tuple[Partner, ...]]:
    kept: list[Entry] = []
    records: list[tuple[dict[str, str], dict[str, int]]] = []
    for entry in entries:
        name = partner_field(entry.question) if entry.in_group else None
        if name is None:
            kept.append(entry)
            continue
        if not records or name == "name" or name in records[-1][0]:
            records.append(({}, {}))
        records[-1][0][name] = " ".join(entry.answer.split())
        records[-1][1][name] = entry.answer_line
    partners = tuple(
        Partner(**record, lines=tuple(lines.items())) for record, lines in records if any(record.values())
    )
    return tuple(kept), partners
