import itertools
import re

import pytest

from planfolio.model import Partner
from planfolio.parse import parse_plan, parse_plan_bytes

REPORT = """# Strengthening a community

[[focal_point:someone@example.org]]

[[year:2023]]

[[type:learningplan]]

[[datasources:crowd source]]
[[methods:Design Thinking]]
[[methods:Co-creation]]
[[country:Kyrgyzstan]]
[[latlng:41.46,74.54]]
## Learnings on your challenge

> What are the top key insights?

1. First insight;
2. Second insight.

> Can you provide more detail on your handover process?

## Data and Methods
## Partners

> Please indicate what partners you have actually worked with.


<div class="group">


> Please state the name of the partner:

Association of Creative Industries


</div>



<div class="group">


> What sector does your partner belong to?

Private sector

</div>

<div class="group">


> Please provide a brief description of the partnership.

Co-implementation of the platform


</div>

<div class="group">


> Is this a new and unusual partner for UNDP?

Yes

</div>

<div class="group">


> Please state the name of the partner:

Osh Mayor's office


</div>
## End

> Please upload any further supporting evidence.


<div class="group">


> 
Create4 – April 2022


</div>
"""

PLAN = """# Water for all
[[country:Kenya]]
[[year:2022]]
## Title
****

> Please provide a name for your action learning plan.



Water for all
## Challenge statement
****

> Challenge statement: What is your challenge? (Please answer in specific terms: "Our challenge is that...”.)

Our challenge is water.
## Learning questions

> Usage of methods: how will you use your methods &amp; tools?

By mapping.
"""


def test_report_template_sections_and_answers():
    plan, problems = parse_plan(REPORT, "seed.md")
    assert problems == []
    assert plan.template == "report"
    assert [s.key for s in plan.sections] == ["learnings", "data_methods", "partners", "end"]
    learnings = plan.sections[0]
    assert [e.question for e in learnings.entries] == [
        "What are the top key insights?",
        "Can you provide more detail on your handover process?",
    ]
    assert learnings.entries[0].answer == "1. First insight;\n2. Second insight."
    assert [e.question for e in learnings.answered] == ["What are the top key insights?"]


def test_metadata_single_and_repeated_keys():
    plan, _ = parse_plan(REPORT, "seed.md")
    assert plan.title == "Strengthening a community"
    assert plan.country == "Kyrgyzstan"
    assert plan.year == 2023
    assert plan.latlng == (41.46, 74.54)
    assert plan.methods == ("Design Thinking", "Co-creation")
    assert plan.datasources == ("crowd source",)
    assert plan.focal_point == "someone@example.org"
    assert plan.type == "learningplan"


def test_partner_groups_become_records():
    plan, _ = parse_plan(REPORT, "seed.md")
    partners = plan.sections[2].partners
    assert partners == (
        Partner(
            "Association of Creative Industries", "Private sector", "Co-implementation of the platform", "Yes"
        ),
        Partner("Osh Mayor's office"),
    )
    assert [e.question for e in plan.sections[2].entries] == [
        "Please indicate what partners you have actually worked with."
    ]


def test_group_with_an_empty_question_keeps_its_answer():
    plan, _ = parse_plan(REPORT, "seed.md")
    end = plan.sections[3]
    assert [(e.question, e.answer, e.in_group) for e in end.answered] == [("", "Create4 – April 2022", True)]


@pytest.mark.parametrize(("written", "read"), [("None", ""), ("None of the above?", "None of the above?")])
def test_the_exports_none_for_a_question_without_text_is_no_question(written, read):
    text = f'# A\n\n## Closing\n\n<div class="group">\n\n> {written}\n\nSee the report.\n\n</div>\n'
    plan, _ = parse_plan(text, "a.md")
    assert [(e.question, e.answer) for e in plan.sections[0].answered] == [(read, "See the report.")]


def test_plan_template_skips_rules_and_unescapes_questions():
    plan, problems = parse_plan(PLAN, "plan.md")
    assert problems == []
    assert plan.template == "plan"
    assert plan.sections[0].entries[0].answer == "Water for all"
    assert plan.sections[2].entries[0].question == "Usage of methods: how will you use your methods & tools?"


def test_french_sections_are_recognised():
    text = PLAN.replace("## Title", "## Titre").replace("## Challenge statement", "## Énoncé du défi")
    text = text.replace("## Learning questions", "## Questions d'apprentissage")
    plan, _ = parse_plan(text, "fr.md")
    assert plan.language == "fr"
    assert [s.key for s in plan.sections] == ["title", "challenge_statement", "learning_questions"]


def test_spanish_partners_section():
    plan, _ = parse_plan("# T\n## Socios\n\n> Q\n\nA\n", "es.md")
    assert plan.language == "es" and plan.sections[0].key == "partners"


def test_crlf_and_bom_are_read():
    data = ("\ufeff" + REPORT).replace("\n", "\r\n").encode("utf-8")
    plan, problems = parse_plan_bytes(data, "crlf.md")
    expected, _ = parse_plan(REPORT, "crlf.md")
    assert problems == []
    assert plan.title == expected.title
    assert plan.sections == expected.sections


def test_values_keep_every_character():
    values = [
        "Congo (Democratic Republic of the)",
        "Côte d'Ivoire",
        "data & analytics / AI, ML",
        "micro-, small- and medium enterprises",
    ]
    text = "# T\n" + "".join(f"[[thematic_areas:{v}]]\n" for v in values) + "[[country:Côte d'Ivoire]]\n"
    plan, problems = parse_plan(text, "odd.md")
    assert plan.thematic_areas == tuple(values)
    assert plan.country == "Côte d'Ivoire"
    assert problems == []


def test_unknown_key_is_kept_with_a_warning_and_no_far_fetched_suggestion():
    plan, problems = parse_plan("# T\n[[colour:blue]]\n", "x.md")
    assert plan.extra_metadata == (("colour", "blue"),)
    assert [str(p) for p in problems] == [
        "x.md:2: warning: unknown metadata key 'colour' (kept as extra metadata)"
    ]


@pytest.mark.parametrize(
    ("key", "meant"),
    [
        ("contry", "country"),
        ("method", "methods"),
        ("thematic_area", "thematic_areas"),
        ("latlong", "latlng"),
    ],
)
def test_a_mistyped_key_is_told_the_key_it_likely_means(key, meant):
    plan, problems = parse_plan(f"# T\n[[country:Chad]]\n[[{key}:x]]\n", "x.md")
    assert plan.extra_metadata == ((key, "x"),)
    assert [str(p) for p in problems] == [
        f"x.md:3: warning: unknown metadata key {key!r} (kept as extra metadata); did you mean {meant!r}?"
    ]


def test_repeated_single_key_keeps_the_first():
    plan, problems = parse_plan("# T\n[[country:Kenya]]\n\n[[country:Chad]]\n", "x.md")
    assert plan.country == "Kenya"
    assert [str(p) for p in problems] == [
        "x.md:4: error: country: given more than once (first on line 2); keeping 'Kenya', ignoring 'Chad'"
    ]


def test_a_single_key_repeated_with_its_value_is_no_problem():
    # Solutions give their country and latlng twice, the same each time.
    text = "# T\n[[country:India]]\n[[latlng:22.9,79.5]]\n[[country:India]]\n[[latlng:22.9,79.5]]\n"
    plan, problems = parse_plan(text, "x.md")
    assert (plan.country, plan.latlng) == ("India", (22.9, 79.5))
    assert problems == []
    # Another value after it is still reported, and only that one.
    plan, problems = parse_plan(text + "[[country:Nepal]]\n", "x.md")
    assert plan.country == "India"
    assert [str(p) for p in problems] == [
        "x.md:6: error: country: given 3 times (first on line 2); keeping 'India', ignoring 'Nepal'"
    ]


def test_bad_year_and_latlng():
    plan, problems = parse_plan("# T\n[[year:1850]]\n[[latlng:91,200]]\n", "x.md")
    assert plan.year is None and plan.latlng is None
    assert [str(p) for p in problems] == [
        "x.md:2: error: year: expected a year from 2000 to 2100, found '1850'",
        "x.md:3: error: latlng: expected 'latitude,longitude' (from -90 to 90, -180 to 180), found '91,200'",
    ]


def test_a_line_meant_as_metadata_but_none_is_a_warning_at_its_line():
    # Its value would be lost without a word: a bracket short, a colon missing, a value cut
    # in two by a carriage return (a plan of the corpus has one).
    text = "# T\n[[year:2021]\n[[country Kenya]]\n[[methods:Big data\r Decision-making]]\n[[ sdgs : 13 ]]\n"
    plan, problems = parse_plan(text, "x.md")
    assert plan.year is None and plan.country == "" and plan.methods == () and plan.sdgs == ("13",)
    assert [str(p) for p in problems] == [
        "x.md:2: warning: not read as metadata: '[[year:2021]'; a metadata line is [[key:value]]",
        "x.md:3: warning: not read as metadata: '[[country Kenya]]'; a metadata line is [[key:value]]",
        "x.md:4: warning: not read as metadata: '[[methods:Big data'; a metadata line is [[key:value]]",
    ]


@pytest.mark.parametrize("written", ["north", "1_0,5", "nan,1", "0x1,2"])
def test_latlng_that_is_not_numbers(written):
    plan, problems = parse_plan(f"# T\n[[latlng:{written}]]\n", "x.md")
    assert plan.latlng is None
    assert [p.message for p in problems] == [
        f"latlng: expected 'latitude,longitude' (from -90 to 90, -180 to 180), found {written!r}"
    ]


@pytest.mark.parametrize(("written", "read"), [(" -13.8 , -172.1 ", (-13.8, -172.1)), (".5,1.", (0.5, 1.0))])
def test_latlng_numbers_as_they_are_written(written, read):
    assert parse_plan(f"# T\n[[latlng:{written}]]\n", "x.md")[0].latlng == read


def test_empty_file():
    plan, problems = parse_plan_bytes(b"  \n\n", "empty.md")
    assert plan is None
    assert [str(p) for p in problems] == ["empty.md:1: error: empty file: expected a '# Title' line"]


def test_not_utf8_names_byte_and_line():
    plan, problems = parse_plan_bytes(b"# Title\n[[country:C\xf4te]]\n", "latin1.md")
    assert plan is None
    assert [str(p) for p in problems] == [
        "latin1.md:2: error: not UTF-8: byte 0xf4 in column 12 cannot be decoded; the document is left out: save it as UTF-8"
    ]


@pytest.mark.parametrize(
    ("data", "line", "said"),
    [
        (b"# Title\r\r[[country:C\xf4te]]\r", 3, "byte 0xf4 in column 12"),  # old Mac line breaks
        (b"# Title\r\n\r\n[[country:C\xf4te]]\r\n", 3, "byte 0xf4 in column 12"),
        ("# Título\n[[country:Côte]] é ".encode() + b"\xe9\n", 2, "byte 0xe9 in column 20"),  # characters
    ],
)
def test_not_utf8_names_the_line_and_the_column_a_reader_counts(data, line, said):
    _, problems = parse_plan_bytes(data, "a.md")
    assert [(p.line, p.message.split(" cannot")[0]) for p in problems] == [(line, f"not UTF-8: {said}")]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_its_byte_order_mark_is_named(codec):
    _, problems = parse_plan_bytes("# Title\n[[country:Kenya]]\n".encode(codec), "a.md")
    assert [(p.line, p.kind) for p in problems] == [(1, "not-utf8")]
    assert problems[0].message.startswith("not UTF-8 but, it seems, UTF-16")


def test_no_title_uses_the_file_name():
    plan, problems = parse_plan("[[country:Kenya]]\n## Partners\n", "plans/no_title.md")
    assert plan.title == "no_title"
    assert [str(p) for p in problems] == [
        "plans/no_title.md:1: error: no title: expected a first line '# Title'; using the file name 'no_title'"
    ]


def test_title_on_the_line_below_an_empty_hash():
    plan, problems = parse_plan("# \nThe real title\n\n[[year:2022]]\n", "x.md")
    assert plan.title == "The real title" and plan.year == 2022
    assert [p.severity for p in problems] == ["warning"]


def test_a_title_wrapped_onto_the_next_line_is_read_whole():
    plan, problems = parse_plan("# Returning Point -\nbuilding bridges\n\n[[year:2022]]\n", "a.md")
    assert (plan.title, plan.title_line, problems) == ("Returning Point - building bridges", 1, [])


def test_text_above_the_first_section_is_reported_at_its_line_not_dropped_silently():
    text = (
        "# A\n\n[[year:2022]]\nAn introduction.\n[[methods:Big data\n analysis]]\n\n## Challenge statement\n"
    )
    plan, problems = parse_plan(text, "a.md")
    assert plan.title == "A" and plan.year == 2022
    heads = [(p.line, p.kind, "An introduction." in p.message) for p in problems if p.kind == "head-text"]
    assert heads == [(4, "head-text", True)]  # the rest of a metadata line is metadata-line's


def test_nul_bytes_are_removed_with_a_warning():
    plan, problems = parse_plan("# Ti\x00tle\n", "x.md")
    assert plan.title == "Title"
    assert [str(p) for p in problems] == ["x.md:1: warning: NUL bytes removed"]


def test_consecutive_quote_lines_are_one_question():
    plan, _ = parse_plan("# T\n## End\n> first line\n> second line\n\nanswer\n", "x.md")
    assert [(e.question, e.answer) for e in plan.sections[0].entries] == [
        ("first line second line", "answer")
    ]


def test_empty_heading_is_kept_as_other():
    plan, _ = parse_plan("# T\n## \n> Q\n\nA\n", "x.md")
    assert plan.sections[0].key == "other" and plan.sections[0].heading == ""


def test_entities_in_titles_and_values_are_decoded_once():
    plan, _ = parse_plan("# Blue &amp; green <b>\n[[methods:Data &amp; analytics]]\n", "x.md")
    assert plan.title == "Blue & green <b>"
    assert plan.methods == ("Data & analytics",)


def test_a_term_without_letters_is_reported_with_its_line():
    plan, problems = parse_plan("# T\n[[methods:Co-creation]]\n[[methods:?#]]\n[[country:--]]\n", "x.md")
    assert plan.methods == ("Co-creation", "?#")
    assert [str(p) for p in problems] == [
        "x.md:3: error: methods: '?#' has no letters or digits to name a page; left out",
        "x.md:4: error: country: '--' has no letters or digits to name a page; left out",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "Kenya",
        "kenya",
        "Côte d'Ivoire",
        "Cote d'Ivoire",
        "Ivory Coast",
        "Viet Nam",
        "Vietnam",
        "Bolivia",
        "Türkiye",
        "Turkey",
        "Congo (Democratic Republic of the)",
        "Democratic Republic of the Congo",
        "Republic of the Congo",
        "The Gambia",
        "Tanzania",
        "Palestine",
        "Kosovo",
    ],
)
def test_known_country_names_are_accepted(name):
    plan, problems = parse_plan(f"# T\n[[country:{name}]]\n", "x.md")
    assert plan.country == name and problems == []


def test_unknown_country_suggests_the_closest_name():
    plan, problems = parse_plan("# T\n[[country:Kenia]]\n", "x.md")
    assert plan.country == "Kenia"
    assert [str(p) for p in problems] == [
        "x.md:2: warning: country: 'Kenia' is not a known country name; did you mean 'Kenya'?"
    ]


def test_unknown_country_with_nothing_close():
    _, problems = parse_plan("# T\n[[country:Atlantis]]\n", "x.md")
    assert [p.message for p in problems] == ["country: 'Atlantis' is not a known country name"]


def test_year_in_other_digits_is_refused():
    plan, problems = parse_plan("# T\n[[year:²⁰²³]]\n", "x.md")
    assert plan.year is None
    assert [p.message for p in problems] == ["year: expected a year from 2000 to 2100, found '²⁰²³'"]


def test_title_line_is_kept():
    assert parse_plan("\n\n# Late title\n", "x.md")[0].title_line == 3
    assert parse_plan("# \nBelow\n", "x.md")[0].title_line == 2


def test_answer_line_is_the_first_line_of_text():
    plan, _ = parse_plan("# T\n## End\n> Q\n\n\nfirst\n\nsecond\n> Q2\n", "x.md")
    assert [(e.line, e.answer_line) for e in plan.sections[0].entries] == [(3, 6), (9, 0)]


def test_the_answer_under_a_sections_lead_starts_on_its_own_line():
    plan, _ = parse_plan("# T\n## End\n**This section is about you.**\n\nfirst\n", "x.md")
    assert plan.sections[0].lead == "This section is about you."
    assert [(e.answer, e.answer_line) for e in plan.sections[0].entries] == [("first", 5)]


def test_a_blank_line_ends_a_question():
    plan, _ = parse_plan("# T\n## End\n> first\n\n\n\n> second\n> more\n", "x.md")
    assert [(e.question, e.line) for e in plan.sections[0].entries] == [("first", 3), ("second more", 7)]


def test_white_space_lines_in_an_answer_become_empty_and_trailing_ones_go():
    plan, _ = parse_plan("# T\n## End\n> Q\n\n  first \n \t\nsecond\n\u00a0\n\n", "x.md")
    assert plan.sections[0].entries[0].answer == "  first \n\nsecond"


def test_a_div_end_outside_a_group_is_answer_text():
    plan, _ = parse_plan("# T\n## End\n</div>\n> Q\n\nA\n\n </div>\n\nB\n", "x.md")
    entries = [(e.question, e.answer, e.line, e.answer_line) for e in plan.sections[0].entries]
    assert entries == [("", "</div>", 3, 3), ("Q", "A\n\n </div>\n\nB", 4, 6)]


def test_rules_and_blank_lines_before_the_first_text_of_a_section_are_skipped():
    plan, _ = parse_plan("# T\n## End\n****\n\n *** \nintro\n****\n> Q\n", "x.md")
    entries = [(e.question, e.answer, e.line) for e in plan.sections[0].entries]
    assert entries == [("", "intro\n****", 6), ("Q", "", 8)]


def test_tags_side_by_side_on_one_line_are_each_read():
    head = "# T\n[[country:Kenya]] [[year:2021]]\n[[methods:A]][[methods:B]]\n[[sdgs:13]], [[sdgs:5]]\n"
    plan, problems = parse_plan(head + "## S\n", "x.md")
    assert (plan.country, plan.year, plan.methods, plan.sdgs) == ("Kenya", 2021, ("A", "B"), ("13", "5"))
    assert problems == []
    # With text between them they are no tags side by side: the value is kept, and told.
    plan, problems = parse_plan("# T\n[[methods:A]] and [[methods:B]]\n## S\n", "x.md")
    assert plan.methods == ("A]] and [[methods:B",)
    assert [(p.line, p.kind) for p in problems] == [(2, "metadata-line")]


def test_a_line_like_a_heading_but_none_is_told_and_a_block_of_code_is_not():
    text = (
        "# T\n## A\n> Q\n\nAnswer\n\n   ## Learning questions\n\n##\tPartners\n\n    ## in a block of code\n"
    )
    plan, problems = parse_plan(text, "x.md")
    assert [section.heading for section in plan.sections] == ["A"]
    assert [(p.line, p.kind) for p in problems] == [(7, "heading-line"), (9, "heading-line")]
    fenced = "# T\n## A\n> Q\n\n~~~bash\n  ## a comment of the script\n~~~\n"
    assert parse_plan(fenced, "x.md")[1] == []


def test_html_comments_hold_no_metadata_heading_or_question():
    text = (
        "# T\n<!--\n[[country:France]]\n[[methods:Hidden]]\n-->\n[[country:Kenya]]\n## A\n> Q\n\n"
        "Answer\n<!--\n## Not a section\n[[year:1999]]\n> not a question\n-->\nmore\n\n> Q2\n\nYes\n"
    )
    plan, problems = parse_plan(text, "x.md")
    assert (plan.country, plan.methods, plan.year, problems) == ("Kenya", (), None, [])
    assert [section.heading for section in plan.sections] == ["A"]
    plan, _ = parse_plan("# T\n## Challenge statement <!-- a note -->\n> Q\n\nA\n", "x.md")
    assert [(s.heading, s.key) for s in plan.sections] == [("Challenge statement", "challenge_statement")]
    plan, _ = parse_plan(text, "x.md")
    entries = [(e.question, e.answer.split("\n")[-1]) for e in plan.sections[0].entries]
    assert entries == [
        ("Q", "more"),
        ("Q2", "Yes"),
    ]  # the comment stays in its answer, where no page shows it


def test_metadata_below_the_first_section_is_told_at_its_line():
    text = "# T\n[[country:Kenya]]\n## A\n> Q\n\nAnswer\n\n[[year:2022]]\n[[ Methods : Late ]]\n"
    plan, problems = parse_plan(text, "x.md")
    assert (plan.year, plan.methods) == (None, ())
    assert [(p.line, p.kind) for p in problems] == [(8, "late-metadata"), (9, "late-metadata")]
    assert problems[1].message.startswith("[[methods:...]] below the first '## ' section is not read")


def test_metadata_lines_are_numbered_among_other_lines():
    text = "# T\n\n[[year:2023]]\nnot metadata [[year:2024]]\n  [[ year : 2025 ]]  \n"
    _, problems = parse_plan(text, "x.md")
    # Line 4 is text, of a plan with no '## ' section.
    assert [(p.line, p.kind) for p in problems] == [(5, "repeated-key"), (4, "head-text")]


def test_each_metadata_value_keeps_the_line_that_gives_it_first():
    text = (
        "# T\n\n[[country:- Chad]]\n[[methods:Survey]]\n[[year:2023]]\n"
        "[[methods:survey,]]\n[[methods:Survey]]\n[[country:Peru]]\n[[colour:blue]]\n"
    )
    plan, _ = parse_plan(text, "x.md")
    assert plan.metadata_lines == (
        ("country", "Chad", 3), ("methods", "Survey", 4), ("year", "2023", 5), ("methods", "survey", 6),
    )  # fmt: skip
    assert [plan.metadata_line("methods", "survey"), plan.metadata_line("country", "Peru")] == [6, None]


def test_problems_name_their_kind():
    text = "# T\n[[colour:blue]]\n[[year:1850]]\n[[year:2020]]\n[[latlng:x]]\n[[country:Kenia]]\n[[type:]]\n"
    _, problems = parse_plan(text, "x.md")
    assert sorted(p.kind for p in problems) == [
        "country", "empty-value", "latlng", "repeated-key", "unknown-key", "year",
    ]  # fmt: skip
    assert parse_plan_bytes(b"\xff", "x.md")[1][0].kind == "not-utf8"
    assert parse_plan_bytes(b"\n", "x.md")[1][0].kind == "empty-file"
    assert parse_plan("text", "x.md")[1][0].kind == "no-title"


def test_a_key_repeated_many_times_is_reported_once():
    text = "# T\n" + "".join(f"[[year:{2000 + n}]]\n[[colour:{n}]]\n" for n in range(5000))
    plan, problems = parse_plan(text, "x.md")
    assert plan.year == 2000 and len(plan.extra_metadata) == 5000
    assert [str(p) for p in problems] == [
        "x.md:3: warning: unknown metadata key 'colour' on 5000 lines (kept as extra metadata)",
        "x.md:4: error: year: given 5000 times (first on line 2); keeping '2000',"
        " ignoring lines 4, 6, 8, 10, 12 and 4994 more",
    ]


def test_a_key_repeated_twice_names_the_lines():
    _, problems = parse_plan("# T\n[[type:a]]\n[[type:b]]\n[[type:c]]\n", "x.md")
    assert [p.message for p in problems] == [
        "type: given 3 times (first on line 2); keeping 'a', ignoring lines 3 and 4"
    ]


@pytest.mark.parametrize(
    "blank", ["- ", "-", "- \n- ", "\u00a0 \u00a0--", "\u2014", "*", "&nbsp;", "- \n\n-"]
)
def test_an_answer_of_empty_list_items_or_dashes_is_no_answer(blank):
    plan, _ = parse_plan(f"# T\n## End\n> Which sectors?\n\n{blank}\n\n> Next\n\nYes\n", "x.md")
    entries = plan.sections[0].entries
    assert [(e.question, e.answer) for e in entries] == [("Which sectors?", ""), ("Next", "Yes")]
    assert entries[0].answer_line == 0 and [e.question for e in plan.sections[0].answered] == ["Next"]


def test_a_question_without_an_answer_straight_under_an_answer_is_told():
    text = "# T\n## A\n> Growth?\n\nGrowth was 5%\n>3% expected\n\n> Unanswered\n\n> Next?\n\nYes\n"
    plan, problems = parse_plan(text, "x.md")
    assert [(p.line, p.kind, p.severity) for p in problems] == [(6, "lone-question", "warning")]
    assert problems[0].message.startswith("'>3% expected' is read as a question")
    # Escaped, the mark starts a line of the answer.
    plan, problems = parse_plan(text.replace(">3%", "\\>3%"), "x.md")
    assert plan.sections[0].entries[0].answer == "Growth was 5%\n\\>3% expected" and problems == []


def test_empty_items_after_an_answer_are_dropped_and_the_rest_kept():
    text = "# T\n## End\n> Q\n\nThese partners:\n\n- Ministry\n- \n\n-\n"
    plan, _ = parse_plan(text, "x.md")
    assert plan.sections[0].entries[0].answer == "These partners:\n\n- Ministry"
    plan, _ = parse_plan("# T\n## End\n> Q\n\n1. First.\n\n2. Second.\n\n3.\n", "x.md")
    assert plan.sections[0].entries[0].answer == "1. First.\n\n2. Second."
    plan, _ = parse_plan("# T\n## End\n> Q\n\nWe will do this:\n\n1.\n2.\n3.\n", "x.md")
    assert plan.sections[0].entries[0].answer == "We will do this:"  # a list of nothing but its numbers
    # A rule, a dash inside a line, a list with items and a lone number stay as written.
    kept_as_written = (
        "Text\n\n---", "a - b -", "- a\n- b", "2021.", "1. a\n2. b", "Ends with 3.",
        "We finish by the end of\n2023.",  # a sentence cut across lines: a year, not an empty item
        "1. First.\n\nThe fund is USD\n500.",
    )  # fmt: skip
    for kept in kept_as_written:
        plan, _ = parse_plan(f"# T\n## End\n> Q\n\n{kept}\n", "x.md")
        assert plan.sections[0].entries[0].answer == kept


OLD_LEAD = re.compile(r"^[^\S\n]*\*\*(?!\*)(.*?\S.*?)\*\*[^\S\n]*$")  # the pattern it replaced


def test_a_bold_line_is_read_as_the_pattern_it_replaced_read_it():
    from planfolio.parse import _bold_line

    lines = ["".join(p) for n in range(9) for p in itertools.product("* a\t", repeat=n)]
    differing = [
        line for line in lines if _bold_line(line) != (m.group(1) if (m := OLD_LEAD.match(line)) else None)
    ]
    assert differing == []


def test_a_long_line_that_starts_in_bold_is_read_at_once():
    # The pattern before took minutes on such a line: it would stop the build, not fail it.
    answer = "**Note:** " + "word " * 80_000
    text = f"# Long\n[[type:experiment]]\n## Overview\n\n{answer}\n"
    plan, _ = parse_plan(text, "long.md")
    assert plan.sections[0].entries[0].answer.startswith("**Note:**")


def test_a_goal_number_beyond_the_seventeen_is_kept_and_reported():
    plan, problems = parse_plan("# T\n[[sdgs:18]]\n[[sdgs:0. None]]\n[[sdgs:SDG 13]]\n", "x.md")
    assert plan.sdgs == ("18", "0. None", "SDG 13")  # as written: nothing is lost
    assert [str(p) for p in problems] == [
        "x.md:2: warning: sdgs: '18' names no goal: the SDGs are numbered 1 to 17",
        "x.md:3: warning: sdgs: '0. None' names no goal: the SDGs are numbered 1 to 17",
    ]


_CUT = "Assainissement, gestion des jacinthes et identification des types de matéri…"
_WHOLE = "Assainissement, gestion des jacinthes et identification des types de matériaux locaux"


def _titled(heading: str, section: str, answer: str) -> str:
    return (
        f"# {heading}\n\n[[country:Benin]]\n[[year:2021]]\n## {section}\n****\n\n"
        f"> Please provide a name for your action learning plan.\n\n{answer}\n## Challenge statement\n"
    )


@pytest.mark.parametrize("section", ["Title", "Titre", "Título"])
def test_a_title_the_heading_cut_short_is_taken_whole_from_the_title_section(section):
    plan, problems = parse_plan(_titled(_CUT, section, _WHOLE), "cut.md")
    assert (plan.title, plan.heading, problems) == (_WHOLE, _CUT, [])


def test_a_whole_title_may_run_over_two_lines_of_its_paragraph():
    plan, _ = parse_plan(_titled(_CUT, "Title", _WHOLE.replace(" locaux", "\nlocaux")), "cut.md")
    assert plan.title == _WHOLE


@pytest.mark.parametrize(
    ("heading", "answer"),
    [
        (_WHOLE, _WHOLE + " et plus"),  # the heading is not cut: it is the title
        (_CUT, "Another name altogether"),  # the answer does not complete it
        (_CUT, f"{_WHOLE}\n\nA second paragraph."),  # not a title but a text
        (_CUT, f"{_WHOLE}\n  \nA second paragraph."),
        ("…", _WHOLE),  # nothing to complete
    ],
)
def test_a_title_is_kept_as_the_heading_writes_it_unless_the_title_section_completes_it(heading, answer):
    plan, _ = parse_plan(_titled(heading, "Title", answer), "kept.md")
    assert (plan.title, plan.heading) == (heading, "")


def test_a_title_taken_whole_keeps_the_address_its_heading_gives():
    from planfolio.site import base_slug
    from planfolio.slugs import slugify

    plan, _ = parse_plan(_titled(_CUT, "Title", _WHOLE), "cut.md")
    assert base_slug(plan) == slugify(_CUT) != slugify(_WHOLE)


BLOG = """# Notes from the field

[[type:blog]]

[Original article](https://example.org/notes)

[[year:2022]]
[[country:Chad]]

We met the water committee.
It meets on Mondays.

> A quote of theirs.

What we learned.
"""


def test_a_document_without_headings_is_its_text_under_no_heading():
    """Blog posts and solutions are written without '## ' sections: their text, between and
    under the metadata lines, is the document, not text to warn about."""
    plan, problems = parse_plan(BLOG, "notes.md")
    assert not [problem for problem in problems if problem.kind == "head-text"]
    (section,) = plan.sections
    assert (section.heading, section.key) == ("", "body")
    answers = [(entry.question, entry.answer, entry.answer_line) for entry in section.entries]
    assert answers == [
        (
            "",
            "[Original article](https://example.org/notes)\n\n\n\n\nWe met the water committee.\nIt meets on Mondays.",
            5,
        ),
        ("A quote of theirs.", "What we learned.", 15),
    ]
    assert (plan.country, plan.year) == ("Chad", 2022)


def test_the_text_of_a_document_without_headings_or_title_keeps_its_lines():
    text = "We met the committee.\n[[type:blog]]\n\nIt meets on [Mondays](javascript:x).\n"
    plan, problems = parse_plan(text, "notes.md")
    assert [problem.kind for problem in problems] == ["no-title"]
    (section,) = plan.sections
    (entry,) = section.entries
    assert entry.answer == "We met the committee.\n\n\nIt meets on [Mondays](javascript:x)."
    assert entry.answer_line == 1
    assert text.splitlines()[entry.answer_line + 2].startswith("It meets")  # three lines below the first


def test_a_document_of_metadata_alone_has_no_sections():
    plan, problems = parse_plan("# Title\n\n[[country:Chad]]\n", "notes.md")
    assert plan.sections == () and not problems


def test_a_plan_without_sections_shows_its_text_and_says_how_a_section_starts():
    """A plan or an experiment is written in the form's sections: text without any is
    shown, and one warning names the likely slip ('##Challenge', '### Challenge')."""
    text = "# Water\n[[type:learningplan]]\n\n##Challenge statement\n\n> Who?\n\nThe people.\n"
    plan, problems = parse_plan(text, "a.md")
    assert [entry.answer for entry in plan.sections[0].entries] == ["##Challenge statement", "The people."]
    assert [(p.line, p.kind, p.severity) for p in problems] == [(4, "head-text", "warning")]
    assert "a section starts with a line '## Heading'" in problems[0].message


@pytest.mark.parametrize(
    ("line", "shown"),
    [("- see [notes [1]]", True), ("**Our story**", True), (" analysis]]", False), ("[[year:2021]", False)],
)
def test_a_documents_text_is_every_line_but_its_metadata(line, shown):
    plan, _ = parse_plan(f"# Notes\n[[type:blog]]\n\nFirst.\n{line}\n\nLast.\n", "a.md")
    (section,) = plan.sections
    text = "\n".join([section.lead, *(entry.answer for entry in section.entries)])
    assert (line.strip() in text) == shown and "First." in text and "Last." in text
