"""The Markdown summary (issue 16): platforms and dates, a collapsed why / fix / law per broken
rule, and GitHub's 1 MiB job-summary limit kept, with a note of what was left out."""

from __future__ import annotations

from consentrules.report import markdown
from consentrules.testing import run
from consentrules.testing import write_rules
from consentrules.testing import write_snapshot


def _many(tmp_path, count):
    rules = write_rules(
        tmp_path,
        [{"id": "HIGH-ONE", "severity": "high", "description": "Because the law says so.",
          "remediation": "Turn it off.", "references": [{"title": "Art. 1", "url": "https://law.example/1"}],
          "selector": {"purposes": ["ads"]}, "check": {"kind": "opt_in_default"}},
         {"id": "LOW-ONE", "severity": "low", "selector": {"purposes": ["ads"]},
          "check": {"kind": "regional_exclusion", "regions": ["CH"]}}],
    )  # fmt: skip
    settings = [
        {"id": f"setting-{i:05d}", "purposes": ["ads"], "default": True,
         "regions": {"include": ["CH"]}}
        for i in range(count)
    ]  # fmt: skip
    snapshot = write_snapshot(tmp_path, {"platform": "Shop", "settings": settings})
    return run("check", str(snapshot), "--rules", str(rules), "--format", "json").report, (
        snapshot,
        rules,
    )


def test_platforms_dates_and_a_collapsed_why_fix_law(tmp_path):
    _, (snapshot, rules) = _many(tmp_path, 2)
    text = run("check", str(snapshot), "--rules", str(rules), "--format", "markdown").stdout
    assert "| Shop | `" in text and "| 2025-01-01 | 2025-01-01 | 4 |" in text
    assert "<details><summary>HIGH-ONE: rule HIGH-ONE (why, fix, law)</summary>" in text
    assert "**Why:** Because the law says so." in text and "[Art. 1](https://law.example/1)" in text
    assert "Left out" not in text


def test_a_summary_past_the_limit_keeps_the_most_severe_and_says_what_is_left_out(
    tmp_path, monkeypatch
):
    _, (snapshot, rules) = _many(tmp_path, 400)
    monkeypatch.setattr(markdown, "MAX_BYTES", 20_000)
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/shop")
    monkeypatch.setenv("GITHUB_RUN_ID", "42")
    text = run("check", str(snapshot), "--rules", str(rules), "--format", "markdown").stdout
    assert len(text.encode()) <= 20_000
    rows = [
        line for line in text.splitlines() if line.startswith("| high") or line.startswith("| low")
    ]
    assert rows and rows[0].startswith("| high")  # most severe first
    last = text.strip().splitlines()[-1]
    assert last.startswith("**Left out to stay within GitHub's 1 MiB summary limit:**")
    assert "of 400 violation rows" in last  # one row per gap: both rules judge each setting
    assert "https://github.com/acme/shop/actions/runs/42" in last


def test_the_real_limit_is_below_a_mebibyte():
    assert markdown.MAX_BYTES < 1024 * 1024
