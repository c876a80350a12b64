from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from consentrules.model.regions import UnknownRegionError
from consentrules.model.regions import default_registry


def test_groups_expand_to_their_members(regions):
    eu = regions.expand("EU")
    assert {regions.country_of(leaf) for leaf in eu} == {
        *[
            "AT",
            "BE",
            "BG",
            "CY",
            "CZ",
            "DE",
            "DK",
            "EE",
            "ES",
            "FI",
            "FR",
            "GR",
            "HR",
            "HU",
            "IE",
            "IT",
            "LT",
            "LU",
            "LV",
            "MT",
            "NL",
            "PL",
            "PT",
            "RO",
            "SE",
            "SI",
            "SK",
        ],
        # Territories of member states where EU law applies, coded on their own (TFEU arts.
        # 349 and 355(1) and (4)): the French outermost regions and the Åland Islands.
        *["GF", "GP", "MF", "MQ", "RE", "YT", "AX"],
    }
    assert regions.expand("EEA") == eu | regions.expand_all(["IS", "LI", "NO"])
    assert regions.expand("UK") == regions.expand("GB")
    assert regions.expand("CH") == frozenset(regions.subdivisions["CH"])
    assert len(regions.expand("CH")) == 26  # the cantons


def test_the_eu_is_where_its_law_applies_not_every_territory_of_a_member(regions):
    """GDPR applies in the outermost regions, whichever code names them; not in the overseas
    countries and territories (TFEU art. 355(2)), the Faroes (355(5)) or Greenland."""
    eu = regions.expand("EU")
    for term in ["GP", "FR-971", "RE", "FR-974", "YT", "MF", "AX", "FI-01", "PT-20", "PT-30"]:
        assert regions.expand(term) <= eu, term
    assert regions.expand("ES-CN") <= eu  # the Canary Islands, under ES
    for term in ["NC", "PF", "PM", "BL", "WF", "TF", "AW", "CW", "SX", "BQ", "GL", "FO", "GI"]:
        assert not regions.expand(term) & eu, term
    assert not regions.expand("SJ") & regions.expand("EEA")  # EEA Agreement Protocol 40


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
    assert regions.collapse(regions.expand("EU") | regions.expand("NO")) == ["EU", "NO"]
    assert regions.collapse(regions.expand("US") - {"US-CA"})[:2] == ["US-AK", "US-AL"]
    assert regions.collapse(regions.expand("US")) == ["US"]


def test_describe_uses_complement_for_large_sets(regions):
    leaves = regions.all_leaves - regions.expand_all(["EEA", "CH", "GB"])
    assert regions.describe(leaves) == "210 regions (everywhere except EEA, CH and GB)"
    assert regions.describe(regions.expand("GB")) == "GB"
    assert regions.describe(regions.expand_all(["GB", "CH"])) == "CH and GB"


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
    assert regions.count_countries_mask(regions.mask_all(["EEA"])) == 37
    assert regions.count_countries_mask(0) == 0


def test_every_adjective_names_a_known_code(regions):
    from consentrules.model.regionnames import ADJECTIVES

    for adjective, code in ADJECTIVES.items():
        assert regions.expand(code), adjective


def test_region_counts_in_messages_count_what_a_reader_counts():
    from consentrules.model.regions import default_registry

    registry = default_registry()
    states = frozenset(sorted(registry.expand("US"))[:40])
    text = registry.describe(states)
    assert text.startswith("40 regions (")  # not "1 regions": the states are partly in
    assert registry.count_regions(registry.expand("EEA")) == 37
    everything_but = registry.all_leaves - {"US-AK"}
    assert registry.describe(everything_but).endswith("(everywhere except US-AK)")
    countries = [c for c, leaves in registry._country_leaves.items() if len(leaves) == 1]
    one = frozenset(countries[:13])
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


@pytest.mark.parametrize(
    ("code", "country", "count"),
    [
        ("CA-QC", "CA", 1),
        ("US-CA", "US", 1),
        ("ES-CT", "ES", 4),
        ("GB-SCT", "GB", 32),
        ("DE-BY", "DE", 1),
    ],
)
def test_iso_3166_2_subdivisions_of_every_country_are_known(regions, code, country, count):
    leaves = regions.expand(code)
    assert len(leaves) == count
    assert leaves < regions.expand(country)
    assert {regions.country_of(leaf) for leaf in leaves} == {country}
    assert regions.collapse(leaves) == [code]  # a whole division is named, not its provinces


def test_a_subdivision_minus_its_part_and_a_country_minus_a_division(regions):
    spain_but_catalonia = regions.expand("ES") - regions.expand("ES-CT")
    assert "ES-B" not in spain_but_catalonia and "ES-M" in spain_but_catalonia
    assert "ES-CT" not in regions.collapse(spain_but_catalonia)
    assert regions.collapse(spain_but_catalonia | regions.expand("ES-CT")) == ["ES"]
    assert regions.ancestors("ES-B") == ("ES-B", "ES-CT", "ES")
    assert regions.ancestors("FR-67") == ("FR-67", "FR-6AE", "FR-GES", "FR")
    assert regions.ancestors("DE") == ("DE",)


@pytest.mark.parametrize(
    ("subdivision", "country"),
    [("FR-971", "GP"), ("CN-HK", "HK"), ("NL-AW", "AW"), ("US-PR", "PR"), ("FI-01", "AX")],
)
def test_a_subdivision_iso_also_codes_as_a_country_is_that_country(regions, subdivision, country):
    # Geolocation reports Guadeloupe as GP: FR-971 and GP are one region, not two that an
    # exclusion of one would leave open, and France's leaves leave it out.
    assert regions.expand(subdivision) == regions.expand(country)
    parent = subdivision.split("-")[0]
    assert not regions.expand(country) & regions.expand(parent)


def test_svalbard_is_its_own_region_outside_the_eea(regions):
    assert regions.expand("SJ") == {"NO-21", "NO-22"}
    assert not regions.expand("SJ") & regions.expand("EEA")
    assert regions.country_of("NO-21") == "SJ"


def test_groups_are_named_in_lists_only_where_they_are_places(regions):
    # UK is GB: the country code names it. USPRIVACY is a legal status, never a list's name.
    assert regions.collapse(regions.expand("UK")) == ["GB"]
    assert regions.collapse(regions.expand("US")) == ["US"]
    states = regions.expand("USPRIVACY")
    assert len(states) == 19 and "US-CA" in states and "US-RI" in states
    assert "USPRIVACY" not in regions.collapse(states)


@pytest.mark.parametrize(
    ("term", "meant"),
    [("Quebec", "CA-QC"), ("Scotland", "GB-SCT"), ("ca-qc", "CA-QC"), ("CA-QU", "CA-QC")],
)
def test_unknown_subdivisions_suggest_the_code_meant(regions, term, meant):
    with pytest.raises(UnknownRegionError) as error:
        regions.expand(term)
    assert meant in error.value.suggestions


def test_the_shipped_region_data_is_what_pycountry_gives():
    # The data is built from a maintained source and checked against it: a pycountry update
    # that changes a code fails here until the data is rebuilt.
    pytest.importorskip("pycountry")
    from consentrules.model import regiondata

    assert regiondata.main(["--check"]) == 0


def test_subdivision_codes_in_snapshots_and_rules_are_judged_exactly(tmp_path):
    # Issue 17 point 12: CA-QC, ES-CT and GB-SCT were refused. A setting held back in Quebec
    # and Catalonia, checked by a rule for Quebec and one for Spain.
    from consentrules.testing import run
    from consentrules.testing import write_rules
    from consentrules.testing import write_snapshot

    rules = write_rules(
        tmp_path,
        [{"id": "QC", "selector": {"purposes": ["ads"]},
          "check": {"kind": "opt_in_default", "regions": ["CA-QC"]}},
         {"id": "ES", "selector": {"purposes": ["ads"]},
          "check": {"kind": "regional_exclusion", "regions": ["ES"]}}],
    )  # fmt: skip
    setting = {
        "id": "s", "purposes": ["ads"], "default": True,
        "regions": {"include": ["CA", "ES", "GB-SCT"], "exclude": ["CA-QC", "ES-CT"]},
    }  # fmt: skip
    snapshot = write_snapshot(tmp_path, {"taken_at": "2025-06-01", "settings": [setting]})
    result = run("check", str(snapshot), "--rules", str(rules), "--format", "json")
    assert result.exit_code == 1, result.stderr
    by_rule = {f["rule_id"]: f for f in result.findings}
    assert "QC" not in by_rule  # held back in Quebec: nothing to report
    spain = by_rule["ES"]
    assert spain["status"] == "violation"
    assert "ES-M" in spain["regions"] and "ES-CT" not in spain["regions"]
    assert not [r for r in spain["regions"] if r in {"ES-B", "ES-GI", "ES-L", "ES-T"}]
    quebec_on = write_snapshot(
        tmp_path,
        {"taken_at": "2025-06-01", "settings": [{**setting, "regions": {"include": ["CA"]}}]},
        name="on.yaml",
    )
    on = run("check", str(quebec_on), "--rules", str(rules), "--format", "json")
    (qc,) = [f for f in on.findings if f["rule_id"] == "QC"]
    assert qc["status"] == "violation" and qc["regions"] == ["CA-QC"]
