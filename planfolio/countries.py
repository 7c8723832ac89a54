"""Country names a standard list knows: ISO 3166 names and the common alternatives."""

from __future__ import annotations

import difflib
import functools

import pycountry

from .slugs import slugify

#: Names in wide use, in the plans too, that ISO 3166 writes another way.
ALTERNATIVE_NAMES = (
    "Brunei",
    "Burma",
    "Cape Verde",
    "Congo DR",
    "Congo-Brazzaville",
    "Congo-Kinshasa",
    "DR Congo",
    "DRC",
    "East Timor",
    "Ivory Coast",
    "Kosovo",
    "Lao PDR",
    "Macedonia",
    "Russia",
    "Swaziland",
    "Turkey",
    "UK",
    "US",
    "USA",
    "Vatican City",
)


# Plans name the same few dozen countries, and repeat the same misspellings.
@functools.lru_cache(maxsize=4096)
def is_known_country(name: str) -> bool:
    """Return whether a standard list knows this country name, in any case or accents."""
    return _key(name) in _known_keys()


def is_alternative_name(name: str) -> bool:
    """Return whether a country name is one in wide use that ISO 3166 writes another way."""
    return _key(name) in _alternative_keys()


@functools.cache
def _alternative_keys() -> frozenset[str]:
    return frozenset(map(_key, ALTERNATIVE_NAMES))


@functools.lru_cache(maxsize=1024)
def closest_country(name: str) -> str | None:
    """Return the known country name closest in spelling to `name`, if any is close."""
    by_lower = {known.lower(): known for known in known_country_names()}
    matches = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.75)
    return by_lower[matches[0]] if matches else None


@functools.cache
def known_country_names() -> tuple[str, ...]:
    """Return every known country name, sorted: ISO 3166's names and the alternatives."""
    names = set(ALTERNATIVE_NAMES)
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                names.add(value)
                names.update(_inversions(value))
    return tuple(sorted(names))


def _inversions(name: str) -> tuple[str, ...]:
    """Return 'Tanzania, United Republic of' as also written: 'United Republic of Tanzania', 'Tanzania'."""
    head, comma, tail = name.partition(", ")
    return (f"{tail} {head}", head) if comma else ()


@functools.cache
def _known_keys() -> frozenset[str]:
    return frozenset(_key(name) for name in known_country_names())


def _key(name: str) -> str:
    """Return a name's slug without the word 'the' and with 'St.' as 'Saint': 'The Gambia' is
    'Gambia', 'Congo (Democratic Republic of the)' is 'Congo, The Democratic Republic of the'."""
    words = (_SHORT_WORDS.get(word, word) for word in slugify(name).split("-"))
    return "-".join(word for word in words if word != "the")


# Words the names write short: "St. Lucia" is "Saint Lucia".
_SHORT_WORDS = {"st": "saint"}


#: The ISO 3166 alpha-3 codes of the alternative names; Kosovo has none but the user-assigned XK.
_ALTERNATIVE_CODES = {
    "Brunei": "BRN",
    "Burma": "MMR",
    "Cape Verde": "CPV",
    "Congo DR": "COD",
    "Congo-Brazzaville": "COG",
    "Congo-Kinshasa": "COD",
    "DR Congo": "COD",
    "DRC": "COD",
    "East Timor": "TLS",
    "Ivory Coast": "CIV",
    "Lao PDR": "LAO",
    "Macedonia": "MKD",
    "Russia": "RUS",
    "Swaziland": "SWZ",
    "Turkey": "TUR",
    "UK": "GBR",
    "US": "USA",
    "USA": "USA",
    "Vatican City": "VAT",
}
#: Codes for places ISO 3166 gives no number, as map outlines name them.
_UNNUMBERED = {"kosovo": "XK"}


@functools.lru_cache(maxsize=1024)
def country_code(name: str) -> str | None:
    """Return the ISO 3166 numeric code of a country name ("792" for Türkiye or Turkey),
    "XK" for Kosovo, or None for a name no standard list knows."""
    key = _key(name)
    return _UNNUMBERED.get(key) or _numeric_codes().get(key)


@functools.cache
def _numeric_codes() -> dict[str, str]:
    """Return the numeric code of every known country name, by the name's key."""
    codes: dict[str, str] = {}
    # Names as written first: "Congo" is the Republic, not "Congo, The Democratic Republic of the".
    for inverted in (False, True):
        for country in pycountry.countries:
            for attribute in ("name", "common_name", "official_name"):
                value = getattr(country, attribute, None)
                for written in (_inversions(value) if inverted else (value,)) if value else ():
                    codes.setdefault(_key(written), country.numeric)
    for name, alpha_3 in _ALTERNATIVE_CODES.items():
        found = pycountry.countries.get(alpha_3=alpha_3)
        if found is not None:
            codes[_key(name)] = found.numeric
    return codes
