"""Issue 30: two facts read right must not combine into a verdict neither supports.

Each test runs the bundled rules through the command line on a snapshot written for the case,
and asserts what a reader of the report would conclude: which rule fires, with which status,
severity and regions, and what the message says.
"""

from __future__ import annotations

from typing import Any

import pytest

from consentrules.testing import write_snapshot

LI = {
    "purposes": ["ai_training"],
    "data_categories": ["posts"],
    "recipients": ["first_party"],
    "default": True,
    "legal_basis": "legitimate_interest",
    "objection": {"route": "web_form", "available_at": "2025-04-14"},
    "activated_at": "2025-05-27",
}


def _check(run: Any, tmp_path: Any, data: dict[str, Any], *rules: str) -> list[dict[str, Any]]:
    path = write_snapshot(tmp_path, {"taken_at": "2025-07-01", **data})
    args = ["check", str(path), "--format", "json", "--fail-on", "never"]
    for rule in rules:
        args += ["--rule", rule]
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return result.findings


def _one(findings: list[dict[str, Any]], rule: str) -> dict[str, Any]:
    (found,) = [f for f in findings if f["rule_id"] == rule]
    return found


def _train(**fields: Any) -> dict[str, Any]:
    return {"id": "train", **LI, **fields}


def _notice(*versions: dict[str, Any]) -> dict[str, Any]:
    return {"id": "mail", "kind": "email_notice", "versions": list(versions)}


# -- a notice counts for the regions it addresses and the purposes it names ----------------------
@pytest.mark.parametrize(
    ("setting", "notice", "reviewed"),
    [
        # addressed to US users only: it tells no one in the EEA
        ({"regions": {"include": ["EEA"]}}, {"regions": ["US"]}, False),
        # addressed to Germany only: the rest of the EEA was not told
        ({"regions": {"include": ["EEA"]}}, {"regions": ["DE"]}, False),
        # addressed to the EEA: enough
        ({"regions": {"include": ["EEA"]}}, {"regions": ["EEA"]}, True),
        # addressed to everyone
        ({"regions": {"include": ["EEA"]}}, {}, True),
    ],
)
def test_a_notice_counts_only_where_it_was_addressed(
    consentrules_run, tmp_path, setting, notice, reviewed
):
    version = {"version": "1", "published_at": "2025-04-14", "purposes": ["ai_training"], **notice}
    findings = _check(
        consentrules_run,
        tmp_path,
        {"settings": [_train(**setting)], "disclosures": [_notice(version)]},
        "AI-TRAIN-002",
    )
    found = _one(findings, "AI-TRAIN-002")
    assert found["status"] == "violation"
    assert found["severity"] == ("medium" if reviewed else "high")
    assert found["message"].startswith("to review") is reviewed


def test_notices_to_each_region_together_tell_everyone(consentrules_run, tmp_path):
    versions = [
        {
            "version": "eea",
            "published_at": "2025-04-14",
            "purposes": ["ai_training"],
            "regions": ["EEA"],
        },
        {
            "version": "uk",
            "published_at": "2025-04-20",
            "purposes": ["ai_training"],
            "regions": ["UK"],
        },
    ]
    setting = _train(
        regions={"include": ["EEA", "UK"]},
        legal_basis={"EEA": "legitimate_interest", "UK": "legitimate_interest"},
    )

    def severity() -> str:
        data = {"settings": [setting], "disclosures": [_notice(*versions)]}
        return _one(_check(consentrules_run, tmp_path, data, "AI-TRAIN-002"), "AI-TRAIN-002")[
            "severity"
        ]

    assert severity() == "medium"
    # The UK notice came after the start: then the UK was not told in time.
    versions[1]["published_at"] = "2025-06-01"
    assert severity() == "high"


def test_a_notice_of_another_purpose_does_not_tell_of_ai_training(consentrules_run, tmp_path):
    setting = _train(purposes=["ai_training", "personalization"], regions={"include": ["EEA"]})
    other = {"version": "1", "published_at": "2025-04-14", "purposes": ["personalization"]}
    late = {
        "id": "pp",
        "kind": "privacy_policy",
        "versions": [{"version": "2", "published_at": "2025-06-20", "purposes": ["ai_training"]}],
    }
    findings = _check(
        consentrules_run,
        tmp_path,
        {"settings": [setting], "disclosures": [_notice(other), late]},
        "AI-TRAIN-002",
        "AI-TRAIN-003",
    )
    # Both rules now agree: AI training was not disclosed before the start.
    assert _one(findings, "AI-TRAIN-003")["status"] == "violation"
    assert _one(findings, "AI-TRAIN-002")["severity"] == "high"


def test_an_undated_notice_leaves_before_start_open(consentrules_run, tmp_path):
    undated = {"version": "draft", "published_at": None, "purposes": ["ai_training"]}
    findings = _check(
        consentrules_run,
        tmp_path,
        {"settings": [_train(regions={"include": ["EEA"]})], "disclosures": [_notice(undated)]},
        "AI-TRAIN-002",
    )
    found = _one(findings, "AI-TRAIN-002")
    assert found["severity"] == "high"  # a lower severity needs the fact that supports it
    assert "not shown by the snapshot: notice to these users before the start" in found["message"]
    assert "not met here" not in found["message"]  # it is open, not false


# -- facts are required only for the regions where the setting runs -------------------------------
@pytest.mark.parametrize(
    ("regions", "basis"),
    [
        (["UK"], {"UK": "legitimate_interest"}),
        (["EEA", "UK"], {"EEA": "legitimate_interest", "UK": "legitimate_interest"}),
        (["DE", "FR"], {"DE": "legitimate_interest", "FR": "legitimate_interest"}),
        (["CH"], None),  # the FADP asks for no recorded basis
        (["CH", "UK"], {"UK": "legitimate_interest"}),
    ],
)
def test_a_basis_is_asked_only_where_the_setting_runs(consentrules_run, tmp_path, regions, basis):
    setting = _train(regions={"include": regions})
    if basis is None:
        del setting["legal_basis"]
    else:
        setting["legal_basis"] = basis
    pp = {
        "id": "pp",
        "kind": "privacy_policy",
        "versions": [{"version": "1", "published_at": "2025-04-14", "purposes": ["ai_training"]}],
    }
    findings = _check(
        consentrules_run, tmp_path, {"settings": [setting], "disclosures": [pp]}, "AI-TRAIN-002"
    )
    found = _one(findings, "AI-TRAIN-002")
    assert found["severity"] == "medium", found["message"]
    assert "CH" not in found["message"] or "CH" in regions


@pytest.mark.parametrize(
    "basis",
    [
        {"UK": "legitimate_interest"},  # nothing for the EEA
        {"EEA": "legitimate_interest", "UK": "consent"},  # consent recorded for the UK
        {"EEA": "legitimate_interest", "UK": "legitimate_interest", "FR": "consent"},
    ],
)
def test_a_basis_missing_or_other_for_a_region_in_question_keeps_it_high(
    consentrules_run, tmp_path, basis
):
    setting = _train(regions={"include": ["EEA", "UK"]}, legal_basis=basis)
    pp = {
        "id": "pp",
        "kind": "privacy_policy",
        "versions": [{"version": "1", "published_at": "2025-04-14", "purposes": ["ai_training"]}],
    }
    findings = _check(
        consentrules_run, tmp_path, {"settings": [setting], "disclosures": [pp]}, "AI-TRAIN-002"
    )
    assert _one(findings, "AI-TRAIN-002")["severity"] == "high"


# -- an undated version beside a dated late one ---------------------------------------------------
def test_an_undated_version_beside_a_late_one_is_not_evaluable(consentrules_run, tmp_path):
    setting = {
        "id": "train",
        "purposes": ["ai_training"],
        "default": True,
        "regions": {"include": ["US"]},
        "activated_at": "2024-08-01",
    }
    versions = [
        {"version": "undated", "published_at": None, "purposes": ["ai_training"]},
        {"version": "2024-09", "published_at": "2024-09-18", "purposes": ["ai_training"]},
    ]
    pp = {"id": "pp", "kind": "privacy_policy", "versions": versions}
    findings = _check(
        consentrules_run,
        tmp_path,
        {"taken_at": "2024-11-20", "settings": [setting], "disclosures": [pp]},
        "AI-TRAIN-003",
    )
    found = _one(findings, "AI-TRAIN-003")
    assert found["status"] == "not_evaluable"
    assert "version undated" in found["message"] and "48 days" not in found["message"]
    # An undated version addressed to other regions does not reach these users: still late.
    versions[0]["regions"] = ["EEA"]
    findings = _check(
        consentrules_run,
        tmp_path,
        {"taken_at": "2024-11-20", "settings": [setting], "disclosures": [pp]},
        "AI-TRAIN-003",
    )
    found = _one(findings, "AI-TRAIN-003")
    assert found["status"] == "violation" and "48 days later" in found["message"]


# -- regions not stated: no definite verdict from a rule about some regions ------------------------
STATE_RULES = ["GPC-CA", "CCPA-OPT-OUT-OF-SALE-SHARING", "US-STATE-OPT-OUT-RIGHTS"]


@pytest.mark.parametrize("rule", [*STATE_RULES, "SCA-DIVULGE-CONTENTS"])
def test_rules_about_some_regions_are_not_evaluable_without_regions(
    consentrules_run, tmp_path, rule
):
    ads = {
        "id": "ads",
        "purposes": ["advertising"],
        "data_categories": ["usage", "private_messages"],
        "recipients": ["third_parties"],
        "default": True,
        "activated_at": "2024-05-27",
    }
    pp = {
        "id": "pp",
        "kind": "privacy_policy",
        "versions": [{"version": "1", "published_at": "2020-01-01", "purposes": ["advertising"]}],
    }
    findings = _check(consentrules_run, tmp_path, {"settings": [ads], "disclosures": [pp]}, rule)
    found = _one(findings, rule)
    assert found["status"] == "not_evaluable", found["message"]
    assert "does not say in which regions" in found["message"]
    # Known to run in the states concerned: the definite verdict is back.
    ads["regions"] = {"include": ["US"]}
    findings = _check(consentrules_run, tmp_path, {"settings": [ads], "disclosures": [pp]}, rule)
    assert _one(findings, rule)["status"] == "violation"


def test_one_setting_known_to_run_there_makes_a_disclosure_finding_definite(
    consentrules_run, tmp_path
):
    unknown = {"id": "a", "purposes": ["advertising"], "default": True}
    known = {
        "id": "b",
        "purposes": ["advertising"],
        "default": True,
        "regions": {"include": ["US-CA"]},
    }
    pp = {
        "id": "pp",
        "kind": "privacy_policy",
        "versions": [{"version": "1", "published_at": "2020-01-01"}],
    }
    findings = _check(
        consentrules_run, tmp_path, {"settings": [unknown, known], "disclosures": [pp]}, "GPC-CA"
    )
    assert _one(findings, "GPC-CA")["status"] == "violation"


# -- every region is accounted for ---------------------------------------------------------------
@pytest.mark.parametrize("rule", ["AI-TRAIN-002", "AI-TRAIN-005", "GDPR-CONSENT-OPT-IN"])
def test_a_region_whose_default_is_unknown_is_named_beside_the_violation(
    consentrules_run, tmp_path, rule
):
    setting = {
        "id": "s",
        "purposes": ["ai_training", "advertising"],
        "data_categories": ["private_messages"],
        "default": True,
        "region_defaults": {"DE": None},
        "default_note": "rollout decided per user",
        "regions": {"include": ["EEA"]},
        "activated_at": "2024-06-01",
    }
    findings = _check(consentrules_run, tmp_path, {"settings": [setting]}, rule)
    found = _one(findings, rule)
    assert found["status"] == "violation"
    assert "DE" not in found["regions"]
    assert "possibly enrolled by default in DE (rollout decided per user)" in found["message"]
    assert found["evidence"]["not_evaluable"] == [
        "users are possibly enrolled by default in DE (rollout decided per user)"
    ]


# -- messages state the facts --------------------------------------------------------------------
def test_a_rule_in_force_later_reports_the_real_activation(consentrules_run, tmp_path):
    setting = {
        "id": "train",
        "purposes": ["ai_training"],
        "default": False,
        "regions": {"include": ["EEA"]},
        "activated_at": "2024-06-01",
    }
    findings = _check(
        consentrules_run,
        tmp_path,
        {"taken_at": "2027-12-01", "settings": [setting], "disclosures": []},
        "EU-AI-ACT-TRAINING-SUMMARY",
    )
    # training from before the AI Act applied is judged from the end of its transitional
    # period (Art. 111(3)), and the finding says when it really began
    found = _one(findings, "EU-AI-ACT-TRAINING-SUMMARY")
    assert "activated 2027-08-02" not in found["message"]
    assert "since 2024-06-01" in found["message"]
    assert found["evidence"]["activated_at"] == "2024-06-01"
    assert found["evidence"]["judged_from"] == "2027-08-02"


def test_a_disputed_finding_on_a_disclosure_names_the_categories(tmp_path):
    from consentrules.testing import evaluate

    rule = {
        "id": "R",
        "selector": {"data_categories": ["private_messages"]},
        "check": {"kind": "disclosure_timing", "document_kind": "privacy_policy", "require": ["x"]},
    }
    snapshot = {
        "settings": [
            {"id": "s", "purposes": ["ai_training"], "disputed_categories": ["private_messages"]}
        ],
        "disclosures": [
            {"id": "pp", "kind": "privacy_policy", "versions": [{"published_at": "2024-01-01"}]}
        ],
    }
    (finding,) = evaluate(rule, snapshot)
    assert finding.target_kind == "disclosure"
    assert finding.evidence["disputed_categories"] == ["private_messages"]


def test_a_default_for_a_region_where_the_setting_does_not_run_selects_nothing(
    consentrules_run, tmp_path
):
    """Found by the property test: "on by default" in Japan, for a setting offered only in the
    EEA and off by default there, made rules about default-on settings judge it."""
    setting = _train(default=False, region_defaults={"JP": True}, regions={"include": ["EEA"]})
    findings = _check(consentrules_run, tmp_path, {"settings": [setting]})
    assert not [f for f in findings if f["rule_id"].startswith("AI-LI-")], findings
