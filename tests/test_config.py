"""The site configuration: defaults, and every wrong key reported at once with its place."""

import pytest

from planfolio.config import Config, ConfigError, load_config


def write(tmp_path, text):
    path = tmp_path / "site.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_defaults(tmp_path):
    assert load_config(tmp_path / "site.yml") == Config()


def test_base_url_gets_one_trailing_slash(tmp_path):
    config = load_config(write(tmp_path, "base_url: https://example.org/portfolio\n"))
    assert config.base_url == "https://example.org/portfolio/"


def test_every_wrong_key_is_listed(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "titel: X\nfocal_points: publish\n"))
    assert caught.value.problems == [
        "unknown key 'titel'; expected one of base_url, description, focal_points, language, title",
        "focal_points: expected one of hide, obfuscate, show, found 'publish'",
    ]


def test_yaml_syntax_errors_give_the_line(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "title: A\ndescription: B\n  language: en\n"))
    assert (caught.value.path, caught.value.line) == ("site.yml", 3)
    assert str(caught.value) == (
        "1 problem(s) in site.yml:\n  site.yml:3: not valid YAML: mapping values are not allowed here"
    )
