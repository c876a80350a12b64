"""Region sets as bits of one integer, laid out so that whole countries are found in a few steps.

A set of regions is an ``int`` with one bit per leaf (see :mod:`consentrules.model.regions`).
The bits are not in alphabetical order: each country that has several leaves, and each of its
divisions (``ES-CT``), owns one contiguous run of bits, nested as the divisions nest, and is
followed by one *guard* bit that no region set ever holds. With that layout, "which countries
and divisions are wholly in this set" is a handful of operations on the whole integer, done in
C, instead of one test per country: adding 1 at the bottom of every run carries into a run's
guard exactly when every bit of the run was set. A set that names 200 countries (4,000 leaves)
is decomposed in microseconds, where testing each of the 400 countries and divisions in turn
took a tenth of a millisecond: that was most of the cost of a finding on a long region list.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import TypeVar

#: How many (position, word) decodings are kept before the table starts again.
DECODE_TABLE_LIMIT = 1 << 17


@dataclass(frozen=True)
class Level:
    """The runs of one nesting depth (countries, divisions of countries, ...)."""

    #: Every bit of every run at this depth (guards of deeper runs included, own guards not).
    runs: int
    #: The lowest bit of each run.
    lows: int
    #: The guard bit just above each run.
    guards: int


class BitLayout:
    """Where each leaf's bit is, and the runs of the countries and divisions with several leaves.

    ``nodes`` maps each such country or division code to its leaves; they must nest (two
    either do not meet or one holds the other), which ISO 3166-2's hierarchy guarantees.
    """

    def __init__(
        self, countries: Mapping[str, frozenset[str]], divisions: Mapping[str, frozenset[str]]
    ) -> None:
        #: The code at each bit: a leaf, or at a guard bit the country or division it closes.
        self.code_at: list[str] = []
        self.is_guard: list[bool] = []
        self.node_bits: dict[str, int] = {}  # a node's run, its inner guards included
        runs: dict[int, list[tuple[int, int]]] = {}
        country_of = {leaf: code for code, leaves in countries.items() for leaf in leaves}
        by_country: dict[str, dict[str, frozenset[str]]] = {}
        for code, leaves in divisions.items():
            if len(leaves) > 1:
                by_country.setdefault(country_of[next(iter(leaves))], {})[code] = leaves

        def place(
            code: str, leaves: frozenset[str], depth: int, pool: dict[str, frozenset[str]]
        ) -> None:
            inside = {c: s for c, s in pool.items() if c != code and s < leaves}
            # The outermost divisions inside this node (those no other division inside holds).
            children = sorted(
                c for c, s in inside.items() if not any(s < t for t in inside.values())
            )
            low = len(code_at)
            placed: set[str] = set()
            for child in children:
                place(child, inside[child], depth + 1, inside)
                placed |= inside[child]
            for leaf in sorted(leaves - placed):
                code_at.append(leaf)
                is_guard.append(False)
            high = len(code_at)
            code_at.append(code)
            is_guard.append(True)
            self.node_bits[code] = (1 << high) - (1 << low)
            runs.setdefault(depth, []).append((low, high))

        code_at, is_guard = self.code_at, self.is_guard  # (appended to ~5,000 times)
        for country in sorted(countries):
            leaves = countries[country]
            if len(leaves) == 1:
                code_at.append(next(iter(leaves)))
                is_guard.append(False)
            else:
                place(country, leaves, 0, by_country.get(country, {}))
        self.bit: dict[str, int] = {
            code: 1 << i for i, code in enumerate(self.code_at) if not self.is_guard[i]
        }
        self.leaves = sum(self.bit.values())
        self.guards = sum(1 << i for i, guard in enumerate(self.is_guard) if guard)
        self.levels: list[Level] = []
        for depth in sorted(runs):
            lows = sum(1 << low for low, _ in runs[depth])
            guards = sum(1 << high for _, high in runs[depth])
            self.levels.append(
                Level(sum((1 << h) - (1 << lo) for lo, h in runs[depth]), lows, guards)
            )
        # Countries of one leaf, as bits (they are counted by a population count).
        self.single_countries = sum(
            self.bit[next(iter(leaves))] for leaves in countries.values() if len(leaves) == 1
        )
        self._decoded: dict[tuple[int, int], tuple[str, ...]] = {}
        self._decoded_bytes: dict[int, tuple[str, ...]] = {}  # at most 256 per byte position
        self._guard_words: dict[tuple[int, int], tuple[tuple[str, ...], int]] = {}

    def mask(self, leaves: Iterable[str]) -> int:
        bits = self.bit
        out = 0
        for leaf in leaves:
            out |= bits[leaf]
        return out

    def decode(self, mask: int) -> list[str]:
        """The codes at the set bits of ``mask`` (leaves, or nodes at guard bits).

        A 64-bit word at a time, skipping empty words; the codes of each (position, word) seen
        are kept (up to a bound), since the same countries recur across settings.
        """
        out: list[str] = []
        table = _bounded(self._decoded)
        for key in _words(mask):
            codes = table.get(key)
            if codes is None:
                codes = table[key] = self._decode_word(*key)
            out.extend(codes)
        return out

    def _decode_word(self, index: int, word: int) -> tuple[str, ...]:
        codes: list[str] = []
        bytes_table = self._decoded_bytes
        for offset, byte in enumerate(word.to_bytes(8, "little")):
            if byte:
                position = index * 8 + offset
                key = position << 8 | byte
                found = bytes_table.get(key)
                if found is None:
                    first = position * 8
                    found = bytes_table[key] = tuple(
                        self.code_at[first + bit] for bit in range(8) if byte >> bit & 1
                    )
                codes.extend(found)
        return tuple(codes)

    def whole(self, mask: int) -> tuple[list[str], int]:
        """The countries and divisions all of whose leaves are in ``mask`` (the outermost
        only), and the bits of their runs."""
        filled = mask | self.guards  # guard bits inside a run are not leaves: count them as set
        codes: list[str] = []
        covered = 0  # the bits of the runs named so far
        for level in self.levels:
            full = (((filled & level.runs) + level.lows) & level.guards) & ~covered
            if full:
                found, bits = self._runs_of(full)
                covered |= bits
                codes.extend(found)
        return codes, covered

    def _runs_of(self, guards: int) -> tuple[list[str], int]:
        """The nodes closed by these guard bits, and the bits of their runs: a 64-bit word of
        guards at a time, each (position, word) worked out once."""
        table = _bounded(self._guard_words)
        codes: list[str] = []
        bits = 0
        for key in _words(guards):
            entry = table.get(key)
            if entry is None:
                found = self._decode_word(*key)
                entry = table[key] = (found, sum(self.node_bits[code] for code in found))
            codes.extend(entry[0])
            bits += entry[1]  # the runs of one level do not overlap
        return codes, bits

    def terms(self, mask: int) -> list[str]:
        """Countries, divisions and leaves that make up a mask (the outermost whole ones), sorted."""
        whole, covered = self.whole(mask)
        return sorted((*whole, *self.decode(mask & ~covered)))

    def count_countries(self, mask: int) -> int:
        """How many countries the mask touches: one-leaf countries by a population count, the
        others by a carry out of their run when any of its bits is set."""
        singles = mask & self.single_countries
        count = singles.bit_count()
        if self.levels:
            top = self.levels[0]
            touched = ((mask & top.runs) + top.runs) & top.guards
            count += touched.bit_count()
        return count


def _words(mask: int) -> Iterator[tuple[int, int]]:
    """``(position, word)`` of each 64-bit word of ``mask`` that has a bit set (filtered in C)."""
    data = mask.to_bytes((mask.bit_length() + 63) // 64 * 8, "little")
    return filter(itemgetter(1), enumerate(memoryview(data).cast("Q")))


_Table = TypeVar("_Table", bound=dict)  # type: ignore[type-arg]


def _bounded(table: _Table) -> _Table:
    """The table, emptied first when it has grown past :data:`DECODE_TABLE_LIMIT` entries."""
    if len(table) > DECODE_TABLE_LIMIT:
        table.clear()
    return table
