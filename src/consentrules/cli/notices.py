"""Notices of a run: what was not evaluated, or evaluated with a caveat, and why."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from consentrules.model import Notice
from consentrules.model import Rule
from consentrules.model import SnapshotSummary
from consentrules.model.dates import PartialDate
from consentrules.model.dates import parse_date


def inactive_notices(summaries: Iterable[SnapshotSummary]) -> list[Notice]:
    """A note per snapshot that has settings activated after its evaluation date."""
    notices = []
    for summary in summaries:
        if summary.inactive:
            count = len(summary.inactive)
            shown = ", ".join(summary.inactive[:20]) + (
                f" and {count - 20} more" if count > 20 else ""
            )
            notices.append(
                Notice(
                    "note",
                    f"{count} setting{'s were' if count != 1 else ' was'} not active on the "
                    f"evaluation date {summary.as_of} (activated later) and not judged: {shown}",
                    summary.path,
                    category="not_active",
                )
            )
    return notices


def rule_token_notices(rules: Iterable[Rule]) -> list[Notice]:
    """A warning per rule that selects by a token close to, but not, a standard one."""
    from consentrules.model.vocabulary import rule_token_warnings

    return [
        Notice(
            "warning",
            f"rule {rule.id} selects by {phrase}: a misspelt token makes the rule select nothing",
            rule.path,
            rule.line,
            category="unknown_token",
        )
        for rule, phrase in rule_token_warnings(rules)
    ]


def extrapolation_notices(
    summaries: Iterable[SnapshotSummary], as_of: PartialDate | None
) -> list[Notice]:
    """A note per snapshot judged as of a date after it was taken: what happened after
    ``taken_at`` is not in it, so its last state is assumed to hold."""
    if as_of is None:
        return []
    notices = []
    for summary in summaries:
        taken = parse_date(summary.taken_at)
        if as_of.last > taken.last:
            notices.append(
                Notice(
                    "warning",
                    f"evaluated as of {as_of}, after the snapshot was taken ({summary.taken_at}): "
                    "the state it records is assumed to hold until then",
                    summary.path,
                    category="extrapolated",
                )
            )
    return notices


def token_notices(summaries: Iterable[SnapshotSummary], known: Any) -> list[Notice]:
    """A warning per snapshot using purpose, category or recipient tokens no rule knows."""
    from consentrules.model.vocabulary import describe

    notices = []
    for summary in summaries:
        if summary.unknown_tokens:
            phrases = describe(summary.unknown_tokens, known)
            notices.append(
                Notice(
                    "warning",
                    "no loaded rule or the standard vocabulary knows "
                    + "; ".join(phrases)
                    + ": a misspelt token makes rules skip the setting",
                    summary.path,
                    category="unknown_token",
                )
            )
    return notices


def not_in_force_notices(
    rules: Iterable[Rule], summaries: Iterable[SnapshotSummary]
) -> list[Notice]:
    """A note per rule whose law did not yet apply on a snapshot's evaluation date: the rule
    judged nothing there (not a pass)."""
    from consentrules.engine.in_force import in_force_on

    notices = []
    dated = [rule for rule in rules if rule.in_force_from is not None]
    for summary in summaries:
        as_of = parse_date(summary.as_of)
        early = [rule for rule in dated if in_force_on(rule.in_force_from, as_of) is False]  # type: ignore[arg-type]
        if early:
            names = ", ".join(f"{rule.id} (from {rule.in_force_from})" for rule in early)
            notices.append(
                Notice(
                    "note",
                    f"{len(early)} rule(s) not yet in force on the evaluation date "
                    f"{summary.as_of}, so not applied: {names}",
                    summary.path,
                    category="not_in_force",
                )
            )
    return notices


def unmapped_notices(summaries: Iterable[SnapshotSummary]) -> list[Notice]:
    """A warning per snapshot with settings that state no purposes: rules that select by
    purpose cannot judge them, which is not a pass (fails the run with --strict)."""
    notices = []
    for summary in summaries:
        if summary.unmapped:
            count = len(summary.unmapped)
            shown = ", ".join(summary.unmapped[:20]) + (
                f" and {count - 20} more" if count > 20 else ""
            )
            notices.append(
                Notice(
                    "warning",
                    f"{count} setting(s) state no purposes, so no rule that selects by purpose "
                    f"judged them: {shown} (state their purposes, or an empty list for none)",
                    summary.path,
                    category="unmapped",
                )
            )
    return notices
