"""Plain data in the snapshot format, validated into a :class:`Snapshot`: the safe way for an
adapter to hand its result to the engine, with problems named by JSON pointer."""

from __future__ import annotations

from typing import Any

from consentrules.model import Snapshot
from consentrules.model.errors import InputError
from consentrules.model.errors import Problem
from consentrules.model.regions import RegionRegistry
from consentrules.sources.snapshots import snapshot_from_document
from consentrules.sources.yamlsource import Document


def snapshot_from_data(
    data: Any,
    path: str = "<memory>",
    *,
    source_map: Any = None,
    regions: RegionRegistry | None = None,
    adapter: str = "native",
) -> Snapshot:
    """Validate plain data in the native format and build a :class:`Snapshot`: the safe way
    for an adapter to hand its result to the engine.

    Every problem is reported at once. With a ``source_map`` (an object whose
    ``locate(pointer)`` gives ``(line, column)`` in the vendor's own file for a JSON pointer
    into ``data``, or None) each problem names that line; without one, each names its JSON
    pointer (``at /settings/3/default``).

    :raises InputError: listing every problem.
    """
    if source_map is not None:
        return snapshot_from_document(Document(path, data, source_map), regions, adapter=adapter)
    pointers = _Pointers()
    try:
        return snapshot_from_document(Document(path, data, pointers), regions, adapter=adapter)
    except InputError as exc:
        raise InputError([pointers.explain(problem) for problem in exc.problems]) from None


class _Pointers:
    """A source map for data from no file: each pointer asked for gets a number in place of a
    line, so that a problem can name its pointer afterwards."""

    def __init__(self) -> None:
        self._asked: list[str] = []

    def locate(self, pointer: str) -> tuple[int, int] | None:
        self._asked.append(pointer)
        return len(self._asked), 0

    locate_key = locate

    def explain(self, problem: Problem) -> Problem:
        if problem.line is None or not 0 < problem.line <= len(self._asked):
            return problem
        where = self._asked[problem.line - 1] or "/"
        return Problem(problem.path, f"{problem.message} (at {where})", hint=problem.hint)
