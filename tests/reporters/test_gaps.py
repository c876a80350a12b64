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


def test_one_problem_across_region_sets_is_one_entry_naming_each_rules_regions(tmp_path):
    """Issue 28: a default left on outside the EEA breaks an EEA rule for its countries and a
    UK rule for GB; the reader sees one entry, each rule with its own regions."""
    rules = write_rules(
        tmp_path,
        [
            {"id": "EEA-RULE", "severity": "high", "selector": {"purposes": ["ads"]},
             "check": {"kind": "opt_in_default", "regions": ["EEA"]}},
            {"id": "UK-RULE", "severity": "high", "selector": {"purposes": ["ads"]},
             "check": {"kind": "regional_exclusion", "regions": ["UK"], "mode": "default_on"}},
            {"id": "ALL-RULE", "severity": "medium", "selector": {"purposes": ["ads"]},
             "check": {"kind": "opt_in_default"}},
        ],
    )  # fmt: skip
    setting = {"id": "ads", "purposes": ["ads"], "default": True,
               "region_defaults": {"FR": False}, "regions": {"include": ["DE", "FR", "GB", "US"]}}  # fmt: skip
    snapshot = write_snapshot(tmp_path, {"taken_at": "2025-01-01", "settings": [setting]})
    text = run("check", str(snapshot), "--rules", str(rules), "--color", "never").stdout
    import re

    body = text.split("RULES BROKEN")[0]
    entries = [
        e for e in re.split(r"\n  (?=[A-Z]+ +setting )", body) if e.startswith(("HIGH", "MED"))
    ]
    assert len(entries) == 1, text
    (entry,) = entries
    assert "breaks: EEA-RULE" in entry and "breaks: UK-RULE" in entry and "ALL-RULE" in entry
    folded = " ".join(entry.split())
    # the most severe leads; each other rule says its own regions
    assert "in GB" in folded and "in DE" in folded and "in DE, GB, US" in folded
    report = run("check", str(snapshot), "--rules", str(rules), "--format", "json").report
    assert sorted(f["rule_id"] for f in report["findings"]) == ["ALL-RULE", "EEA-RULE", "UK-RULE"]


def test_a_finding_that_restates_another_is_shown_with_it(tmp_path):
    """Issue 28: sharing private messages by default (SCA-NO-DEFAULT-SHARING) restates
    divulging them (SCA-DIVULGE-CONTENTS): one entry in the human formats, two results in
    JSON; a third rule judging the same setting for another reason keeps its own entry."""
    from conftest import EXAMPLES

    example = str(EXAMPLES / "ai-training-2024" / "violating.yaml")
    short = run("check", example, "--format", "short").stdout.splitlines()
    joined = [line for line in short if "SCA-DIVULGE-CONTENTS" in line]
    assert len(joined) == 1 and "SCA-NO-DEFAULT-SHARING" in joined[0]
    assert "CCPA-SECONDARY-USE" not in joined[0]
    assert not [line for line in short if "SCA-NO-DEFAULT-SHARING" in line and line not in joined]
    findings = run("check", example, "--format", "json").report["findings"]
    rules = {f["rule_id"] for f in findings}
    assert {"SCA-DIVULGE-CONTENTS", "SCA-NO-DEFAULT-SHARING"} <= rules
