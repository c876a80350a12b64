"""Region registry: ISO 3166-1 countries, ISO 3166-2 subdivisions and named groups.

Every region term a snapshot or rule uses expands to a set of *leaves*. A leaf is a country code
(for a country with no ISO 3166-2 subdivisions) or a subdivision at the lowest level ISO 3166-2
gives: ``US`` expands to the 50 states and ``US-DC``, ``ES-CT`` (Catalonia, a *division*) to its
four provinces, ``GB-SCT`` to Scotland's council areas. This makes "a subdivision inside an
excluded country" and "a country minus one of its states" exact set operations.

A subdivision that ISO 3166-1 also codes as a country (``FR-971`` is Guadeloupe, ``GP``) is an
alias of that code, and its parent country's leaves leave it out, as geolocation does.

Sets of leaves are turned back into short text by :meth:`RegionRegistry.collapse`, which names a
group (``EEA``), a country (``US``) or a division (``ES-CT``) wherever all of its leaves are
present.

The data lives in ``data/regions.json``, built from pycountry by
:mod:`consentrules.model.regiondata`, with a note of its source.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from functools import reduce
from operator import or_
from pathlib import Path
from typing import Any

#: How many region lists' terms are kept, by mask, for naming their sets (then it starts again).
SCOPE_TERMS_LIMIT = 1 << 17


class UnknownRegionError(ValueError):
    """A region code or group name the registry does not know."""

    def __init__(self, term: str, suggestions: list[str]):
        self.term = term
        self.suggestions = suggestions
        hint = f"; did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(f"unknown region {term!r}{hint}")


@dataclass(frozen=True)
class Group:
    name: str
    title: str
    leaves: frozenset[str]
    #: The date the membership holds from (membership changes: the UK left the EU).
    since: str = ""
    note: str = ""
    #: Whether a list of regions is summed up under this name (not for a legal-status group).
    collapse: bool = True


class RegionRegistry:
    """Expands region terms to leaves and collapses leaves back to terms."""

    def __init__(self, data: dict[str, object]) -> None:
        self.source = str(data.get("source", ""))
        self.countries: dict[str, str] = dict(data["countries"])  # type: ignore[call-overload]
        self.subdivisions: dict[str, dict[str, str]] = {
            country: dict(subs)
            for country, subs in data.get("subdivisions", {}).items()  # type: ignore[attr-defined]
        }
        self.aliases: dict[str, str] = dict(data.get("aliases", {}))  # type: ignore[call-overload]
        #: Subdivisions with subdivisions of their own (``ES-CT``): code -> member codes.
        raw_divisions: dict[str, dict[str, Any]] = data.get("divisions", {})  # type: ignore[assignment]
        self.divisions: dict[str, tuple[str, ...]] = {
            code: tuple(spec["members"]) for code, spec in raw_divisions.items()
        }
        self._division_names = {code: str(spec["name"]) for code, spec in raw_divisions.items()}
        self._country_leaves: dict[str, frozenset[str]] = {
            code: frozenset(self.subdivisions.get(code, {code: ""}).keys())
            if code in self.subdivisions
            else frozenset((code,))
            for code in self.countries
        }
        self._subdivision_country = {
            sub: country for country, subs in self.subdivisions.items() for sub in subs
        }
        self._division_leaves: dict[str, frozenset[str]] = {}
        for code in self.divisions:
            self._division_leaves[code] = self._leaves_of_division(code)
        self._ancestors: dict[str, tuple[str, ...]] | None = None  # (when first asked for)
        self.all_leaves: frozenset[str] = frozenset().union(*self._country_leaves.values())
        self.groups: dict[str, Group] = {}
        raw_groups: dict[str, dict[str, object]] = data.get("groups", {})  # type: ignore[assignment]
        for name, spec in raw_groups.items():
            members = list(spec["members"])  # type: ignore[call-overload]
            leaves = (
                self.all_leaves if members == ["*"] else self._expand_terms(members, raw_groups)
            )
            self.groups[name] = Group(
                name,
                str(spec.get("title", name)),
                leaves,
                since=str(spec.get("since", "")),
                note=str(spec.get("note", "")),
                collapse=bool(spec.get("collapse", True)),
            )
        # Leaves as bits of an int: set operations on thousands of regions cost one machine
        # operation per 30 leaves and a few bytes, where frozensets cost kilobytes. The bits are
        # laid out by country and division (see regionbits) so whole ones are found at once.
        from consentrules.model.regionbits import BitLayout

        self._layout = BitLayout(self._country_leaves, self._division_leaves)
        self._bits = self._layout.bit
        self.all_mask = self._layout.leaves
        # Largest first, so that collapse prefers the broadest name that fits. A group that is
        # one country (UK is GB) is named by the country's code.
        country_sets = set(self._country_leaves.values())
        self._collapse_order = [
            (group.name, self.mask(group.leaves))
            for group in sorted(self.groups.values(), key=lambda g: (-len(g.leaves), g.name))
            if group.collapse and len(group.leaves) > 1 and group.leaves not in country_sets
        ]
        self._largest_named_group = self._group_slack()
        self._term_masks: dict[str, int] = {}  # by term, for mask_all
        self._scope_terms: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._known_terms: frozenset[str] | None = None
        self._sorted_codes = tuple(sorted(self.countries))  # the registry's own strings
        all_group = self.groups.get("ALL")
        self._all_is_every_country = all_group is not None and all_group.leaves == self.all_leaves

    def _group_slack(self) -> int:
        """How many fewer terms than countries the named groups can make of a set that is not
        everything: at most the sum of (countries - 1) over groups that do not overlap (one of
        two nested groups is named, never both)."""
        from itertools import combinations

        sizes = [
            (mask, self._layout.count_countries(mask))
            for _, mask in self._collapse_order
            if mask != self.all_mask
        ]
        if len(sizes) > 12:
            return sum(count - 1 for _, count in sizes)
        best = 0
        for size in range(1, len(sizes) + 1):
            for chosen in combinations(sizes, size):
                if all(not a & b for (a, _), (b, _) in combinations(chosen, 2)):
                    best = max(best, sum(count - 1 for _, count in chosen))
        return best

    def _leaves_of_division(self, code: str) -> frozenset[str]:
        out: set[str] = set()
        for member in self.divisions[code]:
            if member in self.divisions:
                out |= self._leaves_of_division(member)
            else:
                out.add(member)
        return frozenset(out)

    # Expansion --------------------------------------------------------------------------------
    def _expand_terms(
        self, terms: Iterable[str], raw_groups: dict[str, dict[str, object]]
    ) -> frozenset[str]:
        out: set[str] = set()
        for term in terms:
            if term in self.groups:
                out |= self.groups[term].leaves
            elif term in raw_groups:
                out |= self._expand_terms(raw_groups[term]["members"], raw_groups)  # type: ignore[arg-type]
            else:
                out |= self.expand(term)
        return frozenset(out)

    def expand(self, term: str) -> frozenset[str]:
        """The leaves one term stands for.

        :raises UnknownRegionError: with "did you mean" suggestions.
        """
        return self._expand_one(term)

    def expand_all(self, terms: Iterable[str]) -> frozenset[str]:
        out: set[str] = set()
        for term in terms:
            out |= self._expand_one(term)
        return frozenset(out)

    def _expand_one(self, term: str) -> frozenset[str]:
        return _expand_cached(self, term)

    def mask(self, leaves: Iterable[str]) -> int:
        """The bit mask of a set of leaves."""
        return self._layout.mask(leaves)

    def mask_all(self, terms: Iterable[str]) -> int:
        """The bit mask of what some terms stand for (raises UnknownRegionError)."""
        known = self._term_masks
        try:  # the terms seen before, OR-ed in C
            return reduce(or_, map(known.__getitem__, terms), 0)
        except (KeyError, TypeError):
            pass
        out = 0
        for term in terms:
            mask = known.get(term) if isinstance(term, str) else None
            if mask is None:
                mask = self.mask(self.expand(term))
                if len(known) < 1 << 16:
                    known[term] = mask
            out |= mask
        return out

    def leaves_of(self, mask: int) -> frozenset[str]:
        """The leaves of a bit mask."""
        return _leaves_cached(self, mask)

    def _leaves(self, mask: int) -> frozenset[str]:
        return frozenset(self._layout.decode(mask))

    def count_countries_mask(self, mask: int) -> int:
        """:meth:`count_countries` of the leaves of a bit mask, counted on masks."""
        return self._layout.count_countries(mask)

    @property
    def known_terms(self) -> frozenset[str]:
        """Every term :meth:`expand` accepts: groups, aliases, countries, subdivisions and
        divisions."""
        if self._known_terms is None:
            self._known_terms = frozenset(
                (*self.groups, *self.aliases, *self._country_leaves, *self._subdivision_country)
            ).union(self._division_leaves)
        return self._known_terms

    def is_known(self, term: str) -> bool:
        try:
            self._expand_one(term)
        except UnknownRegionError:
            return False
        return True

    def suggest(self, term: str) -> list[str]:
        """Codes the author may have meant (see :func:`.regionnames.suggest`)."""
        from consentrules.model.regionnames import suggest

        return suggest(self, term)

    def country_of(self, leaf: str) -> str:
        return self._subdivision_country.get(leaf, leaf)

    def weight(self, term: str) -> int:
        """How many leaves a term covers (smaller is more specific)."""
        return len(self._expand_one(term))

    # Collapse ---------------------------------------------------------------------------------
    def collapse(self, leaves: Iterable[str]) -> list[str]:
        """Name a set of leaves with as few terms as possible: groups, then countries, then leaves.

        The result is sorted: group names first (largest first), then codes alphabetically.
        """
        return list(_collapse_cached(self, self.mask(leaves)))

    def collapse_mask(self, mask: int) -> list[str]:
        """:meth:`collapse` of the leaves of a bit mask."""
        return list(_collapse_cached(self, mask))

    def _collapse(self, mask: int) -> tuple[str, ...]:
        named: list[str] = []
        for name, group in self._collapse_order:
            if group & mask == group:
                named.append(name)
                mask &= ~group
        if not named:
            scope = self._scope_terms.get(mask)
            if scope is not None:
                countries = self._whole_countries(*scope)
                if countries is not None:
                    return countries
        return (*named, *self._layout.terms(mask))

    def scope_mask(self, include: tuple[str, ...], exclude: tuple[str, ...]) -> int:
        """The mask of every region in ``include`` less every one in ``exclude``; the terms are
        remembered, so that naming this set later can start from them (most region lists
        are lists of countries, whose names are the terms themselves)."""
        mask = self.mask_all(include) & ~self.mask_all(exclude)
        if len(self._scope_terms) >= SCOPE_TERMS_LIMIT:
            self._scope_terms.clear()
        self._scope_terms[mask] = (include, exclude)
        return mask

    def _whole_countries(
        self, include: tuple[str, ...], exclude: tuple[str, ...]
    ) -> tuple[str, ...] | None:
        """The terms of a set given as countries (or everything) less countries, when it is
        one: then each country is whole (countries do not overlap) and its code names it."""
        codes = self.countries.keys()
        if include == ("ALL",) and self._all_is_every_country:
            chosen = set(codes)
        else:
            chosen = set(include)
            if not codes >= chosen:
                return None
        if exclude:
            if not codes >= set(exclude):
                return None
            chosen.difference_update(exclude)
        # In order by filtering the sorted codes (no sort of the chosen), and the registry's own
        # strings, not the snapshot's copies: findings that name the same countries then share
        # them (a worker's findings travel to the main process pickled, and pickle writes a
        # shared string once).
        return tuple(filter(chosen.__contains__, self._sorted_codes))

    def count_countries(self, leaves: Iterable[str]) -> int:
        """How many countries the leaves touch (a US state counts as the US)."""
        return self.count_countries_mask(self.mask(leaves))

    def describe(self, leaves: Iterable[str], limit: int = 12) -> str:
        """Short text for a set of leaves, e.g. ``"EEA, CH and GB"`` or ``"203 regions (...)"``."""
        return _describe_cached(self, self.mask(leaves), limit)

    def describe_mask(self, mask: int, limit: int = 12) -> str:
        """:meth:`describe` of the leaves of a bit mask."""
        return _describe_cached(self, mask, limit)

    def _describe(self, mask: int, limit: int) -> str:
        terms = _collapse_cached(self, mask)
        if len(terms) <= limit:
            return _and_list(list(terms))
        # Without a group named, the terms are the regions a reader counts.
        count = self.count_regions_mask(mask) if terms[0] in self.groups else len(terms)
        noun = "region" if count == 1 else "regions"
        rest = self.all_mask & ~mask
        # Naming the complement is worth it only if it can be short: a group names at most
        # the countries of the largest group, so beyond that many more countries it cannot be.
        if self._layout.count_countries(rest) > limit + self._largest_named_group:
            return f"{count} {noun} ({', '.join(terms[:limit])}, ...)"
        complement = _collapse_cached(self, rest)
        if len(complement) <= limit:
            return f"{count} {noun} (everywhere except {_and_list(list(complement))})"
        return f"{count} {noun} ({', '.join(terms[:limit])}, ...)"

    def count_regions(self, leaves: frozenset[str]) -> int:
        """How many regions the leaves are, as a reader counts them: a country or a division all
        of whose leaves are in counts once, and a subdivision of a country only partly in counts
        on its own (40 US states are 40 regions, not "1 region")."""
        return self.count_regions_mask(self.mask(leaves))

    def count_regions_mask(self, mask: int) -> int:
        """:meth:`count_regions` of a bit mask."""
        whole, covered = self._layout.whole(mask)
        return len(whole) + (mask & ~covered).bit_count()

    def ancestors(self, leaf: str) -> tuple[str, ...]:
        """The codes a leaf lies inside, innermost first: ``ES-B`` is in ``ES-CT`` and ``ES``."""
        if self._ancestors is None:
            parent = {m: code for code, members in self.divisions.items() for m in members}
            ancestors = {}
            for sub, country in self._subdivision_country.items():
                chain = [sub]
                while chain[-1] in parent:
                    chain.append(parent[chain[-1]])
                ancestors[sub] = (*chain, country)
            self._ancestors = ancestors
        return self._ancestors.get(leaf, (leaf,))


def _and_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@lru_cache(maxsize=1 << 14)
def _leaves_cached(registry: RegionRegistry, mask: int) -> frozenset[str]:
    return registry._leaves(mask)


@lru_cache(maxsize=1 << 16)
def _collapse_cached(registry: RegionRegistry, mask: int) -> tuple[str, ...]:
    return registry._collapse(mask)


@lru_cache(maxsize=1 << 16)
def _describe_cached(registry: RegionRegistry, mask: int, limit: int) -> str:
    return registry._describe(mask, limit)


@lru_cache(maxsize=8192)
def _expand_cached(registry: RegionRegistry, term: str) -> frozenset[str]:
    if term in registry.groups:
        return registry.groups[term].leaves
    if term in registry.aliases:
        return _expand_cached(registry, registry.aliases[term])
    if term in registry._country_leaves:
        return registry._country_leaves[term]
    if term in registry._subdivision_country:
        return frozenset((term,))
    if term in registry._division_leaves:
        return registry._division_leaves[term]
    raise UnknownRegionError(term, registry.suggest(term))


@lru_cache(maxsize=1)
def default_registry() -> RegionRegistry:
    """The registry shipped in the package (loaded once per process)."""
    text = (Path(__file__).parent / "data" / "regions.json").read_text("utf-8")
    return RegionRegistry(json.loads(text))
