"""Term names: stray marks trimmed when read, ties of spellings to the tidiest, warnings on the files to fix."""

import pytest

from planfolio.metadata import term_name
from planfolio.parse import parse_plan
from planfolio.site import build_site


def site_of(texts):
    plans, problems = [], []
    for path, text in texts.items():
        plan, found = parse_plan(text, path)
        plans.append(plan)
        problems += found
    return build_site(plans, problems)


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("transparency and accountability\\", "transparency and accountability"),
        ("covid-19 , response", "covid-19, response"),
        ("tracking data,", "tracking data"),
        ("- exploratory study on solar power", "exploratory study on solar power"),
        ("• mapping ;", "mapping"),
        ("Climate Innovation.", "Climate Innovation"),
        ("Elderly)", "Elderly"),
        ("(youth", "youth"),
        # Marks that belong to the name stay.
        ("U.S.", "U.S."),
        ("2. Zero hunger", "2. Zero hunger"),
        ("persons (with disabilities)", "persons (with disabilities)"),
        ("Data & analytics", "Data & analytics"),
        ("C++", "C++"),
        ("co-creation", "co-creation"),
        # Nothing but marks: kept, and reported as naming no page.
        ("?#", "?#"),
        ("../../etc", "../../etc"),  # a path-like name is reported as written
        (",", ""),
    ],
)
def test_term_name_trims_stray_marks(written, name):
    assert term_name(written) == name


def test_terms_are_trimmed_when_read():
    site = site_of({"a.md": "# A\n[[thematic_areas:tracking data,]]\n[[country:- Chad]]\n"})
    plan = site.plans[0]
    assert (plan.thematic_areas, plan.country) == (("tracking data",), "Chad")
    assert site.taxonomies["thematic_areas"].terms["tracking-data"].name == "tracking data"
    assert site.problems == ()  # a known country once trimmed, and one spelling


def test_a_value_of_marks_only_is_reported_with_its_line():
    site = site_of({"a.md": "# A\n[[methods:,]]\n"})
    assert [str(p) for p in site.problems] == [
        "a.md:2: error: methods: ',' has no letters or digits to name a page; left out"
    ]


@pytest.mark.parametrize("order", [("a.md", "b.md"), ("b.md", "a.md")])
def test_among_spellings_used_as_often_the_tidier_names_the_term(order):
    texts = {"a.md": "# A\n[[methods:Data & analytics]]\n", "b.md": "# B\n[[methods:data and analytics]]\n"}
    site = site_of({path: texts[path] for path in order})
    assert site.taxonomies["methods"].terms["data-and-analytics"].name == "data and analytics"


def test_a_spelling_used_more_names_the_term_even_if_untidier():
    texts = {
        "a.md": "# A\n[[methods:Data & analytics]]\n",
        "b.md": "# B\n[[methods:Data & analytics]]\n",
        "c.md": "# C\n[[methods:data and analytics]]\n",
    }
    assert site_of(texts).taxonomies["methods"].terms["data-and-analytics"].name == "Data & analytics"


def test_all_capitals_lose_a_tie():
    texts = {"a.md": "# A\n[[country:KENYA]]\n", "b.md": "# B\n[[country:Kenya]]\n"}
    assert site_of(texts).taxonomies["country"].terms["kenya"].name == "Kenya"


@pytest.mark.parametrize("order", [("a.md", "b.md"), ("b.md", "a.md")])
def test_a_tie_goes_to_the_spelling_that_keeps_its_accents(order):
    texts = {
        "a.md": "# A\n[[thematic_areas:adaptacion al cambio climatico]]\n[[country:Cote d'Ivoire]]\n",
        "b.md": "# B\n[[thematic_areas:adaptación al cambio climático]]\n[[country:Côte d'Ivoire]]\n",
    }
    site = site_of({path: texts[path] for path in order})
    theme = site.taxonomies["thematic_areas"].terms["adaptacion-al-cambio-climatico"]
    assert theme.name == "adaptación al cambio climático"
    assert site.taxonomies["country"].terms["cote-divoire"].name == "Côte d'Ivoire"
    assert [p.path for p in site.problems if p.kind == "spelling"] == ["a.md", "a.md"]


def test_a_tie_goes_to_the_spelling_without_a_space_beside_its_hyphen():
    texts = {
        "a.md": "# A\n[[thematic_areas:co -creation]]\n",
        "b.md": "# B\n[[thematic_areas:co-creation]]\n",
    }
    site = site_of(texts)
    assert site.taxonomies["thematic_areas"].terms["co-creation"].name == "co-creation"
    assert [str(p) for p in site.problems] == [
        "a.md:2: warning: thematic_areas: 'co -creation' is listed under 'co-creation',"
        " the tidiest of the spellings most plans use (page themes/co-creation.html)"
    ]


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
@pytest.mark.parametrize(
    ("untidy", "clean"),
    [
        ("co -creation", "co-creation"),
        ("co- creation", "co-creation"),
        ("co - creation", "co-creation"),
        ("co--creation", "co-creation"),
        ("private_sector", "private sector"),
        ("health;education", "health, education"),
        ("cO-creation", "co-creation"),
        ("CO-CREATION", "co-creation"),
        ("CO-CREATION", "Co-Creation"),
    ],
)
def test_among_spellings_used_as_often_the_clean_one_names_the_term(untidy, clean, order):
    spellings = [untidy, clean]
    texts = {
        f"{name}.md": f"# {name}\n[[methods:{spellings[i]}]]\n" for name, i in zip("ab", order, strict=True)
    }
    (term,) = site_of(texts).taxonomies["methods"].terms.values()
    assert term.name == clean


def test_spellings_sort_by_untidiness_whatever_their_order():
    from planfolio.site import untidiness

    names = [
        "co -creation",
        "co  creation",
        "Co-creation",
        "co-creation",
        "co creation",
        "CO CREATION",
        "cO creation",
    ]
    tidiest = sorted(names, key=lambda name: (untidiness(name), name))
    assert tidiest == sorted(reversed(names), key=lambda name: (untidiness(name), name))
    assert tidiest[:3] == ["co creation", "Co-creation", "co-creation"]
    assert set(tidiest[3:]) == {"co -creation", "co  creation", "CO CREATION", "cO creation"}


def test_an_apostrophe_is_no_untidy_mark():
    texts = {"a.md": "# A\n[[country:Cote dIvoire]]\n", "b.md": "# B\n[[country:Côte d\u2019Ivoire]]\n"}
    assert site_of(texts).taxonomies["country"].terms["cote-divoire"].name == "Côte d\u2019Ivoire"


def test_the_spelling_warning_is_on_every_file_that_uses_another_spelling():
    texts = {
        "a.md": "# A\n[[methods:Co-creation]]\n",
        "b.md": "# B\n[[methods:co creation]]\n",
        "c.md": "# C\n[[methods:Co-creation]]\n",
        "d.md": "# D\n[[methods:Co-creation]]\n",
        "e.md": "# E\n[[methods:co creation]]\n",
        "f.md": "# F\n[[methods:CO-CREATION]]\n",
    }
    site = site_of(texts)
    assert site.taxonomies["methods"].terms["co-creation"].name == "Co-creation"
    assert sorted(str(p) for p in site.problems) == [
        f"{path}:2: warning: methods: {spelling!r} is listed under 'Co-creation', the spelling most plans use"
        " (page methods/co-creation.html)"
        for path, spelling in [("b.md", "co creation"), ("e.md", "co creation"), ("f.md", "CO-CREATION")]
    ]


def test_a_spelling_warning_names_the_metadata_line_of_the_spelling():
    texts = {
        "a.md": "# A\n\n[[country:Kenya]]\n[[datasources:surveys]]\n[[datasources:in-depth interviews]]\n",
        "b.md": "# B\n[[datasources:in-depth interviews]]\n",
        "c.md": "# C\n\n[[year:2023]]\n[[datasources:surveys]]\n[[datasources:in depth interviews]]\n",
    }
    assert [str(p) for p in site_of(texts).problems] == [
        "c.md:5: warning: datasources: 'in depth interviews' is listed under 'in-depth interviews',"
        " the spelling most plans use (page data-sources/in-depth-interviews.html)"
    ]


def test_a_tie_says_so_in_the_warning():
    texts = {"a.md": "# A\n[[methods:Data & analytics]]\n", "b.md": "# B\n[[methods:data and analytics]]\n"}
    assert [str(p) for p in site_of(texts).problems] == [
        "a.md:2: warning: methods: 'Data & analytics' is listed under 'data and analytics',"
        " the tidiest of the spellings most plans use (page methods/data-and-analytics.html)"
    ]


def test_terms_carry_the_path_of_their_page():
    from planfolio import urls
    from planfolio.site import TAXONOMIES

    site = site_of({"a.md": "# A\n[[country:Chad]]\n[[methods:Co-creation]]\n[[year:2023]]\n"})
    for spec in TAXONOMIES:
        for term in site.taxonomies[spec.key].terms.values():
            assert term.path == urls.term_path(spec.folder, term.slug)
    assert site.taxonomies["methods"].terms["co-creation"].path == "methods/co-creation.html"
    assert [spec.index_path for spec in TAXONOMIES[:1]] == ["countries/index.html"]
    assert [spec.by_count_path for spec in TAXONOMIES[:1]] == ["countries/by-count.html"]


def test_templates_build_no_paths():
    import re

    from conftest import PROJECT_ROOT

    for template in (PROJECT_ROOT / "templates").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"~\s*['\"]/|['\"]/?\S*\.html['\"]\s*~", text), template.name
