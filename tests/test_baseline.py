from __future__ import annotations

import json

from conftest import EXAMPLES
from consentrules.sources.yamlsource import load_document

VIOLATING = EXAMPLES / "ai-training-2024" / "violating.yaml"


def test_create_then_check_passes_and_new_findings_fail(tmp_path, consentrules_run):
    baseline = tmp_path / "baseline.json"
    snapshot = tmp_path / "violating.yaml"
    snapshot.write_text(VIOLATING.read_text())
    created = consentrules_run(
        "baseline", "create", str(snapshot), "--pack", "ai-training", "-o", str(baseline)
    )
    assert created.exit_code == 0 and "4 findings" in created.stdout
    data = json.loads(baseline.read_text())
    assert data["format"] == "consentrules-baseline" and len(data["findings"]) == 4

    result = consentrules_run(
        "check",
        str(snapshot),
        "--pack",
        "ai-training",
        "--baseline",
        str(baseline),
        "--format",
        "json",
    )
    assert result.exit_code == 0
    assert result.json["summary"]["suppressed"] == 4

    # A new practice appears: only it fails.
    text = VIOLATING.read_text().replace(
        "  - id: personalised-ads",
        "  - id: voice-clips\n    purposes: [ai_training]\n    default: true\n"
        "    regions: {include: [ALL]}\n    activated_at: 2024-10-01\n\n"
        "  - id: personalised-ads",
    )
    changed = snapshot
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
    reformatted = tmp_path / "export.json"
    reformatted.write_text(json.dumps(load_document(VIOLATING).data, indent=2))
    consentrules_run("baseline", "create", str(reformatted), "-o", str(baseline))
    data = load_document(reformatted).data
    data["settings"].reverse()  # reorder, and write as one line
    reformatted.write_text(json.dumps(data))
    result = consentrules_run("check", str(reformatted), "--baseline", str(baseline))
    assert result.exit_code == 0, result.stdout


def test_two_files_of_one_platform_are_told_apart(tmp_path, consentrules_run):
    first, second = tmp_path / "eu.yaml", tmp_path / "us.yaml"
    first.write_text(VIOLATING.read_text())
    second.write_text(VIOLATING.read_text())
    baseline = tmp_path / "baseline.json"
    consentrules_run("baseline", "create", str(first), "-o", str(baseline))
    result = consentrules_run(
        "check", str(first), str(second), "--baseline", str(baseline), "--format", "json"
    )
    assert result.exit_code == 1
    fresh = {f["snapshot"] for f in result.json["findings"] if not f["suppression"]}
    assert fresh == {str(second)}


def test_a_finding_that_got_worse_is_new(tmp_path, consentrules_run):
    snapshot = tmp_path / "violating.yaml"
    snapshot.write_text(VIOLATING.read_text())
    baseline = tmp_path / "baseline.json"
    consentrules_run("baseline", "create", str(snapshot), "-o", str(baseline))
    # the UK is excluded later: now also CH enrolled by default, which was excluded before
    snapshot.write_text(VIOLATING.read_text().replace("exclude: [EEA, CH]", "exclude: [EEA]", 1))
    result = consentrules_run(
        "check", str(snapshot), "--baseline", str(baseline), "--format", "json"
    )
    assert result.exit_code == 1
    worse = [f for f in result.json["findings"] if "baseline" in f["evidence"]]
    assert worse and all(not f["suppression"] for f in worse)
    assert "now also in CH" in worse[0]["evidence"]["baseline"]
    assert any("got worse" in n["message"] for n in result.json["notices"])


def test_fixed_findings_are_listed_as_stale(tmp_path, consentrules_run):
    baseline = tmp_path / "baseline.json"
    snapshot = tmp_path / "platform.yaml"
    snapshot.write_text(VIOLATING.read_text())
    consentrules_run(
        "baseline", "create", str(snapshot), "--pack", "ai-training", "-o", str(baseline)
    )
    snapshot.write_text((EXAMPLES / "ai-training-2024" / "compliant.yaml").read_text())
    result = consentrules_run(
        "check", str(snapshot), "--baseline", str(baseline), "--format", "json"
    )
    assert result.exit_code == 0
    (notice,) = [n for n in result.json["notices"] if n["category"] == "stale"]
    assert notice["message"].startswith("4 baseline entries are stale")
    assert notice["category"] == "stale"
    assert "AI-TRAIN-003 on data-for-generative-ai-improvement" in notice["message"]
    strict = consentrules_run("check", str(snapshot), "--baseline", str(baseline), "--strict")
    assert strict.exit_code == 1 and "FAILED (--strict)" in strict.stdout


def test_entries_of_a_renamed_platform_or_a_removed_file_are_stale(tmp_path, consentrules_run):
    baseline = tmp_path / "baseline.json"
    snapshot = tmp_path / "platform.yaml"
    snapshot.write_text(VIOLATING.read_text())
    gone = tmp_path / "gone.yaml"
    gone.write_text(VIOLATING.read_text())
    consentrules_run("baseline", "create", str(snapshot), str(gone), "-o", str(baseline))
    gone.unlink()
    snapshot.write_text(VIOLATING.read_text().replace("platform: Workwise", "platform: Worky", 1))
    result = consentrules_run(
        "check", str(snapshot), "--baseline", str(baseline), "--format", "json"
    )
    assert result.exit_code == 1  # renamed: its findings are new, and the old entries stale
    (notice,) = [n for n in result.json["notices"] if n["category"] == "stale"]
    assert "gone.yaml" in notice["message"] and "platform.yaml" in notice["message"]


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
