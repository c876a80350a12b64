"""The legal bases a condition may test: ``legal_basis_here`` (the bases recorded for the
regions a rule looks at) and ``legal_basis_in.REGION`` (the basis recorded for one region)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from consentrules.model.regions import UnknownRegionError


def bases_in(
    pairs: tuple[tuple[str, str], ...], registry: Any, scope: int | None
) -> list[str] | None:
    """``legal_basis_here``: the bases recorded for the regions of ``scope`` (the most specific
    entry covering each region winning), sorted; None where a region of the scope has none
    recorded, or the scope is unknown (a basis for everyone still answers then)."""
    ordered = sorted(pairs, key=lambda pair: -registry.weight(pair[0]))  # broadest first
    if scope is None:
        everywhere = [basis for term, basis in pairs if term == "ALL"]
        return everywhere if len(pairs) == 1 and everywhere else None
    found: dict[str, int] = {}
    covered = 0
    for term, basis in ordered:
        try:
            mask = registry.mask_all((term,)) & scope
        except UnknownRegionError:
            continue
        for other in found:
            found[other] &= ~mask  # a more specific entry overrides the broader one
        found[basis] = found.get(basis, 0) | mask
        covered |= mask
    if scope & ~covered:
        return None
    return sorted(basis for basis, mask in found.items() if mask)


class BasisByRegion(Mapping[str, str]):
    """``legal_basis_in.REGION``: the basis recorded for a region, from the most specific
    entry that covers all of it (``legal_basis_in.EEA`` needs an entry for the whole EEA: a
    basis for one member state says nothing of the others)."""

    def __init__(self, pairs: tuple[tuple[str, str], ...], registry: Any) -> None:
        self._pairs = pairs
        self._registry = registry

    def _find(self, region: str) -> str | None:
        try:
            wanted = self._registry.expand(region)
        except UnknownRegionError:  # a term the registry does not know: nothing recorded
            return None
        covering = [
            (self._registry.weight(term), basis)
            for term, basis in self._pairs
            if wanted <= self._registry.expand(term)
        ]
        return min(covering)[1] if covering else None

    def __contains__(self, region: object) -> bool:
        return isinstance(region, str) and self._find(region) is not None

    def __getitem__(self, region: str) -> str:
        found = self._find(region)
        if found is None:
            raise KeyError(region)
        return found

    def __iter__(self) -> Any:
        return iter(term for term, _ in self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)
