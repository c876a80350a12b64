from __future__ import annotations

import pytest

from consentrules.model import Status
from consentrules.model.errors import InputError
from consentrules.testing import evaluate


def rule(**check):
    return {
        "id": "REG",
        "selector": {"purposes": ["ai_training"]},
        "check": {"kind": "regional_exclusion", "regions": ["EEA", "UK", "CH"], **check},
    }


def setting(include, exclude=(), **fields):
    return {
        "id": "ai",
        "purposes": ["ai_training"],
        "default": True,
        "activated_at": "2024-08-01",
        "regions": {"include": list(include), "exclude": list(exclude)},
        **fields,
    }


def test_all_minus_excluded_groups_passes():
    assert evaluate(rule(), {"settings": [setting(["ALL"], ["EEA", "UK", "CH"])]}) == []


def test_missing_one_region_names_it():
    (finding,) = evaluate(rule(), {"settings": [setting(["ALL"], ["EEA", "CH"])]})
    assert finding.regions == ("GB",)
    assert "applies in GB since 2024-08-01" in finding.message


def test_whole_group_offending_collapses_to_group_name():
    (finding,) = evaluate(rule(), {"settings": [setting(["ALL"], ["CH", "GB"])]})
    assert finding.regions == ("EEA",)


def test_countries_listed_by_code_count_as_group_members():
    (finding,) = evaluate(rule(), {"settings": [setting(["US", "DE", "FR"])]})
    assert finding.regions == ("DE", "FR")


def test_subdivision_inside_excluded_country_is_excluded():
    r = {**rule(), "check": {"kind": "regional_exclusion", "regions": ["US-CA"]}}
    assert evaluate(r, {"settings": [setting(["US-CA", "US-NY"], ["US"])]}) == []
    (finding,) = evaluate(r, {"settings": [setting(["US"], ["US-NY"])]})
    assert finding.regions == ("US-CA",)


def test_excluding_a_subdivision_leaves_the_rest_of_the_country():
    r = {**rule(), "check": {"kind": "regional_exclusion", "regions": ["US"]}}
    (finding,) = evaluate(r, {"settings": [setting(["ALL"], ["US-CA"])]})
    assert "US-CA" not in finding.regions and "US-NY" in finding.regions
    assert finding.evidence["regions_count"] == 1  # one country, in 50 of its subdivisions


def test_exclusion_added_later_reports_the_window():
    s = setting(
        ["ALL"],
        ["EEA", "CH"],
        history=[
            {"date": "2024-10-11", "regions": {"include": ["ALL"], "exclude": ["EEA", "CH", "UK"]}}
        ],
    )
    (finding,) = evaluate(rule(), {"settings": [s]})
    assert finding.regions == ("GB",)
    assert "in GB from 2024-08-01 until 2024-10-11" in finding.message
    assert evaluate(rule(when="as_of"), {"settings": [s]}) == []


def test_default_on_mode_respects_region_overrides():
    s = setting(["ALL"], region_defaults={"EEA": False, "UK": False, "CH": False})
    assert evaluate(rule(mode="default_on"), {"settings": [s]}) == []
    (finding,) = evaluate(rule(mode="active"), {"settings": [s]})
    assert finding.regions == ("EEA", "CH", "GB")


def test_missing_region_data_is_not_evaluable():
    s = setting(["ALL"])
    del s["regions"]
    (finding,) = evaluate(rule(), {"settings": [s]})
    assert finding.status is Status.NOT_EVALUABLE


def test_unknown_region_in_rule_is_an_input_error():
    with pytest.raises(InputError) as info:
        evaluate(
            {**rule(), "check": {"kind": "regional_exclusion", "regions": ["EAA"]}},
            {"settings": []},
        )
    assert "did you mean 'EEA'" in info.value.format()
