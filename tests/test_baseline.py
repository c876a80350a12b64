from __future__ import annotations

import json

from conftest import EXAMPLES
from consentrules.yamlsource import load_document

VIOLATING = EXAMPLES / "ai-training-2024" / "violating.yaml"


def test_create_then_check_passes_and_new_findings_fail(tmp_path, consentrules_run):
    baseline = tmp_path / "baseline.json"
    created = consentrules_run(
        "baseline", "create", str(VIOLATING), "--pack", "ai-training", "-o", str(baseline)
    )
    assert created.exit_code == 0 and "5 findings" in created.stdout
    data = json.loads(baseline.read_text())
    assert data["format"] == "consentrules-baseline" and len(data["findings"]) == 5

    result = consentrules_run(
        "check",
        str(VIOLATING),
        "--pack",
        "ai-training",
        "--baseline",
        str(baseline),
        "--format",
        "json",
    )
    assert result.exit_code == 0
    assert result.json["summary"]["suppressed"] == 5

    # A new practice appears: only it fails.
    text = VIOLATING.read_text().replace(
        "  - id: personalised-ads",
        "  - id: voice-clips\n    purposes: [ai_training]\n    default: true\n"
        "    regions: {include: [US]}\n    activated_at: 2024-10-01\n\n"
        "  - id: personalised-ads",
    )
    changed = tmp_path / "violating.yaml"
    changed.write_text(text)
    result = consentrules_run(
        "check",
        str(changed),
        "--pack",
        "ai-training",
        "--baseline",
        str(baseline),
        "--format",
        "json",
    )
    assert result.exit_code == 1
    failing = [f for f in result.json["findings"] if not f["suppression"]]
    assert {f["target"]["id"] for f in failing} == {"voice-clips"}


def test_baseline_survives_a_reformatted_snapshot(tmp_path, consentrules_run):
    baseline = tmp_path / "baseline.json"
    consentrules_run("baseline", "create", str(VIOLATING), "-o", str(baseline))
    data = load_document(VIOLATING).data
    data["settings"].reverse()  # reorder, and write as one-line JSON
    reformatted = tmp_path / "export.json"
    reformatted.write_text(json.dumps(data))
    result = consentrules_run("check", str(reformatted), "--baseline", str(baseline))
    assert result.exit_code == 0, result.stdout


def test_fixed_findings_are_listed_as_stale(tmp_path, consentrules_run):
    baseline = tmp_path / "baseline.json"
    consentrules_run(
        "baseline", "create", str(VIOLATING), "--pack", "ai-training", "-o", str(baseline)
    )
    compliant = EXAMPLES / "ai-training-2024" / "compliant.yaml"
    result = consentrules_run(
        "check", str(compliant), "--baseline", str(baseline), "--format", "json"
    )
    assert result.exit_code == 0
    (notice,) = result.json["notices"]
    assert notice["message"].startswith("5 baseline entries are stale")
    assert "AI-TRAIN-003 on data-for-generative-ai-improvement" in notice["message"]


def test_entries_of_rules_not_run_are_not_stale(tmp_path, consentrules_run):
    baseline = tmp_path / "baseline.json"
    consentrules_run("baseline", "create", str(VIOLATING), "-o", str(baseline))
    rules = tmp_path / "one.yaml"
    rules.write_text(
        "rules:\n  - {id: ONLY, title: t, severity: low, check: {kind: opt_in_default}, "
        "selector: {purposes: [nothing]}}\n"
    )
    result = consentrules_run(
        "check",
        str(VIOLATING),
        "--rules",
        str(rules),
        "--baseline",
        str(baseline),
        "--format",
        "json",
    )
    assert result.json["notices"] == []


def test_bad_baseline_file(tmp_path, consentrules_run):
    bad = tmp_path / "baseline.json"
    bad.write_text('{"findings": []}')
    result = consentrules_run("check", str(VIOLATING), "--baseline", str(bad))
    assert result.exit_code == 2 and "not a consentrules baseline file" in result.stderr
