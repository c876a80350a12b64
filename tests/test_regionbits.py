"""The bit layout of region sets: whole countries and divisions found with carries must be
exactly what testing every country and division in turn finds."""

from __future__ import annotations

import random

import pytest

from consentrules.model.regions import default_registry


def reference_terms(registry, leaves: frozenset[str]) -> list[str]:
    """The plain definition: take every country or division (of several leaves) that is whole,
    largest first, then the leaves left over."""
    nodes = [
        (code, members)
        for code, members in (*registry._country_leaves.items(), *registry._division_leaves.items())
        if len(members) > 1
    ]
    nodes.sort(key=lambda item: (-len(item[1]), item[0]))
    left = set(leaves)
    codes = []
    for code, members in nodes:
        if members <= left:
            codes.append(code)
            left -= members
    return sorted([*codes, *left])


def samples(seed: int, count: int) -> list[frozenset[str]]:
    registry = default_registry()
    rng = random.Random(seed)
    countries = sorted(registry.countries)
    leaves = sorted(registry.all_leaves)
    out = [frozenset(), registry.all_leaves, registry.expand("ES-CT"), registry.expand("GB-SCT")]
    for index in range(count):
        chosen = registry.expand_all(rng.sample(countries, rng.randint(1, 240)))
        if index % 3 == 1:  # some countries only partly in
            chosen = frozenset(rng.sample(sorted(chosen), rng.randint(1, len(chosen))))
        elif index % 3 == 2:  # scattered subdivisions
            chosen = frozenset(rng.sample(leaves, rng.randint(1, 400)))
        out.append(chosen)
    return out


@pytest.mark.parametrize("leaves", samples(2026, 150))
def test_whole_countries_and_divisions_match_the_plain_definition(leaves):
    registry = default_registry()
    layout = registry._layout
    mask = registry.mask(leaves)
    expected = reference_terms(registry, leaves)
    assert layout.terms(mask) == expected
    assert registry.count_regions(leaves) == len(expected)
    assert sorted(layout.decode(mask)) == sorted(leaves)
    countries = {registry.country_of(leaf) for leaf in leaves}
    assert registry.count_countries_mask(mask) == len(countries)


def test_guard_bits_are_never_regions():
    registry = default_registry()
    layout = registry._layout
    assert registry.all_mask & layout.guards == 0
    assert registry.mask(registry.all_leaves) == registry.all_mask
    complement = registry.all_mask & ~registry.mask(registry.expand("EEA"))
    assert not complement & layout.guards
    assert "EEA" not in registry.collapse_mask(complement)
    # A division nests inside its country's run of bits, and both are named when whole.
    assert registry.collapse(registry.expand("ES-CT")) == ["ES-CT"]
    assert registry.collapse(registry.expand_all(["ES-CT", "ES-AN"])) == ["ES-AN", "ES-CT"]
    assert registry.collapse(registry.expand("ES")) == ["ES"]


def test_a_setting_excluding_the_eea_country_by_country_reads_as_everywhere_except():
    registry = default_registry()
    eea = registry.expand("EEA") | registry.expand_all(["GB", "CH"])
    text = registry.describe(registry.all_leaves - eea)
    assert text.endswith("(everywhere except EEA, CH and GB)")
