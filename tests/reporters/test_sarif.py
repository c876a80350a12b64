from __future__ import annotations

import json

import jsonschema
import pytest

from conftest import ROOT
from reporters.conftest import VIOLATING

SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text())


@pytest.fixture
def sarif(render):
    return json.loads(render("sarif"))


def test_validates_against_the_oasis_schema(sarif):
    jsonschema.Draft7Validator(SCHEMA).validate(sarif)


def test_rules_carry_help_and_references(sarif):
    driver = sarif["runs"][0]["tool"]["driver"]
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) == {
        *(f"AI-TRAIN-00{i}" for i in range(1, 6)),
        "AI-TRAIN-002-PAST",
        "AI-LI-NOTICE-BEFORE-START",
        "AI-LI-OBJECTION-AT-START",
        "AI-LI-OBJECTION-COVERS-PAST",
        "AI-LI-ASSESSMENT-BEFORE-START",
        "FTC-RETROACTIVE-AI-TRAINING",
        "SCA-DIVULGE-CONTENTS",
        "SCA-NO-DEFAULT-SHARING",
    }
    sca = rules["SCA-DIVULGE-CONTENTS"]
    assert sca["helpUri"] == "https://www.law.cornell.edu/uscode/text/18/2702"
    assert "(b)(3)" in sca["help"]["text"] and "(b)(5)" in sca["help"]["text"]
    assert "[18 U.S.C. 2702, voluntary disclosure" in sca["help"]["markdown"]
    assert sca["properties"]["security-severity"] == "5.5"  # medium: a disputed point
    assert sca["defaultConfiguration"]["level"] == "warning"


def test_results_have_locations_levels_and_fingerprints(sarif):
    run = sarif["runs"][0]
    results = {r["ruleId"]: r for r in run["results"]}
    region_rule = results["AI-TRAIN-002-PAST"]
    location = region_rule["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": VIOLATING, "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 12, "startColumn": 5}
    assert region_rule["level"] == "note"  # info: a resolved, past period
    assert results["AI-TRAIN-003"]["level"] == "error"  # high
    assert results["SCA-NO-DEFAULT-SHARING"]["level"] == "warning"  # medium
    assert region_rule["properties"]["regions"] == ["GB"]
    fingerprint = region_rule["partialFingerprints"]["consentrules/v2"]
    assert len(fingerprint) == 32
    rules = run["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])


def test_waived_finding_is_a_suppression_and_notices_are_notifications(sarif):
    run = sarif["runs"][0]
    waived = [r for r in run["results"] if r.get("suppressions")]
    assert [r["ruleId"] for r in waived] == ["AI-TRAIN-004"]
    suppression = waived[0]["suppressions"][0]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert "help-center article 4021" in suppression["justification"]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("expired on 2024-12-31" in n["message"]["text"] for n in notes)


def test_fingerprints_are_stable_across_reformatting(tmp_path, in_root, consentrules_run):
    from consentrules.sources.yamlsource import load_document

    data = load_document(VIOLATING).data
    reformatted = tmp_path / "violating.json"
    reformatted.write_text(json.dumps(data, indent=4))
    first = consentrules_run("check", str(reformatted), "--format", "sarif")
    data["settings"].reverse()
    reformatted.write_text(json.dumps(data))  # one line, other order
    second = consentrules_run("check", str(reformatted), "--format", "sarif")

    def prints(result):
        return sorted(
            r["partialFingerprints"]["consentrules/v2"]
            for r in json.loads(result.stdout)["runs"][0]["results"]
        )

    assert prints(first) == prints(second)


def test_not_evaluable_is_a_review_result(tmp_path, in_root, consentrules_run):
    snapshot = tmp_path / "s.yaml"
    snapshot.write_text(
        "platform: X\ntaken_at: 2024-01-01\nsettings:\n"
        "  - {id: a, purposes: [ai_training], regions: {include: [ALL]}}\n"
    )
    result = consentrules_run("check", str(snapshot), "--format", "sarif")
    sarif = json.loads(result.stdout)
    jsonschema.Draft7Validator(SCHEMA).validate(sarif)
    reviews = [r for r in sarif["runs"][0]["results"] if r["kind"] == "review"]
    assert reviews and all(r["level"] == "none" for r in reviews)
    # outside the working directory: an absolute file URI, no base id
    uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"].startswith("file://") and "uriBaseId" not in uri


@pytest.mark.parametrize("fmt", ["sarif", "json"])
def test_large_reports_are_written_compact_with_the_same_content(render, monkeypatch, fmt):
    """Past INDENT_UP_TO findings the C encoder writes compact text (the indenting encoder is
    pure Python and takes seconds on tens of thousands of findings); the content is the same."""
    from consentrules import report as reporters

    indented = render(fmt)
    monkeypatch.setattr(reporters, "INDENT_UP_TO", 0)
    compact = render(fmt)
    assert "\n  " in indented and compact.count("\n") == 1
    assert json.loads(compact) == json.loads(indented)
