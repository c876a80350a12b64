"""Checking one large JSON snapshot in one process, a run of its settings at a time.

With one job, a large snapshot is cut into runs exactly as for several cores (see
:mod:`consentrules.execute.split`, which also says why a cut can be trusted), and the runs are read,
validated, built and judged one after another in this process. Only the findings of each run
are kept: its parsed text and its model are freed before the next run is read, so the memory a
check needs follows the size of a run, not of the file (a 100 MB snapshot parses into more
than 1 GB of Python objects, most of them the same two-letter region codes over and over).

The report is the one a whole check gives: findings are merged and the summary joined as for
the runs of several processes, setting ids are checked across runs, and on any doubt (a cut that
does not read as whole settings, a problem with the input) the caller checks the snapshot whole,
which reports the problem precisely.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consentrules.execute.cuts import _Unsplittable
from consentrules.execute.cuts import make_plan
from consentrules.execute.cuts import read_run
from consentrules.execute.process import keep_until_exit
from consentrules.execute.run import Run
from consentrules.execute.split import check_run
from consentrules.execute.splitmerge import first_summary
from consentrules.execute.splitmerge import merge
from consentrules.execute.splitmerge import merged_summary
from consentrules.execute.splitmerge import summary_part
from consentrules.model import Finding
from consentrules.model import SnapshotSummary
from consentrules.model.errors import InputError
from consentrules.model.errors import PluginError
from consentrules.model.errors import Problem
from consentrules.sources.yamlsource import guard_json
from consentrules.sources.yamlsource import read_text

Result = tuple[list[Finding], SnapshotSummary | None, list[Problem]]

#: The text of one run, about: large enough that a run's fixed costs do not show, small
#: enough that its objects stay a fraction of the file's (8 MB was faster than 4 or 16 MB at
#: 100k traps settings: fewer pages for the process to touch, for the same work).
RUN_BYTES = 8_000_000

_UNREADABLE = (ValueError, IndexError, RecursionError, _Unsplittable)


def check_in_turn(run: Run, path: Path) -> Result | None:
    """Check a large snapshot a run at a time; None where it must be checked whole (it is
    smaller than two runs, cannot be cut, or has a problem the whole check will report)."""
    try:
        if path.stat().st_size < 2 * RUN_BYTES:
            return None
        text = read_text(path)
        guard_json(text, str(path), parsed=False)  # doubt about a limit: checked whole
    except (InputError, OSError):
        return None
    runs = max(2, len(text) // RUN_BYTES)
    plan = make_plan(str(path), text, runs)
    if plan is None:
        return None
    try:
        last, tail = read_run(plan, plan.runs - 1)  # the members after the settings
    except _UNREADABLE:
        return None
    if tail is None:  # (the last run always reads the members after the settings)
        return None
    found: list[list[Finding]] = []
    parts: list[dict[str, Any]] = []
    seen: set[str] = set()
    first = 0
    head: Any = None
    head_coverage: dict[str, dict[str, Any]] = {}
    for index in range(plan.runs):
        if index == plan.runs - 1:
            elements, last = last, []
        else:
            try:
                elements, _ = read_run(plan, index)
            except _UNREADABLE:
                return None
        count = len(elements)
        covered: dict[str, dict[str, Any]] = {}
        try:
            findings, ids, snapshot = check_run(
                run, plan, index, elements, first, tail, covered, like=head
            )
        except PluginError:
            raise
        except Exception:  # a problem with the input: the whole check reports it
            return None
        seen.update(ids)
        if len(seen) != first + count:
            return None  # an id used twice: the whole check reports where
        found.append(findings)
        if index == 0:
            head, head_coverage = snapshot, covered
        else:
            parts.append(summary_part(run, snapshot, covered))
        first += count
        del elements
        if index < plan.runs - 1:
            del snapshot
    keep_until_exit((head, snapshot))  # (the last run too: freeing it is work for nothing)
    summary = merged_summary(first_summary(run, head, head_coverage), parts, first)
    return merge(found), summary, []
