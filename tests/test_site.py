from planfolio.parse import parse_plan
from planfolio.site import base_slug, build_site

from conftest import plan_text


def plans_of(texts):
    return [parse_plan(text, path)[0] for path, text in texts.items()]


def test_same_title_gets_distinct_slugs_whatever_the_order():
    texts = {"b.md": "# Water\n[[country:Chad]]\n", "a.md": "# Water\n[[country:Mali]]\n"}
    site = build_site(plans_of(texts), [])
    reversed_site = build_site(list(reversed(plans_of(texts))), [])
    assert {p.source_path: p.slug for p in site.plans} == {"a.md": "water", "b.md": "water-2"}
    assert [p.slug for p in reversed_site.plans] == [p.slug for p in site.plans]


def test_spellings_of_one_term_share_one_page():
    texts = {
        "a.md": "# A\n[[methods:Co-creation]]\n",
        "b.md": "# B\n[[methods:co creation]]\n",
        "c.md": "# C\n[[methods:Co-creation]]\n",
    }
    site = build_site(plans_of(texts), [])
    terms = site.taxonomies["methods"].terms
    assert list(terms) == ["co-creation"]
    assert terms["co-creation"].name == "Co-creation"
    assert [p.source_path for p in terms["co-creation"].plans] == ["a.md", "b.md", "c.md"]
    assert [str(p) for p in site.problems] == [
        "b.md:2: warning: methods: 'co creation' is listed under 'Co-creation', the spelling most plans use"
        " (page methods/co-creation.html)"
    ]


def test_names_of_one_country_share_one_page_and_other_countries_keep_theirs():
    texts = {
        "a.md": "# A\n[[country:Turkey]]\n",
        "b.md": "# B\n[[country:Türkiye]]\n",
        "c.md": "# C\n[[country:Turkey]]\n",
        "d.md": "# D\n[[country:Niger]]\n",
        "e.md": "# E\n[[country:Nigeria]]\n",
    }
    site = build_site(plans_of(texts), [])
    terms = site.taxonomies["country"].terms
    assert sorted(terms) == ["niger", "nigeria", "turkey"]
    assert [p.source_path for p in terms["turkey"].plans] == ["a.md", "b.md", "c.md"]
    assert [str(p) for p in site.problems] == [
        "b.md:2: warning: country: 'Türkiye' is listed under 'Turkey', the spelling most plans use"
        " (page countries/turkey.html)"
    ]


def test_a_countrys_standard_name_names_its_page_when_used_as_often_as_another():
    texts = {
        "a.md": "# A\n[[country:Macedonia]]\n",
        "b.md": "# B\n[[country:North Macedonia]]\n",
        "c.md": "# C\n[[country:Lao PDR]]\n",
        "d.md": "# D\n[[country:Lao People's Democratic Republic]]\n",
        "e.md": "# E\n[[country:DRC]]\n",
        "f.md": "# F\n[[country:St. Lucia]]\n",
    }
    plans = [parse_plan(text, path) for path, text in texts.items()]
    assert [problems for _, problems in plans] == [[]] * len(texts)  # every name is known
    site = build_site([plan for plan, _ in plans], [])
    terms = site.taxonomies["country"].terms
    assert {term.name for term in terms.values()} == {
        "North Macedonia", "Lao People's Democratic Republic", "DRC", "St. Lucia"
    }  # fmt: skip
    told = {problem.path: problem.message for problem in site.problems}
    assert sorted(told) == ["a.md", "c.md"]
    assert "'Macedonia' is listed under 'North Macedonia'" in told["a.md"]


def test_names_in_another_script_that_share_a_transliteration_keep_their_own_pages():
    texts = {
        "a.md": "# A\n[[methods:水]]\n",  # 'shui', as 睡 is
        "b.md": "# B\n[[methods:睡]]\n",
        "c.md": "# C\n[[methods:Москва]]\n",
        "d.md": "# D\n[[methods:москва]]\n",  # one name, in another case
    }
    site = build_site(plans_of(texts), [])
    terms = site.taxonomies["methods"].terms
    assert {slug: (term.name, len(term.plans)) for slug, term in terms.items()} == {
        "shui": ("水", 1), "shui-2": ("睡", 1), "moskva": ("Москва", 2)
    }  # fmt: skip
    assert sorted(problem.kind for problem in site.problems) == ["page-name", "spelling"]


def test_marks_that_end_a_name_make_another_term():
    texts = {
        "a.md": "# A\n[[methods:C++]]\n",
        "b.md": "# B\n[[methods:C#]]\n",
        "c.md": "# C\n[[methods:C]]\n",
    }
    site = build_site(plans_of(texts), [])
    assert {slug: term.name for slug, term in site.taxonomies["methods"].terms.items()} == {
        "c": "C", "c-plus-plus": "C++", "c-sharp": "C#"
    }  # fmt: skip
    assert site.problems == ()


def test_a_goal_named_by_its_title_tells_why_when_fewer_plans_write_it_so():
    texts = {
        "a.md": "# A\n[[sdgs:13. Climate action]]\n",
        "b.md": "# B\n[[sdgs:13]]\n",
        "c.md": "# C\n[[sdgs:13]]\n",
    }
    site = build_site(plans_of(texts), [])
    assert [term.name for term in site.taxonomies["sdgs"].terms.values()] == ["13. Climate action"]
    assert {str(problem).split(", ", 1)[1] for problem in site.problems} == {
        "the spelling that writes the goal's number and title (page sdgs/13-climate-action.html)"
    }


def test_a_term_without_letters_is_left_out():
    site = build_site(plans_of({"a.md": "# A\n[[methods:?#]]\n[[methods:Co-creation]]\n"}), [])
    assert list(site.taxonomies["methods"].terms) == ["co-creation"]
    assert site.problems == ()


def test_base_slug_falls_back_to_the_file_name():
    plans = plans_of({"a.md": "# Water!\n", "sub/b.md": "# ???\n", "???.md": "# ...\n"})
    assert [base_slug(plan) for plan in plans] == ["water", "b", "plan"]


def test_terms_of_a_plan_keep_its_order():
    site = build_site(plans_of({"a.md": "# A\n[[methods:Zeta]]\n[[methods:Alpha]]\n"}), [])
    assert [t.name for t in site.terms_of(site.plans[0], "methods")] == ["Zeta", "Alpha"]


def test_two_spellings_of_one_term_in_a_plan_are_one_term_of_it():
    text = "# A\n[[datasources:in-depth interviews]]\n[[datasources:Surveys]]\n[[datasources:in depth interviews]]\n"
    site = build_site(plans_of({"a.md": text, "b.md": "# B\n[[datasources:in-depth interviews]]\n"}), [])
    assert [t.slug for t in site.terms_of(site.plans[0], "datasources")] == ["in-depth-interviews", "surveys"]
    assert len(site.taxonomies["datasources"].terms["in-depth-interviews"].plans) == 2


def test_years_are_a_taxonomy():
    site = build_site(plans_of({"a.md": "# A\n[[year:2022]]\n", "b.md": "# B\n[[year:2022]]\n"}), [])
    assert list(site.taxonomies["year"].terms) == ["2022"]


def test_a_plan_named_is_the_plan_replaced_with_its_page_name():
    from dataclasses import replace

    plan, _ = parse_plan(plan_text("Alpha", body="## Learnings\n\n> Q?\n\nAn answer.\n"), "a.md")
    assert plan.answer_length  # a cached value, which the plan named keeps
    named = plan.named("alpha-2")
    assert named == replace(plan, slug="alpha-2") and named.answer_length == plan.answer_length
    assert named.slug == "alpha-2" and plan.slug == ""
