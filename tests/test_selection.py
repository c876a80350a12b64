"""Choosing rules: packs, tags, jurisdictions, severities, disables and overrides."""

from __future__ import annotations

import pytest

from conftest import EXAMPLES

VIOLATING = str(EXAMPLES / "ai-training-2024" / "violating.yaml")


def rule_ids(result):
    return {line.split()[0] for line in result.stdout.splitlines()[1:-1]}


def test_pack(consentrules_run):
    result = consentrules_run("rules", "list", "--pack", "gdpr", "--pack", "uk-gdpr")
    assert rule_ids(result) == {
        "GDPR-CONSENT-OPT-IN",
        "GDPR-BY-DEFAULT-SHARING",
        "GDPR-PUBLIC-BY-DEFAULT",
        "GDPR-ART13-NOTICE",
        "GDPR-ART9-SPECIAL",
        "UKGDPR-CONSENT-OPT-IN",
        "UKGDPR-BY-DEFAULT-SHARING",
        "UKGDPR-PUBLIC-BY-DEFAULT",
        "UKGDPR-ART13-NOTICE",
        "UKGDPR-ART9-SPECIAL",
        "UK-PECR-STORAGE-CONSENT",
        "UK-PECR-ANALYTICS-CONSENT",
        "UK-PECR-ANALYTICS-OBJECTION",
    }


def test_unknown_pack_suggests(consentrules_run):
    result = consentrules_run("rules", "list", "--pack", "gdrp")
    assert result.exit_code == 2 and "did you mean 'gdpr'?" in result.stderr


def test_tag_and_min_severity(consentrules_run):
    tagged = rule_ids(consentrules_run("rules", "list", "--tag", "stored-communications"))
    assert tagged == {"SCA-DIVULGE-CONTENTS", "SCA-NO-DEFAULT-SHARING"}
    critical = rule_ids(consentrules_run("rules", "list", "--min-severity", "critical"))
    assert critical == {"GDPR-ART9-SPECIAL", "UKGDPR-ART9-SPECIAL", "CCPA-MINORS-OPT-IN"}


def test_jurisdiction_keeps_rules_for_that_region_and_general_ones(consentrules_run):
    ids = rule_ids(consentrules_run("rules", "list", "--jurisdiction", "US-CA"))
    assert "CCPA-MINORS-OPT-IN" in ids and "SCA-DIVULGE-CONTENTS" in ids  # US covers US-CA
    assert "AI-TRAIN-003" in ids  # names no jurisdiction: applies everywhere
    assert "GDPR-ART13-NOTICE" not in ids and "US-STATE-OPT-OUT-RIGHTS" not in ids
    eu = rule_ids(consentrules_run("rules", "list", "--jurisdiction", "DE"))
    assert "GDPR-ART13-NOTICE" in eu and "EPRIVACY-STORAGE-CONSENT" in eu
    assert "CCPA-MINORS-OPT-IN" not in eu


def test_disable_and_override_on_the_command_line(consentrules_run):
    result = consentrules_run(
        "check",
        VIOLATING,
        "--pack",
        "ai-training",
        "--disable-rule",
        "AI-TRAIN-004",
        "--severity-override",
        "AI-TRAIN-002-PAST=low",
        "--fail-on",
        "medium",
    )
    fired = {f["rule_id"]: f for f in result.findings}
    assert "AI-TRAIN-004" not in fired
    assert fired["AI-TRAIN-002-PAST"]["severity"] == "low"
    assert result.report["rules"]["AI-TRAIN-002-PAST"]["severity"] == "low"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--disable-rule", "AI-TRAIN-05"), "no rule with id 'AI-TRAIN-05'; did you mean"),
        (("--severity-override", "AI-TRAIN-002=urgent"), "unknown severity 'urgent'"),
        (("--jurisdiction", "Europe"), "--jurisdiction: unknown region 'Europe'"),
    ],
)
def test_selection_mistakes_are_usage_errors(consentrules_run, args, message):
    result = consentrules_run("check", VIOLATING, *args)
    assert result.exit_code == 2 and message in result.stderr


def test_config_disables_and_overrides(tmp_path, monkeypatch, consentrules_run):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".consentrules.yaml").write_text(
        f"snapshots: [{VIOLATING}]\npack: [ai-training]\ndisable-rule: [AI-TRAIN-004, FTC-RETROACTIVE-AI-TRAINING]\n"
        "severity-override: {AI-TRAIN-001: info, AI-TRAIN-003: low}\nfail-on: medium\n"
    )
    monkeypatch.chdir(tmp_path)
    result = consentrules_run("check")
    fired = {f["rule_id"]: f["severity"] for f in result.findings}
    assert fired == {"AI-TRAIN-002-PAST": "info", "AI-TRAIN-003": "low"}
    assert result.exit_code == 0  # nothing at or above medium
    # the command line still wins
    override = consentrules_run("check", "--severity-override", "AI-TRAIN-003=high")
    assert override.exit_code == 1


def test_packs_listing(consentrules_run):
    result = consentrules_run("rules", "packs")
    assert result.exit_code == 0 and "14 packs" in result.stdout
    assert "us-ccpa-cpra" in result.stdout and "US-CA" in result.stdout


def test_explain(consentrules_run):
    result = consentrules_run("rules", "explain", "AI-TRAIN-002", "--snapshot", VIOLATING)
    out = result.stdout
    assert result.exit_code == 0
    for text in (
        "Why",
        "What to do",
        "The law it rests on",
        "https://www.fedlex.admin.ch",
        "Selects settings with purposes: ai_training.",
        "Examples (13 fixtures)",
        "on by default in the UK on the evaluation date: expect violation on target train in [GB]",
        "selects 1 of 2 settings: data-for-generative-ai-improvement",
        "no finding",
    ):
        assert text in out, text


def test_an_opt_in_pack_runs_only_when_named(consentrules_run):
    everything = consentrules_run("check", VIOLATING, "--format", "json", "--fail-on", "never")
    assert everything.report["rules"] and not any(
        rule.startswith("POLICY-") for rule in everything.report["rules"]
    )
    named = consentrules_run(
        "check", VIOLATING, "--pack", "policy-choices", "--format", "json", "--fail-on", "never"
    )
    assert set(named.report["rules"]) == {"POLICY-30-DAY-NOTICE"}
    by_tag = consentrules_run(
        "check", VIOLATING, "--tag", "policy-choice", "--format", "json", "--fail-on", "never"
    )
    assert "POLICY-30-DAY-NOTICE" in by_tag.report["rules"]


def test_alternatives_select_a_setting_that_matches_any_of_them():
    """CCPA 'sale or sharing': a sale or sharing purpose, or advertising with third parties;
    first-party advertising is neither (issue 29)."""
    from consentrules.testing import evaluate

    rule = {
        "id": "SALE",
        "selector": {"any": [
            {"purposes": ["third_party_sharing", "data_licensing"]},
            {"purposes": ["advertising"], "recipients": ["third_parties"]},
        ]},
        "check": {"kind": "opt_in_default"},
    }  # fmt: skip
    settings = [
        {"id": "own-ads", "purposes": ["advertising"], "recipients": ["first_party"], "default": True},
        {"id": "partner-ads", "purposes": ["advertising"], "recipients": ["third_parties"], "default": True},
        {"id": "licensing", "purposes": ["data_licensing"], "default": True},
    ]  # fmt: skip
    found = evaluate(rule, {"settings": settings})
    assert sorted(f.target_id for f in found) == ["licensing", "partner-ads"]
