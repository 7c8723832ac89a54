"""Alternative text that says nothing of its image: the placeholder of the plans' export."""

from __future__ import annotations

#: What the system the plans were exported from wrote for an image that had no alternative
#: text, in lower case with single spaces.
EXPORT_PLACEHOLDERS = frozenset({"missing alt text"})


def meaningful_alt(alt: str) -> str:
    """Return an image's alternative text, or "" for the export's placeholder: shown, it
    would label every image alike, and in English whatever the site's language."""
    return "" if " ".join(alt.split()).lower() in EXPORT_PLACEHOLDERS else alt
