"""One summary of a plan, plain text of one length, in search results and in the feed."""

import json
import xml.etree.ElementTree as ET

from planfolio.config import Config
from planfolio.feeds import atom_feed
from planfolio.parse import parse_plan
from planfolio.search import build_search_files
from planfolio.site import build_site
from planfolio.summary import SUMMARY_LENGTH, plan_summary

from conftest import plan_text

ATOM = "{http://www.w3.org/2005/Atom}"
CHALLENGE = "Challenge statement: What is your challenge?"


def site_of(answers):
    plans = []
    for number, answer in enumerate(answers):
        body = f"## Challenge statement\n\n> {CHALLENGE}\n\n{answer}\n"
        meta = {"country": "Kenya", "year": str(2020 + number)}
        plans.append(parse_plan(plan_text(f"Plan {number}", meta, body), f"p{number}.md")[0])
    return build_site(plans, [])


def feed_summaries(site, config):
    root = ET.fromstring(atom_feed(site, config))
    return {
        entry.find(f"{ATOM}title").text: entry.find(f"{ATOM}summary").text
        for entry in root.iter(f"{ATOM}entry")
    }


def test_the_feed_and_the_search_results_give_the_same_plain_summary():
    answers = [
        "We map **waste** with [partners](https://example.org/p) <br> and <em>friends</em> too.",
        "word " * 120,
        "Write to ana@undp.org about it.",
    ]
    site = site_of(answers)
    config = Config(base_url="https://example.org/", focal_points="obfuscate")
    in_feed = feed_summaries(site, config)
    documents = json.loads(build_search_files(site.plans, "obfuscate")["search-index.json"])["documents"]
    in_search = {document["title"]: document["summary"] for document in documents}
    assert in_feed == in_search
    assert in_feed["Plan 0"] == "We map waste with partners and friends too."
    assert len(in_feed["Plan 1"]) <= SUMMARY_LENGTH and in_feed["Plan 1"].endswith("word…")
    assert in_feed["Plan 2"] == "Write to ana (at) undp (dot) org about it."
    for summary in in_feed.values():
        assert not any(mark in summary for mark in ("**", "](", "<", ">", "http"))


def test_a_summary_is_the_plans_own_whatever_the_policy_hides():
    plan = site_of(["Write to ana@undp.org about it."]).plans[0]
    assert "@" not in plan_summary(plan, "hide") and "ana@undp.org" in plan_summary(plan, "show")


EXPERIMENT = """# Nudging bystanders
[[type:experiment]]
## Overview
> Prepared by (Name of the experimenter)

Ana Pérez

> On date (Day/Month/Year)

12/03/2022

## Design
> What is the specific learning intent of the activity?

{intent}

> What is your hypothesis? IF... THEN....

If people know what to do, then they act.
"""


def test_an_experiment_is_summed_up_by_its_learning_intent_else_its_hypothesis_never_its_author():
    plan, _ = parse_plan(EXPERIMENT.format(intent="Learn how to nudge bystanders."), "x.md")
    assert plan_summary(plan) == "Learn how to nudge bystanders."
    plan, _ = parse_plan(EXPERIMENT.format(intent=""), "x.md")
    assert plan_summary(plan) == "If people know what to do, then they act."
    bare = "# T\n[[type:experiment]]\n## Overview\n> Prepared by (Name of the experimenter)\n\nAna\n\n"
    plan, _ = parse_plan(bare + "> On date\n\n2022\n\n> What portfolio?\n\nWaste\n", "x.md")
    assert plan_summary(plan) == "Waste"


def test_the_exports_placeholder_alt_is_no_word_of_a_summary():
    site = site_of(
        ["![Missing alt text](https://example.org/a.png) We map ![a river](https://example.org/b.png)."]
    )
    assert plan_summary(site.plans[0]) == "We map a river."


def test_links_tags_and_stray_marks_are_read_as_a_reader_sees_them():
    from planfolio.summary import without_markup

    text = "See [the map](https://x.org/a_(b)) and ![A chart](c.png) of <b>waste</b>: <5% of [bins] [left"
    assert " ".join(without_markup(text).split()) == "See the map and A chart of waste : <5% of [bins] [left"
    # Marks that open without closing stay as written, however many (each match once ran to the end).
    for stray in ("<" * 2000, "[" * 2000 + "](", "[a](" * 500, "![a](" * 500):
        assert without_markup(stray) == stray


def test_marks_of_emphasis_go_and_the_texts_own_stars_and_underscores_stay():
    from planfolio.summary import without_markup

    text = "**Bold**, *it*, _em_ and `code`: 7*7 cells in file_name.csv"
    assert without_markup(text) == "Bold, it, em and code: 7*7 cells in file_name.csv"
