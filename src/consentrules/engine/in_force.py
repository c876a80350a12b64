"""A rule's ``in_force_from``: the law behind it applies from a date, and nothing before it is
judged. A run as of an earlier date does not apply the rule at all; otherwise each selected
setting is seen as it stood on that date (what happened earlier folded into its state then),
and a finding whose start moved says so."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

from consentrules.engine.evaluation import EvalContext
from consentrules.engine.selection import selects
from consentrules.model import Finding
from consentrules.model import Rule
from consentrules.model import Setting
from consentrules.model import Status
from consentrules.model.dates import PartialDate


def seen_from(setting: Setting, day: PartialDate) -> Setting:
    """The setting as a rule in force from ``day`` sees it: the changes certainly before that
    day are folded into the state it starts with, and it starts on that day (if it began
    before). A setting that began on or after the day, or whose start is unknown, keeps its
    own start."""
    start = setting.activated_at
    if start is None or start.first >= day.first:
        return setting
    state = setting.initial_state
    later = []
    for entry in setting.history:
        if entry.date.last < day.first:
            state = entry.apply(state)
        else:
            later.append(entry)
    return dataclasses.replace(
        setting,
        default=state.default,
        region_defaults=state.region_defaults,
        regions=state.regions,
        initial_status=state.status,
        activated_at=day,
        began_at=start,
        history=tuple(later),
    )


def judge_from(
    rule: Rule,
    day: PartialDate,
    selected: Sequence[Any],
    ctx: EvalContext,
    judge: Callable[[Rule, Sequence[Any], EvalContext], list[Finding]],
) -> list[Finding]:
    """The rule's findings, judging only from ``day`` on."""
    applies = day.is_on_or_before(ctx.as_of)  # None: the dates' precision cannot tell
    if applies is False:
        return []  # not yet law on the evaluation date (the run's notices say so)
    later = rule.existing_from
    if later is not None:  # a transitional period for practices that began before the law
        existing = [
            s for s in selected if s.activated_at is not None and s.activated_at.last < day.first
        ]
        if existing:
            mine = {s.id for s in existing}
            newer = [s for s in selected if s.id not in mine]
            found = judge_from(
                dataclasses.replace(rule, existing_from=None), day, newer, ctx, judge
            )
            if later.is_on_or_before(ctx.as_of) is False:
                return found  # not yet due for them
            judged_later = judge_from(
                dataclasses.replace(rule, in_force_from=later, existing_from=None),
                later,
                existing,
                ctx,
                judge,
            )
            return [*found, *(_transition(f, day, later) for f in judged_later)]
    seen = [seen_from(setting, day) for setting in selected]
    moved = {new.id for new, old in zip(seen, selected, strict=True) if new is not old}
    if moved:  # a setting that left the rule's regions before the law applied is not its
        seen = [s for s in seen if s.id not in moved or selects(rule.selector, s, ctx)]
    found = judge(rule, seen, ctx)
    if not moved and applies:
        return found
    began = {old.id: old.activated_at for old in selected if old.id in moved}
    out = []
    for finding in found:
        if (
            finding.target_kind == "setting"
            and finding.target_id in moved
            and "judged_from" not in finding.evidence  # the message says it already
        ):
            finding = dataclasses.replace(
                finding,
                message=f"{finding.message} (judged from {day}, when the law behind the rule "
                f"took effect; the setting began {began[finding.target_id]})",
            )
        if applies is None and finding.status is Status.VIOLATION:
            finding = dataclasses.replace(
                finding,
                status=Status.NOT_EVALUABLE,
                message=f"not evaluable: the law behind the rule applies from {day}, and "
                f"whether it applied on the evaluation date {ctx.as_of} depends on the day "
                f"({finding.message})",
            )
        out.append(finding)
    return out


def _transition(finding: Finding, day: PartialDate, later: PartialDate) -> Finding:
    """A finding about a practice that began before the law applied, judged from the end of
    the transitional period: its message says why the later date."""
    if finding.target_kind != "setting":
        return finding
    return dataclasses.replace(
        finding,
        message=f"{finding.message} (a practice that began before {day} had until {later}: "
        "the law's transitional period)",
    )


def judge_until(
    rule: Rule,
    until: PartialDate,
    selected: Sequence[Any],
    ctx: EvalContext,
    judge: Callable[[Rule, Sequence[Any], EvalContext], list[Finding]],
) -> list[Finding]:
    """The rule's findings on the period before ``until``, the day its law changed: judged as
    of the day before, each saying so."""
    before = dataclasses.replace(ctx, as_of=until.shift(-1))
    out = []
    for finding in judge(rule, selected, before):
        out.append(
            dataclasses.replace(
                finding,
                message=f"{finding.message} (judged until {until}, when the law behind the rule "
                "changed)",
            )
        )
    return out
