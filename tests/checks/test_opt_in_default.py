from __future__ import annotations

from consentrules.model import Status
from consentrules.testing import evaluate

RULE = {"id": "OPT", "selector": {"purposes": ["ai_training"]}, "check": {"kind": "opt_in_default"}}


def setting(**fields):
    return {
        "id": "ai",
        "purposes": ["ai_training"],
        "activated_at": "2024-08-01",
        "regions": {"include": ["ALL"]},
        **fields,
    }


def test_default_on_everywhere_is_a_violation():
    (finding,) = evaluate(RULE, {"settings": [setting(default=True)]})
    assert finding.status is Status.VIOLATION
    assert finding.target_id == "ai"
    assert finding.regions == ("ALL",)
    assert "enrolls users by default (opt-out) in ALL since 2024-08-01" in finding.message


def test_default_off_is_quiet():
    assert evaluate(RULE, {"settings": [setting(default=False)]}) == []


def test_unselected_settings_are_ignored():
    other = setting(default=True, purposes=["analytics"])
    assert evaluate(RULE, {"settings": [other]}) == []


def test_region_override_most_specific_wins():
    rule = {**RULE, "check": {"kind": "opt_in_default", "regions": ["EEA"]}}
    # Off in the EEA except Germany, where an override turns it back on.
    s = setting(default=True, region_defaults={"EEA": False, "DE": True})
    (finding,) = evaluate(rule, {"settings": [s]})
    assert finding.regions == ("DE",)
    assert "in DE" in finding.message


def test_overrides_turning_every_listed_region_off_pass():
    rule = {**RULE, "check": {"kind": "opt_in_default", "regions": ["EEA", "UK"]}}
    s = setting(default=True, region_defaults={"EEA": False, "GB": False})
    assert evaluate(rule, {"settings": [s]}) == []


def test_default_off_with_override_on_in_a_subdivision():
    s = setting(default=False, region_defaults={"US-CA": True})
    (finding,) = evaluate(RULE, {"settings": [s]})
    assert finding.regions == ("US-CA",)


def test_regions_outside_where_the_setting_applies_do_not_count():
    rule = {**RULE, "check": {"kind": "opt_in_default", "regions": ["EEA"]}}
    s = setting(default=True, regions={"include": ["ALL"], "exclude": ["EEA"]})
    assert evaluate(rule, {"settings": [s]}) == []


def test_history_when_ever_reports_past_period():
    s = setting(default=True, history=[{"date": "2024-09-15", "default": False}])
    (finding,) = evaluate(RULE, {"settings": [s]})
    assert "from 2024-08-01 until 2024-09-15" in finding.message
    assert finding.evidence["periods"] == ["from 2024-08-01 until 2024-09-15"]


def test_history_when_as_of_uses_only_the_current_state():
    rule = {**RULE, "check": {"kind": "opt_in_default", "when": "as_of"}}
    s = setting(default=True, history=[{"date": "2024-09-15", "default": False}])
    assert evaluate(rule, {"settings": [s]}) == []
    # ... but before the change took effect, the default was still on.
    (finding,) = evaluate(rule, {"settings": [s]}, as_of="2024-09-01")
    assert finding.status is Status.VIOLATION


def test_history_after_as_of_is_ignored():
    s = setting(default=False, history=[{"date": "2024-12-01", "default": True}])
    assert evaluate(RULE, {"settings": [s]}, as_of="2024-11-01") == []
    assert len(evaluate(RULE, {"settings": [s]}, as_of="2024-12-01")) == 1


def test_history_entry_in_month_of_as_of_is_not_evaluable():
    s = setting(default=False, history=[{"date": "2024-11", "default": True}])
    (finding,) = evaluate(RULE, {"settings": [s]}, as_of="2024-11-15")
    assert finding.status is Status.NOT_EVALUABLE
    assert "2024-11" in finding.message


def test_missing_default_is_not_evaluable_never_a_pass():
    (finding,) = evaluate(RULE, {"settings": [setting()]})
    assert finding.status is Status.NOT_EVALUABLE
    assert "does not say whether users are enrolled by default" in finding.message


def test_missing_regions_with_regional_rule_is_not_evaluable():
    rule = {**RULE, "check": {"kind": "opt_in_default", "regions": ["EEA"]}}
    s = setting(default=True)
    del s["regions"]
    (finding,) = evaluate(rule, {"settings": [s]})
    assert finding.status is Status.NOT_EVALUABLE
    assert "in which regions" in finding.message


def test_missing_regions_without_regional_rule_still_reports_default_on():
    s = setting(default=True)
    del s["regions"]
    (finding,) = evaluate(RULE, {"settings": [s]})
    assert finding.status is Status.VIOLATION
    assert "the snapshot lists no regions" in finding.message


def test_unknown_region_default_is_possibly_on_with_the_reason():
    s = setting(
        default=False,
        region_defaults={"DE": None, "FR": None},
        default_note="a fractional rollout decides per user",
    )
    (finding,) = evaluate(RULE, {"settings": [s]})
    assert finding.status is Status.NOT_EVALUABLE
    assert finding.message == (
        "not evaluable: users are possibly enrolled by default in DE and FR "
        "(a fractional rollout decides per user)"
    )


def test_on_somewhere_and_possibly_elsewhere_is_a_violation_that_says_both():
    s = setting(default=False, region_defaults={"US": True, "DE": None})
    (finding,) = evaluate(RULE, {"settings": [s]})
    assert finding.status is Status.VIOLATION and finding.regions == ("US",)
    assert "also not evaluable: users are possibly enrolled by default in DE" in finding.message
