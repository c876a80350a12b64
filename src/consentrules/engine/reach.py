"""Whether a rule's law reaches a setting whose regions the snapshot does not state.

A rule whose selector names regions (``selector: regions: [US-CA]``) is about settings that
apply there: that is the premise of its law. A setting whose regions are not stated is still
selected, so that the rule can say it cannot tell; this module makes sure it does. A violation
about such a setting, or a violation about the disclosures when no selected setting certainly
applies in those regions, is "not evaluable", saying what the verdict would be if it did.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from consentrules.engine.evaluation import EvalContext
from consentrules.engine.evaluation import spans
from consentrules.model import Finding
from consentrules.model import Rule
from consentrules.model import Status


def where_unknown(
    rule: Rule, found: list[Finding], selected: Sequence[Any], ctx: EvalContext
) -> list[Finding]:
    """``found``, with each violation that rests on an unstated region made not evaluable.

    Only the violations are looked at (a large snapshot's few findings, not its settings): a
    setting's own regions for a finding about it, and, for a finding about the disclosures,
    whether any selected setting is known to run in the rule's regions (the first one found
    answers)."""
    terms = rule.selector.regions if rule.selector is not None else None
    open_ = [f for f in found if f.status is Status.VIOLATION and not f.regions]
    if not terms or not open_:
        return found
    wanted = ctx.regions.mask_all(terms)
    where = ", ".join(terms)
    about_settings = {f.target_id for f in open_ if f.target_kind == "setting"}
    by_id = {s.id: s for s in selected if s.id in about_settings} if about_settings else {}
    unknown: list[str] | None = None  # the selected settings of unstated regions, if needed
    out = []
    for finding in found:
        if finding.status is Status.VIOLATION and not finding.regions:
            if finding.target_kind == "setting":
                setting = by_id.get(finding.target_id)
                if setting is not None and _ever_mask(setting, ctx) is None:
                    finding = _open(
                        finding,
                        f"the snapshot does not say in which regions setting "
                        f"{finding.target_id!r} applies, so whether the law of {where} reaches "
                        "it is open",
                    )
            else:
                if unknown is None:
                    unknown = _unknown_unless_one_runs(selected, wanted, ctx)
                if unknown:
                    finding = _open(finding, _none_known(unknown, where))
        out.append(finding)
    return out


def _unknown_unless_one_runs(selected: Sequence[Any], wanted: int, ctx: EvalContext) -> list[str]:
    """The ids of the selected settings whose regions are not stated, or none at all when a
    selected setting is known to run in ``wanted`` (then the rule's law certainly applies)."""
    unknown = []
    for setting in selected:
        mask = _ever_mask(setting, ctx)
        if mask is None:
            unknown.append(setting.id)
        elif mask & wanted:
            return []
    return unknown


def _none_known(unknown: list[str], where: str) -> str:
    names = ", ".join(repr(sid) for sid in unknown[:3])
    more = f" and {len(unknown) - 3} more" if len(unknown) > 3 else ""
    who = f"setting {names} applies" if len(unknown) == 1 else f"settings {names}{more} apply"
    return (
        f"no setting is known to apply in {where}: the snapshot does not say in which regions {who}"
    )


def _open(finding: Finding, why: str) -> Finding:
    return dataclasses.replace(
        finding,
        status=Status.NOT_EVALUABLE,
        message=f"not evaluable: {why}; if it does: {finding.message}",
        evidence={**finding.evidence, "regions_unknown": True},
    )


def _ever_mask(setting: Any, ctx: EvalContext) -> int | None:
    """Where the setting applied at some time up to the evaluation date; None: not stated."""
    union = 0
    for span in spans(setting, ctx.as_of, "ever"):
        mask = ctx.applicable_mask(span.state)
        if mask is None:
            return None
        union |= mask
    return union
