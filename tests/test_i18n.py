"""The interface in the site's language: catalogues, plurals, and no English left in fr and es sites."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from planfolio.cache import code_fingerprint
from planfolio.config import Config
from planfolio.i18n import LOCALE, count_noun, format_count, interface, language_name, primary_language
from planfolio.pipeline import TEMPLATES, read_site
from planfolio.render import Renderer, make_environment

from browser import chromium
from conftest import plan_text, run_build, write_plans

# Words of the interface's English that French and Spanish do not share: in a site whose
# plans are all French or Spanish, any of them on a page is interface text left in English.
ENGLISH_WORDS = set(
    [
        "the",
        "and",
        "of",
        "with",
        "for",
        "by",
        "all",
        "search",
        "show",
        "shown",
        "found",
        "home",
        "filters",
        "filter",
        "newest",
        "browse",
        "sort",
        "name",
        "number",
        "skip",
        "content",
        "country",
        "countries",
        "method",
        "methods",
        "year",
        "years",
        "thematic",
        "area",
        "areas",
        "data",
        "source",
        "sources",
        "map",
        "maps",
        "chart",
        "charts",
        "related",
        "experiment",
        "experiments",
        "language",
        "this",
        "these",
        "has",
        "have",
        "go",
        "every",
        "more",
        "fewer",
        "not",
        "loading",
        "loaded",
        "full",
        "text",
        "words",
        "word",
        "could",
        "cannot",
        "typo",
        "moved",
        "address",
        "link",
        "follow",
        "feed",
        "reuse",
        "build",
        "analyse",
        "row",
        "sector",
        "new",
        "undp",
        "plans'",
        "answers",
        "yet",
        "chosen",
        "clear",
        "matches",
        "match",
        "first",
    ]
)

FRENCH = {
    "a.md": plan_text(
        "Recyclage des déchets plastiques à Dakar",
        {"country": "Sénégal", "year": "2021", "methods": ["Cartographie de solutions", "Ethnographie"]},
        "## Énoncé du défi\n\n> Quel est votre défi ?\n\nLes déchets plastiques s'accumulent dans les quartiers.\n",
    ),
    "b.md": plan_text(
        "Adaptation des cultures au climat",
        {"country": "Sénégal", "year": "2022", "methods": ["Ethnographie"]},
        "## Énoncé du défi\n\n> Quel est votre défi ?\n\nLes agriculteurs doivent adapter leurs cultures.\n",
    ),
    "c.md": plan_text(
        "Eau potable au Mali",
        {"country": "Mali", "year": "2022", "methods": ["Co-création"]},
        "## Énoncé du défi\n\n> Quel est votre défi ?\n\nL'eau potable manque dans les villages.\n",
    ),
}
SPANISH = {
    "a.md": plan_text(
        "Reciclaje de residuos en Lima",
        {"country": "Perú", "year": "2021", "methods": ["Mapeo de soluciones", "Etnografía"]},
        "## Declaración de desafío\n\n> ¿Cuál es su desafío?\n\nLos residuos se acumulan en los barrios.\n",
    ),
    "b.md": plan_text(
        "Financiamiento de cooperativas",
        {"country": "Perú", "year": "2022", "methods": ["Etnografía"]},
        "## Declaración de desafío\n\n> ¿Cuál es su desafío?\n\nLas cooperativas buscan financiamiento.\n",
    ),
    "c.md": plan_text(
        "Agua potable en Bolivia",
        {"country": "Bolivia", "year": "2022", "methods": ["Cocreación"]},
        "## Declaración de desafío\n\n> ¿Cuál es su desafío?\n\nFalta agua potable en las comunidades.\n",
    ),
}
SITES = {"fr": (FRENCH, "Sénégal", "senegal", "dechets"), "es": (SPANISH, "Perú", "peru", "residuos")}
PAGES = ("index.html", "404.html", "search.html", "countries/index.html", "methods/by-count.html")


class _VisibleText(HTMLParser):
    """Collect a page's text nodes and the attributes a reader or a screen reader meets."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skipping += 1
        for name, value in attrs:
            if name in ("aria-label", "placeholder", "title", "alt") and value:
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.texts.append(data)


def visible_texts(html: str) -> list[str]:
    """Return the text nodes and labelling attributes of a page, without its scripts."""
    parser = _VisibleText()
    parser.feed(html)
    return parser.texts


_PLACEHOLDER = r"%\(\w+\)[sd]|%%"


def _pattern(text: str) -> re.Pattern[str]:
    """Return a pattern matching a message's text whatever its placeholders stand for."""
    parts = re.split(_PLACEHOLDER, " ".join(text.split()))
    return re.compile(".+?".join(map(re.escape, parts)))


def _pieces(message: str) -> list[str]:
    """Return the pieces of a message a page shows as text nodes of their own: between its tags,
    with a word of its own (one of placeholders and marks, "%(filter)s: %(values)s", is English
    in no language, and its pattern would match any text with a colon)."""
    return [
        " ".join(piece.split())
        for piece in re.split(r"<[^>]+>", message)
        if re.search("[A-Za-z]{2}", re.sub(_PLACEHOLDER, "", piece))
    ]


def untranslated(texts: list[str], language: str) -> list[str]:
    """Return every text that is a message of the catalogue left in English."""
    with open(LOCALE / language / "LC_MESSAGES" / "planfolio.po", "rb") as file:
        catalogue = read_po(file)
    english: list[re.Pattern[str]] = []
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translated = {piece for string in strings for piece in _pieces(string)}
        english += [
            _pattern(piece) for text in ids if text for piece in _pieces(text) if piece not in translated
        ]
    found = []
    for text in texts:
        node = " ".join(text.split())
        words = set(re.findall(r"[a-z']+", node.lower()))
        if any(pattern.fullmatch(node) for pattern in english) or words & ENGLISH_WORDS:
            found.append(node)
    return found


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """Build one small site in French and one in Spanish, from plans in those languages."""
    built = {}
    for language, (plans, *_) in SITES.items():
        built[language] = build_in_language(tmp_path_factory.mktemp(language), plans, language)
    return built


def build_in_language(folder, plans, language):
    """Build plans into folder/site with a site.yml that chooses the language; return the site."""
    source = write_plans(folder / "plans", plans)
    (folder / "site.yml").write_text(f"language: {language}\n", encoding="utf-8")
    result = run_build(
        "build", "--source", source, "--output", folder / "site", "--config", folder / "site.yml", cwd=folder
    )
    assert result.returncode == 0, result.stderr
    return folder / "site"


@pytest.mark.parametrize("language", ["fr", "es"])
def test_pages_built_in_french_or_spanish_have_no_english_interface_text(sites, language):
    site = sites[language]
    _, country, slug, _ = SITES[language]
    plan = sorted((site / "plans").glob("*.html"))[0]
    pages = [site / name for name in PAGES] + [plan, site / "countries" / f"{slug}.html"]
    for page in pages:
        texts = visible_texts(page.read_text(encoding="utf-8"))
        assert texts, page
        assert untranslated(texts, language) == [], page.relative_to(site)
    assert country in (site / "index.html").read_text(encoding="utf-8")  # taxonomy names as written


def test_the_check_finds_the_english_of_an_english_site(tmp_path):
    """The check above would see English: on the same plans built in English it finds the interface."""
    source = write_plans(tmp_path / "plans", FRENCH)
    result = run_build("build", "--source", source, "--output", tmp_path / "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    texts = visible_texts((tmp_path / "site" / "index.html").read_text(encoding="utf-8"))
    leftovers = untranslated(texts, "fr")
    assert "Newest plans" in leftovers
    assert "Skip to content" in leftovers


@pytest.mark.parametrize(
    ("language", "forms"),
    [
        ("en", ("plans", "plan", "plans")),
        ("fr", ("plan", "plan", "plans")),
        ("es", ("planes", "plan", "planes")),
    ],
)
def test_plurals_for_zero_one_and_two(language, forms):
    ui = interface(language)
    assert tuple(count_noun(ui, "plans", number) for number in (0, 1, 2)) == forms
    assert tuple(ui.ngettext("%(num)s plan", "%(num)s plans", n) % {"num": n} for n in (0, 1, 2)) == tuple(
        f"{n} {form}" for n, form in zip((0, 1, 2), forms, strict=True)
    )


@pytest.mark.parametrize("language", ["fr", "es"])
def test_a_term_page_counts_its_plans_in_the_site_language(sites, language):
    site = sites[language]
    _, _, slug, _ = SITES[language]
    ui = interface(language)
    two = (site / "countries" / f"{slug}.html").read_text(encoding="utf-8")
    one = (site / "years" / "2021.html").read_text(encoding="utf-8")
    assert f'<p class="count">2 {count_noun(ui, "plans", 2)}</p>' in two
    assert f'<p class="count">1 {count_noun(ui, "plans", 1)}</p>' in one


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_scripts_pick_the_plural_gettext_picks(language):
    """The browser picks a form by Intl.PluralRules' category; it is gettext's form for every count."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed, so Intl.PluralRules cannot be run")
    numbers = [*range(0, 30), 100, 1000000]
    script = (
        "const rules = new Intl.PluralRules(process.argv[1]);"
        "process.stdout.write(JSON.stringify(JSON.parse(process.argv[2]).map(n => rules.select(n))))"
    )
    done = subprocess.run([node, "-e", script, language, json.dumps(numbers)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    categories = json.loads(done.stdout)
    ui = interface(language)
    forms = ui.scripts["%(count)s plan found for %(query)s."]
    chosen = [forms[category] for category in categories]
    expected = [
        ui.ngettext("%(count)s plan found for %(query)s.", "%(count)s plans found for %(query)s.", n)
        for n in numbers
    ]
    assert chosen == expected


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_search_page_in_chromium_has_no_english(sites, language):
    site = sites[language]
    _, _, _, word = SITES[language]
    with chromium() as browser:
        page = browser.new_page()
        texts: list[str] = []
        for query in ("", word, "zzzzqx", f"{word}&year=2022"):  # the last with a filter, named on paper
            page.goto((site / "search.html").as_uri() + f"?q={query}")
            page.wait_for_selector("#search-app[data-index='full']")
            page.wait_for_function("document.getElementById('search-status').textContent.length > 0")
            texts += page.evaluate(
                """() => {
                  const texts = [];
                  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                  while (walker.nextNode()) {
                    const parent = walker.currentNode.parentElement;
                    if (!parent.closest('script, style, noscript')) texts.push(walker.currentNode.data);
                  }
                  document.querySelectorAll('[aria-label], [placeholder], [title]').forEach(element => {
                    for (const name of ['aria-label', 'placeholder', 'title']) {
                      if (element.getAttribute(name)) texts.push(element.getAttribute(name));
                    }
                  });
                  return texts.filter(text => text.trim());
                }"""
            )
        status = page.locator("#search-status").inner_text()
    assert untranslated(texts, language) == []
    assert status  # the last status, for no result, was written in the site's language
    assert any(interface(language).gettext("Filters") == " ".join(text.split()) for text in texts)


def test_the_search_pages_results_in_another_language_are_marked_with_it(tmp_path):
    # English plans alone, on a French site: an index of one language, which has no filter by it.
    english = (
        "## Challenge statement\n\n> What is your challenge?\n\nPlastic waste piles up in the streets.\n"
    )
    plans = {
        "en.md": plan_text("Plastic waste in Dakar", {"country": "Sénégal", "year": "2023"}, english),
        "en2.md": plan_text("Water in Thiès", {"country": "Sénégal", "year": "2022"}, english),
    }
    site = build_in_language(tmp_path, plans, "fr")
    with chromium() as browser:
        page = browser.new_page()
        page.goto((site / "search.html").as_uri())  # every document, newest first
        page.wait_for_selector("#search-app[data-index='full']")
        page.wait_for_function("document.querySelectorAll('li.result').length > 1")
        marked = page.evaluate(
            """() => [...document.querySelectorAll('li.result')].map(li =>
                [li.querySelector('h2 a').textContent, li.querySelector('h2 a').lang])"""
        )
    assert dict(marked) == {"Plastic waste in Dakar": "en", "Water in Thiès": "en"}


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_search_page_quotes_and_counts_its_filters_as_the_language_does(sites, language):
    ui = interface(language)
    one, two = (
        ui.ngettext("Filters (%(count)s chosen)", "Filters (%(count)s chosen)", n) % {"count": n}
        for n in (1, 2)
    )
    assert one.split(" ")[-1] != two.split(" ")[-1]  # "1 choisi", "2 choisis": the noun agrees
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto((sites[language] / "search.html").as_uri() + "?q=zzzzqx&year=2021")
        page.wait_for_selector("#search-app[data-index='full']")
        summary = page.locator(".filters summary").inner_text()
        status = page.locator("#search-status").inner_text()
    assert summary == one
    assert ui.gettext("\u201c%(text)s\u201d") % {"text": "zzzzqx"} in status
    assert "\u201c" not in status  # the language's own quotation marks, not the English ones


def test_a_language_tag_picks_the_catalogue_of_its_primary_language():
    assert primary_language("es-419") == "es"
    assert interface("es-419").gettext("Search") == interface("es").gettext("Search") != "Search"
    assert interface("de").gettext("Search") == "Search"  # no catalogue: the English of the code
    assert (language_name("fr"), language_name("es"), language_name("en")) == (
        "Français",
        "Español",
        "English",
    )


def test_a_changed_catalogue_changes_the_code_fingerprint(tmp_path):
    """Every page's cache key holds the code fingerprint: a catalogue edited renders the pages again."""
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE, locale)
    before = code_fingerprint(locale)
    catalogue = locale / "fr" / "LC_MESSAGES" / "planfolio.po"
    text = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(text.replace('msgstr "Rechercher"', 'msgstr "Chercher"'), encoding="utf-8")
    assert code_fingerprint(locale) != before
    assert code_fingerprint(LOCALE) == code_fingerprint()


@pytest.mark.parametrize(
    ("language", "warned"), [("de", True), ("fr-CA", False), ("es-419", False), ("en", False)]
)
def test_a_language_without_catalogue_is_named_once_by_build_and_check(tmp_path, language, warned):
    source = write_plans(tmp_path / "plans", {"a.md": plan_text("A")})
    (tmp_path / "site.yml").write_text(f"language: {language}\n", encoding="utf-8")
    built = run_build("build", "--source", source, "--output", tmp_path / "site", cwd=tmp_path)
    checked = run_build("check", "--source", source, cwd=tmp_path)
    assert built.returncode == checked.returncode == 0, built.stderr + checked.stdout
    said = [line for line in (built.stderr + checked.stdout).splitlines() if "catalogue" in line]
    if warned:
        assert (
            said
            == [
                f"site.yml:1: warning: language: '{language}' has no catalogue of the interface's words,"
                " which stays in English (catalogues: en, es, fr; the README's Languages says how to add one)",
            ]
            * 2
        )
        assert f'<html lang="{language}">' in (tmp_path / "site/index.html").read_text(encoding="utf-8")
    else:
        assert said == []


@pytest.mark.parametrize(
    ("language", "named", "unnamed"),
    [
        ("en", "Image: A map", "Image (opens on another site)"),
        ("fr", "Image : A map", "Image (s’ouvre sur un autre site)"),
        ("es", "Imagen: A map", "Imagen (se abre en otro sitio)"),
    ],
)
def test_a_remote_image_is_a_link_labelled_in_the_site_language(tmp_path, language, named, unnamed):
    body = (
        "## Challenge statement\n\n> What is your challenge?\n\n![A map](https://example.org/map.png)\n\n"
        '> And?\n\nSee <img src="https://example.org/x.png"> here & <em>there</em>.\n'
    )
    site = read_site(write_plans(tmp_path, {"a.md": plan_text("A", body=body)}))
    page = Renderer(TEMPLATES, Config(language=language), site).plan_page(site.plans[0])[0].decode()
    links = re.findall(r'<a class="remote-image" href="([^"]*)"[^>]*>([^<]*)</a>', page)
    assert links == [("https://example.org/map.png", named), ("https://example.org/x.png", unnamed)]


@pytest.mark.parametrize(
    ("language", "unnamed"),
    [("en", "Image (opens on another site)"), ("fr", "Image (s’ouvre sur un autre site)")],
)
def test_the_exports_placeholder_alt_is_shown_as_an_image_without_alt(tmp_path, language, unnamed):
    body = (
        "## Challenge statement\n\n> What is your challenge?\n\n![Missing alt text](https://example.org/a.png)\n\n"
        "> And?\n\nWe map ![Missing alt text](https://example.org/b.png) rivers.\n"
    )
    site = read_site(write_plans(tmp_path, {"a.md": plan_text("A", body=body)}))
    page = Renderer(TEMPLATES, Config(language=language), site).plan_page(site.plans[0])[0].decode()
    assert "Missing alt text" not in page
    assert re.findall(r'<a class="remote-image"[^>]*>([^<]*)</a>', page) == [unnamed, unnamed]


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_header_search_box_shows_its_whole_placeholder_on_a_wide_screen(sites, language):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 600})
        page.goto((sites[language] / "countries" / "index.html").as_uri())
        room, needed = page.evaluate(
            """() => {
              const box = document.getElementById('site-search'), style = getComputedStyle(box)
              const context = document.createElement('canvas').getContext('2d')
              context.font = `${style.fontSize} ${style.fontFamily}`
              const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight)
              return [box.clientWidth - padding, context.measureText(box.placeholder).width]
            }"""
        )
    assert needed <= room, (needed, room)


@pytest.mark.parametrize("language", ["fr", "es"])
def test_a_count_named_on_the_map_and_in_the_table_of_years_has_the_languages_colon(sites, language):
    ui = interface(language)
    colon = re.search(r"\W*$", ui.gettext("Plans per country:")).group()  # " :" in French, ":" in Spanish
    assert colon.strip() == ":"
    home = (sites[language] / "index.html").read_text(encoding="utf-8")
    country, method = SITES[language][1], SITES[language][0]["a.md"].split("[[methods:")[2].split("]]")[0]
    two = ui.ngettext("%(num)s plan", "%(num)s plans", 2) % {"num": 2}
    one = ui.ngettext("%(num)s plan", "%(num)s plans", 1) % {"num": 1}
    assert f"<title>{country}{colon} {two}</title>" in home  # two plans of the country
    assert f'aria-label="{method}, 2021{colon} {one}"' in home  # one plan of the method in 2021


@pytest.mark.parametrize("language", ["fr", "es"])
def test_a_cards_labels_stay_in_their_column_on_a_phone(tmp_path, language):
    # Every key of an experiment given twice: each label in its longest form, the plural.
    keys = ("experiment_type", "assignment_type", "control_group", "sample_size", "partnering_sector")
    meta = {"country": "Kenya", "year": "2023", "type": "experiment", "methods": ["Co-creation", "Pilots"]}
    meta |= {key: ["One value", "Another value"] for key in (*keys, "quality_check", "datasources", "sdgs")}
    meta |= {
        "thematic_areas": ["water", "energy"],
        "experiment_status": "Design Stage",
        "total_cost": "100 USD",
    }
    build_in_language(tmp_path, {"test.md": plan_text("A test", meta)}, language)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 800})
        page.goto((tmp_path / "site" / "experiments" / "a-test.html").as_uri())
        labels = page.evaluate(
            """() => [...document.querySelectorAll('.card dt')].map(label => {
              const text = document.createRange()
              text.selectNodeContents(label)
              return [label.textContent, text.getBoundingClientRect().right - label.getBoundingClientRect().right]
            })"""
        )
    assert len(labels) >= 10
    assert [text for text, beyond in labels if beyond > 0.5] == []


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("number", [0, 7, 999, 1190, 12345, 1234567])
def test_a_count_is_grouped_as_babel_writes_it_in_the_language(language, number):
    from babel.numbers import format_decimal

    assert format_count(number, language) == format_decimal(number, locale=language)
    assert interface(language).number(number) == format_decimal(number, locale=language)


def test_counts_in_a_french_template_are_grouped_with_a_narrow_no_break_space():
    from babel.numbers import format_decimal

    env = make_environment(TEMPLATES, interface("fr"))
    page = env.from_string("{{ count(1190, true) }}|{{ count(1190, false) }}|{{ 1190|number }}").render()
    grouped = format_decimal(1190, locale="fr")
    assert grouped == "1\u202f190"
    assert page == f"{grouped} documents|{grouped} plans|{grouped}"


def test_every_count_of_a_heat_table_is_grouped_as_the_language_writes_it():
    from babel.numbers import format_decimal

    from planfolio.charts import HeatCell, HeatRow, HeatTable

    env = make_environment(TEMPLATES, interface("fr"))
    row = HeatRow(
        "Co-creation",
        "methods/co-creation.html",
        2380,
        (HeatCell(1190, "methods/co-creation.html#year-2023", 5),),
    )
    table = HeatTable(("2023",), (row,))
    page = env.from_string(
        '{% import "_charts.html" as charts with context %}{{ charts.heat_table(table, "c", "l", "h") }}'
    ).render(table=table, page_path="index.html", link_base="")
    cells = re.findall(r"<td[^>]*>(?:<a [^>]*>)?([^<]*)", page)
    assert cells == [format_decimal(1190, locale="fr"), format_decimal(2380, locale="fr")]
