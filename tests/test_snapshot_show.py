"""``consentrules snapshot show|convert`` (issue 18, point 8): what an adapter hands the engine,
written back as snapshot/v1 data that reads as the same snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from consentrules import snapshot_from_data
from consentrules.sources.export import snapshot_data
from consentrules.testing import run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*/*.yaml") if p.name != "waivers.yaml")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_show_gives_data_that_reads_as_the_same_snapshot(path):
    result = run("snapshot", "show", str(path))
    assert result.exit_code == 0, result.stderr
    shown = yaml.safe_load(result.stdout)
    again = snapshot_from_data(shown, "shown.yaml")
    assert snapshot_data(again) == shown  # a fixed point: nothing lost or added on the way
    original = yaml.safe_load(path.read_text())
    assert [s["id"] for s in shown["settings"]] == [s["id"] for s in original["settings"]]


def test_convert_writes_json_or_yaml_by_the_file_name_and_never_over_the_input(tmp_path):
    source = ROOT / "examples/ai-training-2024/violating.yaml"
    target = tmp_path / "out.json"
    result = run("snapshot", "convert", str(source), "-o", str(target))
    assert result.exit_code == 0, result.stderr
    data = json.loads(target.read_text())
    assert data["consentrules"] == "snapshot/v1" and data["platform"].startswith("Workwise")
    check = run("check", str(target), "--format", "json")
    direct = run("check", str(source), "--format", "json")
    assert [f["rule_id"] for f in check.findings] == [f["rule_id"] for f in direct.findings]
    refused = run("snapshot", "convert", str(source), "-o", str(source))
    assert refused.exit_code == 2 and "Traceback" not in refused.stderr


def test_a_date_known_only_to_lie_in_an_interval_is_written_as_one(tmp_path):
    data = {
        "platform": "p", "taken_at": "2025-01-01", "settings": [],
        "disclosures": [{"id": "pp", "kind": "privacy_policy", "versions": [
            {"version": "v1", "published_at": "2024-03-02/2024-05-01", "purposes": ["ads"],
             "sha256": "a" * 64, "recorded_at": "2024-05-01T00:00:00Z",
             "claims": [{"token": "ads", "excerpt": "We show ads.", "heading": "Ads"}]}]}],
    }  # fmt: skip
    snapshot = snapshot_from_data(data)
    version = snapshot.disclosures[0].versions[0]
    assert version.published_at.first.isoformat() == "2024-03-02"
    assert version.published_at.last.isoformat() == "2024-05-01"
    assert version.claim_for("ads").heading == "Ads"
    written = snapshot_data(snapshot)["disclosures"][0]["versions"][0]
    assert written["published_at"] == "2024-03-02/2024-05-01"
    assert written["claims"] == [{"token": "ads", "excerpt": "We show ads.", "heading": "Ads"}]
