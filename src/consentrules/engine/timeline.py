"""Timelines of settings for the HTML report: per region group, when a setting was on by
default, with its disclosure versions as marks (:mod:`consentrules.model.timeline`)."""

from __future__ import annotations

from consentrules.engine.evaluation import applicable_mask
from consentrules.engine.evaluation import default_on_masks
from consentrules.engine.evaluation import spans
from consentrules.model import Snapshot
from consentrules.model.dates import PartialDate
from consentrules.model.regions import RegionRegistry
from consentrules.model.snapshot import Setting
from consentrules.model.snapshot import SettingState
from consentrules.model.timeline import REGION_GROUPS
from consentrules.model.timeline import Bar
from consentrules.model.timeline import Mark
from consentrules.model.timeline import Segment
from consentrules.model.timeline import Timeline

#: At most this many settings get a timeline per snapshot (the report is for people).
MAX_TIMELINES = 200


def group_masks(registry: RegionRegistry) -> list[tuple[str, str, int]]:
    """(key, label, bit mask) of each region group; the last is everything else."""
    out = []
    taken = 0
    for key, label, terms in REGION_GROUPS:
        mask = registry.mask_all(terms) if terms is not None else registry.all_mask & ~taken
        taken |= mask
        out.append((key, label, mask))
    return out


def _state(setting_state: SettingState, registry: RegionRegistry, group: int) -> str:
    applicable = applicable_mask(setting_state, registry)
    if applicable is None:
        return "unknown"
    within = applicable & group
    if not within:
        return "absent"
    if setting_state.halted:  # paused, suspended or withdrawn: offered, enrolling no one
        return "paused"
    on, unknown = default_on_masks(setting_state, registry, within)
    if on == within:
        return "on"
    if on:
        return "partly"
    return "unknown" if unknown else "off"


def setting_timeline(
    setting: Setting, snapshot: Snapshot, as_of: PartialDate, registry: RegionRegistry
) -> Timeline | None:
    """The setting's timeline up to ``as_of``, or None when it was not active by then."""
    periods = spans(setting, as_of, "ever")
    if not periods:
        return None
    start = (setting.activated_at or periods[0].start or as_of).first.isoformat()
    end = as_of.last.isoformat()
    bars = []
    for key, label, mask in group_masks(registry):
        segments: list[Segment] = []
        for span in periods:
            first = span.start.first.isoformat() if span.start else start
            last = span.end.first.isoformat() if span.end else None
            state = _state(span.state, registry, mask)
            if segments and segments[-1].state == state and segments[-1].end == first:
                segments[-1] = Segment(segments[-1].start, last, state)
            else:
                segments.append(Segment(first, last, state))
        bars.append(Bar(key, label, tuple(segments)))
    marks = []
    for document in snapshot.disclosures:
        kind = document.kind.replace("_", " ")
        for version in document.versions:
            day = version.published_at
            if day is None or day.first > as_of.last:
                continue
            marks.append(
                Mark(
                    day.first.isoformat(),
                    day.last.isoformat(),
                    f"{kind} {version.version} ({day.text})",
                    document.kind,
                )
            )
    return Timeline(setting.id, setting.title or setting.id, start, end, tuple(bars), tuple(marks))


def timelines(
    snapshot: Snapshot, as_of: PartialDate, registry: RegionRegistry
) -> tuple[Timeline, ...]:
    out = []
    for setting in snapshot.settings[:MAX_TIMELINES]:
        found = setting_timeline(setting, snapshot, as_of, registry)
        if found is not None:
            out.append(found)
    return tuple(out)
