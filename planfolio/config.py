"""The site configuration, read from `site.yml` and checked all at once."""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .doctypes import DEFAULT_TYPES, KNOWN_TYPES
from .i18n import N_, missing_catalogue
from .model import Problem, did_you_mean
from .parse import decode_utf8

FOCAL_POINT_POLICIES = ("hide", "obfuscate", "show")
# A BCP 47 tag as people write them: a language, then optional script, region or variant.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


@dataclass(frozen=True)
class Config:
    """What a site owner can set; every field has a default that works."""

    title: str = N_("Action Learning Plans")
    description: str = N_("A portfolio of the action learning plans of the UNDP Accelerator Labs.")
    language: str = "en"
    base_url: str = ""  # the public address, ending in "/", or "" when unknown
    focal_points: str = "hide"
    types: tuple[str, ...] = DEFAULT_TYPES  # the document types the site holds


class ConfigError(Exception):
    """The configuration is wrong; `problems` lists every reason, `warnings` what else to tell.

    Each problem is on `line`, or, with `lines`, on the line given for it (None: the file's).
    """

    def __init__(
        self,
        source: str,
        problems: list[str],
        line: int | None = None,
        warnings: list[str] | None = None,
        lines: list[int | None] | None = None,
    ) -> None:
        self.source = source
        self.problems = problems
        self.line = line
        self.lines = [line] * len(problems) if lines is None else lines
        self.warnings = warnings or []
        count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        told = "\n".join(
            f"  {_where(source, at)}: {problem}" for problem, at in zip(problems, self.lines, strict=True)
        )
        super().__init__(f"{count} in {source}:\n{told}")

    def as_problems(self) -> tuple[Problem, ...]:
        """Return the errors, then the warnings, as every command prints problems."""
        errors = [
            Problem(self.source, at, problem, kind="config")
            for problem, at in zip(self.problems, self.lines, strict=True)
        ]
        return (*errors, *_warning_problems(self.source, self.warnings))


def _where(source: str, line: int | None) -> str:
    return source if line is None else f"{source}:{line}"


def config_warnings(source: str, config: Config) -> tuple[Problem, ...]:
    """Return what a valid configuration may still want to be told: a language with no catalogue."""
    return _warning_problems(source, _warnings(config.language))


def _warning_problems(source: str, warnings: list[str]) -> tuple[Problem, ...]:
    line = _language_line(source) if warnings else None  # each warning is of the language
    return tuple(Problem(source, line, warning, "warning", "config") for warning in warnings)


def _language_line(source: str) -> int | None:
    """Return the line of the file that sets `language`, if it can be found."""
    try:
        text = Path(source).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    found = re.search(r"^language[ \t]*:", text, re.M)
    return None if found is None else text.count("\n", 0, found.start()) + 1


def _warnings(language: Any) -> list[str]:
    if not isinstance(language, str) or not _LANGUAGE_TAG.fullmatch(language):
        return []  # no language, or one that is an error
    missing = missing_catalogue(language)
    return [] if missing is None else [missing]


class _OneKeyOnceLoader(yaml.SafeLoader):
    """YAML's safe loader, but a key given twice in one mapping is an error: YAML would
    keep the last silently, and the first is the one its writer sees."""


def _mapping_of_keys_given_once(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, Hashable) and key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"{key!r} is given twice; keep one of them", key_node.start_mark
            )
        if isinstance(key, Hashable):
            seen.add(key)
    return loader.construct_mapping(node)


_OneKeyOnceLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_of_keys_given_once)


#: The configuration's file name, looked for in the current folder, then in the plans folder.
CONFIG_NAME = "site.yml"


def config_path(given: Path | None, source: Path) -> tuple[Path, tuple[Problem, ...]]:
    """Return the config file a command reads, and a warning when it leaves another unread.

    `--config` names it; otherwise it is site.yml in the current folder, or else in the
    plans folder, so that a folder of plans with its site.yml builds from anywhere. When
    both folders hold one, the current folder's is read and the other is named, never
    skipped without a word. With neither, the path is the current folder's: the defaults.
    """
    if given is not None:
        return given, ()
    here, beside = Path(CONFIG_NAME), source / CONFIG_NAME
    if not beside.is_file() or _same_file(here, beside):
        return here, ()
    if not here.is_file():
        return beside, ()
    message = f"not read, as {CONFIG_NAME} in the current folder is (--config {beside} reads this one)"
    return here, (Problem(str(beside), None, message, "warning", "config"),)


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.samefile(other)
    except OSError:
        return False


def load_config(path: Path, required: bool = False) -> Config:
    """Read a config file (absent means defaults, unless required), or raise ConfigError."""
    if not path.exists():
        if required:
            raise ConfigError(str(path), ["file not found"])
        return Config()
    if path.is_dir():
        raise ConfigError(str(path), ["a folder, not a file"])
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ConfigError(str(path), [f"cannot be read: {error.strerror or error}"]) from error
    text, problems = decode_utf8(raw, str(path), "save it as UTF-8")
    if text is None:
        raise ConfigError(str(path), [problems[0].message], problems[0].line)
    try:
        # As yaml.safe_load reads it, but each key once; the nodes tell each key's line.
        loader = _OneKeyOnceLoader(text)
        try:
            root = loader.get_single_node()
            data = None if root is None else loader.construct_document(root)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        line, message = _explain_yaml_error(text, error)
        raise ConfigError(str(path), [f"not valid YAML: {message}"], line) from error
    except yaml.reader.ReaderError as error:
        line, message = _explain_unreadable_character(text, error)
        raise ConfigError(str(path), [f"not valid YAML: {message}"], line) from error
    except yaml.YAMLError as error:
        raise ConfigError(str(path), [f"not valid YAML: {error}"]) from error
    if data is None:
        return Config()
    if not isinstance(data, dict):
        raise ConfigError(str(path), [f"expected a mapping of keys to values, found {_describe(data)}"])
    lines = _lines_of_keys(root) if isinstance(root, yaml.MappingNode) else {}  # a dict is read from one
    return config_from(str(path), data, lines)


def _lines_of_keys(root: yaml.MappingNode) -> dict[str, int]:
    """Return the line of each key of a YAML mapping, and of each item of a list it holds
    as "key[number]"."""
    lines: dict[str, int] = {}
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode):
            lines[key.value] = key.start_mark.line + 1
            if isinstance(value, yaml.SequenceNode):
                for number, item in enumerate(value.value):
                    lines[f"{key.value}[{number}]"] = item.start_mark.line + 1
    return lines


# A line "key: value", its key plain (not in quotes, not a list's item).
_KEY_AND_VALUE = re.compile(
    r"(?P<indent>[ \t]*)(?P<key>[^\s:#'\"-][^:#]*?)[ \t]*:[ \t]+(?P<value>.*?)[ \t]*$"
)
# What YAML's parser says of a colon it did not expect, and of text after a quoted value.
_COLON_IN_VALUE = "mapping values are not allowed here"
_AFTER_QUOTES = "expected <block end>"


def _explain_yaml_error(text: str, error: yaml.MarkedYAMLError) -> tuple[int | None, str]:
    """Return the line of a YAML mistake and what it is in plain words, with how to put it right."""
    if error.context == "while scanning a quoted scalar" and error.context_mark is not None:
        never_closed = "the quote that starts the value on this line is never closed"
        return error.context_mark.line + 1, f"{never_closed}; end the value with the same quote"
    mark = error.problem_mark
    if mark is None:
        return None, str(error.problem)
    lines = text.splitlines()
    if (mark.line >= len(lines) or mark.index >= len(text)) and error.context_mark is not None:
        # At the end of the file, after a '[' or '{' never closed: the line that opened it.
        # A flow node's mark is where its content was looked for: the bracket is the last before it.
        line = text.count("\n", 0, error.context_mark.index)
        if error.context == "while parsing a flow node":
            line = _last_bracket_line(text.split("\n")[: line + 1])
        problem = f"{error.problem}; the bracket opened on this line is never closed"
        return line + 1, problem
    match = _KEY_AND_VALUE.fullmatch(lines[mark.line] if mark.line < len(lines) else "")
    problem = str(error.problem)
    if "'\\t'" in problem:
        return mark.line + 1, "a tab, which YAML does not allow to indent or to start a value; use spaces"
    if match is None:
        return mark.line + 1, problem
    key, value = match["key"], match["value"]
    in_value = mark.column > match.start("value")
    if problem == _COLON_IN_VALUE and in_value:
        value = re.sub(r"[ \t]+#.*", "", value)  # a comment stays outside the quotes
        hint = f"put the value in quotes: {key}: {_in_quotes(value)}"
        return mark.line + 1, f"a colon followed by a space, inside a value, would start a new key; {hint}"
    if problem == _COLON_IN_VALUE and match["indent"]:
        return mark.line + 1, (
            "this line starts with spaces, which make it part of the value on the line above;"
            " remove the spaces at its start"
        )
    if problem.startswith(_AFTER_QUOTES) and value.startswith(("'", '"')) and in_value:
        return mark.line + 1, _quote_inside_quotes(key, value)
    return mark.line + 1, problem


def _last_bracket_line(lines: list[str]) -> int:
    """Return the index of the last line with a '[' or '{' outside its comment, or 0."""
    for index in range(len(lines) - 1, -1, -1):
        if any(mark in _COMMENT.sub("", lines[index]) for mark in "[{"):
            return index
    return 0


# A comment: from a '#' at a line's start or after white space to its end.
_COMMENT = re.compile(r"(?:^|(?<=\s))#.*")


def _quote_inside_quotes(key: str, value: str) -> str:
    """Return how to write a value that holds the quote it starts with."""
    quote, inside = value[0], value[1:]
    if inside.endswith(quote):
        inside = inside[:-1]
    if quote == "'":
        fixes = f"{key}: '{inside.replace(chr(39), chr(39) * 2)}'"
        if '"' not in inside and "\\" not in inside:
            fixes += f', or put the value in double quotes: {key}: "{inside}"'
        ended = "the quote that starts the value is ended by the quote inside it"
        return f"{ended}; write that one twice: {fixes}"
    ended = "the double quote that starts the value is ended by the one inside it"
    return f"{ended}; put the value in single quotes: {key}: '{inside.replace(chr(39), chr(39) * 2)}'"


def _in_quotes(value: str) -> str:
    """Return a value in the quotes YAML reads it from as it is."""
    if '"' in value or "\\" in value:
        return "'" + value.replace("'", "''") + "'"
    return f'"{value}"'


def _explain_unreadable_character(text: str, error: yaml.reader.ReaderError) -> tuple[int, str]:
    """Return the line of a character YAML does not allow, and what to do about it."""
    line = text.count("\n", 0, error.position) + 1
    column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
    code = error.character if isinstance(error.character, int) else ord(error.character)
    return line, (
        f"a control character that cannot be seen (U+{code:04X}) in column {column}, which YAML"
        " does not allow; delete it, or type the line again"
    )


def with_overrides(config: Config, source: str, **values: Any) -> Config:
    """Return the config with some values replaced, checked as a file's would be."""
    data = {field.name: getattr(config, field.name) for field in fields(Config)}
    return config_from(source, data | values)


def config_from(source: str, data: dict[Any, Any], lines: Mapping[str, int] | None = None) -> Config:
    """Check every key and value of a mapping and return the config, or raise ConfigError
    listing the problems in the order of `lines`, the line of each key and list item
    (see _lines_of_keys), when given."""
    known = [field.name for field in fields(Config)]
    found = [
        (key, f"{key}: not a known key; expected one of {', '.join(known)}{did_you_mean(key, known)}")
        for key in sorted(map(str, data))
        if key not in known
    ]
    for key in known:
        if key in data:
            found += _check_value(key, data[key])
    if found:
        placed = sorted(((_line(lines or {}, place), problem) for place, problem in found), key=_first_line)
        problems, at = [problem for _, problem in placed], [line for line, _ in placed]
        raise ConfigError(source, problems, warnings=_warnings(data.get("language")), lines=at)
    values = {key: data[key] for key in known if key in data}
    if "types" in values:
        values["types"] = tuple(dict.fromkeys(str(value).lower() for value in values["types"]))
    if values.get("base_url"):
        values["base_url"] = values["base_url"].rstrip("/") + "/"
    return Config(**values)


def _first_line(placed: tuple[int | None, str]) -> int:
    return placed[0] or 0  # problems with no line (an override's) first, in their order


def _line(lines: Mapping[str, int], place: str) -> int | None:
    """Return the line of a key or a list's item ("types[1]"), else of its key, if known."""
    return lines.get(place, lines.get(place.partition("[")[0]))


def _check_value(key: str, value: Any) -> list[tuple[str, str]]:
    """Return the problems of a key's value, each with where it is: the key, or a list's item."""
    if key == "types":
        return _check_types(value)
    if not isinstance(value, str):
        return [(key, f"{key}: expected text, found {_describe(value)}")]
    if key in ("title", "language") and not value.strip():
        return [(key, f"{key}: expected some text, found an empty value")]
    if key == "language" and not _LANGUAGE_TAG.fullmatch(value):
        return [(key, f"language: expected a language tag such as en, fr or es-419, found {value!r}")]
    if key == "focal_points" and value not in FOCAL_POINT_POLICIES:
        found = f"found {value!r}{did_you_mean(value, FOCAL_POINT_POLICIES)}"
        return [(key, f"focal_points: expected one of {', '.join(FOCAL_POINT_POLICIES)}, {found}")]
    if key == "base_url" and value:
        return [(key, problem) for problem in _check_base_url(value)]
    return []


def _check_types(value: Any) -> list[tuple[str, str]]:
    known = ", ".join(KNOWN_TYPES)
    if not isinstance(value, (list, tuple)) or not value:
        return [("types", f"types: expected a list of document types ({known}), found {_describe(value)}")]
    return [
        (
            f"types[{number}]",
            f"types: {item!r} is not a known document type; expected some of {known}"
            + (did_you_mean(item, KNOWN_TYPES) if isinstance(item, str) else ""),
        )
        for number, item in enumerate(value)
        if not isinstance(item, str) or item.lower() not in KNOWN_TYPES
    ]


# Characters no address holds as they are: spaces and controls, and those that would
# end an attribute or a tag of the pages the address is written into.
_NOT_IN_ADDRESS = re.compile(r'[\s\x00-\x1f\x7f<>"`{}|\\^]')
# An address written without its https://: a host name with a dot, perhaps a path.
_HOST_AND_PATH = re.compile(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/.*)?")


def _check_base_url(value: str) -> list[str]:
    problem = base_url_problem(value)
    return [] if problem is None else [f"base_url: {problem}"]


def base_url_problem(value: str) -> str | None:
    """Return what is wrong with a public address, or None when it is one."""
    if not _readable_address(value):
        bare = _HOST_AND_PATH.fullmatch(value) and _readable_address(f"https://{value}")
        hint = f"; did you mean 'https://{value}'?" if bare else ""
        return f"expected an address starting with https:// or http:// and a host name, found {value!r}{hint}"
    if "?" in value or "#" in value:
        return f"expected an address without a ?query or #fragment, found {value!r}"
    return None


def _readable_address(value: str) -> bool:
    try:
        parts = urlsplit(value)
        readable = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # "http://[::1", a port beyond 65535 or not a number
        readable = False
    return readable and not _NOT_IN_ADDRESS.search(value)


def _describe(value: Any) -> str:
    """Return how a YAML value reads to the person who wrote it."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the true/false value {str(value).lower()} (put text in quotes)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return f"the text {value!r}"
    return f"the {type(value).__name__} {value}"
