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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from consentrules.model import Finding

#: Evidence a rule adds about itself, not about the fact (its condition, the review conditions
#: it found unmet).
_RULE_NOTES = frozenset({"review_unmet", "review_condition", "condition"})


#: Evidence of a finding about regions that differs with the rule's regions or check.
_REGION_FACTS = frozenset({"regions_count", "not_evaluable", "problem"})


def gap_key(finding: Finding) -> tuple[Any, ...]:
    """Findings with the same key report one gap: the same target of the same snapshot, the
    same status, the same regions and the same evidence (see :func:`group_gaps` for findings
    about regions, which join more widely)."""
    facts = {k: v for k, v in finding.evidence.items() if k not in _RULE_NOTES}
    return (
        finding.snapshot,
        finding.target_kind,
        finding.target_id,
        finding.status.value,
        finding.regions,
        json.dumps(facts, sort_keys=True, default=str),
    )


def _period_key(finding: Finding) -> tuple[Any, ...] | None:
    """For a finding about regions (its evidence has periods, ``spans``): the target and the
    periods, whatever regions and check; None for other findings."""
    facts = {k: v for k, v in finding.evidence.items() if k not in _RULE_NOTES}
    if "spans" not in facts:
        return None
    facts = {k: v for k, v in facts.items() if k not in _REGION_FACTS}
    # the periods, not the regions each rule found at fault in them (nor a ledger's counts)
    facts["spans"] = [
        {k: v for k, v in span.items() if k != "regions"} for span in facts["spans"] or ()
    ]
    facts.pop("ledger", None)
    return (
        finding.snapshot,
        finding.target_kind,
        finding.target_id,
        finding.status.value,
        json.dumps(facts, sort_keys=True, default=str),
    )


def group_gaps(findings: Iterable[Finding], rules: Mapping[str, Any] | None = None) -> list[Gap]:
    """The gaps of some findings, in the order their most severe finding comes (most severe
    first, then by target and rule).

    Findings about regions on one setting over the same periods are one gap when they report
    the same problem (users enrolled by default), whatever regions each rule looks at (a UK
    rule for GB, an EEA rule for its countries: one entry naming both), or the same regions
    (on by default in CH, and running in CH where a rule excludes it). With ``rules``, a
    finding of a rule that ``restates`` another joins that rule's finding on the same target
    (sharing private messages by default restates divulging them)."""
    items = list(findings)
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(keys: dict[Any, int], key: Any, i: int) -> None:
        if key in keys:
            parent[root(i)] = root(keys[key])
        else:
            keys[key] = i

    # A finding that restates another joins it, and only it (not the other problems on the
    # same target its own kind of finding would join).
    claimed: set[int] = set()
    if rules:
        first: dict[tuple[Any, ...], int] = {}
        for i, finding in enumerate(items):
            target = (finding.snapshot, finding.target_kind, finding.target_id, finding.status)
            first.setdefault((*target, finding.rule_id), i)
        for i, finding in enumerate(items):
            rule = rules.get(finding.rule_id)
            target = (finding.snapshot, finding.target_kind, finding.target_id, finding.status)
            for other in getattr(rule, "restates", ()) or ():
                j = first.get((*target, other))
                if j is not None:
                    parent[root(i)] = root(j)
                    claimed.add(i)
    exact: dict[Any, int] = {}
    by_problem: dict[Any, int] = {}
    by_regions: dict[Any, int] = {}
    for i, finding in enumerate(items):
        if i in claimed:
            continue
        join(exact, gap_key(finding), i)
        periods = _period_key(finding)
        if periods is not None:
            join(by_problem, (periods, finding.evidence.get("problem")), i)
            join(by_regions, (periods, finding.regions), i)
    groups: dict[int, list[Finding]] = {}
    for i, finding in enumerate(items):
        groups.setdefault(root(i), []).append(finding)
    gaps = [
        # (most severe first; of those, the one naming the most regions leads)
        Gap(tuple(sorted(group, key=lambda f: (-f.severity, *_breadth(f), f.rule_id))))
        for group in groups.values()
    ]
    gaps.sort(
        key=lambda g: (g.lead.snapshot, -g.lead.severity, g.lead.target_kind, g.lead.target_id,
                       g.lead.rule_id)
    )  # fmt: skip
    return gaps


def _breadth(finding: Finding) -> tuple[int, int]:
    """Sorts the finding naming the most regions first: more countries, then more of them
    whole (US before US-CA)."""
    count = finding.evidence.get("regions_count")
    countries = count if isinstance(count, int) else len(finding.regions)
    return -countries, -sum(1 for term in finding.regions if "-" not in term)


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


def rule_note(finding: Finding, lead: Finding) -> str:
    """What a finding of a gap adds to its lead's message, for the line under its rule: nothing
    when it says the same; for a finding about regions, the regions it names (and what follows
    its first clause, such as the review's conditions); otherwise its whole message."""
    if finding.message == lead.message:
        return ""
    message = finding.message
    if "spans" in finding.evidence and finding.regions and message[:1].isalpha():
        if message.startswith(("to review", "resolved")):
            return message
        from consentrules.report import regions_text

        marks = [message.find(m) for m in _AFTER_REGIONS if m in message]
        rest = message[min(marks) + 2 :] if marks else ""
        where = f"in {regions_text(finding, limit=12)}"
        if finding.regions == lead.regions and rest:
            return rest
        return f"{where}; {rest}" if rest else where
    return message


def rule_places(gap: Any) -> dict[str, str]:
    """Per rule of a gap whose finding is about other regions than the lead's: where it
    applies ("in US-CA"), so that a summary joining a Quebec rule and a Californian one on the
    same default does not read as if both applied in Quebec."""
    lead = gap.lead
    out: dict[str, str] = {}
    for finding in gap.findings:
        if finding.regions == lead.regions:
            continue
        note = rule_note(finding, lead)
        if note.startswith("in "):
            out[finding.rule_id] = note.split(";")[0]
    return out


def rule_names(gap: Any, rule_ids: Any = None) -> list[str]:
    """The gap's rule ids (or ``rule_ids``), each with where it applies when that is not
    where the lead's finding is: ``CCPA-SECONDARY-USE (in US-CA)``."""
    places = rule_places(gap)
    ids = gap.rule_ids if rule_ids is None else rule_ids
    return [f"{rule_id} ({places[rule_id]})" if rule_id in places else rule_id for rule_id in ids]


#: Where a region finding's own words end and what a rule adds begins.
_AFTER_REGIONS = ("; not only a matter for review", "; also not evaluable")
