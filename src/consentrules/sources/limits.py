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

The limits of a run are a value (:class:`Limits`) that the run holds; :func:`applied` puts it in
force for the code that reads files, for the length of a ``with`` block, in a context variable
(so nothing is left behind when the run is over, and two runs in one process do not mix).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from contextvars import ContextVar
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


#: The defaults (a frozen value: shared safely).
DEFAULTS = Limits()
_active: ContextVar[Limits] = ContextVar("consentrules_limits", default=DEFAULTS)


def current() -> Limits:
    """The limits in force (the defaults outside :func:`applied`)."""
    return _active.get()


@contextlib.contextmanager
def applied(limits: Limits) -> Iterator[Limits]:
    """Put ``limits`` in force for the block."""
    token = _active.set(limits)
    try:
        yield limits
    finally:
        _active.reset(token)


def use(limits: Limits) -> None:
    """Put ``limits`` in force for the rest of this context: for a worker process, which does
    one run and ends."""
    _active.set(limits)


def hint(name: str) -> str:
    return f"if the file is legitimate, raise the limit: --limit {name}=VALUE"


def parse_size(text: str) -> int:
    match = re.fullmatch(r"\s*([0-9_]+)\s*([A-Za-z]*)\s*", text)
    if not match or match.group(2).lower() not in _UNITS:
        raise ValueError(f"{text!r} is not a number (sizes may end in K, M or G)")
    return int(match.group(1).replace("_", "")) * _UNITS[match.group(2).lower()]


def parse(specs: Iterable[str] | Mapping[str, Any] | None) -> Limits:
    """The limits that ``NAME=VALUE`` strings (or a mapping) give; the others default."""
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
    return limits


def human_size(size: int) -> str:
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}".replace(".0 ", " ")
    return f"{size} bytes"
