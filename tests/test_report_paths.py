"""Report paths relative to the repository root (issue 18, point 1): the same run from a
subfolder gives the same SARIF locations and annotations, so GitHub does not see new alerts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from consentrules.testing import run

ROOT = Path(__file__).resolve().parents[1]


def _repository(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "compliance" / "snapshots").mkdir(parents=True)
    shutil.copy(ROOT / "examples/ai-training-2024/violating.yaml",
                repo / "compliance/snapshots/workwise.yaml")  # fmt: skip
    return repo


def _locations(result):
    log = json.loads(result.stdout)
    return {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"]}  # fmt: skip


def test_the_same_locations_from_the_root_and_from_a_subfolder(tmp_path, monkeypatch):
    repo = _repository(tmp_path)
    monkeypatch.chdir(repo)
    top = run("check", "compliance/snapshots/workwise.yaml", "--format", "sarif")
    monkeypatch.chdir(repo / "compliance")
    below = run("check", "snapshots/workwise.yaml", "--format", "sarif")
    assert _locations(top) == _locations(below) == {"compliance/snapshots/workwise.yaml"}
    base = json.loads(below.stdout)["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == repo.resolve().as_uri() + "/"
    annotations = run("check", "snapshots/workwise.yaml", "--format", "github").stdout
    assert "file=compliance/snapshots/workwise.yaml" in annotations


def test_root_can_be_given(tmp_path, monkeypatch):
    repo = _repository(tmp_path)
    monkeypatch.chdir(repo / "compliance")
    result = run("check", "snapshots/workwise.yaml", "--format", "sarif", "--root", ".")
    assert _locations(result) == {"snapshots/workwise.yaml"}


def test_a_folder_walk_lists_files_in_the_same_order_everywhere(tmp_path):
    from consentrules.sources.walk import walk

    for name in ("b/z.yaml", "a/B.yaml", "a/a.yaml", "A.yaml"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in walk(tmp_path).files]
    assert found == ["A.yaml", "a/B.yaml", "a/a.yaml", "b/z.yaml"]  # by their text, "/"-joined
