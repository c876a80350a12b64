from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from importlib import metadata

import consentrules_gitlab
import pytest

from consentrules.testing import run
from consentrules.testing import write_snapshot

SNAPSHOT = {
    "platform": "Acme",
    "taken_at": "2024-11-01",
    "settings": [
        {
            "id": "ai",
            "purposes": ["ai_training"],
            "data_categories": ["private_messages"],
            "recipients": ["third_parties"],
            "default": True,
            "regions": {"include": ["ALL"]},
        },
        {"id": "ads", "purposes": ["advertising"], "default": True},
    ],
    "disclosures": [],
}
#: The fields GitLab documents as required for a Code Quality issue.
REQUIRED = {"description", "check_name", "fingerprint", "severity", "location"}


@pytest.fixture
def issues(tmp_path):
    snapshot = write_snapshot(tmp_path, SNAPSHOT)
    out = tmp_path / "gl-code-quality-report.json"
    result = run("check", str(snapshot), "-o", f"gitlab={out}", plugins=[consentrules_gitlab])
    assert result.exit_code == 1, result.stderr
    return json.loads(out.read_text()), result


def test_every_finding_is_an_issue_with_the_required_fields(issues):
    data, result = issues
    assert isinstance(data, list) and len(data) == len(result.findings)
    for issue in data:
        assert set(issue) >= REQUIRED
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"].endswith("snapshot.yaml")
        assert isinstance(issue["location"]["lines"]["begin"], int)


def test_severity_fingerprint_and_line(issues):
    data, result = issues
    by_rule = {issue["check_name"]: issue for issue in data}
    assert by_rule["AI-TRAIN-002"]["severity"] == "critical"  # high
    assert by_rule["SCA-NO-DEFAULT-SHARING"]["severity"] == "major"  # medium
    fingerprints = {f["rule_id"]: f["fingerprint"] for f in result.findings}
    assert by_rule["AI-TRAIN-002"]["fingerprint"] == fingerprints["AI-TRAIN-002"]
    assert by_rule["AI-TRAIN-002"]["location"]["lines"]["begin"] == 4


def test_not_evaluable_is_info(issues):
    data, _ = issues
    timing = [i for i in data if i["check_name"] == "AI-TRAIN-003"]
    assert timing and all(i["severity"] == "info" for i in timing)
    assert timing[0]["description"].startswith("Not evaluable: ")


def test_suppressed_findings_are_left_out(tmp_path):
    snapshot = write_snapshot(tmp_path, SNAPSHOT)
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        "waivers:\n  - {rule: '*', target: '*', justification: j, owner: o, "
        f"expires: {(dt.date.today() + dt.timedelta(days=30)).isoformat()}}}\n"
    )
    out = tmp_path / "gl.json"
    result = run(
        "check",
        str(snapshot),
        "--waivers",
        str(waivers),
        "-o",
        f"gitlab={out}",
        plugins=[consentrules_gitlab],
    )
    assert result.exit_code == 0 and json.loads(out.read_text()) == []


def test_installed_plugin_is_discovered_and_listed():
    try:
        dist = metadata.distribution("consentrules-gitlab")
    except metadata.PackageNotFoundError:
        pytest.skip("consentrules-gitlab is not installed")
    listing = subprocess.run(
        [sys.executable, "-m", "consentrules", "plugins"], capture_output=True, text=True
    )
    assert listing.returncode == 0
    line = next(row for row in listing.stdout.splitlines() if row.startswith("gitlab "))
    assert f"consentrules-gitlab {dist.version}" in line
    assert "gitlab (gitlab)" in listing.stdout


def test_large_reports_are_compact_with_the_same_issues(tmp_path, monkeypatch):
    snapshot = write_snapshot(tmp_path, SNAPSHOT)
    out = tmp_path / "gl.json"
    run("check", str(snapshot), "-o", f"gitlab={out}", plugins=[consentrules_gitlab])
    indented = out.read_text()
    monkeypatch.setattr(consentrules_gitlab, "INDENT_UP_TO", 0)
    run("check", str(snapshot), "-o", f"gitlab={out}", plugins=[consentrules_gitlab])
    compact = out.read_text()
    assert "\n  " in indented and compact.count("\n") == 1
    assert json.loads(compact) == json.loads(indented)
