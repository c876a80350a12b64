"""Issue 30: a finding's identity does not depend on how its snapshot's path was written.

A baseline made at the repository root must suppress the same findings when CI runs from a
subfolder or with an absolute path, and SARIF's partialFingerprints must agree; a finding whose
severity was raised is new against a baseline that recorded it lower.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES

EXAMPLE = EXAMPLES / "ai-training-2024" / "violating.yaml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout with the example snapshot under snapshots/, the working folder at its root."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "snapshots").mkdir()
    (tmp_path / "tools" / "ci").mkdir(parents=True)
    shutil.copy(EXAMPLE, tmp_path / "snapshots" / "workwise.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _prints(run: Any, *args: str) -> list[str]:
    result = run("check", *args, "--format", "json")
    assert result.exit_code == 1, result.stderr
    return sorted(f["fingerprint"] for f in result.json["findings"])


def _sarif_prints(run: Any, *args: str) -> list[str]:
    result = run("check", *args, "--format", "sarif")
    assert result.exit_code == 1, result.stderr
    (sarif_run,) = result.json["runs"]
    return sorted(r["partialFingerprints"]["consentrules/v2"] for r in sarif_run["results"])


def test_fingerprints_are_the_same_from_the_root_a_subfolder_and_an_absolute_path(
    consentrules_run, repo, monkeypatch
):
    from_root = _prints(consentrules_run, "snapshots/workwise.yaml")
    dotted = _prints(consentrules_run, "./snapshots/../snapshots/workwise.yaml")
    absolute = _prints(consentrules_run, str(repo / "snapshots" / "workwise.yaml"))
    sarif_root = _sarif_prints(consentrules_run, "snapshots/workwise.yaml")
    monkeypatch.chdir(repo / "tools" / "ci")
    from_sub = _prints(consentrules_run, "../../snapshots/workwise.yaml")
    sarif_sub = _sarif_prints(consentrules_run, "../../snapshots/workwise.yaml")
    assert from_root and from_root == dotted == absolute == from_sub
    assert sarif_root == sarif_sub
    assert len(set(from_root)) == len(from_root)


def test_a_baseline_made_at_the_root_suppresses_from_anywhere(consentrules_run, repo, monkeypatch):
    made = consentrules_run("baseline", "create", "snapshots/workwise.yaml", "-o", "baseline.json")
    assert made.exit_code == 0, made.stderr
    for folder, path in [
        (repo / "tools" / "ci", "../../snapshots/workwise.yaml"),
        (repo / "tools", str(repo / "snapshots" / "workwise.yaml")),
    ]:
        monkeypatch.chdir(folder)
        result = consentrules_run(
            "check", path, "--baseline", str(repo / "baseline.json"), "--format", "json"
        )
        assert result.exit_code == 0, result.stdout
        assert all(f["suppression"] for f in result.json["findings"])


def test_root_option_names_files_relative_to_it(consentrules_run, repo, monkeypatch):
    """With --root, identity is relative to it, from whatever folder the run starts."""
    nested = repo / "tools" / "ci"
    shutil.copy(EXAMPLE, nested / "w.yaml")
    first = _prints(consentrules_run, "tools/ci/w.yaml", "--root", "tools")
    monkeypatch.chdir(nested)
    again = _prints(consentrules_run, "w.yaml", "--root", "..")
    assert first == again
    # ... and differs from the identity relative to the checkout (another root, another name).
    assert _prints(consentrules_run, "w.yaml") != first


def test_a_raised_severity_is_new_against_the_baseline(consentrules_run, repo):
    made = consentrules_run(
        "baseline",
        "create",
        "snapshots/workwise.yaml",
        "-o",
        "baseline.json",
        "--severity-override",
        "AI-TRAIN-003=low",
    )
    assert made.exit_code == 0, made.stderr
    recorded = json.loads((repo / "baseline.json").read_text())
    (entry,) = [e for e in recorded["findings"] if e["rule_id"] == "AI-TRAIN-003"]
    assert entry["severity"] == "low"
    result = consentrules_run(
        "check", "snapshots/workwise.yaml", "--baseline", "baseline.json", "--format", "json"
    )
    assert result.exit_code == 1
    open_findings = [f for f in result.json["findings"] if not f["suppression"]]
    assert [f["rule_id"] for f in open_findings] == ["AI-TRAIN-003"]
    assert "severity low -> high" in open_findings[0]["evidence"]["baseline"]
