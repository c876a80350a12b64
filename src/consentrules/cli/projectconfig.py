"""Project configuration: ``.consentrules.yaml`` or ``[tool.consentrules]`` in pyproject.toml.

The file is looked for in the current folder and its parents up to the top of the git
checkout (the folder holding ``.git``); outside a git checkout, only in the current folder, so
that a file in the home folder or ``/`` is never applied by surprise. ``--config FILE`` names
one, ``--no-config`` ignores it. In pyproject.toml every TOML spelling counts: a
``[tool.consentrules]`` table, dotted keys (``tool.consentrules.fail-on = "high"``) and an
inline table. The file used is named in the text report's header and in the JSON and SARIF
run metadata. Keys are the long option
names without dashes (``fail-on``, ``baseline``...); paths are relative to the file's folder.
Command-line options override the file.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from consentrules.model import NoSourceMap
from consentrules.model import SourceMap
from consentrules.model.errors import InputError
from consentrules.model.errors import Problem
from consentrules.sources.schema import load_schema
from consentrules.sources.schema import validate
from consentrules.sources.yamlsource import Document
from consentrules.sources.yamlsource import load_document
from consentrules.sources.yamlsource import read_text

YAML_NAMES = (".consentrules.yaml", ".consentrules.yml")
#: Keys whose values are paths (or lists of paths) relative to the config file.
PATH_KEYS = ("snapshots", "rules", "baseline", "waivers")


@dataclass
class ProjectConfig:
    path: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    source_map: SourceMap = field(default_factory=NoSourceMap)

    def check_keys(self, known_keys: set[str]) -> None:
        """Unknown keys (not an option of consentrules or of a loaded plugin) are errors."""
        problems = []
        for key in self.values:
            if key not in known_keys and key != "$schema":
                import difflib

                close = difflib.get_close_matches(key, sorted(known_keys), n=1)
                position = self.position_of(key)
                problems.append(
                    Problem(
                        self.path or "<config>",
                        f"unknown configuration key {key!r}",
                        line=position[0] if position else None,
                        column=position[1] if position else None,
                        hint=f"did you mean {close[0]!r}?" if close else None,
                    )
                )
        if problems:
            raise InputError(problems)

    def options(self) -> dict[str, Any]:
        """The values under their argparse ``dest`` names."""
        return {
            key.replace("-", "_"): value for key, value in self.values.items() if key != "$schema"
        }

    def position_of(self, key: str) -> tuple[int, int] | None:
        locate = getattr(self.source_map, "locate_key", self.source_map.locate)
        position: tuple[int, int] | None = locate("/" + key)
        return position


class _TomlKeyMap:
    """Best-effort key positions in the consentrules table of a pyproject.toml (tomllib gives
    none): keys of a ``[tool.consentrules]`` table, dotted ``tool.consentrules.KEY`` keys and
    the keys of an inline ``consentrules = {...}`` table."""

    _KEY = re.compile(r'\s*"?([A-Za-z0-9_-]+)"?\s*=')

    def __init__(self, text: str) -> None:
        self._lines: dict[str, tuple[int, int]] = {}
        table = ""
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if stripped.startswith("["):
                table = stripped.strip("[] ").replace(" ", "").replace('"', "")
                continue
            compact = stripped.replace(" ", "").replace('"', "")
            prefix = {"": "tool.consentrules.", "tool": "consentrules."}.get(table)
            if table == "tool.consentrules":
                match = self._KEY.match(line)
                if match:
                    self._add(match.group(1), number, line)
            elif prefix and compact.startswith(prefix):
                key = compact[len(prefix) :].split("=")[0]
                self._add(key, number, line)
            elif prefix and compact.startswith(prefix.rstrip(".") + "={"):
                for key in re.findall(r"([A-Za-z0-9_-]+)\s*=", line.split("{", 1)[1]):
                    self._add(key, number, line)

    def _add(self, key: str, number: int, line: str) -> None:
        self._lines.setdefault(key, (number, max(1, line.find(key) + 1)))

    def locate(self, pointer: str) -> tuple[int, int] | None:
        key = pointer.lstrip("/").split("/")[0]
        return self._lines.get(key)

    locate_key = locate


def repository_root(start: Path) -> Path | None:
    """The top of the git checkout holding ``start`` (the folder with ``.git``), if any."""
    directory = start.resolve()
    while True:
        if (directory / ".git").exists():
            return directory
        if directory.parent == directory:
            return None
        directory = directory.parent


def find_config(start: Path) -> Path | None:
    """The project configuration that applies in ``start`` (see the module's description)."""
    directory = start.resolve()
    root = repository_root(directory) or directory
    while True:
        for name in YAML_NAMES:
            if (directory / name).is_file():
                return directory / name
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and _has_section(pyproject):
            return pyproject
        if directory == root or directory.parent == directory:
            return None
        directory = directory.parent


#: Where "consentrules" can name the table: [tool.consentrules], tool.consentrules.KEY or
#: "tool.consentrules" = ..., and consentrules = {...} inside [tool].
_MENTIONS = re.compile(
    r'(?m)\btool"?\s*\.\s*"?consentrules\b|^\s*"?consentrules"?\s*[.=]|\bconsentrules"?\s*=\s*\{'
)


def _toml() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
    return tomllib


def _has_section(pyproject: Path) -> bool:
    """Whether a pyproject.toml configures consentrules, in any TOML spelling. One that
    mentions consentrules but is not valid TOML is an error: it may hold the configuration."""
    text = read_text(pyproject)
    if not _MENTIONS.search(text):  # (most pyproject.toml files: no TOML parse at start-up)
        return False
    return "consentrules" in _parse_toml(pyproject, text).get("tool", {})


def _parse_toml(path: Path, text: str) -> dict[str, Any]:
    tomllib = _toml()
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if line is None:  # (before Python 3.14 the line is only in the message)
            found = re.search(r"at line (\d+)", str(exc))
            line = int(found.group(1)) if found else None
        raise InputError([Problem(_shown(path), f"invalid TOML: {exc}", line=line)]) from None
    if not isinstance(data.get("tool", {}), dict):
        raise InputError([Problem(_shown(path), "'tool' must be a table")])
    return data


def _shown(path: Path) -> str:
    """A path relative to the working folder when it is inside it (shorter messages)."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return relative if not relative.startswith("..") else str(path)


def _load_toml(path: Path) -> tuple[dict[str, Any], SourceMap]:
    text = read_text(path)
    section = _parse_toml(path, text).get("tool", {}).get("consentrules", {})
    if not isinstance(section, dict):
        key_map = _TomlKeyMap(text)
        raise InputError(
            [
                Problem(
                    _shown(path),
                    f"tool.consentrules must be a table of options, not {type(section).__name__}",
                    hint="write [tool.consentrules] followed by KEY = VALUE lines",
                    line=(key_map.locate("/consentrules") or (None, None))[0],
                )
            ]
        )
    return section, _TomlKeyMap(text)


def load_project_config(path: Path) -> ProjectConfig:
    """Read a config file and validate the keys it knows; see :meth:`check_keys` for the rest."""
    name = str(path)
    if path.name == "pyproject.toml":
        values, source_map = _load_toml(path)
    else:
        doc: Document = load_document(path)
        values, source_map = doc.data, doc.source_map
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise InputError([Problem(name, "the configuration must be a mapping of options", 1)])
    config = ProjectConfig(name, dict(values), source_map)
    problems = validate(values, load_schema("config"), path=name, source_map=source_map)
    if problems:
        raise InputError(problems)
    base = path.parent
    for key in PATH_KEYS:
        if key in config.values:
            value = config.values[key]
            if isinstance(value, list):
                config.values[key] = [_relative(base, item) for item in value]
            else:
                config.values[key] = _relative(base, value)
    if "output" in config.values:
        config.values["output"] = [_relative_output(base, o) for o in config.values["output"]]
    return config


def _relative(base: Path, value: str) -> str:
    path = Path(value)
    if path.is_absolute():
        return value
    return os.path.relpath(base / path)


def _relative_output(base: Path, value: str) -> str:
    head, sep, tail = value.partition("=")
    if sep and re.fullmatch(r"[A-Za-z0-9_.-]+", head) and tail != "-":
        return f"{head}={_relative(base, tail)}"
    if sep:
        return value
    return _relative(base, value) if value != "-" else value
