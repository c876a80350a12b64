"""A rule resting on several laws, each applying from its own date in its own regions
(``in_force_in``: GDPR for the EEA from 2018-05-25, the revised FADP for Switzerland from
2023-09-01, the CCPA for California from 2020-01-01).

The rule is judged once per date, on the regions that date is for: its selector's regions and,
for a check kind that keeps its regions as a bit mask (``prepared.mask``), the check's own, are
cut to them. A finding about regions then names only that date's regions and periods; a
finding about a setting as a whole comes from the earliest date whose regions the setting runs
in, so that Switzerland is not judged in 2022 under a rule whose other law applied earlier. A
setting that began once every law applied is judged once, over all its regions, as any rule.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

from consentrules.engine.evaluation import EvalContext
from consentrules.engine.selection import selects
from consentrules.model import Finding
from consentrules.model import Rule

Judge = Callable[[Rule, Sequence[Any], EvalContext], list[Finding]]


def judge_by_region(
    rule: Rule,
    selected: Sequence[Any],
    ctx: EvalContext,
    judge: Judge,
) -> list[Finding]:
    from consentrules.engine.in_force import judge_from

    assert rule.in_force_from is not None
    registry = ctx.regions
    everywhere = registry.mask_all(["ALL"])
    scope = everywhere
    if rule.selector.regions is not None:
        scope &= registry.mask_all(rule.selector.regions)
    own = getattr(rule.prepared, "mask", None)
    if isinstance(own, int):
        scope &= own
    listed = 0
    groups = []
    for term, day in rule.in_force_in:
        mask = registry.mask_all([term]) & scope & ~listed
        listed |= mask
        groups.append((day, mask))
    groups.append((rule.in_force_from, scope & ~listed))
    groups.sort(key=lambda group: (group[0].first, group[0].last))
    # A setting that began once every law applied is judged once, over all its regions.
    latest = groups[-1][0]
    later = [
        s for s in selected if s.activated_at is not None and s.activated_at.first >= latest.last
    ]
    whole_rule = dataclasses.replace(rule, in_force_in=())
    out: list[Finding] = judge_from(whole_rule, rule.in_force_from, later, ctx, judge)
    if len(later) == len(selected):
        return out
    taken = {id(s) for s in later}
    selected = [s for s in selected if id(s) not in taken]
    # findings about a target as a whole (a disclosure, a setting), each given once
    whole = {_whole(f) for f in out if not f.regions}
    for day, mask in groups:
        if not mask:
            continue
        terms = tuple(registry.collapse_mask(mask))
        prepared = rule.prepared
        if isinstance(own, int) and dataclasses.is_dataclass(prepared):
            prepared = dataclasses.replace(prepared, mask=own & mask)  # type: ignore[type-var]
        part = dataclasses.replace(
            rule,
            in_force_from=day,
            in_force_in=(),
            selector=dataclasses.replace(rule.selector, regions=terms),
            prepared=prepared,
        )
        mine = [item for item in selected if selects(part.selector, item, ctx)]
        if not mine:
            continue
        for finding in judge_from(part, day, mine, ctx, judge):
            if not finding.regions:
                key = _whole(finding)
                if key in whole:
                    continue
                whole.add(key)
            out.append(finding)
    return _one_per_target(out, ctx)


def _one_per_target(found: list[Finding], ctx: EvalContext) -> list[Finding]:
    """One finding per target and status, as every rule gives (a finding's identity): the
    findings of several dates about one setting's regions become one, naming each part."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in found:
        key = (finding.target_kind, finding.target_id, finding.status.value)
        groups.setdefault(key, []).append(finding)
    out = []
    for items in groups.values():
        if len(items) == 1:
            out.append(items[0])
            continue
        regions: list[str] = []
        evidence: dict[str, Any] = {}
        for item in items:
            regions.extend(item.regions)
            for name, value in item.evidence.items():
                known = evidence.get(name)
                if isinstance(known, list) and isinstance(value, list):
                    evidence[name] = [*known, *value]
                elif isinstance(known, int) and isinstance(value, int) and name.endswith("count"):
                    evidence[name] = known + value
                else:
                    evidence.setdefault(name, value)
        mask = ctx.regions.mask_all(regions)
        out.append(
            dataclasses.replace(
                items[0],
                message="; ".join(dict.fromkeys(item.message for item in items)),
                regions=tuple(ctx.regions.collapse_mask(mask)),
                evidence=evidence,
            )
        )
    return out


def _whole(finding: Finding) -> tuple[str, str, str]:
    """What makes a finding about a whole target the same one from another date: the setting
    (its message names the date it was judged from), or the disclosure and what it says."""
    said = finding.message if finding.target_kind != "setting" else ""
    return (finding.target_kind, finding.target_id, said)
