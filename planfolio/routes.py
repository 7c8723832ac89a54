"""A route for every page: its output path, what it shows, and a key of its inputs.

The key hashes everything the page's bytes depend on, so a build can reuse the
page from the previous build when its key is unchanged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from . import urls, worldmap
from .model import Plan
from .site import TAXONOMIES, Site


@dataclass(frozen=True)
class Route:
    """One page to write: where, which renderer, for what subject, with which key."""

    path: str
    kind: str  # "plan", "term", "index", "home", "search", "search-index", ...
    subject: tuple[str, ...]
    key: str
    # A rough measure of the work of making and writing the files, which the processes of a
    # build take longest first (and share only when there is enough): about 0.2 ms of one
    # core on the machine bench/ ran on. Writing a file costs 1.
    cost: int = 2
    also: tuple[str, ...] = ()  # further files written with the page, for the same key

    @property
    def outputs(self) -> tuple[str, ...]:
        """Return every file this route writes."""
        return (self.path, *self.also)


# A term page lists a dozen plans, and takes half as long as a short plan's page; the index
# of a taxonomy lists all its terms (timed on the real corpus, as the costs of the others).
_TERM_COST = 1
_INDEX_COST = 4


def site_routes(site: Site, fingerprint: str, base_url: str) -> list[Route]:
    """Return the route of every file the build makes, in output-path order.

    The fingerprint covers the code, the templates and the config, base_url included.
    """
    routes = [_plan_route(site, index, fingerprint) for index in range(len(site.plans))]
    # What a list shows of each plan, hashed once: a plan is in a dozen lists.
    summaries = {plan.source_path: _hash(*_plan_summary(plan)) for plan in site.plans}
    # What the charts and maps show of each plan: every term it carries, and where it is.
    charted = {plan.source_path: _charted(site, plan) for plan in site.plans}
    # A country is drawn by the outline one of its spellings matches.
    outlines = _hash(worldmap.outlines_digest(), *_spellings(site, "country"))
    for spec in TAXONOMIES:
        terms = site.taxonomies[spec.key].terms
        for term in terms.values():
            members = [
                text
                for plan in term.plans
                for text in (summaries[plan.source_path], charted[plan.source_path])
            ]
            key = _hash(fingerprint, spec.key, term.slug, term.name, outlines, *members)
            path = urls.term_path(spec.folder, term.slug)
            routes.append(Route(path, "term", (spec.key, term.slug), key, _TERM_COST))
        listing = [text for term in terms.values() for text in (term.slug, term.name, str(len(term.plans)))]
        for by_count in (False, True):
            path = urls.taxonomy_index_path(spec.folder, by_count)
            key = _hash(fingerprint, path, *listing)
            routes.append(Route(path, "index", (spec.key, str(by_count)), key, _INDEX_COST))
    everything = [summaries[plan.source_path] for plan in site.plans]
    counts = [f"{key}:{len(taxonomy.terms)}" for key, taxonomy in site.taxonomies.items()]
    everything += [charted[plan.source_path] for plan in site.plans]
    home_key = _hash(fingerprint, "home", outlines, *counts, *everything)
    routes.append(Route(urls.HOME, "home", (), home_key))
    routes.append(Route(urls.SEARCH, "search", (), _hash(fingerprint, "search")))
    routes.append(Route(urls.NOT_FOUND, "not-found", (), _hash(fingerprint, "404")))
    plans = [text for plan in site.plans for text in (plan.slug, plan.source_path, plan.digest)]
    indexed = _hash(fingerprint, *plans)
    # Costs from timing each kind on the real corpus (see bench/profile.py): the full JSON
    # index takes the longest, and data files put together from kept parts the least.
    count = len(site.plans)
    scripts = (urls.SEARCH_FULLTEXT,)
    routes.append(Route(urls.SEARCH_INDEX, "search-index", (), indexed, 4 * count // 3, scripts))
    routes.append(Route(urls.SEARCH_JSON, "search-json", (), indexed, 3 * count // 2))
    routes.append(Route(urls.PLANS_JSON, "data", (), indexed, count // 8, (urls.PLANS_CSV,)))
    routes.append(_publishing_route(routes, indexed, base_url))
    return sorted(routes, key=lambda route: route.path)


def _publishing_route(routes: list[Route], indexed: str, base_url: str) -> Route:
    """Return the route of the files web hosts read; the sitemap lists every page."""
    pages = tuple(sorted(route.path for route in routes if route.path.endswith(".html")))
    also = (urls.NO_JEKYLL, urls.SITEMAP, urls.FEED) if base_url else (urls.NO_JEKYLL,)
    return Route(urls.ROBOTS, "publishing", pages, _hash(indexed, *pages), 1, also)


def _plan_route(site: Site, index: int, fingerprint: str) -> Route:
    plan = site.plans[index]
    # The card: every term the plan carries, as its page links and names it.
    card = [fingerprint, plan.source_path, plan.digest, plan.slug]
    for terms in site.carried[plan.source_path].values():
        card.append(str(len(terms)))
        card += [text for term in terms for text in (term.slug, term.name)]
    key = _hash(*card)
    cost = 2 + plan.answer_length // 2000
    return Route(urls.plan_path(plan.slug), "plan", (str(index),), key, cost)


def _charted(site: Site, plan: Plan) -> str:
    """Return the hash of what the charts and maps show of a plan: its terms and its latlng."""
    texts = [str(plan.latlng)]
    for terms in site.carried[plan.source_path].values():
        texts.append(str(len(terms)))
        texts += [text for term in terms for text in (term.slug, term.name)]
    return _hash(*texts)


def _spellings(site: Site, key: str) -> list[str]:
    """Return every spelling of every term of a taxonomy."""
    return [text for term in site.taxonomies[key].terms.values() for text in (term.slug, *term.spellings)]


def _plan_summary(plan: Plan) -> tuple[str, ...]:
    """Return what a list shows of a plan."""
    return (plan.slug, plan.title, str(plan.year or ""), plan.country, str(len(plan.methods)), *plan.methods)


def _hash(*texts: str) -> str:
    """Return the key of some strings: no two lists of strings give the same text to hash.

    Plans hold no NUL (parsing removes them), so NUL parts them; should one ever be
    in a text, each text goes after its length instead. Surrogates pass: a file name may hold some.
    """
    joined = "J" + "\x00".join(texts)
    if joined.count("\x00") >= len(texts):
        joined = "L" + "".join([f"{len(text)}:{text}" for text in texts])
    return hashlib.sha1(joined.encode("utf-8", "surrogatepass")).hexdigest()
