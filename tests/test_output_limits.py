"""Each output within its platform's limits (issue 18, point 2): GitHub's annotations per step,
code scanning's results per SARIF run, --max-findings and --quiet; what is left out is said."""

from __future__ import annotations

import json

from consentrules.report import github
from consentrules.report import sarif
from consentrules.testing import run
from consentrules.testing import write_rules
from consentrules.testing import write_snapshot


def _many(tmp_path, count=30):
    rules = write_rules(
        tmp_path,
        [{"id": "HIGH-ONE", "severity": "high", "selector": {"purposes": ["ads"]},
          "check": {"kind": "opt_in_default", "regions": ["DE"]}},
         {"id": "LOW-ONE", "severity": "low", "selector": {"purposes": ["ads"]},
          "check": {"kind": "regional_exclusion", "regions": ["CH"]}}],
    )  # fmt: skip
    settings = [
        {"id": f"s-{i:03d}", "purposes": ["ads"], "default": True,
         "regions": {"include": ["DE", "CH"] if i % 2 else ["CH"]}}
        for i in range(count)
    ]  # fmt: skip
    return str(write_snapshot(tmp_path, {"settings": settings})), str(rules)


def test_annotations_stop_at_githubs_limit_and_say_so(tmp_path):
    snapshot, rules = _many(tmp_path)
    lines = run("check", snapshot, "--rules", rules, "--format", "github").stdout.splitlines()
    errors = [x for x in lines if x.startswith("::error ")]
    warnings = [x for x in lines if x.startswith("::warning ")]
    assert len(errors) == github.PER_LEVEL and len(warnings) <= github.PER_LEVEL
    assert any("more problems not annotated" in x for x in lines)


def test_sarif_keeps_the_most_severe_results_within_the_upload_limit(tmp_path, monkeypatch):
    snapshot, rules = _many(tmp_path)
    monkeypatch.setattr(sarif, "MAX_RESULTS", 10)
    log = json.loads(run("check", snapshot, "--rules", rules, "--format", "sarif").stdout)
    results = log["runs"][0]["results"]
    assert len(results) == 10
    assert {r["ruleId"] for r in results} == {"HIGH-ONE"}  # the most severe kept
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("results left out" in n["message"]["text"] for n in notes)


def test_max_findings_keeps_the_most_severe_and_the_exit_code_counts_all(tmp_path):
    snapshot, rules = _many(tmp_path)
    full = run("check", snapshot, "--rules", rules, "--format", "json")
    cut = run("check", snapshot, "--rules", rules, "--format", "json", "--max-findings", "5",
              "--fail-on", "low")  # fmt: skip
    shown = json.loads(cut.stdout)  # what the output says (plugins still see every finding)
    assert len(full.findings) > 5 and len(shown["findings"]) == 5
    assert {f["rule_id"] for f in shown["findings"]} == {"HIGH-ONE"}
    assert cut.exit_code == full.exit_code == 1
    (note,) = [n for n in shown["notices"] if n["category"] == "truncated"]
    assert f"{len(full.findings) - 5} of {len(full.findings)} findings left out" in note["message"]


def test_quiet_prints_the_summary_line_only_and_files_stay_whole(tmp_path):
    snapshot, rules = _many(tmp_path)
    out = tmp_path / "all.json"
    result = run("check", snapshot, "--rules", rules, "--quiet", "-o", f"json={out}")
    assert result.stdout.splitlines() == [result.stdout.strip()]
    assert result.stdout.startswith("consentrules: 45 violations")
    assert len(json.loads(out.read_text())["findings"]) == 45
