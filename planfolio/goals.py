"""The 17 Sustainable Development Goals: their official short titles, and the names a site shows for them.

An SDG is one of a fixed, official list: the number a plan writes decides which goal it
names, whatever words follow it ("13. Climate action", "13 climate", a misspelt title).
The pages show each goal by its number and official short title in the site's language;
the site model keeps what the plans wrote (its pages' names, plans.json and plans.csv).
"""

from __future__ import annotations

from collections.abc import Callable

from .i18n import N_
from .metadata import goal_number
from .site import Site, TermNames, term_names

#: The 17 Sustainable Development Goals: number, short title and the UN's colour for it.
SDGS: tuple[tuple[int, str, str], ...] = (
    (1, N_("No poverty"), "#E5243B"),
    (2, N_("Zero hunger"), "#DDA63A"),
    (3, N_("Good health and well-being"), "#4C9F38"),
    (4, N_("Quality education"), "#C5192D"),
    (5, N_("Gender equality"), "#FF3A21"),
    (6, N_("Clean water and sanitation"), "#26BDE2"),
    (7, N_("Affordable and clean energy"), "#FCC30B"),
    (8, N_("Decent work and economic growth"), "#A21942"),
    (9, N_("Industry, innovation and infrastructure"), "#FD6925"),
    (10, N_("Reduced inequalities"), "#DD1367"),
    (11, N_("Sustainable cities and communities"), "#FD9D24"),
    (12, N_("Responsible consumption and production"), "#BF8B2E"),
    (13, N_("Climate action"), "#3F7E44"),
    (14, N_("Life below water"), "#0A97D9"),
    (15, N_("Life on land"), "#56C02B"),
    (16, N_("Peace, justice and strong institutions"), "#00689D"),
    (17, N_("Partnerships for the goals"), "#19486A"),
)
_TITLES = {number: title for number, title, _ in SDGS}


def goal_name(written: str, gettext: Callable[[str], str]) -> str:
    """Return the name shown for an SDG value: its number and official short title in the
    language of gettext ("13. Climate action"), or the value as written when it names no goal."""
    number = goal_number(written)
    return written if number is None else f"{number}. {gettext(_TITLES[number])}"


def shown_names(site: Site, gettext: Callable[[str], str]) -> TermNames:
    """Return the names the pages show for a site's terms, by taxonomy and slug, in the
    language of gettext: the goals by their official titles, every other term as the site
    names it (site.term_names)."""
    names = term_names(site)
    goals = {slug: goal_name(name, gettext) for slug, name in names["sdgs"].items()}
    return {**names, "sdgs": goals}
