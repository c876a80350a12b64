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


def reference_describe(registry, mask: int, limit: int = 12) -> str:
    """describe() by its definition, always naming the complement."""
    terms = registry.collapse_mask(mask)
    if len(terms) <= limit:
        return (
            " and ".join([", ".join(terms[:-1]), terms[-1]]) if len(terms) > 1 else "".join(terms)
        )
    count = registry.count_regions_mask(mask)
    noun = "region" if count == 1 else "regions"
    complement = registry.collapse_mask(registry.all_mask & ~mask)
    if len(complement) <= limit:
        listed = (
            ", ".join(complement[:-1]) + " and " + complement[-1]
            if len(complement) > 1
            else "".join(complement)
        )
        return f"{count} {noun} (everywhere except {listed})"
    return f"{count} {noun} ({', '.join(terms[:limit])}, ...)"


def test_describe_skips_the_complement_only_where_it_cannot_be_short():
    registry = default_registry()
    rng = random.Random(19)
    countries = sorted(registry.countries)
    eea = sorted(registry.expand("EEA"))
    cases = []
    for _ in range(300):
        # Everything but a few dozen countries, often with the EEA among them.
        left_out = rng.sample(countries, rng.randint(1, 60))
        if rng.random() < 0.5:
            left_out += ["EEA"]
        mask = registry.all_mask & ~registry.mask_all(left_out)
        if rng.random() < 0.3:  # and part of a country back in
            mask |= registry.mask(rng.sample(eea, 3))
        cases.append(mask)
    for mask in cases:
        assert registry.describe_mask(mask) == reference_describe(registry, mask)


def test_sets_named_from_their_country_terms_read_as_sets_named_from_bits():
    """A region list of countries (or everything less countries) is named from its terms;
    the names must be those the bits give, groups and partial countries included."""
    import json
    from pathlib import Path

    from consentrules.model import regions

    hinted = default_registry()
    data = json.loads((Path(regions.__file__).parent / "data" / "regions.json").read_text())
    plain = regions.RegionRegistry(data)  # knows no terms: names every set from its bits
    rng = random.Random(7)
    countries = sorted(hinted.countries)
    eea = sorted(c for c in countries if hinted.expand(c) <= hinted.expand("EEA"))
    checked = 0
    for index in range(400):
        if index % 3 == 0:
            include, exclude = ("ALL",), tuple(rng.sample(countries, rng.randint(0, 40)))
        elif index % 3 == 1:
            include, exclude = tuple(rng.sample(countries, rng.randint(1, 240))), ()
        else:  # lists that hold a whole group, or mix in subdivisions and groups
            include = (*eea, *rng.sample(countries, 20))
            exclude = tuple(rng.sample(["US-CA", "ES-CT", "FR", "EU", "DE"], rng.randint(0, 2)))
        mask = hinted.scope_mask(include, exclude)
        assert mask == plain.mask_all(include) & ~plain.mask_all(exclude)
        assert list(hinted._collapse(mask)) == plain.collapse_mask(mask), (include, exclude)
        assert hinted.collapse_mask(mask) == plain.collapse_mask(mask)
        assert hinted.describe_mask(mask) == plain.describe_mask(mask)
        checked += 1
    assert checked == 400
