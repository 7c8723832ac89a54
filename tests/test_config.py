import re

import pytest

from planfolio.config import Config, ConfigError, load_config, with_overrides

from conftest import PROJECT_ROOT, plan_text, write_plans
from test_build import run_build
from trees import snapshot


def problems_of(tmp_path, text):
    path = tmp_path / "site.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return caught.value.problems


def test_no_file_means_defaults(tmp_path):
    assert load_config(tmp_path / "site.yml") == Config()


def test_an_empty_file_means_defaults(tmp_path):
    (tmp_path / "site.yml").write_text("# nothing set yet\n", encoding="utf-8")
    assert load_config(tmp_path / "site.yml") == Config()


def test_a_missing_file_named_on_the_command_line_is_an_error(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "other.yml", required=True)
    assert caught.value.problems == ["file not found"]


def test_every_key_is_read(tmp_path):
    (tmp_path / "site.yml").write_text(
        "title: Plans of the Labs\ndescription: All of them.\nlanguage: fr\n"
        "base_url: https://labs.example.org/plans\nfocal_points: obfuscate\n",
        encoding="utf-8",
    )
    assert load_config(tmp_path / "site.yml") == Config(
        "Plans of the Labs", "All of them.", "fr", "https://labs.example.org/plans/", "obfuscate"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "colour: blue\n",
            "colour: not a known key; expected one of title, description, language, base_url, focal_points, types",
        ),
        ("title: 3\n", "title: expected text, found the number 3"),
        ("title:\n", "title: expected text, found nothing"),
        ("title: ''\n", "title: expected some text, found an empty value"),
        ("language: no\n", "language: expected text, found the true/false value false (put text in quotes)"),
        (
            "language: English\n",
            "language: expected a language tag such as en, fr or es-419, found 'English'",
        ),
        ("description: [a, b]\n", "description: expected text, found a list"),
        ("description: 2024-01-31\n", "description: expected text, found the date 2024-01-31"),
        ("focal_points: secret\n", "focal_points: expected one of hide, obfuscate, show, found 'secret'"),
        ("focal_points: {a: 1}\n", "focal_points: expected text, found a mapping"),
        (
            "base_url: example.github.io/portfolio\n",
            "base_url: expected an address starting with https:// or http:// and a host name,"
            " found 'example.github.io/portfolio'; did you mean 'https://example.github.io/portfolio'?",
        ),
        (
            "base_url: https://example.org/?page=1\n",
            "base_url: expected an address without a ?query or #fragment, found 'https://example.org/?page=1'",
        ),
        *(
            (
                f"base_url: {written}\n",
                f"base_url: expected an address starting with https:// or http:// and a host name, found {read!r}",
            )
            for written, read in [
                ('"http://[::1"', "http://[::1"),  # the address parser itself fails on it
                ('"https://x.org/a\\tb"', "https://x.org/a\tb"),
                ("'https://x.org/\"><script>'", 'https://x.org/"><script>'),
                ("https://x.org:99999/", "https://x.org:99999/"),
            ]
        ),
        (
            "types: []\n",
            "types: expected a list of document types (learningplan, experiment, solution, blog,"
            " publications, story, tools, skills, tactics, principles), found an empty list",
        ),
        (
            "types: experiment\n",
            "types: expected a list of document types (learningplan, experiment, solution, blog,"
            " publications, story, tools, skills, tactics, principles), found the text 'experiment'",
        ),
    ],
)
def test_each_bad_value_is_reported_with_key_expectation_and_finding(tmp_path, text, expected):
    assert problems_of(tmp_path, text) == [expected]


def test_all_problems_are_reported_at_once_in_the_order_of_the_file(tmp_path):
    text = "colour: blue\ntitle: 3\nfocal_points: secret\nbase_url: ftp://example.org/\n"
    assert problems_of(tmp_path, text) == [
        "colour: not a known key; expected one of title, description, language, base_url, focal_points, types",
        "title: expected text, found the number 3",
        "focal_points: expected one of hide, obfuscate, show, found 'secret'",
        "base_url: expected an address starting with https:// or http:// and a host name,"
        " found 'ftp://example.org/'",
    ]


def test_each_problem_names_the_line_of_its_key_or_of_the_list_item(tmp_path):
    path = tmp_path / "site.yml"
    text = "# the site\ntitle: Plans\n\nlanguage: 3\ntypes:\n  - learningplan\n  - memo\ncolour: blue\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    found = [(problem.line, problem.message.partition(":")[0]) for problem in caught.value.as_problems()]
    assert found == [(4, "language"), (7, "types"), (8, "colour")]
    assert str(caught.value).splitlines()[1].startswith(f"  {path}:4: language: expected text")


def test_a_list_written_on_one_line_names_the_line_of_its_key(tmp_path):
    path = tmp_path / "site.yml"
    path.write_text("title: Plans\ntypes: [learningplan, memo]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.lines == [2]


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("titel: Plans\n", "; did you mean 'title'?"),
        ("Language: fr\n", "; did you mean 'language'?"),
        ("types: [learningplan, blogs]\n", "; did you mean 'blog'?"),
        ("types: [Experiments]\n", "; did you mean 'experiment'?"),
        ("focal_points: hidden\n", "; did you mean 'hide'?"),
    ],
)
def test_a_mistyped_key_or_value_is_told_the_closest_known_one(tmp_path, text, meant):
    (problem,) = problems_of(tmp_path, text)
    assert problem.endswith(meant)


@pytest.mark.parametrize("text", ["colour: blue\n", "types: [memo]\n", "focal_points: secret\n"])
def test_nothing_is_suggested_when_no_known_word_is_close(tmp_path, text):
    (problem,) = problems_of(tmp_path, text)
    assert "did you mean" not in problem


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path):
    assert problems_of(tmp_path, "- title\n") == ["expected a mapping of keys to values, found a list"]


def test_base_url_gets_one_trailing_slash():
    config = with_overrides(Config(), "--base-url", base_url="https://example.github.io/portfolio//")
    assert config.base_url == "https://example.github.io/portfolio/"


def test_an_override_is_checked_like_the_file():
    with pytest.raises(ConfigError) as caught:
        with_overrides(Config(), "--base-url", base_url="portfolio")
    assert str(caught.value) == (
        "1 problem in --base-url:\n  --base-url: base_url: expected an address starting with"
        " https:// or http:// and a host name, found 'portfolio'"
    )


def test_a_bad_config_builds_nothing_and_lists_every_problem(tmp_path):
    write_plans(tmp_path / "plans", {"a.md": plan_text("Alpha")})
    (tmp_path / "site.yml").write_text("title: 3\nfocal_points: secret\n", encoding="utf-8")
    result = run_build("build", "--source", "plans", "--output", "site", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "2 problems in site.yml:\n"
        "1. site.yml:1: error: title: expected text, found the number 3\n"
        "2. site.yml:2: error: focal_points: expected one of hide, obfuscate, show, found 'secret'\n"
        "error: site.yml must be corrected first; nothing was changed\n"
    )
    assert not (tmp_path / "site").exists()


def test_a_language_with_no_catalogue_is_told_beside_the_errors(tmp_path):
    source = write_plans(tmp_path / "plans", {"a.md": plan_text("Alpha")})
    (tmp_path / "site.yml").write_text("title: 3\nlanguage: de\n", encoding="utf-8")
    warning = (
        "site.yml:2: warning: language: 'de' has no catalogue of the interface's words, which stays"
        " in English (catalogues: en, es, fr; the README's Languages says how to add one)"
    )
    built = run_build("build", "--source", source, "--output", "site", cwd=tmp_path)
    assert built.returncode == 1
    assert built.stderr.splitlines()[1:3] == [
        "1. site.yml:1: error: title: expected text, found the number 3",
        f"2. {warning}",
    ]
    checked = run_build("check", "--source", source, cwd=tmp_path)
    assert checked.returncode == 1
    assert checked.stdout.splitlines()[:2] == [
        "site.yml:1: error: title: expected text, found the number 3",
        warning,
    ]


def test_a_strict_build_counts_the_configurations_warnings_and_changes_nothing(tmp_path):
    source = write_plans(tmp_path / "plans", {"a.md": plan_text("Alpha")})
    built = run_build("build", "--source", source, "--output", "site", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    before = snapshot(tmp_path / "site")
    (tmp_path / "site.yml").write_text("title: Another\nlanguage: de\n", encoding="utf-8")
    strict = run_build("build", "--strict", "--source", source, "--output", "site", cwd=tmp_path)
    assert strict.returncode == 1
    assert strict.stderr.splitlines()[0].startswith("site.yml:2: warning: language: 'de' has no catalogue")
    assert strict.stderr.splitlines()[-1] == (
        "Aborted: 1 warning in the configuration in strict mode; nothing was changed"
    )
    assert snapshot(tmp_path / "site") == before
    # check --strict fails on it too, and a build without --strict builds, in English.
    assert run_build("check", "--strict", "--source", source, cwd=tmp_path).returncode == 1
    assert run_build("build", "--source", source, "--output", "site", cwd=tmp_path).returncode == 0
    assert "<title>Another</title>" in (tmp_path / "site/index.html").read_text(encoding="utf-8")


def test_config_option_picks_another_file(tmp_path):
    write_plans(tmp_path / "plans", {"a.md": plan_text("Alpha")})
    (tmp_path / "other.yml").write_text("title: Another portfolio\n", encoding="utf-8")
    result = run_build(
        "build", "--source", "plans", "--output", "site", "--config", "other.yml", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "<title>Another portfolio</title>" in (tmp_path / "site/index.html").read_text(encoding="utf-8")


def test_a_site_yml_beside_the_plans_is_read_from_any_folder(tmp_path):
    write_plans(tmp_path / "plans", {"a.md": plan_text("Alpha")})
    (tmp_path / "plans/site.yml").write_text("title: Beside the plans\nlanguage: fr\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_build("build", "--source", "../plans", "--output", "site", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    home = (elsewhere / "site/index.html").read_text(encoding="utf-8")
    assert "<title>Beside the plans</title>" in home
    assert '<html lang="fr"' in home
    assert "site.yml" not in result.stderr
    (tmp_path / "plans/site.yml").write_text("title: [\n", encoding="utf-8")
    checked = run_build("check", "--source", "../plans", cwd=elsewhere)
    assert checked.returncode == 1
    assert "../plans/site.yml:1: error:" in checked.stdout


def test_a_site_yml_in_the_current_folder_is_read_first_and_the_other_is_named(tmp_path):
    write_plans(tmp_path / "plans", {"a.md": plan_text("Alpha")})
    (tmp_path / "plans/site.yml").write_text("title: Beside the plans\n", encoding="utf-8")
    (tmp_path / "site.yml").write_text("title: Here\n", encoding="utf-8")
    unread = (
        "plans/site.yml: warning: not read, as site.yml in the current folder is"
        " (--config plans/site.yml reads this one)"
    )
    result = run_build("build", "--source", "plans", "--output", "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "<title>Here</title>" in (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert unread in result.stderr.splitlines()
    checked = run_build("check", "--source", "plans", cwd=tmp_path)
    assert unread in checked.stdout.splitlines()
    named = run_build(
        "build", "--source", "plans", "--output", "site", "--config", "plans/site.yml", cwd=tmp_path
    )
    assert "<title>Beside the plans</title>" in (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert "not read" not in named.stderr
    # Built from the plans folder itself, the two are one file: nothing to tell.
    inside = run_build("build", "--source", ".", "--output", "../site2", cwd=tmp_path / "plans")
    assert inside.returncode == 0, inside.stderr
    assert "not read" not in inside.stderr


def test_a_missing_config_option_file_is_an_error(tmp_path):
    write_plans(tmp_path / "plans", {"a.md": plan_text("Alpha")})
    result = run_build("build", "--source", "plans", "--config", "nowhere.yml", cwd=tmp_path)
    assert result.returncode == 2  # a usage error, as for every command
    assert result.stderr == "error: --config nowhere.yml: no such file\n"


def test_the_projects_own_site_yml_is_valid():
    assert load_config(PROJECT_ROOT / "site.yml", required=True).focal_points == "hide"


def test_base_url_option_overrides_site_yml(tmp_path):
    write_plans(tmp_path / "plans", {"a.md": plan_text("Alpha")})
    (tmp_path / "site.yml").write_text("base_url: https://old.example.org/\n", encoding="utf-8")
    result = run_build(
        "build",
        "--source",
        "plans",
        "--output",
        "site",
        "--base-url",
        "https://new.example.org/plans",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site/plans/alpha.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://new.example.org/plans/plans/alpha.html">' in page


def test_a_bad_base_url_option_is_a_usage_error_of_the_option(tmp_path):
    write_plans(tmp_path / "plans", {"a.md": plan_text("Alpha")})
    for command in ("build", "deploy"):
        result = run_build(command, "--source", "plans", "--base-url", "example.org", cwd=tmp_path)
        assert result.returncode == 2  # bad usage, as a bad --port is
        assert result.stderr.startswith(f"usage: build.py {command} ")
        assert result.stderr.splitlines()[-1] == (
            f"build.py {command}: error: argument --base-url: expected an address starting with"
            " https:// or http:// and a host name, found 'example.org'; did you mean 'https://example.org'?"
        )
    assert not (tmp_path / "output").exists()


def test_yaml_syntax_errors_give_the_line(tmp_path):
    path = tmp_path / "site.yml"
    path.write_text("title: A\ndescription: B\n  language: en\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert (caught.value.source, caught.value.line) == (str(path), 3)
    assert str(caught.value) == (
        f"1 problem in {path}:\n  {path}:3: not valid YAML: this line starts with spaces, which make it"
        " part of the value on the line above; remove the spaces at its start"
    )


def mistake_of(tmp_path, data):
    path = tmp_path / "site.yml"
    path.write_bytes(data)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    (problem,) = caught.value.as_problems()
    return str(problem).removeprefix(str(path))


@pytest.mark.parametrize(
    ("written", "said", "meant"),
    [
        (
            "title: UNDP: Accelerator Labs\n",
            ":1: error: not valid YAML: a colon followed by a space, inside a value, would start a new key;"
            ' put the value in quotes: title: "UNDP: Accelerator Labs"',
            "UNDP: Accelerator Labs",
        ),
        (
            "language: en\r\ntitle: Labs: 2024 # ours\r\n",
            ":2: error: not valid YAML: a colon followed by a space, inside a value, would start a new key;"
            ' put the value in quotes: title: "Labs: 2024"',
            "Labs: 2024",
        ),
        (
            'title: Say "hi": Labs\n',
            ":1: error: not valid YAML: a colon followed by a space, inside a value, would start a new key;"
            """ put the value in quotes: title: 'Say "hi": Labs'""",
            'Say "hi": Labs',
        ),
        (
            "language: en\ntitle: 'Lab's plans'\n",
            ":2: error: not valid YAML: the quote that starts the value is ended by the quote inside it;"
            " write that one twice: title: 'Lab''s plans', or put the value in double quotes:"
            ' title: "Lab\'s plans"',
            "Lab's plans",
        ),
        (
            'title: "The "best" plans"\n',
            ":1: error: not valid YAML: the double quote that starts the value is ended by the one inside it;"
            """ put the value in single quotes: title: 'The "best" plans'""",
            'The "best" plans',
        ),
    ],
)
def test_a_yaml_mistake_in_a_value_says_how_to_write_it(tmp_path, written, said, meant):
    assert mistake_of(tmp_path, written.encode()) == said
    # Each line suggested reads as the value meant.
    suggestions = re.findall(r"title: (?:'[^']*(?:''[^']*)*'|\"[^\"]*\")", said)
    assert suggestions
    for suggested in suggestions:
        (tmp_path / "fixed.yml").write_text(f"{suggested}\n", encoding="utf-8")
        assert load_config(tmp_path / "fixed.yml").title == meant


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (
            b"title: 'Lab''s plans\n",
            ":1: error: not valid YAML: the quote that starts the value on this line is never closed;"
            " end the value with the same quote",
        ),
        (
            b"title: Plans\nlanguage: e\x00n\n",
            ":2: error: not valid YAML: a control character that cannot be seen (U+0000) in column 12,"
            " which YAML does not allow; delete it, or type the line again",
        ),
        (
            "title: Plans\n".encode("utf-16"),
            ":1: error: not UTF-8 but UTF-16 (its first bytes say so); save it as UTF-8",
        ),
        (
            b"title: Plans\ndescription: Caf\xe9\n",
            ":2: error: not UTF-8: byte 0xe9 in column 17 cannot be decoded; save it as UTF-8",
        ),
        (
            b"title: Plans\nlanguage: [en\n",
            ":2: error: not valid YAML: expected ',' or ']', but got '<stream end>';"
            " the bracket opened on this line is never closed",
        ),
        (  # a bracket with nothing after it: YAML marks the line below, or none
            b"title: Plans\nlanguage: [\n\n",
            ":2: error: not valid YAML: expected the node content, but found '<stream end>';"
            " the bracket opened on this line is never closed",
        ),
        (  # a bracket in a comment below is none
            b"title: Plans\nlanguage: [\n# see [the docs\n",
            ":2: error: not valid YAML: expected the node content, but found '<stream end>';"
            " the bracket opened on this line is never closed",
        ),
        (
            b"title: {",
            ":1: error: not valid YAML: expected the node content, but found '<stream end>';"
            " the bracket opened on this line is never closed",
        ),
        (
            b"title: Plans\nlanguage:\ten\n",
            ":2: error: not valid YAML: a tab, which YAML does not allow to indent or to start a value; use spaces",
        ),
    ],
)
def test_a_file_yaml_cannot_read_is_named_with_its_line_and_what_to_do(tmp_path, data, said):
    assert mistake_of(tmp_path, data) == said


def test_a_file_saved_with_a_byte_order_mark_is_read(tmp_path):
    (tmp_path / "site.yml").write_bytes(b"\xef\xbb\xbftitle: Plans\n")
    assert load_config(tmp_path / "site.yml").title == "Plans"


def test_a_key_given_twice_is_named_with_the_line_of_the_second(tmp_path):
    path = tmp_path / "site.yml"
    path.write_text("title: Our plans\nlanguage: fr\ntitle: Nos plans\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.problems == ["not valid YAML: 'title' is given twice; keep one of them"]
    assert caught.value.line == 3
