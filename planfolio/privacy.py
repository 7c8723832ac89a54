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
        return publish_text(value, policy)
    return ""


def publish_text(text: str, policy: str) -> str:
    """Return text with every e-mail address in it shown, obfuscated or withheld."""
    if policy == "show" or "@" not in text:  # most text holds no address: skip the slow search
        return text
    if policy == "obfuscate":
        return EMAIL.sub(lambda match: obfuscate_email(match[0]), text)
    return EMAIL.sub(NOT_PUBLISHED, text)


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
