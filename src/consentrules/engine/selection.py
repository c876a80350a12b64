"""Which settings a rule's selector picks: by purpose, data category and recipient through an
index built once per snapshot, then by the keys the index cannot answer (ids, regions,
default, practice, legal basis)."""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Sequence
from typing import Any

from consentrules.engine.evaluation import EvalContext
from consentrules.engine.evaluation import applicable_mask
from consentrules.engine.evaluation import default_on_masks
from consentrules.engine.evaluation import ever_on_by_default
from consentrules.engine.evaluation import spans
from consentrules.model import Selector
from consentrules.model import Setting


def selects(selector: Selector, setting: Setting, ctx: EvalContext) -> bool:
    """Whether a rule's selector picks a setting (every key given must match)."""
    if selector.purposes is not None and not _any_in(selector.purposes, setting.purposes):
        return False
    if selector.data_categories is not None and not _any_in(
        selector.data_categories, setting.data_categories
    ):
        return False
    if selector.recipients is not None and not _any_in(selector.recipients, setting.recipients):
        return False
    if selector.ids is not None and not any(
        fnmatch.fnmatchcase(setting.id, pattern) for pattern in selector.ids
    ):
        return False
    if selector.practice is not None and setting.practice not in selector.practice:
        return False
    if selector.legal_basis is not None and not any(
        basis in selector.legal_basis for _, basis in setting.legal_basis
    ):
        return False
    if selector.default is not None and on_by_default(setting, ctx) != selector.default:
        return False
    if selector.any is not None and not any(selects(sub, setting, ctx) for sub in selector.any):
        return False
    if selector.none is not None and any(selects(sub, setting, ctx) for sub in selector.none):
        return False
    if selector.regions is not None:
        wanted = ctx.regions.mask_all(selector.regions)
        for span in spans(setting, ctx.as_of, "ever"):
            leaves = applicable_mask(span.state, ctx.regions)
            # Unknown regions: selected, so that the check can say it cannot evaluate.
            if leaves is None or leaves & wanted:
                return True
        return False
    return True


class SettingIndex:
    """Settings indexed by purpose, data category and recipient, built once per snapshot.

    A rule then looks only at the settings its selector can match, so checking many rules
    costs in proportion to the settings each selects, not rules times settings.
    """

    FIELDS = ("purposes", "data_categories", "recipients")

    def __init__(self, settings: Sequence[Setting]) -> None:
        self.settings = settings
        self._by: dict[str, dict[str, list[int]]] = {}
        # Per setting (and evaluation date): where it ever applied, as one bit mask (None:
        # somewhere the snapshot does not say). Every rule that selects by region asks it.
        self._ever: dict[tuple[int, Any], int | None] = {}
        self._masks: dict[int, int] = {}

    def _table(self, name: str) -> dict[str, list[int]]:
        """The index of one field, built the first time a rule selects by it."""
        table = self._by.get(name)
        if table is None:
            from collections import defaultdict
            from operator import attrgetter

            positions: defaultdict[str, list[int]] = defaultdict(list)
            for position, values in enumerate(map(attrgetter(name), self.settings)):
                for value in values:
                    positions[value].append(position)
            table = self._by[name] = dict(positions)
        return table

    def candidates(self, selector: Selector) -> Sequence[Setting]:
        """The settings that can match ``selector`` by its indexed keys, in snapshot order."""
        chosen: set[int] | None = None
        for name in self.FIELDS:
            wanted = getattr(selector, name)
            if wanted is None:
                continue
            table = self._table(name)
            found: set[int] = set()
            for value in wanted:
                found.update(table.get(value, ()))
            chosen = found if chosen is None else chosen & found
            if not chosen:
                return []
        if chosen is None:
            return self.settings
        return [self.settings[position] for position in sorted(chosen)]

    def select(self, selector: Selector, ctx: EvalContext) -> list[Setting]:
        """The settings ``selector`` picks (the same as testing each with :func:`selects`)."""
        candidates = self.candidates(selector)
        rest = selector.rest()
        if rest is None:
            return list(candidates)  # the indexed keys were all there was to test
        if rest.regions is None:
            return [s for s in candidates if selects(rest, s, ctx)]
        wanted = ctx.regions.mask_all(rest.regions)
        others = dataclasses.replace(rest, regions=None).rest()
        chosen = []
        for setting in candidates:
            if others is not None and not selects(others, setting, ctx):
                continue
            ever = self._ever_mask(setting, ctx)
            if ever is None or ever & wanted:
                chosen.append(setting)
        return chosen

    def _ever_mask(self, setting: Setting, ctx: EvalContext) -> int | None:
        key = (id(setting), ctx.as_of)
        if key in self._ever:
            return self._ever[key]
        union = 0
        for span in spans(setting, ctx.as_of, "ever"):
            leaves = applicable_mask(span.state, ctx.regions)
            if leaves is None:
                self._ever[key] = None
                return None
            union |= leaves
        # Settings share a few region masks of ~600 bytes each: keep one copy of each.
        union = self._masks.setdefault(union, union)
        self._ever[key] = union
        return union


def _any_in(wanted: tuple[str, ...], have: tuple[str, ...]) -> bool:
    return any(value in have for value in wanted)


def on_by_default(setting: Setting, ctx: EvalContext) -> bool:
    """Whether users were enrolled by default, or may have been, where the setting applied at
    some time up to the evaluation date: a default for a region where it does not run is no
    such fact (an unknown default, or unknown regions, count as on, so that rules about
    default-on practices still see the setting and can say what they cannot tell)."""
    if not ever_on_by_default(setting):
        return False
    for span in spans(setting, ctx.as_of, "ever"):
        applies = ctx.applicable_mask(span.state)
        if applies is None:
            return True
        on, unknown = default_on_masks(span.state, ctx.regions, applies)
        if on or unknown:
            return True
    return False
