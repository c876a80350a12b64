"""Project configuration: ``.consentrules.yaml`` or ``[tool.consentrules]`` in pyproject.toml.

The file is looked for in the current folder and its parents, up to the top of the git
checkout; ``--config FILE`` names one, ``--no-config`` ignores it. Keys are the long option
names without dashes (``fail-on``, ``baseline``...); paths are relative to the file's folder.
Command-line options override the file.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from consentrules.errors import InputError
from consentrules.errors import Problem
from consentrules.model import NoSourceMap
from consentrules.model import SourceMap
from consentrules.schema import load_schema
from consentrules.schema import validate
from consentrules.yamlsource import Document
from consentrules.yamlsource import load_document
from consentrules.yamlsource import read_text

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
    """Best-effort key positions in a ``[tool.consentrules]`` table (tomllib gives none)."""

    def __init__(self, text: str) -> None:
        self._lines: dict[str, tuple[int, int]] = {}
        inside = False
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if stripped.startswith("["):
                inside = stripped.replace(" ", "") == "[tool.consentrules]"
                continue
            match = re.match(r'\s*"?([A-Za-z0-9_-]+)"?\s*=', line)
            if inside and match:
                self._lines.setdefault(match.group(1), (number, line.index(match.group(1)) + 1))

    def locate(self, pointer: str) -> tuple[int, int] | None:
        key = pointer.lstrip("/").split("/")[0]
        return self._lines.get(key)

    locate_key = locate


def find_config(start: Path) -> Path | None:
    directory = start.resolve()
    while True:
        for name in YAML_NAMES:
            if (directory / name).is_file():
                return directory / name
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and "[tool.consentrules]" in pyproject.read_text(
            "utf-8", errors="replace"
        ).replace(" ", ""):
            return pyproject
        if (directory / ".git").exists() or directory.parent == directory:
            return None
        directory = directory.parent


def _load_toml(path: Path) -> tuple[dict[str, Any], SourceMap]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
    text = read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise InputError([Problem(str(path), f"invalid TOML: {exc}", line=line)]) from None
    section = data.get("tool", {}).get("consentrules", {})
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
