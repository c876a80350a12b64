from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from consentrules.model.regions import UnknownRegionError
from consentrules.model.regions import default_registry


def test_groups_expand_to_their_members(regions):
    assert len(regions.expand("EU")) == 27
    assert regions.expand("EEA") == regions.expand("EU") | {"IS", "LI", "NO"}
    assert regions.expand("UK") == {"GB"}
    assert regions.expand("CH") == {"CH"}


def test_us_expands_to_states_and_dc(regions):
    us = regions.expand("US")
    assert len(us) == 51 and "US-CA" in us and "US-DC" in us and "US" not in us
    assert regions.expand("US-CA") == {"US-CA"}


def test_all_covers_every_country(regions):
    assert regions.count_countries(regions.expand("ALL")) == 249


def test_outlying_area_alias_maps_to_country(regions):
    assert regions.expand("US-PR") == {"PR"}


@pytest.mark.parametrize(
    ("term", "suggestion"),
    [
        ("EAA", "EEA"),
        ("Germany", "DE"),
        ("uk", "UK"),
        ("US-CX", None),
        ("Swiss", "CH"),
        ("Dutch", "NL"),
        ("Switzerlnd", "CH"),
        ("Norway ", "NO"),
        ("Liechtenstien", "LI"),
    ],
)
def test_unknown_region_suggests(regions, term, suggestion):
    with pytest.raises(UnknownRegionError) as info:
        regions.expand(term)
    if suggestion:
        assert info.value.suggestions[0] == suggestion
        assert f"did you mean '{suggestion}'" in str(info.value) or suggestion in str(info.value)


def test_collapse_names_whole_groups(regions):
    leaves = regions.expand_all(["EEA", "CH", "GB"])
    assert regions.collapse(leaves) == ["EEA", "CH", "GB"]
    assert regions.collapse(regions.expand("EU") | {"NO"}) == ["EU", "NO"]
    assert regions.collapse(regions.expand("US") - {"US-CA"})[:2] == ["US-AK", "US-AL"]
    assert regions.collapse(regions.expand("US")) == ["US"]


def test_describe_uses_complement_for_large_sets(regions):
    leaves = regions.all_leaves - regions.expand_all(["EEA", "CH", "GB"])
    assert regions.describe(leaves) == "217 regions (everywhere except EEA, CH and GB)"
    assert regions.describe({"GB"}) == "GB"
    assert regions.describe({"GB", "CH"}) == "CH and GB"


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_masks_turn_back_into_their_leaves_and_country_counts(data):
    regions = default_registry()
    everything = sorted(regions.all_leaves)
    leaves = frozenset(data.draw(st.lists(st.sampled_from(everything), max_size=300)))
    mask = regions.mask(leaves)
    assert regions._leaves(mask) == leaves  # uncached path: the byte table
    assert regions.count_countries_mask(mask) == len({regions.country_of(x) for x in leaves})


def test_count_countries_mask_counts_a_state_as_its_country(regions):
    assert regions.count_countries_mask(regions.mask_all(["US-CA", "US-NY", "DE"])) == 2
    assert regions.count_countries_mask(regions.mask_all(["EEA"])) == 30
    assert regions.count_countries_mask(0) == 0


def test_every_adjective_names_a_known_code(regions):
    from consentrules.model.regions import ADJECTIVES

    for adjective, code in ADJECTIVES.items():
        assert regions.expand(code), adjective


def test_region_counts_in_messages_count_what_a_reader_counts():
    from consentrules.model.regions import default_registry

    registry = default_registry()
    states = frozenset(sorted(registry.expand("US"))[:40])
    text = registry.describe(states)
    assert text.startswith("40 regions (")  # not "1 regions": the states are partly in
    assert registry.count_regions(registry.expand("EEA")) == 30
    everything_but = registry.all_leaves - {"US-AK"}
    assert registry.describe(everything_but).endswith("(everywhere except US-AK)")
    one = frozenset(sorted(registry.expand("ALL") - registry.expand("US"))[:13])
    assert registry.describe(one).startswith("13 regions")
    assert "1 regions" not in registry.describe(frozenset(sorted(registry.expand("US"))[:13]))


def test_every_group_states_the_date_its_membership_holds_from():
    from consentrules.model.dates import parse_date
    from consentrules.model.regions import default_registry

    for group in default_registry().groups.values():
        assert group.note, group.name
        if group.name != "ALL":  # every code: no membership that changes by date
            assert group.since and parse_date(group.since), group.name


def test_judging_before_a_group_was_defined_says_so(tmp_path):
    from consentrules.testing import run
    from consentrules.testing import write_rules
    from consentrules.testing import write_snapshot

    rules = write_rules(
        tmp_path,
        {
            "id": "R",
            "selector": {"purposes": ["ads"]},
            "check": {"kind": "opt_in_default", "regions": ["EU"]},
        },
    )
    setting = {"id": "s", "purposes": ["ads"], "default": True, "regions": {"include": ["ALL"]}}
    old = write_snapshot(
        tmp_path, {"taken_at": "2019-06-01", "settings": [setting]}, name="old.yaml"
    )
    result = run("check", str(old), "--rules", str(rules), "--format", "json")
    (note,) = [n for n in result.report["notices"] if n["category"] == "group_definition"]
    assert "EU as of 2020-02-01" in note["message"]
    new = write_snapshot(
        tmp_path, {"taken_at": "2024-06-01", "settings": [setting]}, name="new.yaml"
    )
    later = run("check", str(new), "--rules", str(rules), "--format", "json")
    assert not [n for n in later.report["notices"] if n["category"] == "group_definition"]
