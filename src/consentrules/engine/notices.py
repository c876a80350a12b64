"""When people were told: the notice facts of a setting (``notice.first_at``,
``notice.before_start``) for the people in question.

A disclosure version counts as notice of a purpose for the regions it addresses (every region
when it names none), and only for the purposes it names. People in a set of regions were told
of a setting's purposes once, for each purpose, the versions naming it that were published
by then reach every one of those regions: a notice to US users does not tell Europeans, and a
notice naming another purpose of the same setting does not tell them of this one.

Dates may be ranges (a month) and versions may be undated: the verdict ``before_start`` is
True only if it holds for every day the dates allow, False only if it fails for every day
(an undated version that would reach the regions could have come at any time), and None
(not evaluable) otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from consentrules.engine.evaluation import EvalContext
from consentrules.model import Setting
from consentrules.model.dates import PartialDate


@dataclass(frozen=True)
class NoticeFacts:
    """What the disclosures show of notice to the people in question.

    ``first_at``: the version by whose (earliest possible) date every purpose had reached
    every region in question, None where that never happened among the dated versions.
    ``before_start``: whether that happened on or before the setting's activation (three
    valued; None when the snapshot cannot tell).
    """

    first_at: PartialDate | None
    before_start: bool | None


#: Notices addressed to each user concerned (an email, an in-product message): information
#: given to them, not a document they would have to find.
DIRECT_KINDS = frozenset({"direct_notice", "email_notice", "in_product_notice"})
#: What a person saw where they switched a practice on themselves (the switch's own words).
OPT_IN_KINDS = frozenset({"opt_in_notice"})


def notice_facts(
    setting: Setting,
    ctx: EvalContext,
    scope: int | None,
    purposes: Iterable[str] | None = None,
    kinds: frozenset[str] | None = None,
) -> NoticeFacts:
    """The notice facts for the people of ``scope`` (a region bit mask; None: the snapshot
    does not say where the setting applies, so only notices to everyone certainly count) of
    ``purposes`` (default: every purpose of the setting), from documents of ``kinds`` (default:
    every document)."""
    wanted = tuple(dict.fromkeys(purposes if purposes is not None else setting.purposes))
    start = setting.activated_at
    if not wanted or scope == 0:
        return NoticeFacts(None, None)
    everyone = ctx.regions.all_mask
    table = _by_purpose(ctx.snapshot.disclosures, ctx.regions, kinds)
    # Unknown regions: only notices to everyone certainly reach them; any might.
    certain_need = everyone if scope is None else scope
    possible_need = scope  # None: any reach might do
    latest: tuple[Any, PartialDate] | None = None  # the purpose told last, by earliest day
    never_told = False
    certainly_before = possibly_before = True
    for purpose in wanted:
        items, undated = table.get(purpose, ((), 0))
        told = _covered_at(items, possible_need)
        if told is None:
            never_told = True
        elif latest is None or told[0] > latest[0]:
            latest = (told[0], told[3])
        if start is None:
            continue
        # Certainly before: the versions certainly published by the start reach everyone.
        if _covered_at([i for i in items if i[1] <= start.first], certain_need) is None:
            certainly_before = False
        # Possibly before: those possibly published by then, with the undated ones.
        maybe = [i for i in items if i[0] <= start.last]
        if undated:
            maybe.insert(0, (None, None, undated, None))
        if _covered_at(maybe, possible_need) is None:
            possibly_before = False
    first_at = None if never_told or latest is None else latest[1]
    if start is None:
        return NoticeFacts(first_at, None)
    if certainly_before:
        return NoticeFacts(first_at, True)
    return NoticeFacts(first_at, None if possibly_before else False)


#: Per snapshot (its disclosures, kept alive with the entry): purpose -> its dated versions as
#: (first day, last day, reach mask, date) in date order, and the reach of its undated ones.
_TABLES: dict[tuple[int, Any], tuple[Any, dict[str, tuple[tuple[Any, ...], int]]]] = {}


def _by_purpose(
    disclosures: Any, registry: Any, kinds: frozenset[str] | None = None
) -> dict[str, tuple[tuple[Any, ...], int]]:
    key = (id(disclosures), kinds)
    cached = _TABLES.get(key)
    if cached is not None and cached[0] is disclosures:
        return cached[1]
    everyone = registry.all_mask
    dated: dict[str, list[tuple[Any, Any, int, PartialDate]]] = {}
    undated: dict[str, int] = {}
    for document in disclosures:
        if kinds is not None and document.kind not in kinds:
            continue
        for version in document.versions:
            if not version.usable:
                continue
            reach = everyone if version.regions is None else registry.mask_all(version.regions)
            day = version.published_at
            for purpose in version.purposes:
                if day is None:
                    undated[purpose] = undated.get(purpose, 0) | reach
                else:
                    dated.setdefault(purpose, []).append((day.first, day.last, reach, day))
    table = {
        purpose: (
            tuple(sorted(dated.get(purpose, ()), key=lambda i: (i[0], i[1]))),
            undated.get(purpose, 0),
        )
        for purpose in {*dated, *undated}
    }
    if len(_TABLES) > 16:
        _TABLES.clear()
    _TABLES[key] = (disclosures, table)
    return table


def _covered_at(
    items: Iterable[tuple[Any, Any, int, Any]], need: int | None
) -> tuple[Any, Any, int, Any] | None:
    """The item (in the given order) at which the versions' accumulated reach first covers
    ``need`` (None: regions unknown, any reach might do); None if never."""
    reach = 0
    for item in items:
        reach |= item[2]
        if (reach != 0) if need is None else (need & ~reach == 0):
            return item
    return None
