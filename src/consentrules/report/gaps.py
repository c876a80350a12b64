"""Findings grouped by the gap they report: one underlying problem, every rule it breaks.

Several rules often judge the same fact: a consent type granted by default in the UK breaks
the Consent Mode pack's rule, PECR's and the UK GDPR's. Those are one gap for the reader, with
several laws behind it. Two findings report the same gap when they are about the same target
of the same snapshot, with the same status, in the same regions, resting on the same evidence
(the same periods, the same dates): what differs is only which rule, and which law, says so,
and what each rule adds about itself (the review conditions it found unmet).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from consentrules.model import Finding

#: Evidence a rule adds about itself, not about the fact (its condition, the review conditions
#: it found unmet).
_RULE_NOTES = frozenset({"review_unmet", "review_condition", "condition"})


def gap_key(finding: Finding) -> tuple[Any, ...]:
    facts = {k: v for k, v in finding.evidence.items() if k not in _RULE_NOTES}
    return (
        finding.snapshot,
        finding.target_kind,
        finding.target_id,
        finding.status.value,
        finding.regions,
        json.dumps(facts, sort_keys=True, default=str),
    )


@dataclass(frozen=True)
class Gap:
    """One problem and the findings (one per rule) that report it, most severe first."""

    findings: tuple[Finding, ...]

    @property
    def lead(self) -> Finding:
        return self.findings[0]

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(f.rule_id for f in self.findings)


def group_gaps(findings: Iterable[Finding]) -> list[Gap]:
    """The gaps of some findings, in the order their most severe finding comes (most severe
    first, then by target and rule)."""
    groups: dict[tuple[Any, ...], list[Finding]] = {}
    for finding in findings:
        groups.setdefault(gap_key(finding), []).append(finding)
    gaps = [
        Gap(tuple(sorted(items, key=lambda f: (-f.severity, f.rule_id))))
        for items in groups.values()
    ]
    gaps.sort(
        key=lambda g: (g.lead.snapshot, -g.lead.severity, g.lead.target_kind, g.lead.target_id,
                       g.lead.rule_id)
    )  # fmt: skip
    return gaps


@dataclass(frozen=True)
class OpenGroup:
    """Not-evaluable findings that say the same thing: one reason, the rules it holds up and
    the targets it is about (a hundred flags without purposes are one entry, not a hundred)."""

    findings: tuple[Finding, ...]

    @property
    def lead(self) -> Finding:
        return self.findings[0]

    @property
    def rule_ids(self) -> list[str]:
        return list(dict.fromkeys(f.rule_id for f in self.findings))

    @property
    def targets(self) -> list[str]:
        return list(dict.fromkeys(f.target_id for f in self.findings))


def group_open(findings: Iterable[Finding]) -> list[OpenGroup]:
    """Findings grouped by what they say: same snapshot, target kind and message (a message
    that names its target, as most do, keeps the target apart)."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.snapshot, finding.target_kind, finding.message), []).append(
            finding
        )
    return [OpenGroup(tuple(items)) for items in groups.values()]
