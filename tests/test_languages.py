"""Each plan's language: from its template's section names, else from its text."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from planfolio.languages import detect_language
from planfolio.parse import parse_plan

from conftest import plan_text, run_build, write_plans

FRENCH_TEXT = "Les agriculteurs de la région sont confrontés à des sécheresses et nous voulons tester avec eux des semences pour leur adaptation au climat."
SPANISH_TEXT = "Los productores del valle buscan financiamiento para sus cooperativas y queremos probar con ellos una nueva forma de crédito entre vecinos."
ENGLISH_TEXT = "The farmers of the region face droughts and we want to test with them which seeds are best for the climate of this valley."


@pytest.mark.parametrize(
    ("text", "language"),
    [(FRENCH_TEXT, "fr"), (SPANISH_TEXT, "es"), (ENGLISH_TEXT, "en"), ("Mapeo 2023", None), ("", None)],
)
def test_a_text_says_its_language_by_its_common_words(text, language):
    assert detect_language(text) == language


def test_a_text_that_mixes_languages_evenly_says_none():
    assert detect_language(FRENCH_TEXT + " " + SPANISH_TEXT) is None


def test_section_names_say_the_language_before_the_text():
    body = f"## Declaración de desafío\n\n> ¿Cuál es su desafío?\n\n{ENGLISH_TEXT}\n"
    plan, _ = parse_plan(plan_text("Un plan", body=body), "a.md")
    assert plan is not None and plan.language == "es"


@pytest.mark.parametrize(("text", "language"), [(FRENCH_TEXT, "fr"), (SPANISH_TEXT, "es"), ("Water.", "en")])
def test_a_plan_in_the_english_template_takes_the_language_of_its_answers(text, language):
    body = f"## Challenge statement\n\n> What is your challenge?\n\n{text}\n"
    plan, _ = parse_plan(plan_text("Un plan", body=body), "a.md")
    assert plan is not None and plan.language == language


def test_a_plan_in_another_language_than_the_site_is_marked_and_badged(tmp_path):
    partner = '<div class="group">\n\n> Please state the name of the partner:\n\nMairie de Dakar\n\n</div>\n'
    body = f"## Challenge statement\n\n> What is your challenge?\n\n{FRENCH_TEXT}\n## Partners\n\n{partner}"
    english = "## Challenge statement\n\n> What is your challenge?\n\nOur challenge is water.\n"
    source = write_plans(
        tmp_path / "plans",
        {"fr.md": plan_text("Semences", body=body), "en.md": plan_text("Water", body=english)},
    )
    result = run_build("build", "--source", source, "--output", tmp_path / "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    french = (tmp_path / "site" / "plans" / "semences.html").read_text(encoding="utf-8")
    assert '<h1 lang="fr">Semences</h1>' in french
    assert '<span class="badge language" lang="fr">Français</span>' in french
    # The answers are the plan's, in French; the English form's heading and question are not.
    found = _languages(french, "h2", "h3", "div", "td", "th")
    assert ("h2", "Challenge statement", "en") in found and ("h3", "What is your challenge?", "en") in found
    answers = [lang for tag, text, lang in found if tag == "div" and text == " ".join(FRENCH_TEXT.split())]
    assert answers and set(answers) == {"fr"}
    # The partners' table is the plan's, its head the site's words.
    assert ("td", "Mairie de Dakar", "fr") in found and ("th", "Name", "en") in found
    # Its title is marked wherever it is listed; the English plan's nowhere.
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<a href="plans/semences.html" lang="fr">Semences</a>' in home
    assert '<a href="plans/water.html">Water</a>' in home
    plain = (tmp_path / "site" / "plans" / "water.html").read_text(encoding="utf-8")
    assert "lang=" not in plain.replace('<html lang="en">', "").replace(' lang="fr">Semences', ">Semences")
    assert "badge language" not in plain


class _Languages(HTMLParser):
    """Read a page's elements of some tags with their text and the language they inherit."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self, tags: set[str]) -> None:
        super().__init__()
        self.tags, self.stack, self.found = tags, [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        inherited = self.stack[-1][1] if self.stack else None
        self.stack.append((tag, dict(attrs).get("lang", inherited), []))
        if tag in self.tags:
            self.found.append(self.stack[-1])

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        for _, _, text in self.stack:
            text.append(data)


def _languages(page: str, *tags: str) -> list[tuple[str, str, str]]:
    """Return each element of the tags in the page: its tag, its text and its language."""
    parser = _Languages(set(tags))
    parser.feed(page)
    return [(tag, " ".join("".join(text).split()), lang) for tag, lang, text in parser.found]


def test_an_experiment_in_another_language_marks_its_words_and_not_the_cards_labels(tmp_path):
    body = f"## Concevoir\n\n> Quelle est votre hypothèse ?\n\n{FRENCH_TEXT}\n"
    meta = {"country": "Kenya", "year": "2023", "type": "experiment", "sample_size": "100-999"}
    source = write_plans(tmp_path / "plans", {"fr.md": plan_text("Semences", meta, body=body)})
    result = run_build("build", "--source", source, "--output", tmp_path / "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "experiments" / "semences.html").read_text(encoding="utf-8")
    found = _languages(page, "h1", "h2", "h3", "dt")
    assert ("h1", "Semences", "fr") in found and ("h2", "Concevoir", "fr") in found
    assert ("h3", "Quelle est votre hypothèse ?", "fr") in found
    labels = [(text, lang) for tag, text, lang in found if tag == "dt"]
    assert {text for text, _ in labels} >= {"Sample size", "Country", "Year", "Language"}
    assert {lang for _, lang in labels} == {"en"}  # the site's words, in the site's language


def test_on_a_french_site_an_english_form_and_english_answers_are_marked_english(tmp_path):
    # A Spanish plan in the English form; an English experiment, whose card values are the export's English.
    spanish = f"## Challenge statement\n\n> What is your challenge?\n\n{SPANISH_TEXT}\n"
    english = "## Design\n\n> What is your hypothesis?\n\nOur challenge is water.\n"
    meta = {"country": "Kenya", "year": "2023", "type": "experiment", "experiment_status": "Design Stage"}
    documents = {
        "es.md": plan_text("Semillas", body=spanish),
        "en.md": plan_text("Water", meta, body=english),
    }
    source = write_plans(tmp_path / "plans", documents)
    (source / "site.yml").write_text("language: fr\n", encoding="utf-8")
    result = run_build("build", "--source", source, "--output", tmp_path / "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    found = _languages((tmp_path / "site/plans/semillas.html").read_text(encoding="utf-8"), "h2", "h3", "div")
    assert ("h2", "Challenge statement", "en") in found and ("h3", "What is your challenge?", "en") in found
    assert ("div", " ".join(SPANISH_TEXT.split()), "es") in found
    found = _languages(
        (tmp_path / "site/experiments/water.html").read_text(encoding="utf-8"), "h3", "div", "dd"
    )
    assert ("h3", "What is your hypothesis?", "en") in found and (
        "div",
        "Our challenge is water.",
        "en",
    ) in found
    assert ("dd", "Design Stage", "en") in found
