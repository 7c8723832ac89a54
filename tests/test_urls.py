import pytest

from planfolio.urls import absolute_url, plan_path, relative_url, term_path


@pytest.mark.parametrize(
    ("from_page", "to_page", "expected"),
    [
        ("index.html", "search.html", "search.html"),  # same folder, at the root
        ("plans/a.html", "plans/b.html", "b.html"),  # same folder, below the root
        ("plans/a.html", "index.html", "../index.html"),  # up one
        ("a/b/c.html", "index.html", "../../index.html"),  # up two
        ("plans/a.html", "countries/kenya.html", "../countries/kenya.html"),  # sibling
        ("index.html", "countries/kenya.html", "countries/kenya.html"),  # down one
        ("plans/a.html", "assets/style.css", "../assets/style.css"),
        ("plans/a.html", "plans/a.html", "a.html"),  # itself
        ("countries/index.html", "countries/by-count.html#top", "by-count.html#top"),
    ],
)
def test_relative_url(from_page, to_page, expected):
    assert relative_url(from_page, to_page) == expected


def test_paths_are_explicit_html_files():
    assert plan_path("water") == "plans/water.html"
    assert term_path("countries", "kenya") == "countries/kenya.html"


@pytest.mark.parametrize(
    ("from_page", "to_page"),
    [
        ("plans/a.html", "plans/sub/b.html"),
        ("a/b/c.html", "a/x/y.html"),
        ("a/b/c.html", "a/b/d/e.html"),
        ("x.html", "a/b/c.html"),
        ("a/b.html", "b.html"),
    ],
)
def test_relative_url_agrees_with_posixpath(from_page, to_page):
    import posixpath

    expected = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    assert relative_url(from_page, to_page) == expected


@pytest.mark.parametrize(
    ("base_url", "path", "expected"),
    [
        (
            "https://example.github.io/portfolio/",
            "plans/a.html",
            "https://example.github.io/portfolio/plans/a.html",
        ),
        ("https://plans.example.org/", "index.html", "https://plans.example.org/index.html"),
        ("", "plans/a.html", ""),  # no public address known
    ],
)
def test_absolute_url(base_url, path, expected):
    assert absolute_url(base_url, path) == expected
