"""Checking many snapshots: one at a time, or on several cores with ``--jobs``.

Each snapshot is loaded, evaluated and dropped before the next, so memory holds one snapshot
(per worker) and the findings. With ``--jobs N`` (``0``: one per core) the snapshots are
shared out between worker processes forked from this one, so that they inherit its plugins,
rules and configuration; the findings come back in the order of the files, so the output is
the same as with one job. Where fork is not available the check runs in this process. A
progress line is written to standard error when it is a terminal.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from consentrules.dates import PartialDate
from consentrules.engine import Engine
from consentrules.errors import InputError
from consentrules.errors import Problem
from consentrules.model import Finding
from consentrules.model import Rule
from consentrules.model import SnapshotSummary

Result = tuple[list[Finding], SnapshotSummary | None, list[Problem]]

# What the forked workers inherit: set just before the pool starts.
_job: dict[str, Any] = {}


def _check_one(path: Path) -> Result:
    from consentrules.commands import load_snapshot
    from consentrules.commands import summarize

    config, rules, as_of, options = _job["config"], _job["rules"], _job["as_of"], _job["options"]
    try:
        snapshot = load_snapshot(config, path)
    except InputError as exc:
        return [], None, exc.problems
    engine = Engine(config.check_kinds, config.regions)
    findings = engine.evaluate(rules, snapshot, as_of=as_of, options=options)
    return findings, summarize(snapshot, as_of), []


def _jobs(options: dict[str, Any], count: int) -> int:
    requested = options.get("jobs")
    if requested is None:
        requested = 1
    if requested <= 0:
        requested = os.cpu_count() or 1
    return max(1, min(requested, count))


class _Progress:
    def __init__(self, total: int) -> None:
        self.total = total
        self.enabled = total > 1 and sys.stderr.isatty()
        self.done = 0

    def step(self) -> None:
        self.done += 1
        if self.enabled:
            width = 30
            filled = width * self.done // self.total
            sys.stderr.write(
                f"\\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} snapshots"
            )
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\\r" + " " * 60 + "\\r")
            sys.stderr.flush()


def _results(files: Sequence[Path], jobs: int) -> Iterator[Result]:
    if jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")
        with context.Pool(jobs) as pool:
            yield from pool.imap(_check_one, files, chunksize=max(1, len(files) // (jobs * 8)))
    else:
        for path in files:
            yield _check_one(path)


def check_files(
    config: Any,
    rules: list[Rule],
    files: Sequence[Path],
    as_of: PartialDate | None,
    options: dict[str, Any],
) -> tuple[list[Finding], list[SnapshotSummary]]:
    """Findings and summaries of every file, in file order; one InputError for all bad files."""
    _job.update(config=config, rules=rules, as_of=as_of, options=options)
    findings: list[Finding] = []
    summaries: list[SnapshotSummary] = []
    problems: list[Problem] = []
    progress = _Progress(len(files))
    try:
        for found, summary, errors in _results(files, _jobs(options, len(files))):
            findings.extend(found)
            if summary is not None:
                summaries.append(summary)
            problems.extend(errors)
            progress.step()
    finally:
        progress.close()
        _job.clear()
    if problems:
        raise InputError(problems)
    return findings, summaries
