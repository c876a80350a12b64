"""Issue 29: rules judge no period before their law applied.

docs/law-dates.md is the one table of the dates, each with its primary source. Every bundled
rule is in it, and states the date the table gives (a rule whose law is far older than any
practice the tool judges says so there, with no date).
"""

from __future__ import annotations

import re

from conftest import ROOT
from consentrules.testing import evaluate

TABLE = ROOT / "docs" / "law-dates.md"


def _table() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and re.fullmatch(r"[A-Z][A-Z0-9-]+", cells[0]):
            rows[cells[0]] = (cells[1], cells[3])
    return rows


def _bundled():
    from consentrules.sources.loading import RuleLoader
    from consentrules.testing import make_config

    config = make_config()
    return RuleLoader(config.check_kinds, config.regions).load_paths([ROOT / "rules"])


def test_every_bundled_rule_states_the_date_its_law_applies_from():
    table = _table()
    rules = _bundled()
    missing = [rule.id for rule in rules if rule.id not in table]
    assert not missing, f"rules not in docs/law-dates.md: {missing}"
    for rule in rules:
        date, source = table[rule.id]
        stated = rule.in_force_from.text if rule.in_force_from is not None else "-"
        assert stated == date, (rule.id, stated, date)
        assert source and (source != "-" or "POLICY" in rule.id), rule.id  # a primary source
    assert set(table) == {rule.id for rule in rules}, "the table names rules that do not exist"


def test_a_rule_does_not_judge_a_period_before_its_law():
    """The revised FADP applies from 2023-09-01: a setting on by default in Switzerland in 2022
    was not a breach of it; from that date on it is."""
    rule = {
        "id": "CH",
        "in_force_from": "2023-09-01",
        "selector": {"purposes": ["data_licensing"]},
        "check": {"kind": "opt_in_default", "regions": ["CH"]},
    }
    setting = {
        "id": "lic",
        "purposes": ["data_licensing"],
        "default": True,
        "activated_at": "2021-01-01",
        "regions": {"include": ["CH"]},
    }
    assert evaluate(rule, {"settings": [setting]}, as_of="2022-06-01") == []
    (later,) = evaluate(rule, {"settings": [setting]}, as_of="2024-06-01")
    assert "since 2023-09-01" in later.message and "the setting began 2021-01-01" in later.message


def _settledness() -> dict[str, tuple[str, str]]:
    """docs/rules.md's table: rule -> (severity as written, how settled)."""
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    section = text.split("| rule | severity | regions | rests on | how settled |", 1)[1]
    rows = {}
    for line in section.splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        rows[cells[0]] = (cells[1], cells[4])
    return rows


def test_a_disputed_or_our_reading_rule_is_at_most_medium():
    """The settledness policy (docs/rules.md): a rule that rests on our reading of a text, or
    on a point authorities or courts dispute, is medium at most; and the table says what the
    rule file says."""
    from consentrules.model import Severity

    table = _settledness()
    rules = {rule.id: rule for rule in _bundled()}
    assert set(table) == set(rules)
    unsettled = []
    for rule_id, (severity, settled) in table.items():
        rule = rules[rule_id]
        assert severity.split()[0] == rule.severity.label, (rule_id, severity)
        leading = settled.split(";")[0]
        if "disputed" in leading or "our reading" in leading:
            unsettled.append(rule_id)
            assert rule.severity <= Severity.MEDIUM, (rule_id, rule.severity.label, settled)
    assert {"SCA-DIVULGE-CONTENTS", "CIPA-ALL-PARTY-CONSENT", "COPPA-AI-TRAINING-CONSENT"} <= set(
        unsettled
    )


def test_a_transitional_period_gives_earlier_practices_until_its_end():
    """The AI Act's Art. 111(3): models placed on the market before 2025-08-02 have until
    2027-08-02. ``existing_from`` judges practices that began before the law from that date."""
    rule = {
        "id": "SUMMARY",
        "in_force_from": "2025-08-02",
        "existing_from": "2027-08-02",
        "selector": {"purposes": ["ai_training"]},
        "check": {"kind": "disclosure_timing", "document_kind": "summary", "min_days_before": 0},
    }
    old = {"id": "old", "purposes": ["ai_training"], "activated_at": "2025-01-01"}
    new = {"id": "new", "purposes": ["ai_training"], "activated_at": "2025-09-01"}
    snapshot = {"settings": [old, new], "disclosures": []}
    during = evaluate(rule, snapshot, as_of="2026-06-01")
    assert [f.target_id for f in during] == ["new"]  # the older one is not yet due
    after = {f.target_id: f for f in evaluate(rule, snapshot, as_of="2027-09-01")}
    assert set(after) == {"old", "new"}
    assert "had until 2027-08-02" in after["old"].message
    assert "transitional" not in after["new"].message


def test_a_transitional_period_must_end_after_the_law_applies(tmp_path):
    from consentrules.testing import run

    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n  - id: BAD\n    title: t\n    severity: low\n    in_force_from: 2025-08-02\n"
        "    existing_from: 2024-01-01\n    check: {kind: opt_in_default}\n"
    )
    result = run("rules", "validate", str(rules))
    assert result.exit_code == 2
    assert f"{rules}:6" in result.stderr and "existing_from must come after" in result.stderr


#: The earliest day each region's comprehensive privacy law applied (docs/law-dates.md).
REGION_LAWS = {
    "CH": "2023-09-01",  # revised FADP
    "US-CA": "2020-01-01",  # CCPA
    "US-VA": "2023-01-01",  # VCDPA
    "US-CO": "2023-07-01",  # CPA
    "US-CT": "2023-07-01",  # CTDPA
    "US-TX": "2024-07-01",
    "US-OR": "2024-07-01",
    "US-MT": "2024-10-01",
    "US-DE": "2025-01-01",
    "US-NE": "2025-01-01",
    "US-NH": "2025-01-01",
    "US-NJ": "2025-01-15",
    "US-TN": "2025-07-01",
    "US-MN": "2025-07-31",
    "US-MD": "2025-10-01",
    "US-IN": "2026-01-01",
    "US-KY": "2026-01-01",
    "US-RI": "2026-01-01",
}


#: Rules resting on another law of the region than its comprehensive privacy law.
OTHER_LAWS = {"CIPA-PEN-REGISTER"}  # California's Invasion of Privacy Act, s. 638.51 (2016)


def test_no_bundled_rule_judges_a_region_before_its_law():
    """A rule resting on several laws judges each region from its own law's date: its
    ``in_force_in`` (or ``in_force_from``) for every jurisdiction is no earlier."""
    for rule in _bundled():
        if rule.id in OTHER_LAWS:
            continue
        own = dict(rule.in_force_in)
        for region in rule.jurisdictions or ():
            if region not in REGION_LAWS or rule.in_force_from is None:
                continue
            day = own.get(region, rule.in_force_from)
            assert day.first.isoformat() >= REGION_LAWS[region], (rule.id, region, str(day))


def test_each_region_is_judged_from_its_own_law():
    rule = {
        "id": "MULTI",
        "in_force_from": "2018-05-25",
        "in_force_in": {"CH": "2023-09-01"},
        "selector": {"purposes": ["data_licensing"]},
        "check": {"kind": "opt_in_default", "regions": ["EEA", "CH"]},
    }
    setting = {
        "id": "lic",
        "purposes": ["data_licensing"],
        "default": True,
        "activated_at": "2021-01-01",
        "regions": {"include": ["CH", "DE"]},
    }
    (early,) = evaluate(rule, {"settings": [setting]}, as_of="2022-06-01")
    assert early.regions == ("DE",)  # Switzerland's law did not apply yet
    # one finding per target, naming each region from its own law's date
    (later,) = evaluate(rule, {"settings": [setting]}, as_of="2024-06-01")
    assert sorted(later.regions) == ["CH", "DE"]
    assert "in DE since 2021-01-01" in later.message
    assert "in CH since 2023-09-01" in later.message
