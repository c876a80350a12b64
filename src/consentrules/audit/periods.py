"""The periods and regions a ledger audit counts users in."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any


@dataclasses.dataclass(frozen=True)
class Span:
    """One period of a finding and the region codes at fault in it."""

    start: dt.datetime
    end: dt.datetime
    codes: frozenset[str]


def region_codes(terms: Any, registry: Any) -> frozenset[str]:
    """The ISO codes a ledger's ``region`` may hold that the terms cover: each leaf, and each
    country (or division) all of whose leaves are covered."""
    leaves: set[str] = set()
    for term in terms:
        leaves |= registry.expand(term)
    codes = set(leaves)
    for leaf in leaves:
        for ancestor in registry.ancestors(leaf):
            if registry.expand(ancestor) <= leaves:
                codes.add(ancestor)
    return frozenset(codes)
