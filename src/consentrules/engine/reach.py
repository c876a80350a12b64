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
    """``found``, with each violation that rests on an unstated region made not evaluable."""
    terms = rule.selector.regions if rule.selector is not None else None
    if not terms or not any(f.status is Status.VIOLATION for f in found):
        return found
    wanted = ctx.regions.mask_all(terms)
    reach = {setting.id: _ever_mask(setting, ctx) for setting in selected}
    unknown = [sid for sid, mask in reach.items() if mask is None]
    if not unknown:
        return found
    certain = any(mask is not None and mask & wanted for mask in reach.values())
    where = ", ".join(terms)
    out = []
    for finding in found:
        if finding.status is Status.VIOLATION and not finding.regions:
            if finding.target_kind == "setting" and reach.get(finding.target_id, 0) is None:
                finding = _open(
                    finding,
                    f"the snapshot does not say in which regions setting {finding.target_id!r} "
                    f"applies, so whether the law of {where} reaches it is open",
                )
            elif finding.target_kind != "setting" and not certain:
                names = ", ".join(repr(sid) for sid in unknown[:3])
                more = f" and {len(unknown) - 3} more" if len(unknown) > 3 else ""
                who = (
                    f"setting {names} applies"
                    if len(unknown) == 1
                    else f"settings {names}{more} apply"
                )
                finding = _open(
                    finding,
                    f"no setting is known to apply in {where}: the snapshot does not say in which "
                    f"regions {who}",
                )
        out.append(finding)
    return out


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
