"""A plan's summary: one short plain text, the same in search results and in the feed."""

from __future__ import annotations

import html
import re

from .alttext import meaningful_alt
from .model import Plan
from .privacy import publish_text

SUMMARY_LENGTH = 200

_TWEET = re.compile(r"short\W+tweet\W+summary", re.I)
_CHALLENGE = re.compile(r"challenge statement\s*:", re.I)
# An experiment's: what it means to learn, else what it supposes.
_INTENT = re.compile(r"what is the specific learning intent", re.I)
_HYPOTHESIS = re.compile(r"(?:what is your )?hypothesis", re.I)
#: The questions of a form about the form itself (who filled it in, when): never a summary.
_ABOUT_THE_FORM = re.compile(r"prepared by|on date\b", re.I)
# Each stops at the next mark that would start another: a long answer of '<' or '](' with
# no end took minutes, each mark's match running to the end of the text.
_TARGET = r"\((?:[^()]|\([^()]*\))*\)"  # a link's target, which may hold one pair of parentheses
_IMAGE = re.compile(r"!\[([^\[\]]*)\]" + _TARGET)
_LINK = re.compile(r"\[([^\[\]]*)\]" + _TARGET)
_TAG = re.compile(r"<[^<>]*>")
_URL = re.compile(r"(?:\bhttps?://|\bwww\.)\S+", re.I)
# Marks of emphasis open or close a word: one between two letters or digits is the text's
# own ("7*7", "snake_case").
_EMPHASIS = re.compile(r"(?<![^\W_])[*_]+|[*_]+(?![^\W_])|`")
#: The marks that start a line of markdown: headings, quotes, list items.
LINE_MARK = re.compile(r"^[ \t]*(?:#{1,6}[ \t]|>[ \t]?|[-+][ \t])", re.M)


def plan_summary(plan: Plan, policy: str = "hide") -> str:
    """Return a plan's summary: its tweet, else its challenge (an experiment's learning
    intent, else its hypothesis), else its first answer but those about the form itself,
    as plain text of at most SUMMARY_LENGTH characters, e-mail addresses published by policy."""
    return publish_text(_summary(plan), policy)


def _summary(plan: Plan) -> str:
    answered = [entry for section in plan.sections for entry in section.answered]
    for pattern in (_TWEET, _CHALLENGE, _INTENT, _HYPOTHESIS):
        texts = (plain_text(entry.answer) for entry in answered if pattern.match(entry.question))
        chosen = next((text for text in texts if text), None)
        if chosen is not None:
            return shorten(chosen)
    texts = (plain_text(entry.answer) for entry in answered if not _ABOUT_THE_FORM.match(entry.question))
    return shorten(next((text for text in texts if text), ""))


def plain_text(markdown: str) -> str:
    """Return the words of a markdown answer: no markup, tags, link targets or URLs."""
    return " ".join(LINE_MARK.sub("", without_markup(markdown)).split())


def without_markup(markdown: str) -> str:
    """Return markdown without links' targets, tags, entities, URLs and emphasis marks."""
    text = markdown
    if "](" in text:
        text = _LINK.sub(r"\1", _IMAGE.sub(lambda image: meaningful_alt(image.group(1)), text))
    if "<" in text:
        text = _TAG.sub(" ", text)
    text = html.unescape(text)
    # (Any "www." in any case ends in "w." or "W.", which spares lower-casing most texts.)
    if "://" in text or (("w." in text or "W." in text) and "www." in text.lower()):
        text = _URL.sub(" ", text)
    return _EMPHASIS.sub("", text) if "*" in text or "_" in text or "`" in text else text


def shorten(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """Cut text at a word boundary to at most `limit` characters, marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:.-") + "…"
