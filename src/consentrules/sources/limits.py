"""Limits on what an input file may make consentrules do, each with a way to raise it.

| limit | default | guards against |
|---|---|---|
| ``file-size`` | 256 MiB | a file too large to read into memory |
| ``depth`` | 64 | nesting deep enough to exhaust a parser's stack |
| ``aliases`` | 1000 | YAML alias references (``*anchor``) |
| ``nodes`` | 5,000,000 | the size of a YAML document once its aliases are expanded ("billion laughs") |
| ``string-length`` | 1 MiB | one enormous text value |
| ``yaml-size`` | 16 MiB | a YAML file: reading YAML takes about 70 times its size in memory |

Raise one with ``--limit NAME=VALUE`` (sizes take ``K``, ``M``, ``G`` suffixes) or the
project configuration's ``limit`` key. ``depth`` cannot go above :data:`MAX_DEPTH`, where
libyaml's recursive composer would crash the process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import fields
from dataclasses import replace
from typing import Any

from consentrules.model.errors import UsageError

MAX_DEPTH = 5000
_UNITS = {
    "": 1,
    "k": 1024,
    "kb": 1024,
    "kib": 1024,
    "m": 2**20,
    "mb": 2**20,
    "mib": 2**20,
    "g": 2**30,
    "gb": 2**30,
    "gib": 2**30,
}


@dataclass(frozen=True)
class Limits:
    file_size: int = 256 * 2**20
    depth: int = 64
    aliases: int = 1000
    nodes: int = 5_000_000
    string_length: int = 2**20
    yaml_size: int = 16 * 2**20

    @staticmethod
    def names() -> list[str]:
        return [f.name.replace("_", "-") for f in fields(Limits)]


_current = Limits()


def current() -> Limits:
    return _current


def hint(name: str) -> str:
    return f"if the file is legitimate, raise the limit: --limit {name}=VALUE"


def parse_size(text: str) -> int:
    match = re.fullmatch(r"\s*([0-9_]+)\s*([A-Za-z]*)\s*", text)
    if not match or match.group(2).lower() not in _UNITS:
        raise ValueError(f"{text!r} is not a number (sizes may end in K, M or G)")
    return int(match.group(1).replace("_", "")) * _UNITS[match.group(2).lower()]


def configure(specs: Iterable[str] | Mapping[str, Any] | None) -> Limits:
    """Set the limits for this run from ``NAME=VALUE`` strings (or a mapping); others default."""
    global _current
    items = (
        specs.items()
        if isinstance(specs, Mapping)
        else (spec.split("=", 1) if "=" in spec else (spec, "") for spec in specs or ())
    )
    limits = Limits()
    for name, value in items:
        attribute = str(name).strip().replace("-", "_")
        if attribute not in {f.name for f in fields(Limits)}:
            raise UsageError(
                f"--limit {name}: unknown limit; the limits are {', '.join(Limits.names())}"
            )
        try:
            number = parse_size(str(value))
        except ValueError as exc:
            raise UsageError(f"--limit {name}: {exc}") from None
        if number < 1:
            raise UsageError(f"--limit {name}: must be at least 1")
        if attribute == "depth" and number > MAX_DEPTH:
            raise UsageError(
                f"--limit depth: at most {MAX_DEPTH} (deeper nesting crashes the YAML parser)"
            )
        limits = replace(limits, **{attribute: number})
    _current = limits
    return limits


def human_size(size: int) -> str:
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}".replace(".0 ", " ")
    return f"{size} bytes"
