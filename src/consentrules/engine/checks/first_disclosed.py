"""When each purpose was first disclosed, to whom, and to which users: the facts the
``disclosure_timing`` check compares with a setting's activation."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from consentrules.engine.evaluation import EvalContext
from consentrules.engine.evaluation import spans
from consentrules.model import Disclosure
from consentrules.model import DisclosureVersion
from consentrules.model import Setting
from consentrules.model.dates import PartialDate


def addressed(
    versions: list[tuple[Disclosure, DisclosureVersion, PartialDate]],
    setting: Setting,
    ctx: EvalContext,
) -> list[tuple[Disclosure, DisclosureVersion, PartialDate]]:
    """The versions that reach every user of the setting: those addressed to everyone, and
    those whose regions cover every region where the setting applies on the evaluation date
    (none, where the snapshot does not say where it applies)."""
    current = spans(setting, ctx.as_of, "as_of")
    state = current[-1].state if current else setting.initial_state
    applies = ctx.applicable_mask(state)
    out = []
    for item in versions:
        regions = item[1].regions
        if regions is None or (
            applies is not None and applies & ~ctx.regions.mask_all(regions) == 0
        ):
            out.append(item)
    return out


def first_disclosures(
    versions: list[tuple[Disclosure, DisclosureVersion, PartialDate]], need: str = ""
) -> dict[str, tuple[Any, Any, tuple[Disclosure, DisclosureVersion, PartialDate]]]:
    """Per purpose, once per snapshot and kind of recipient: the earliest possible and the
    earliest certain day it was disclosed, and the version that disclosed it first. With
    ``need`` (``third_parties`` or ``affiliates``), only statements that the purpose is
    carried out by or shared with them count, where a version says who."""
    firsts: dict[str, Any] = {}
    wanted = frozenset((need,)) if need else frozenset()
    shown: dict[str, set[str]] = {}  # per document, the purposes its versions showed so far
    for item in versions:
        day = item[2]
        before = shown.setdefault(item[0].id, set())
        for purpose in item[1].purposes:
            if wanted and not item[1].discloses(purpose, wanted):
                continue
            if item[1].capture == "reread" and purpose not in before:
                # First shown when the archive re-read the page: it may have been there unseen.
                day = PartialDate(_UNSEEN_SINCE, day.last, f"on or before {day.last}")
            entry = (item[0], item[1], day)
            known = firsts.get(purpose)
            if known is None:
                firsts[purpose] = (day.first, day.last, entry)
            else:
                earliest = min(known[2], entry, key=lambda i: (i[2].first, i[2].last))
                firsts[purpose] = (min(known[0], day.first), min(known[1], day.last), earliest)
            day = item[2]
        before.update(item[1].purposes)
    return firsts


#: The earliest day a statement first shown by a re-reading of the page may date from.
_UNSEEN_SINCE = _dt.date(1900, 1, 1)


def last_first(prepared: Any, setting: Setting, firsts: dict[str, Any]) -> Any:
    """The day by which every purpose of the setting (those the rule names) was certainly
    disclosed, or None where one never was or the rule judges none (the full check decides)."""
    purposes = setting.purposes
    if prepared.purposes is not None:
        purposes = tuple(p for p in purposes if p in prepared.purposes)
    if not purposes:
        return None
    days = []
    for purpose in purposes:
        known = firsts.get(purpose)
        if known is None:
            return None
        days.append(known[1])
    return max(days)


def need_of(setting: Setting) -> str:
    """Who, besides the platform, the setting's data goes to, as far as disclosure goes:
    ``third_parties``, ``affiliates`` or "" (the platform itself, or its processors)."""
    for recipient in ("third_parties", "affiliates"):
        if recipient in setting.recipients:
            return recipient
    return ""


def what(purpose: str, need: str) -> str:
    return f"{purpose} by or with {need.replace('_', ' ')}" if need else purpose


def basis(version: DisclosureVersion) -> str:
    """What a version's date rests on, in brackets, where its reader said."""
    return f" ({version.dated_by})" if version.dated_by else ""


def when_text(day: PartialDate) -> str:
    """``on 2024-09-18``, ``between 2024-08-01 and 2024-09-19``, or ``on or before ...``."""
    if day.precise:
        return f"on {day}"
    if day.text.startswith("on or before"):
        return day.text
    return f"between {day.first} and {day.last}"
