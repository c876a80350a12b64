"""The assessments a condition may test: ``assessments.kinds`` (every kind made of the
practice where the rule looks) and ``assessments.before_start`` (the kinds completed on or
before the practice started, or before the rule's law applied to a practice already running:
the engine then sees the practice from that day)."""

from __future__ import annotations

from typing import Any

from consentrules.model import Setting

FIELDS: dict[str, str] = {
    "assessments.kinds": "list",
    "assessments.before_start": "list",
}


def assessment_view(setting: Setting, ctx: Any, scope: int | None) -> dict[str, Any] | None:
    """The facts, or None where the snapshot does not say which assessments were made (a test
    of them is then not evaluable). An assessment limited to regions counts where they meet
    the regions the rule looks at (``scope``; None: anywhere)."""
    if setting.assessments is None:
        return None
    start = setting.activated_at
    kinds: set[str] = set()
    before: set[str] = set()
    undecided = False
    for assessment in setting.assessments:
        if (
            assessment.regions
            and scope is not None
            and not ctx.regions.mask_all(assessment.regions) & scope
        ):
            continue
        kinds.add(assessment.kind)
        if assessment.completed_at is None or start is None:
            undecided = True
            continue
        on_time = assessment.completed_at.is_on_or_before(start)
        if on_time:
            before.add(assessment.kind)
        elif on_time is None:
            undecided = True
    facts: dict[str, Any] = {"kinds": sorted(kinds)}
    if before or not undecided:
        facts["before_start"] = sorted(before)
    return facts
