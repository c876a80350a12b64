"""Who is affected by a finding, and the statutory exposure where a law sets damages per person.

A snapshot may give its users per region (``users: {EEA: 41000000, US: 67000000}``). A
violation's users are those of the entries that lie inside the finding's regions; a finding
that names no regions gets no figure (where it reached users is not known). An entry that only
overlaps them
(users given for ``US`` when the finding is about ``US-CA``) cannot be apportioned, so the
figure becomes "at least" and says why. Nested entries (``US`` and ``US-CA``) count once.

Where the rule's law sets statutory damages per person (``damages`` in the rule), the exposure
is that amount times the users, as a range: a minimum, and a maximum only where the law has
one. Courts decide whether and how much; the report says so next to every figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from consentrules.model import Finding
from consentrules.model import Rule
from consentrules.model import SnapshotSummary
from consentrules.model import Status
from consentrules.model.regions import RegionRegistry
from consentrules.model.regions import UnknownRegionError

CAVEAT = (
    "a range under the statute, not a prediction: courts decide liability, whether each "
    "person is entitled, and the amount"
)


def affected(
    finding: Finding, summary: SnapshotSummary | None, rule: Rule | None, registry: RegionRegistry
) -> dict[str, Any] | None:
    """The figures for one violation, or None when the snapshot gives no user numbers and no
    ledger counted them."""
    if finding.status is not Status.VIOLATION:
        return None
    ledger = (finding.evidence or {}).get("ledger")
    if isinstance(ledger, Mapping) and ledger.get("counted"):
        return _with_exposure(
            {
                "users": int(ledger.get("users") or 0),
                "at_least": False,
                "counted": [
                    f"{term}: {n:,}" for term, n in (ledger.get("by_region") or {}).items()
                ],
                "periods": list(finding.evidence.get("periods", ())),
                "note": "Counted user by user from the platform's consent ledger, not estimated",
            },
            rule,
        )
    if summary is None or not summary.users:
        return None
    if not finding.regions:
        # A finding that names no regions does not say where the practice reached users:
        # counting a whole jurisdiction would overstate who is affected, and the exposure.
        return None
    try:
        scope = registry.mask_all(finding.regions)
    except UnknownRegionError:
        return None
    entries = []
    for term, count in summary.users:
        try:
            entries.append((term, count, registry.mask_all((term,))))
        except UnknownRegionError:
            continue
    entries.sort(key=lambda item: -bin(item[2]).count("1"))
    counted: list[tuple[str, int, int]] = []
    for term, count, mask in entries:
        inside = mask & ~scope == 0
        if inside and not any(mask & ~other == 0 for _, _, other in counted):
            counted.append((term, count, mask))
    covered = 0
    for _, _, mask in counted:
        covered |= mask
    partial = [
        term for term, _, mask in entries if mask & scope and mask & ~scope and scope & ~covered
    ]
    users = sum(count for _, count, _ in counted)
    out: dict[str, Any] = {
        "users": users,
        "at_least": bool(partial),
        "counted": [term for term, _, _ in counted],
        "periods": list(finding.evidence.get("periods", ())),
    }
    if partial:
        out["note"] = (
            f"users given for {', '.join(partial)} cannot be split by region, so they are not "
            "counted"
        )
    return _with_exposure(out, rule)


def _with_exposure(out: dict[str, Any], rule: Rule | None) -> dict[str, Any]:
    """The figures with the statutory exposure, where the rule's law sets damages."""
    users = int(out["users"])
    damages = rule.damages if rule is not None else None
    if damages is not None:
        out["exposure"] = {
            "min": users * damages.per_person_min,
            "max": None if damages.per_person_max is None else users * damages.per_person_max,
            "currency": damages.currency,
            "per_person_min": damages.per_person_min,
            "per_person_max": damages.per_person_max,
            "law": damages.law,
            "note": damages.note,
            "caveat": CAVEAT,
        }
    return out


def affected_by_finding(
    findings: list[Finding],
    summaries: Mapping[str, SnapshotSummary],
    rules: Mapping[str, Rule],
    registry: RegionRegistry,
) -> dict[int, dict[str, Any]]:
    """``id(finding)`` -> figures, for the findings that have them."""
    out: dict[int, dict[str, Any]] = {}
    if not any(summary.users for summary in summaries.values()) and not any(
        "ledger" in (finding.evidence or {}) for finding in findings
    ):
        return out
    for finding in findings:
        figures = affected(
            finding, summaries.get(finding.snapshot), rules.get(finding.rule_id), registry
        )
        if figures is not None:
            out[id(finding)] = figures
    return out


def money(amount: float, currency: str) -> str:
    """``$1,000,000`` for USD, ``1,000,000 EUR`` otherwise."""
    whole = f"{amount:,.0f}"
    return f"${whole}" if currency == "USD" else f"{whole} {currency}"
