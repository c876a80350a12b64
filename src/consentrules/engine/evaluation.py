"""What check kinds need to evaluate a rule: the context, settings over time, regions.

This module is public API for plugin authors writing their own check kinds.

Settings over time
    A setting's own fields describe it as activated; ``history`` lists later changes. A check
    looks either at the state on the evaluation date (``when: as_of``) or at every state the
    setting has had from activation up to the evaluation date (``when: ever``, the default of
    the built-in kinds: a practice that ran in the UK for two months and then stopped is still
    a finding). Each state comes as a :class:`Span` with its period and whether it certainly
    lies before the evaluation date, which it may not when a history date is only a month.

Regions
    :func:`applicable_leaves` is where a state's practice applies; :func:`default_on_leaves` is
    where users are enrolled by default, the most specific ``region_defaults`` entry winning.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache
from typing import Any

from consentrules.model import Finding
from consentrules.model import Rule
from consentrules.model import Setting
from consentrules.model import SettingState
from consentrules.model import Snapshot
from consentrules.model import Status
from consentrules.model.dates import PartialDate
from consentrules.model.regions import RegionRegistry

WHEN_CHOICES = ("ever", "as_of", "history")


@dataclass(frozen=True)
class Span:
    """A state of a setting and the period it held.

    ``certain`` is False when the verdict on the span depends on the day of a month-only date:
    the span may begin after the evaluation date, or it may be empty (a change in the same
    month as the activation may have come on its first day). ``doubt`` then says which.
    """

    state: SettingState
    start: PartialDate | None
    end: PartialDate | None  # None: still holds on the evaluation date
    certain: bool = True
    doubt: str = ""

    def describe(self) -> str:
        if self.start is None and self.end is None:
            return ""
        if self.end is None:
            return f"since {self.start}" if self.start else ""
        if self.start is None:
            return f"until {self.end}"
        return f"from {self.start} until {self.end}"


@dataclass
class EvalContext:
    """Everything a check kind may use while evaluating one rule against one snapshot."""

    snapshot: Snapshot
    as_of: PartialDate
    regions: RegionRegistry
    options: Mapping[str, Any] = field(default_factory=dict)
    _scope_masks: dict[int, int] = field(default_factory=dict, repr=False)

    def applicable_mask(self, state: SettingState) -> int | None:
        """:func:`applicable_mask`, remembered per region scope object of this snapshot."""
        scope = state.regions
        if scope is None:
            return None
        mask = self._scope_masks.get(id(scope))
        if mask is None:
            mask = self._scope_masks[id(scope)] = _applicable(
                self.regions, scope.include, scope.exclude
            )
        return mask

    def finding(
        self,
        rule: Rule,
        *,
        target_kind: str,
        target_id: str,
        pointer: str,
        message: str,
        status: Status = Status.VIOLATION,
        regions: Iterable[str] = (),
        evidence: Mapping[str, Any] | None = None,
    ) -> Finding:
        return Finding(
            rule_id=rule.id,
            severity=rule.severity,
            status=status,
            message=message,
            snapshot=self.snapshot.path,
            platform=self.snapshot.platform,
            target_kind=target_kind,
            target_id=target_id,
            regions=tuple(regions),
            pointer=pointer,
            evidence=dict(evidence or {}),
        )

    def setting_finding(
        self,
        rule: Rule,
        setting: Setting,
        message: str,
        *,
        status: Status = Status.VIOLATION,
        regions: Iterable[str] = (),
        evidence: Mapping[str, Any] | None = None,
    ) -> Finding:
        return self.finding(
            rule,
            target_kind="setting",
            target_id=setting.id,
            pointer=setting.pointer,
            message=message,
            status=status,
            regions=regions,
            evidence=evidence,
        )


# Time ------------------------------------------------------------------------------------------
def active_on(setting: Setting, as_of: PartialDate) -> bool | None:
    """Whether the setting existed on the evaluation date: True, False (activated later), or
    None when a month-only date leaves it open."""
    if setting.activated_at is None:
        return True
    return setting.activated_at.is_on_or_before(as_of)


def _doubt_before(date: PartialDate, as_of: PartialDate) -> str:
    return (
        f"a change dated {date} may or may not precede the evaluation date {as_of.describe_range()}"
    )


def spans(setting: Setting, as_of: PartialDate, when: str = "ever") -> list[Span]:
    """The states to judge a setting by (none when it was activated after ``as_of``).

    ``as_of``: the state on the evaluation date; more than one span when a history entry's
    partial date may or may not lie before it. ``ever``: every state from activation on.
    ``history``: the states that ended before the evaluation date (what ``ever`` gives but the
    current state): past, resolved periods.
    A span is uncertain when a month-only date may put it after ``as_of`` or make it empty.
    """
    active = active_on(setting, as_of)
    if active is False:
        return []
    state = setting.initial_state
    start = setting.activated_at
    doubt = "" if active else _activation_doubt(setting, as_of)
    if when == "as_of":
        current = [Span(state, start, None, not doubt, doubt)]
        for entry in setting.history:
            before = entry.date.is_on_or_before(as_of)
            if before is True:
                state = entry.apply(state)
                current = [Span(state, entry.date, None, not doubt, doubt)]
            elif before is None:
                state = entry.apply(state)
                reason = doubt or _doubt_before(entry.date, as_of)
                current.append(Span(state, entry.date, None, False, reason))
        return current
    out: list[Span] = []
    for entry in setting.history:
        before = entry.date.is_on_or_before(as_of)
        if before is False:
            break
        if start is not None and start.precise and start == entry.date:
            pass  # an empty span: the change came on the day the state began
        else:
            span_doubt = doubt or _empty_doubt(start, entry.date)
            out.append(Span(state, start, entry.date, not span_doubt, span_doubt))
        state = entry.apply(state)
        start = entry.date
        if before is None and not doubt:
            doubt = _doubt_before(entry.date, as_of)
    if when != "history":
        out.append(Span(state, start, None, not doubt, doubt))
    return out


def ever_on_by_default(setting: Setting) -> bool:
    """Whether the setting enrols users by default somewhere at some time (on by default, or
    a region default or a history entry turning it on). An unknown default counts as on: a
    rule about default-on practices must still see it, and say it cannot tell."""
    if setting.default is not False:
        return True
    if any(value is not False for _, value in setting.region_defaults):
        return True
    return any(
        entry.default is True
        or (entry.region_defaults and any(v is not False for _, v in entry.region_defaults))
        for entry in setting.history
    )


def inactive_settings(settings: Sequence[Setting], as_of: PartialDate) -> list[str]:
    """Ids of the settings activated certainly after ``as_of``: they did not exist yet, and no
    rule judges them."""
    last = as_of.last
    return [s.id for s in settings if s.activated_at is not None and s.activated_at.first > last]


def _activation_doubt(setting: Setting, as_of: PartialDate) -> str:
    return (
        f"the setting was activated {setting.activated_at}, which may or may not precede the "
        f"evaluation date {as_of.describe_range()}"
    )


def _empty_doubt(start: PartialDate | None, end: PartialDate) -> str:
    """Why a span from ``start`` until ``end`` may have lasted no day at all, or ''."""
    if start is None or start.last < end.first:
        return ""
    return (
        f"the period from {start} until {end} may have lasted no day at all (a month-only "
        "date: the change may have come on the day the state began)"
    )


# Regions ---------------------------------------------------------------------------------------
def applicable_leaves(state: SettingState, registry: RegionRegistry) -> frozenset[str] | None:
    """Where the practice applies, or None when the snapshot does not say."""
    mask = applicable_mask(state, registry)
    return None if mask is None else registry.leaves_of(mask)


def applicable_mask(state: SettingState, registry: RegionRegistry) -> int | None:
    """:func:`applicable_leaves` as a bit mask (see :meth:`RegionRegistry.mask`)."""
    if state.regions is None:
        return None
    return _applicable(registry, state.regions.include, state.regions.exclude)


@lru_cache(maxsize=1 << 16)
def _applicable(
    registry: RegionRegistry, include: tuple[str, ...], exclude: tuple[str, ...]
) -> int:
    return registry.scope_mask(include, exclude)


def default_on_leaves(
    state: SettingState, registry: RegionRegistry, within: frozenset[str]
) -> tuple[frozenset[str], frozenset[str]]:
    """``(on, unknown)``: leaves of ``within`` enrolled by default, and those it cannot tell."""
    on, unknown = default_on_masks(state, registry, registry.mask(within))
    return registry.leaves_of(on), registry.leaves_of(unknown)


def enrols_no_one(state: SettingState) -> bool:
    """Whether, in this state, no user anywhere is enrolled by default (off everywhere, or the
    practice halted): a rule about default-on practices has nothing to judge, wherever the
    setting applies."""
    if state.halted:
        return True
    return state.default is False and all(value is False for _, value in state.region_defaults)


def default_on_masks(state: SettingState, registry: RegionRegistry, within: int) -> tuple[int, int]:
    """:func:`default_on_leaves` on bit masks; the most specific override wins. A paused,
    suspended or withdrawn practice enrols no one."""
    if state.status != "active" and state.halted:
        return 0, 0
    default = state.default
    on = within if default is True else 0
    unknown = within if default is None else 0
    # Broadest first, so the most specific entry is applied last and wins.
    for term, value in _by_breadth(registry, state.region_defaults):
        covered = registry.mask_all((term,)) & within
        on = (on & ~covered) | (covered if value is True else 0)
        unknown = (unknown & ~covered) | (covered if value is None else 0)
    return on, unknown


@lru_cache(maxsize=4096)
def _by_breadth(
    registry: RegionRegistry, overrides: tuple[tuple[str, bool | None], ...]
) -> tuple[tuple[str, bool | None], ...]:
    return tuple(sorted(overrides, key=lambda item: -registry.weight(item[0])))


def join_periods(parts: list[str]) -> str:
    return "; ".join(p for p in parts if p)
