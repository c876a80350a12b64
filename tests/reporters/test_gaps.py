"""One problem, several rules (issue 17 point 7): the human formats report a gap once and list
every rule it breaks; the machine formats keep one finding per rule."""

from __future__ import annotations

from consentrules.testing import run
from consentrules.testing import write_rules
from consentrules.testing import write_snapshot


def _run(tmp_path, fmt):
    rules = write_rules(
        tmp_path,
        [
            {"id": "PACK-A-OPT-IN", "severity": "high", "selector": {"purposes": ["ads"]},
             "check": {"kind": "opt_in_default", "regions": ["GB"]}},
            {"id": "PACK-B-OPT-IN", "severity": "medium", "selector": {"purposes": ["ads"]},
             "check": {"kind": "opt_in_default", "regions": ["UK"]}},
            {"id": "PACK-C-EXCLUDE", "severity": "low", "selector": {"purposes": ["ads"]},
             "check": {"kind": "regional_exclusion", "regions": ["CH"]}},
        ],
    )  # fmt: skip
    setting = {"id": "ads", "purposes": ["ads"], "default": True,
               "regions": {"include": ["GB", "CH"]}}  # fmt: skip
    snapshot = write_snapshot(tmp_path, {"taken_at": "2025-01-01", "settings": [setting]})
    return run("check", str(snapshot), "--rules", str(rules), "--format", fmt, "--color", "never")


def test_text_reports_a_gap_once_with_every_rule(tmp_path):
    text = _run(tmp_path, "text").stdout
    assert text.count("enrolls users by default (opt-out) in GB") == 1
    assert "breaks: PACK-A-OPT-IN" in text and "breaks: PACK-B-OPT-IN (medium)" in text
    # a different problem (CH, another check) is its own entry
    assert text.count("breaks: PACK-C-EXCLUDE") == 1
    # each rule's why and law follow once
    assert text.count("    HIGH     PACK-A-OPT-IN") == 1


def test_markdown_and_annotations_share_a_row_per_gap(tmp_path):
    markdown = _run(tmp_path, "markdown").stdout
    rows = [
        line for line in markdown.splitlines() if line.startswith("|") and "PACK-A-OPT-IN" in line
    ]
    assert len(rows) == 1 and "PACK-B-OPT-IN" in rows[0]
    github = _run(tmp_path, "github").stdout
    annotations = [line for line in github.splitlines() if line.startswith("::")]
    assert len(annotations) == 2
    assert "also breaks PACK-B-OPT-IN" in annotations[0]


def test_json_keeps_one_finding_per_rule(tmp_path):
    report = _run(tmp_path, "json").report
    assert sorted(f["rule_id"] for f in report["findings"]) == [
        "PACK-A-OPT-IN", "PACK-B-OPT-IN", "PACK-C-EXCLUDE"
    ]  # fmt: skip
