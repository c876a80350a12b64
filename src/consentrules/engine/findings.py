"""Building findings: judging one setting at a time, naming the regions and periods at fault, and
saying what is missing where the snapshot cannot decide (public API for check kinds)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from consentrules.engine.evaluation import WHEN_CHOICES
from consentrules.engine.evaluation import EvalContext
from consentrules.engine.evaluation import Span
from consentrules.engine.evaluation import _doubt_before
from consentrules.engine.evaluation import default_on_masks
from consentrules.engine.evaluation import join_periods
from consentrules.model import Finding
from consentrules.model import Rule
from consentrules.model import Setting
from consentrules.model import Status
from consentrules.model.evidence import date_facts
from consentrules.model.regions import RegionRegistry
from consentrules.model.vocabulary import AGE_GROUP_WORDS
from consentrules.model.vocabulary import AGE_GROUPS


# Building findings -----------------------------------------------------------------------------
class PerSettingCheck:
    """Base for check kinds that judge one selected setting at a time."""

    #: Findings about a setting depend on that setting alone: a large snapshot may be
    #: checked in runs of its settings (see docs/plugins.md).
    per_setting = True

    def evaluate(
        self, rule: Rule, settings: Sequence[Setting], ctx: EvalContext
    ) -> Iterator[Finding]:
        for setting in settings:
            finding = self.check_setting(rule, setting, ctx)
            if finding is not None:
                yield finding

    def check_setting(self, rule: Rule, setting: Setting, ctx: EvalContext) -> Finding | None:
        raise NotImplementedError


def never_on_by_default(setting: Setting) -> bool:
    """Whether no user is ever enrolled by default, anywhere: off, with no per-region
    overrides and no history (most settings of a large snapshot; checks skip them at once)."""
    return setting.default is False and not setting.region_defaults and not setting.history


def default_on_in(
    span: Span, within: int, setting: Setting, ctx: EvalContext, gaps: list[str]
) -> int:
    """The leaves of ``within`` (a bit mask) where users are enrolled by default in this span;
    where the snapshot cannot tell, a gap is added to ``gaps`` saying where and why."""
    on, unknown = default_on_masks(span.state, ctx.regions, within)
    if unknown:
        gaps.append(unknown_default_gap(unknown, within, setting, ctx))
    return on


def unknown_default_gap(unknown: int, within: int, setting: Setting, ctx: EvalContext) -> str:
    """Say where the default cannot be told (bit masks), and why when the snapshot says."""
    if unknown == within and not setting.default_note:
        return "the snapshot does not say whether users are enrolled by default"
    where = ctx.regions.describe_mask(unknown)
    text = f"users are possibly enrolled by default in {where}"
    return f"{text} ({setting.default_note})" if setting.default_note else text


def uncertain_span_gap(span: Span, ctx: EvalContext) -> str:
    """Why a span that offends may not count: a possible violation, not a definite one."""
    reason = span.doubt
    if not reason and span.start is not None:
        reason = _doubt_before(span.start, ctx.as_of)
    period = span.describe()
    where = f" {period}" if period else ""
    return f"possibly in breach{where}: {reason or 'a month-only date leaves it open'}"


def gap_finding(
    ctx: EvalContext, rule: Rule, setting: Setting, gaps: Iterable[str]
) -> Finding | None:
    """A not-evaluable finding listing what is missing, or None when nothing is."""
    unique = list(dict.fromkeys(gaps))
    if not unique:
        return None
    return ctx.setting_finding(
        rule, setting, "not evaluable: " + "; ".join(unique), status=Status.NOT_EVALUABLE
    )


def joined_spans(offending: list[tuple[Span, int]]) -> list[tuple[Span, int]]:
    """Join consecutive periods with the same offending regions (bit masks)."""
    merged: list[tuple[Span, int]] = []
    for span, leaves in offending:
        if merged and merged[-1][1] == leaves and merged[-1][0].end == span.start:
            previous = merged[-1][0]
            merged[-1] = (Span(span.state, previous.start, span.end, span.certain), leaves)
        else:
            merged.append((span, leaves))
    return merged


def merge_spans(offending: list[tuple[Span, int]]) -> list[tuple[str, int]]:
    """:func:`joined_spans`, each period described in words."""
    return [(span.describe(), leaves) for span, leaves in joined_spans(offending)]


def span_facts(spans: list[tuple[Span, int]]) -> list[dict[str, Any]]:
    """The periods as ISO 8601 fields: ``from`` and ``until`` (null: still holds on the
    evaluation date), each the first and last day it may be (a month-only date is a range)."""
    return [{"from": date_facts(span.start), "until": date_facts(span.end)} for span, _ in spans]


def region_finding(
    ctx: EvalContext,
    rule: Rule,
    setting: Setting,
    lead: str,
    offending: list[tuple[Span, int]],
    tail: str = "",
    gaps: Iterable[str] = (),
    problem: str = "default_on",
) -> Finding:
    """A violation naming each offending set of regions with its period.

    ``offending`` pairs a span with the bit mask of the leaves at fault in it; ``gaps`` says
    what the snapshot leaves open beside them (a region whose default is unknown): every
    region is accounted for, not only those at fault. ``problem`` names what is wrong there
    (``default_on`` or ``active``).
    """
    registry = ctx.regions
    spans = joined_spans(offending)
    periods = [(span.describe(), mask) for span, mask in spans]
    parts = [f"in {registry.describe_mask(mask)} {period}".strip() for period, mask in periods]
    union_mask = 0
    for _, mask in periods:
        union_mask |= mask
    past = "resolved, in the past: " if getattr(rule.prepared, "when", None) == "history" else ""
    countries = registry.count_countries_mask(union_mask)
    note = _territories_note(registry, union_mask, countries)
    evidence: dict[str, Any] = {
        # what is wrong there: users enrolled by default ("default_on"), or the practice
        # running at all ("active"); reports join findings of one problem across rules
        "problem": problem,
        "regions_count": countries,
        "periods": [period for period, _ in periods],
        # each period with the regions at fault in it (a ledger audit counts users by these)
        "spans": [
            {**facts, "regions": registry.collapse_mask(mask)}
            for facts, (_, mask) in zip(span_facts(spans), spans, strict=True)
        ],
    }
    unique = list(dict.fromkeys(gaps))
    if unique:
        tail += f"; also not evaluable: {'; '.join(unique)}"
        evidence["not_evaluable"] = unique
    return ctx.setting_finding(
        rule,
        setting,
        f"{past}{lead} {join_periods(parts)}{note}{tail}",
        regions=registry.collapse_mask(union_mask),
        evidence=evidence,
    )


def _territories_note(registry: RegionRegistry, mask: int, countries: int) -> str:
    """Why a few named regions count as the EU: Réunion (``RE``) is France, but a list of the
    member states that says ``FR`` leaves it out, so a finding naming it needs the reason. Only
    where the message names the regions one by one (``countries`` within describe's limit)."""
    own = mask & _eu_territories(registry)
    if not own or countries > _NAMED_ONE_BY_ONE:
        return ""
    what = (
        "a territory of an EU member state with a country code of its own"
        if registry.count_countries_mask(own) == 1
        else "territories of EU member states with country codes of their own"
    )
    return f" ({registry.describe_mask(own)}: {what}, where EU law applies)"


#: How many countries a finding's message names one by one (describe_mask's default limit).
_NAMED_ONE_BY_ONE = 12


@lru_cache(maxsize=4)
def _eu_territories(registry: RegionRegistry) -> int:
    """The bits of the EU's regions that ISO 3166-1 codes as countries apart from their
    member state (``FR-974`` is ``RE``)."""
    eu = registry.groups.get("EU")
    if eu is None:
        return 0
    codes = {code for code in registry.aliases.values() if code in registry.countries}
    return registry.mask(eu.leaves) & registry.mask_all(sorted(codes))


def prepare_regions_mask(terms: Any, registry: RegionRegistry, key: str = "regions") -> int | None:
    """:func:`prepare_regions` as a bit mask."""
    leaves = prepare_regions(terms, registry, key)
    return None if leaves is None else registry.mask(leaves)


def prepare_regions(
    terms: Any, registry: RegionRegistry, key: str = "regions"
) -> frozenset[str] | None:
    """Expand a check parameter's region terms once, at load time.

    :raises ParamError: for an unknown term, pointing at it, with "did you mean".
    """
    from consentrules.model.regions import UnknownRegionError
    from consentrules.plugin.registry import ParamError

    if terms is None:
        return None
    leaves: set[str] = set()
    for index, term in enumerate(terms):
        try:
            leaves |= registry.expand(term)
        except UnknownRegionError as exc:
            raise ParamError(str(exc), (key, index)) from None
    return frozenset(leaves)


REGIONS_PARAM: dict[str, Any] = {
    "type": "array",
    "items": {"type": "string", "pattern": "^[A-Za-z]{2,12}(-[A-Za-z0-9]{1,3})?$"},
    "minItems": 1,
    "uniqueItems": True,
}
GROUP_PARAM: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "description": "A group of users (under_13, under_16, minors: under 18; or any other "
    "token): judge the setting's default for that group where the snapshot states one "
    "(group_defaults; for an age group, also a wider age group's), else its general default.",
}


def for_group(setting: Setting, group: str) -> Setting:
    """The setting as the users of ``group`` meet it: its ``group_defaults`` entry for the
    group, or else for the narrowest age group containing it (``AGE_GROUPS``: a default for
    minors is also one for users under 16), is their default everywhere and throughout
    (changes to the general default do not reach it); without one, they get the general
    default."""
    stated = dict(setting.group_defaults)
    for name in AGE_GROUPS.get(group, (group,)):
        if name in stated:
            history = tuple(
                dataclasses.replace(entry, default=None, region_defaults=None)
                for entry in setting.history
            )
            return dataclasses.replace(
                setting, default=stated[name], region_defaults=(), history=history
            )
    return setting


def group_words(group: str) -> str:
    """The users of a group, in words."""
    return AGE_GROUP_WORDS.get(group, group.replace("_", " "))


def group_excluded(setting: Setting, group: str) -> bool:
    """Whether the setting states it never reaches ``group`` (or an age group containing it)."""
    return any(name in setting.excluded_groups for name in AGE_GROUPS.get(group, (group,)))


def group_default_stated(setting: Setting, group: str) -> bool:
    """Whether the setting states a default that reaches ``group``."""
    stated = {name for name, _ in setting.group_defaults}
    return any(name in stated for name in AGE_GROUPS.get(group, (group,)))


WHEN_PARAM: dict[str, Any] = {
    "enum": list(WHEN_CHOICES),
    "description": "ever (default): any state from activation to the evaluation date; "
    "as_of: only the state on the evaluation date; history: only past states, those that "
    "ended before the evaluation date (findings say they are resolved).",
}
