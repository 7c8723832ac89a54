"""The site configuration, read from `site.yml` and checked all at once."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

FOCAL_POINT_POLICIES = ("hide", "obfuscate", "show")


@dataclass(frozen=True)
class Config:
    """What a site owner can set; every field has a default that works."""

    title: str = "Action Learning Plans"
    description: str = "A portfolio of the action learning plans of the UNDP Accelerator Labs."
    language: str = "en"
    base_url: str = ""
    focal_points: str = "hide"


class ConfigError(Exception):
    """The configuration file is wrong; `problems` lists every reason."""

    def __init__(self, path: str, problems: list[str], line: int | None = None) -> None:
        self.path = path
        self.problems = problems
        self.line = line
        where = path if line is None else f"{path}:{line}"
        lines = "\n".join(f"  {where}: {problem}" for problem in problems)
        super().__init__(f"{len(problems)} problem(s) in {path}:\n{lines}")


def load_config(path: Path | None) -> Config:
    """Read a config file (absent means defaults), or raise ConfigError."""
    if path is None or not path.exists():
        return Config()
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise ConfigError(name, [f"not valid YAML: {error.problem}"], line) from error
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ConfigError(name, [f"not valid YAML: {error}"]) from error
    if data is None:
        return Config()
    if not isinstance(data, dict):
        raise ConfigError(name, [f"expected a mapping of keys to values, found {type(data).__name__}"])
    return _check(name, data)


def _check(name: str, data: dict[Any, Any]) -> Config:
    known = {field.name for field in fields(Config)}
    problems: list[str] = []
    for key in sorted(map(str, data)):
        if key not in known:
            problems.append(f"unknown key {key!r}; expected one of {', '.join(sorted(known))}")
    for key in sorted(known & set(data)):
        value = data[key]
        if not isinstance(value, str):
            problems.append(f"{key}: expected text, found {type(value).__name__} {value!r}")
    policy = data.get("focal_points", "hide")
    if isinstance(policy, str) and policy not in FOCAL_POINT_POLICIES:
        choices = ", ".join(FOCAL_POINT_POLICIES)
        problems.append(f"focal_points: expected one of {choices}, found {policy!r}")
    base_url = data.get("base_url", "")
    if isinstance(base_url, str) and base_url and not base_url.startswith(("http://", "https://")):
        problems.append(
            f"base_url: expected an address starting with https:// or http://, found {base_url!r}"
        )
    if problems:
        raise ConfigError(name, problems)
    values = {key: data[key] for key in known & set(data)}
    if values.get("base_url"):
        values["base_url"] = values["base_url"].rstrip("/") + "/"
    return Config(**values)
