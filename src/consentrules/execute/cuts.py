"""Cutting the text of a large JSON snapshot into runs of whole settings, and reading a run.

The cut is made between elements of the ``settings`` array, preferably where ``}`` ``,``
``{"id":`` starts an element; nothing about it is trusted: a run that reads as one whole JSON
array proves that the next cut lies between two settings (see :mod:`consentrules.execute.split`).
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from consentrules.sources.printable import may_hold_surrogates
from consentrules.sources.yamlsource import json_decoder

#: Below this many bytes one process is about as fast as several.
MIN_BYTES = 2_000_000

_WS = re.compile(r"[ \t\n\r]*")
_CUT_AT_ID = re.compile(r'\}[ \t\n\r]*(,)[ \t\n\r]*(?=\{[ \t\n\r]*"id"[ \t\n\r]*:)')
_CUT = re.compile(r"\}[ \t\n\r]*(,)[ \t\n\r]*(?=\{)")
_BEFORE_KEY = re.compile(r"\][ \t\n\r]*,[ \t\n\r]*\Z")
_WINDOW, _FIRST_EXTRA = 1 << 20, 0.05  # where a cut is looked for; the first run's extra share


class _Unsplittable(Exception):
    """The text is not as the plan needs it: check the snapshot whole."""


@dataclasses.dataclass
class Plan:
    """Where the text of a snapshot is cut into runs of settings."""

    path: str
    text: str
    head: dict[str, Any]  # the members before "settings", in order
    starts: list[int]  # where the text of each run starts (the first: just after "[")
    ends: list[int]  # where it ends: at the comma before the next run (the last: -1)
    #: Lines counted so far, by offset (shared by the runs' source maps; see JsonSourceMap).
    marks: dict[int, tuple[int, int]] = dataclasses.field(default_factory=dict)

    @property
    def runs(self) -> int:
        return len(self.starts)


def make_plan(path: str, text: str, parts: int) -> Plan | None:
    """Cut ``text`` into at most ``parts`` runs, each of ``MIN_BYTES / 2`` or more; None where
    it cannot be cut."""
    parts = min(parts, len(text) // max(1, MIN_BYTES // 2))
    if parts < 2 or may_hold_surrogates(text):  # (such text is made printable when read whole)
        return None
    try:
        return _plan(path, text, parts)
    except (ValueError, IndexError, StopIteration, RecursionError, _Unsplittable):
        return None


def _scanner(decoder: json.JSONDecoder) -> Any:
    """The decoder's reader of one value at a position (``scan_once(text, pos)``), in C."""
    return decoder.scan_once  # type: ignore[attr-defined]


def _skip(text: str, pos: int) -> int:
    match = _WS.match(text, pos)
    return match.end() if match else pos


def _expect(text: str, pos: int, char: str) -> None:
    if text[pos] != char:
        raise _Unsplittable(f"expected {char!r} at {pos}")


def _member(text: str, pos: int, scan: Any) -> tuple[str, int]:
    """Read ``"key" :`` at ``pos``; the key and where its value starts."""
    _expect(text, pos, '"')
    key, pos = scan(text, pos)
    pos = _skip(text, pos)
    _expect(text, pos, ":")
    return key, _skip(text, pos + 1)


def _plan(path: str, text: str, parts: int) -> Plan | None:
    scan = _scanner(json_decoder())
    pos = _skip(text, 0)
    _expect(text, pos, "{")
    head: dict[str, Any] = {}
    pos = _skip(text, pos + 1)
    while True:
        key, pos = _member(text, pos, scan)
        if key == "settings":
            break
        if key in head:
            raise _Unsplittable(f"duplicate key {key!r}")
        head[key], pos = scan(text, pos)
        pos = _skip(text, pos)
        _expect(text, pos, ",")
        pos = _skip(text, pos + 1)
    _expect(text, pos, "[")
    starts, ends = [pos + 1], []
    # This process takes a slightly larger share: the workers still have to send their
    # findings back when they are done.
    end = _array_end_guess(text, pos)
    share = (end - pos) / (parts + _FIRST_EXTRA)
    for part in range(1, parts):
        found = _cut(text, max(pos + int(share * (part + _FIRST_EXTRA)), starts[-1]), end)
        if found is None:
            break
        ends.append(found[0])
        starts.append(found[1])
    if len(starts) < 2:
        return None
    ends.append(-1)
    return Plan(path, text, head, starts, ends)


def _array_end_guess(text: str, start: int) -> int:
    """Where the settings array probably ends: before the disclosures, when they follow it (a
    guess, only to share the settings out evenly)."""
    at = text.rfind('"disclosures"', start)
    if at > start and _BEFORE_KEY.search(text, max(start, at - 64), at):
        return at
    return len(text)


def _cut(text: str, at: int, end: int) -> tuple[int, int] | None:
    """The first likely boundary between two elements after ``at`` (and before ``end``, where
    the array probably ends): (comma, next start)."""
    limit = min(at + _WINDOW, end)
    match = _CUT_AT_ID.search(text, at, limit) or _CUT.search(text, at, limit)
    return (match.start(1), match.end()) if match else None


def read_run(plan: Plan, index: int) -> tuple[list[Any], dict[str, Any] | None]:
    """The elements of one run and, for the last run, the members after the array.

    :raises ValueError, IndexError, _Unsplittable: where the run is not whole.
    """
    text, decoder = plan.text, json_decoder()
    start, end = plan.starts[index], plan.ends[index]
    if end >= 0:
        elements = decoder.decode("[" + text[start:end] + "]")
        return elements, None
    elements, stop = decoder.raw_decode("[" + text[start:])
    pos = _skip(text, start - 1 + stop)
    tail: dict[str, Any] = {}
    while text[pos] == ",":
        key, pos = _member(text, _skip(text, pos + 1), _scanner(decoder))
        if key in tail or key in plan.head or key == "settings":
            raise _Unsplittable(f"duplicate key {key!r}")
        tail[key], pos = _scanner(decoder)(text, pos)
        pos = _skip(text, pos)
    _expect(text, pos, "}")
    if _skip(text, pos + 1) != len(text):
        raise _Unsplittable("text after the snapshot")
    return elements, tail
