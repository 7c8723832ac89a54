"""The interface's words in the site's language, from the gettext catalogues in `locale/`.

Each language is one `locale/<language>/LC_MESSAGES/planfolio.po`, compiled in memory
when a build first needs it (a few milliseconds), so a fresh clone builds with no step
before. `language` in site.yml picks the catalogue by its primary subtag (`es-419` reads
`es`); a language with no catalogue gets the English the code is written in. The
messages that the page scripts need (those found in `assets/js/`) reach the browser as
data in the page (`script_messages`); those of the preview's reload script
(`planfolio/livereload.js`), as data in the script the preview serves.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

LOCALE = Path(__file__).parent / "locale"
DOMAIN = "planfolio"
#: Where the messages of the page scripts come from, as the catalogues' locations name it.
SCRIPTS_FOLDER = "assets/js/"
#: The preview's reload script, whose box of errors speaks the site's language too.
PREVIEW_SCRIPT = "planfolio/livereload.js"
# Plural categories of CLDR whose rule the browser's Intl.PluralRules applies: each is
# shown with the form that gettext's Plural-Forms gives its first number here.
_SAMPLE_NUMBERS = (*range(0, 200), 1000, 1000000)


def N_(message: str) -> str:
    """Mark a message for the catalogues where it is written; it is translated where shown."""
    return message


def primary_language(tag: str) -> str:
    """Return the catalogue name of a language tag: its primary subtag, lower-cased."""
    return tag.split("-")[0].lower()


def catalogues() -> list[str]:
    """Return the languages the interface is written in: English and each catalogue's."""
    return sorted({"en", *(path.parent.parent.name for path in LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))})


def missing_catalogue(tag: str) -> str | None:
    """Return what to tell a site owner whose language has no catalogue, or None."""
    known = catalogues()
    if primary_language(tag) in known:
        return None
    return (
        f"language: {tag!r} has no catalogue of the interface's words, which stays in English"
        f" (catalogues: {', '.join(known)}; the README's Languages says how to add one)"
    )


@dataclass(frozen=True)
class Interface:
    """The catalogue of one language: its gettext translations and the messages of its scripts,
    and of the preview's."""

    language: str
    translations: gettext.NullTranslations
    scripts: dict[str, Any]
    preview: dict[str, Any] = field(default_factory=dict)

    def gettext(self, message: str) -> str:
        """Return a message in the interface's language."""
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, number: int) -> str:
        """Return the form of a message for a number, in the interface's language."""
        return self.translations.ngettext(singular, plural, number)

    def npgettext(self, context: str, singular: str, plural: str, number: int) -> str:
        """Return the form of a message for a number, in a context, in the interface's language."""
        return self.translations.npgettext(context, singular, plural, number)

    def number(self, number: int) -> str:
        """Return a count as the interface's language writes it ("1,190", "1 190")."""
        return format_count(number, self.language)


def format_count(number: int, language: str) -> str:
    """Return a count grouped as a language writes it, by Babel's rules for that language.

    English is written as Babel writes it ("1,190") without loading Babel, which an English
    build does without.
    """
    if language == "en":
        return f"{number:,}"
    from babel.numbers import format_decimal

    return str(format_decimal(number, locale=language))


def interface(tag: str) -> Interface:
    """Return the interface of a site language: its catalogue compiled, or English without one.

    A catalogue is compiled again once its file changes, so the preview shows a translator's
    edit at the next rebuild.
    """
    language = primary_language(tag)
    source = LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    try:
        stat = source.stat()
    except OSError:
        return _ENGLISH
    return _compiled(language, source, (stat.st_mtime_ns, stat.st_size, stat.st_ino))


@lru_cache(maxsize=8)
def _compiled(language: str, source: Path, stamp: tuple[int, int, int]) -> Interface:
    """Return a catalogue compiled, once for each state of its file (stamp: its time, size and inode)."""
    # Babel is loaded only for a site in another language: an English build does without it.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with open(source, "rb") as file:
        catalogue = read_po(file, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    translations = Translations(compiled, domain=DOMAIN)
    scripts = _script_messages(catalogue, translations, SCRIPTS_FOLDER)
    preview = _script_messages(catalogue, translations, PREVIEW_SCRIPT)
    return Interface(language, translations, scripts, preview)


_ENGLISH = Interface("en", gettext.NullTranslations(), {})


def _script_messages(catalogue: Any, translations: gettext.NullTranslations, location: str) -> dict[str, Any]:
    """Return the messages of the scripts at a location (a file, or a folder ending in /), by
    English text; a plural as its form for each CLDR category ({"one": ..., "other": ...}),
    which the browser picks with Intl.PluralRules."""
    from babel import Locale

    rule = Locale.parse(catalogue.locale_identifier).plural_form
    samples: dict[str, int] = {}
    for number in _SAMPLE_NUMBERS:
        samples.setdefault(rule(number), number)
    messages: dict[str, Any] = {}
    for message in catalogue:
        if not message.id or not any(path.startswith(location) for path, _ in message.locations):
            continue
        if isinstance(message.id, tuple):
            singular, plural = message.id[:2]
            messages[singular] = {
                category: translations.ngettext(singular, plural, number)
                for category, number in sorted(samples.items())
            }
        else:
            messages[message.id] = translations.gettext(message.id)
    return dict(sorted(messages.items()))


@lru_cache(maxsize=64)
def language_name(tag: str) -> str:
    """Return a language's own name, capitalised ("Français", "Español"), or the tag when unknown."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(tag.replace("-", "_")).get_display_name(tag.replace("-", "_")) or tag
    except (ValueError, UnknownLocaleError):
        return tag
    return name[:1].upper() + name[1:]


def site_text(value: str, default: str, language: Interface) -> str:
    """Return a text of site.yml as shown: the default in the site's language, else as written."""
    return language.gettext(value) if value == default else value


def count_noun(language: Interface, key: str, number: int) -> str:
    """Return the noun that follows a count of plans ("plans"), of a taxonomy's terms, by its
    key, or of the documents of a type, by its name ("solution": "solutions").

    The context "count" keeps these apart from the names of the taxonomies ("SDG", "SDGs").
    """
    nouns = {
        "plans": lambda: language.npgettext("count", "plan", "plans", number),
        "experiments": lambda: language.npgettext("count", "experiment", "experiments", number),
        "country": lambda: language.npgettext("count", "country", "countries", number),
        "methods": lambda: language.npgettext("count", "method", "methods", number),
        "datasources": lambda: language.npgettext("count", "data source", "data sources", number),
        "sdgs": lambda: language.npgettext("count", "SDG", "SDGs", number),
        "thematic_areas": lambda: language.npgettext("count", "thematic area", "thematic areas", number),
        "year": lambda: language.npgettext("count", "year", "years", number),
        # The other document types, by their type name (see doctypes.KNOWN_TYPES).
        "solution": lambda: language.npgettext("count", "solution", "solutions", number),
        "blog": lambda: language.npgettext("count", "blog post", "blog posts", number),
        "publications": lambda: language.npgettext("count", "publication", "publications", number),
        "story": lambda: language.npgettext("count", "story", "stories", number),
        "tools": lambda: language.npgettext("count", "tool", "tools", number),
        "skills": lambda: language.npgettext("count", "skill", "skills", number),
        "tactics": lambda: language.npgettext("count", "tactic", "tactics", number),
        "principles": lambda: language.npgettext("count", "principle", "principles", number),
    }
    nouns["learningplan"], nouns["experiment"] = nouns["plans"], nouns["experiments"]
    return nouns[key]()


def type_label(language: Interface, type_: str, number: int = 1) -> str:
    """Return how pages name a document type: "Solution", and "Solutions" for other numbers than one.

    The context "type" keeps these apart from other uses of the same words. A type no
    one knows, which no site holds, is named as written.
    """
    labels = {
        "learningplan": lambda: language.npgettext("type", "Learning plan", "Learning plans", number),
        "experiment": lambda: language.npgettext("type", "Experiment", "Experiments", number),
        "solution": lambda: language.npgettext("type", "Solution", "Solutions", number),
        "blog": lambda: language.npgettext("type", "Blog post", "Blog posts", number),
        "publications": lambda: language.npgettext("type", "Publication", "Publications", number),
        "story": lambda: language.npgettext("type", "Story", "Stories", number),
        "tools": lambda: language.npgettext("type", "Tool", "Tools", number),
        "skills": lambda: language.npgettext("type", "Skill", "Skills", number),
        "tactics": lambda: language.npgettext("type", "Tactic", "Tactics", number),
        "principles": lambda: language.npgettext("type", "Principle", "Principles", number),
    }
    found = labels.get(type_)
    return found() if found is not None else type_
