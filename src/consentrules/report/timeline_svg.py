"""The geometry of a setting's timeline picture: one bar per region group, the disclosure
versions as marks, and the periods a rule was broken shaded. The HTML template draws what
this computes (every text escaped there); :func:`describe` is its text alternative."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any

from consentrules.model import Finding
from consentrules.model.regions import RegionRegistry
from consentrules.model.regions import UnknownRegionError
from consentrules.model.timeline import Timeline

WIDTH = 760
LABEL = 130
ROW = 26
BAR = 16
TOP = 44  # (room above the bars for three lines of mark numbers)
STATE_TEXT = {
    "on": "on by default",
    "partly": "on by default in part of it",
    "unknown": "default unknown",
    "off": "off by default",
    "paused": "paused (enrolling no one)",
    "absent": "not offered",
}
#: Roughly how wide a mark's number is drawn, per character (11px sans-serif).
_CHAR = 6.5


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    css: str
    title: str


@dataclass(frozen=True)
class Picture:
    height: int
    rows: list[dict[str, Any]]  # label, y, rects
    marks: list[dict[str, Any]]  # x, label, number
    shades: list[Rect]
    ticks: list[dict[str, Any]]  # x, label
    text: str  # the text alternative


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def picture(
    timeline: Timeline,
    findings: list[Finding],
    registry: RegionRegistry,
    masks: list[Any],
    about: Any = None,
) -> Picture:
    """The picture of ``timeline``; ``findings`` are the violations about its setting,
    ``masks`` the (key, label, mask) of the region groups, ``about(finding)`` the groups a
    finding is about (default: :func:`groups_touched`)."""
    if about is None:

        def about(finding: Finding) -> list[str]:
            return groups_touched(finding, registry, masks)

    activated, end = _day(timeline.start), _day(timeline.end)
    # A little before activation, so that a disclosure just before it shows; older marks sit
    # at the left edge (their dates are in the list under the picture).
    lead_in = max(30, (end - activated).days // 6)
    start = activated - dt.timedelta(days=lead_in)
    # A disclosure within a year before the activation is drawn, not gathered at the edge:
    # whether people were told before the start is what a reader looks for.
    near = [
        day
        for day in (_day(mark.day) for mark in timeline.marks)
        if activated - dt.timedelta(days=365) <= day < start
    ]
    if near:
        start = min(near) - dt.timedelta(days=7)
    span = max((end - start).days, 1)
    right = WIDTH - 10

    def x(day: dt.date) -> float:
        return LABEL + (right - LABEL) * max(0, min((day - start).days, span)) / span

    rows: list[dict[str, Any]] = []
    group_rows: dict[str, int] = {}
    for index, bar in enumerate(timeline.bars):
        y = TOP + index * ROW
        rects = []
        for segment in bar.segments:
            x0 = x(_day(segment.start))
            x1 = x(_day(segment.end)) if segment.end else x(end)
            until = segment.end or timeline.end
            rects.append(
                Rect(
                    x0,
                    y,
                    max(x1 - x0, 1.5),
                    BAR,
                    f"state-{segment.state}",
                    f"{bar.label}: {STATE_TEXT[segment.state]} from {segment.start} until {until}",
                )
            )
        rows.append({"label": bar.label, "group": bar.group, "y": y, "rects": rects})
        group_rows[bar.group] = y
    shades = []
    bottom = TOP + len(rows) * ROW
    for finding in findings:
        touched = about(finding)
        for period in finding.evidence.get("spans", ()):
            first = _day(period["from"]["first"]) if period.get("from") else start
            last = _day(period["until"]["first"]) if period.get("until") else end
            for group in touched:
                row_y = group_rows.get(group)
                if row_y is not None:
                    shades.append(
                        Rect(
                            x(first) - 0.5,
                            row_y - 4,
                            max(x(last) - x(first), 2) + 1,
                            BAR + 8,
                            "broken",
                            f"{finding.rule_id}: {finding.message}",
                        )
                    )
        late = _late_window(finding)
        if late is not None:  # on the rows of the regions the finding is about
            for group in touched:
                row_y = group_rows.get(group)
                if row_y is not None:
                    shades.append(
                        Rect(
                            x(late[0]),
                            row_y - 3,
                            max(x(late[1]) - x(late[0]), 2),
                            BAR + 6,
                            "late",
                            f"{finding.rule_id}: {finding.message}",
                        )
                    )
    marks = _marks(timeline, start, end, x)
    ticks = []
    for day in _ticks(start, end):
        label = day.isoformat()[:7]
        at = x(day)
        # (the last label would run past the picture's edge: it ends at its tick instead)
        anchor = "end" if at + 2 + len(label) * _CHAR > WIDTH else "start"
        ticks.append({"x": at, "label": label, "anchor": anchor})
    return Picture(bottom + 24, rows, marks, shades, ticks, describe(timeline, findings))


def _marks(timeline: Timeline, start: dt.date, end: dt.date, x: Any) -> list[dict[str, Any]]:
    """The disclosure versions as marks: versions of one day share a mark ("3, 4"); versions
    before the axis share one mark at its left edge ("1, 2 earlier"), those after it one at
    its right edge; a number that would overlap the one before it goes on the next line."""
    by_x: dict[float, dict[str, Any]] = {}
    earlier: list[tuple[int, Any]] = []
    later: list[tuple[int, Any]] = []
    for number, version in enumerate(timeline.marks, 1):
        day = _day(version.day)
        if day < start:
            earlier.append((number, version))
        elif day > end:
            later.append((number, version))
        else:
            at = round(x(day), 1)
            entry = by_x.setdefault(at, {"x": at, "numbers": [], "labels": [], "outside": ""})
            entry["numbers"].append(number)
            entry["labels"].append(version.label)
    out = sorted(by_x.values(), key=lambda m: m["x"])
    for side, items, at in (("earlier", earlier, LABEL), ("later", later, WIDTH - 10)):
        if items:
            out.append(
                {
                    "x": at,
                    "numbers": [n for n, _ in items],
                    "labels": [m.label for _, m in items],
                    "outside": side,
                }
            )
    out.sort(key=lambda m: m["x"])
    ends = [0.0, 0.0, 0.0]  # where the text of each line of numbers ends so far
    for mark in out:
        numbers = ", ".join(map(str, mark["numbers"]))
        mark["number"] = f"{numbers} {mark['outside']}".strip()
        mark["label"] = "; ".join(mark["labels"]) + (
            f" ({'before' if mark['outside'] == 'earlier' else 'after'} the period drawn)"
            if mark["outside"]
            else ""
        )
        width = len(mark["number"]) * _CHAR
        left = mark["x"] + 2
        if mark["outside"] == "later" or left + width > WIDTH:
            left = mark["x"] - 2 - width  # (drawn to the left of its line)
            mark["anchor"] = "end"
        else:
            mark["anchor"] = "start"
        line = next((i for i, end_ in enumerate(ends) if left >= end_ + 3), len(ends) - 1)
        ends[line] = left + width
        mark["line"] = line
        mark["y"] = 11 + 13 * line
    return out


def groups_touched(
    finding: Finding,
    registry: RegionRegistry,
    masks: list[Any],
    jurisdictions: tuple[str, ...] = (),
    offered: set[tuple[str, str]] | None = None,
) -> list[str]:
    """The region groups a finding is about: those its regions touch. A finding that names no
    regions (a late privacy policy, a statement it lacks) is about the groups where the rule's
    ``jurisdictions`` apply and, for a finding about a setting, where ``offered`` (the
    (setting id, group) pairs with a timeline) says the setting was offered at some time:
    California's law is not broken in Europe, nor a rule about a setting where it never ran."""
    if finding.regions:
        try:
            mask = registry.mask_all(finding.regions)
        except UnknownRegionError:
            return []
        return [key for key, _, group in masks if group & mask]
    scope = registry.all_mask
    if jurisdictions:
        with contextlib.suppress(UnknownRegionError):
            scope = registry.mask_all(jurisdictions)
    keys = [key for key, _, group in masks if group & scope]
    if offered is None:
        return keys
    if finding.target_kind == "setting":
        ran = [key for key in keys if (finding.target_id, key) in offered]
        if ran or any(setting == finding.target_id for setting, _ in offered):
            return ran
        return keys  # (a setting without a timeline: no more is known)
    # A statement the disclosures lack matters where the law applies and a setting ran.
    anywhere = {group for _, group in offered}
    return [key for key in keys if key in anywhere] if anywhere else keys


def _late_window(finding: Finding) -> tuple[dt.date, dt.date] | None:
    """From activation to the first disclosure, for a late-disclosure finding."""
    evidence = finding.evidence
    purposes = evidence.get("purposes")
    if not isinstance(purposes, dict) or "activated_at" not in evidence:
        return None
    days = [
        _day(facts["disclosure"]["published_at"]["first"])
        for facts in purposes.values()
        if isinstance(facts, dict)
        and facts.get("status") == "late"
        and isinstance(facts.get("disclosure"), dict)
        and facts["disclosure"].get("published_at")
    ]
    if not days:
        return None
    first = str(evidence["activated_at"]).split("..")[0][:10]
    if len(first) == 7:  # a month: its first day
        first += "-01"
    try:
        return _day(first), max(days)
    except ValueError:
        return None


def _ticks(start: dt.date, end: dt.date) -> list[dt.date]:
    """About six month starts between ``start`` and ``end``."""
    months = (end.year - start.year) * 12 + end.month - start.month
    step = max(1, months // 6)
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(dt.date(year, month, 1))
        month += step
        while month > 12:
            month -= 12
            year += 1
    return [day for day in out if start <= day <= end] or [start]


def describe(timeline: Timeline, findings: list[Finding]) -> str:
    """The picture in words, for screen readers and for print without colour."""
    parts = []
    for bar in timeline.bars:
        periods = [
            f"{STATE_TEXT[s.state]} from {s.start} until {s.end or timeline.end}"
            for s in bar.segments
            if s.state != "absent"
        ]
        parts.append(f"{bar.label}: " + ("; ".join(periods) if periods else "not offered"))
    for mark in timeline.marks:
        parts.append(f"disclosure: {mark.label}")
    for finding in findings:
        parts.append(f"broken: {finding.rule_id} ({finding.message})")
    return ". ".join(parts) + "."
