"""Putting the runs of a split snapshot back together (see :mod:`consentrules.execute.split`):
their findings, and the parts of the snapshot's summary each run knows (settings not yet
active, settings without purposes, unknown tokens, what each rule evaluated)."""

from __future__ import annotations

import dataclasses
from typing import Any

from consentrules.model import Finding
from consentrules.model import SnapshotSummary


def merge(runs: list[list[Finding]]) -> list[Finding]:
    """The findings of several runs as one check would give them: setting findings from every
    run; each rule's other findings once, from the first run that has them; sorted."""
    out: list[Finding] = []
    taken: set[str] = set()
    for found in runs:
        others: set[str] = set()
        for finding in found:
            if finding.target_kind == "setting":
                out.append(finding)
            elif finding.rule_id not in taken:
                out.append(finding)
                others.add(finding.rule_id)
        taken |= others
    out.sort(key=Finding.sort_key)
    return out


def summary_part(run: Any, snapshot: Any, coverage: dict[str, Any]) -> dict[str, Any]:
    """What one run knows of the snapshot's summary (sent back by a worker)."""
    from consentrules.engine.evaluation import inactive_settings
    from consentrules.execute.snapshots import undecided_settings
    from consentrules.execute.snapshots import unmapped_settings
    from consentrules.model.vocabulary import unknown_tokens

    known = run.config.known_tokens
    return {
        "inactive": inactive_settings(snapshot.settings, run.as_of or snapshot.taken_at),
        "unmapped": unmapped_settings(snapshot.settings),
        "undecided": undecided_settings(snapshot.settings),
        "setting_ids": [s.id for s in snapshot.settings],
        "unknown": unknown_tokens(snapshot.settings, known) if known else (),
        "coverage": coverage,
    }


def first_summary(run: Any, snapshot: Any, coverage: dict[str, Any]) -> SnapshotSummary:
    """The summary of a split snapshot's first run, with its ``coverage`` (computed while the
    other runs are still being checked)."""
    from consentrules.execute.snapshots import summarize

    drawn = run.config.regions if run.config.getoption("timelines") else None
    return summarize(snapshot, run.as_of, run.config.known_tokens, coverage, drawn)


def merged_summary(
    summary: SnapshotSummary, parts: list[dict[str, Any]], settings: int
) -> SnapshotSummary:
    """The summary of the whole snapshot: its first run's (:func:`first_summary`) joined with
    the other runs' ``parts``, as one check would give it."""
    from consentrules.engine.evaluate import merge_coverage

    merged = merge_coverage([summary.coverage] + [part["coverage"] for part in parts])
    unknown = dict.fromkeys(summary.unknown_tokens)
    for part in parts:
        for name, token, where in part["unknown"]:
            if not any(u[:2] == (name, token) for u in unknown):
                unknown[(name, token, where)] = None
    return dataclasses.replace(
        summary,
        settings=settings,
        coverage=merged,
        inactive=summary.inactive + tuple(i for part in parts for i in part["inactive"]),
        unknown_tokens=tuple(unknown),
        unmapped=summary.unmapped + tuple(i for part in parts for i in part["unmapped"]),
        undecided=summary.undecided + tuple(i for part in parts for i in part.get("undecided", ())),
        setting_ids=summary.setting_ids
        + tuple(i for part in parts for i in part.get("setting_ids", ())),
    )
