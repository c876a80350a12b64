"""Age groups that nest, bans on a practice for a group, assessments made of a practice and the
use of data collected before it began: the facts issue 29's rules rest on."""

from __future__ import annotations

from consentrules.testing import evaluate

UNDER_16 = {
    "id": "U16",
    "selector": {"data_categories": ["minors_data"]},
    "check": {"kind": "opt_in_default", "regions": ["EEA"], "group": "under_16"},
}
MINORS = {**UNDER_16, "id": "U18", "check": {**UNDER_16["check"], "group": "minors"}}


def setting(**extra):
    return {
        "id": "perso",
        "purposes": ["personalization"],
        "data_categories": ["minors_data"],
        "default": True,
        "regions": {"include": ["EEA"]},
        **extra,
    }


def test_a_default_for_minors_covers_users_under_16_but_not_the_reverse():
    off_for_minors = {"settings": [setting(group_defaults={"minors": False})]}
    assert evaluate(UNDER_16, off_for_minors) == []
    assert evaluate(MINORS, off_for_minors) == []
    off_below_16 = {"settings": [setting(group_defaults={"under_16": False})]}
    assert evaluate(UNDER_16, off_below_16) == []
    # 16- and 17-year-olds still get the general default: a rule about minors sees it on
    (finding,) = evaluate(MINORS, off_below_16)
    assert finding.message.startswith("enrolls minors (under 18) by default (opt-out;")
    assert "the snapshot states no default for them" in finding.message


def test_the_narrowest_stated_group_wins():
    snapshot = {"settings": [setting(group_defaults={"minors": False, "under_16": True})]}
    (finding,) = evaluate(UNDER_16, snapshot)
    assert finding.message.startswith("enrolls users under 16 by default (opt-out)")
    assert "no default for them" not in finding.message  # a default was stated: it is on


BAN = {
    "id": "BAN",
    "selector": {"data_categories": ["minors_data"], "purposes": ["advertising"]},
    "check": {"kind": "regional_exclusion", "regions": ["US-MD"], "group": "minors"},
}


def ads(**extra):
    return {
        "id": "teen-ads",
        "purposes": ["advertising"],
        "data_categories": ["minors_data"],
        "default": False,
        "regions": {"include": ["US"]},
        **extra,
    }


def test_a_ban_is_not_met_by_an_opt_in():
    (finding,) = evaluate(BAN, {"settings": [ads(group_defaults={"minors": False})]})
    assert finding.regions == ("US-MD",)
    assert "reaches minors (under 18) in US-MD" in finding.message
    assert "consent or not" in finding.message and "excluded_groups" in finding.message


def test_a_ban_is_met_where_the_setting_never_reaches_the_group_or_a_wider_one():
    assert evaluate(BAN, {"settings": [ads(excluded_groups=["minors"])]}) == []
    under_16_ban = {**BAN, "check": {**BAN["check"], "group": "under_16"}}
    assert evaluate(under_16_ban, {"settings": [ads(excluded_groups=["minors"])]}) == []
    # excluding children under 13 leaves 13- to 15-year-olds reached
    (finding,) = evaluate(under_16_ban, {"settings": [ads(excluded_groups=["under_13"])]})
    assert "reaches users under 16" in finding.message


ASSESSED = {
    "id": "DPIA",
    "selector": {"purposes": ["ai_training"]},
    "message": "trained without a DPIA before the start",
    "check": {
        "kind": "condition",
        "require": {"field": "assessments.before_start", "contains": "dpia"},
    },
}


def train(**extra):
    return {
        "id": "train",
        "purposes": ["ai_training"],
        "default": True,
        "activated_at": "2025-05-27",
        "regions": {"include": ["EEA"]},
        **extra,
    }


def test_an_assessment_counts_only_if_completed_by_the_start_and_where_the_rule_looks():
    def verdict(assessments):
        found = evaluate(
            ASSESSED, {"taken_at": "2025-07-01", "settings": [train(assessments=assessments)]}
        )
        return found[0].status.value if found else "pass"

    assert verdict([{"kind": "dpia", "completed_at": "2025-05-27"}]) == "pass"
    assert verdict([{"kind": "dpia", "completed_at": "2025-05-28"}]) == "violation"
    assert verdict([]) == "violation"  # none made
    assert verdict([{"kind": "legitimate_interest", "completed_at": "2025-01-01"}]) == "violation"
    # a month-only date that may fall either side of the start settles nothing
    assert verdict([{"kind": "dpia", "completed_at": "2025-05"}]) == "not_evaluable"


def test_an_assessment_for_other_regions_does_not_count_where_the_rule_looks():
    rule = {**ASSESSED, "selector": {**ASSESSED["selector"], "regions": ["EEA"]}}
    rule["check"] = {**rule["check"]}
    made = [{"kind": "dpia", "completed_at": "2025-01-01", "regions": ["US"]}]
    (finding,) = evaluate(rule, {"taken_at": "2025-07-01", "settings": [train(assessments=made)]})
    assert finding.status.value == "violation"


def test_unstated_assessments_are_not_evaluable_and_say_what_to_add():
    (finding,) = evaluate(ASSESSED, {"taken_at": "2025-07-01", "settings": [train()]})
    assert finding.status.value == "not_evaluable"
    assert "assessments" in finding.message


def test_the_new_facts_survive_a_round_trip_through_the_snapshot_format():
    from consentrules.sources.export import setting_data
    from consentrules.testing import make_snapshot

    raw = train(
        assessments=[{"kind": "dpia", "completed_at": "2025-04-01", "regions": ["EEA"]}],
        uses_existing_data=True,
        excluded_groups=["under_16"],
    )
    (loaded,) = make_snapshot({"settings": [raw]}).settings
    out = setting_data(loaded)
    assert out["assessments"] == raw["assessments"]
    assert out["uses_existing_data"] is True and out["excluded_groups"] == ["under_16"]


def test_an_opt_out_of_sale_or_sharing_includes_the_opt_out_of_sale():
    rule = {
        "id": "SALE",
        "selector": {"purposes": ["data_licensing"]},
        "check": {
            "kind": "disclosure_timing",
            "document_kind": "privacy_policy",
            "require": ["opt_out_of_sale"],
        },
    }

    def snapshot(statements):
        version = {"version": "1", "published_at": "2024-01-01", "statements": statements}
        return {
            "settings": [
                {"id": "lic", "purposes": ["data_licensing"], "regions": {"include": ["US"]}}
            ],
            "disclosures": [{"id": "pp", "kind": "privacy_policy", "versions": [version]}],
        }

    assert evaluate(rule, snapshot(["opt_out_of_sale_sharing"])) == []
    (finding,) = evaluate(rule, snapshot(["opt_out_of_targeted_advertising"]))
    assert "opt_out_of_sale" in finding.message
