"""What the site publishes of people's e-mail addresses, as the `focal_points` policy says.

The policy covers every published copy of a plan: its page, plans.json and plans.csv.
It applies to the focal point of a plan and to any address written in its answers.
"""

from __future__ import annotations

import re

from .model import Partner

# Wide enough for the addresses plans hold (dots, plus signs, sub-domains), and no wider.
EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")
NOT_PUBLISHED = "[e-mail address not published]"


def publish_focal_point(value: str, policy: str) -> str:
    """Return a plan's focal point as the policy publishes it: as is, obfuscated or ""."""
    if policy == "show":
        return value
    if policy == "obfuscate":
        return _addresses(value, policy)  # a metadata value, not markdown: no links to undo
    return ""


# The links an answer's markdown may make to an address: [text](mailto:... "title"), with
# brackets in its text one deep, <mailto:...> or <address>, and pasted HTML's
# <a href="mailto:...">text</a>, its address quoted or not.
_MARKDOWN_LINK = re.compile(
    r"\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*<?mailto:([^)\s>]*)>?"
    r"""(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?\s*\)""",
    re.I,
)
_AUTOLINK = re.compile(r"<(?:mailto:([^<>\s]+)|([^<>\s:/@]+@[^<>\s:/@]+))>", re.I)
_HTML_LINK = re.compile(
    r"""<a\s(?:[^>]*?\s)?href\s*=\s*(?:(["'])\s*mailto:([^"']*)\1|mailto:([^\s>]*))[^>]*>(.*?)</a\s*>""",
    re.I | re.S,
)


def publish_text(text: str, policy: str) -> str:
    """Return markdown with every e-mail address in it shown, obfuscated or withheld.

    A link to an address is no longer a link unless the address is shown: its text is
    kept, followed by the address as the policy writes it, or alone when withheld.
    """
    if policy == "show" or "@" not in text:  # most text holds no address: skip the slow search
        return text
    if "<" in text or "mailto" in text.lower():
        text = _unlinked(text, policy)
    return _addresses(text, policy)


def _addresses(text: str, policy: str) -> str:
    """Return text with every address obfuscated or withheld, as the policy says."""
    if policy == "obfuscate":
        return EMAIL.sub(lambda match: obfuscate_email(match[0]), text)
    return EMAIL.sub(NOT_PUBLISHED, text)


def _unlinked(text: str, policy: str) -> str:
    """Return markdown with its links to addresses replaced by their text and addresses."""

    def link(label: str, target: str, whole: str) -> str:
        addresses = EMAIL.findall(target)
        if not addresses:
            return whole  # no address to withhold: left to the renderer, which judges links
        label, written = label.strip(), ", ".join(addresses)
        if not label or EMAIL.fullmatch(label):
            return written
        return label if policy == "hide" else f"{label} ({written})"

    text = _MARKDOWN_LINK.sub(lambda match: link(match[1], match[2], match[0]), text)
    text = _HTML_LINK.sub(lambda match: link(match[4], match[2] or match[3] or "", match[0]), text)
    return _AUTOLINK.sub(lambda match: link("", match[1] or match[2], match[0]), text)


def publish_partner(partner: Partner, policy: str) -> Partner:
    """Return a partner record with the addresses in its text published by the policy."""
    return Partner(
        publish_text(partner.name, policy),
        publish_text(partner.sector, policy),
        publish_text(partner.description, policy),
        partner.is_new,
        partner.lines,
    )


def obfuscate_email(address: str) -> str:
    """Return an address written so that harvesters do not read it as one."""
    user, _, domain = address.partition("@")
    return f"{user} (at) {domain.replace('.', ' (dot) ')}" if domain else address
