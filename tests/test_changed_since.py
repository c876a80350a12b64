"""``check --changed-since REF`` (issue 18, point 5): only what changed since a git ref."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from consentrules.testing import run

ROOT = Path(__file__).resolve().parents[1]


def _git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
                        "PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(repo)})  # fmt: skip


def _repo(tmp_path):
    repo = tmp_path / "repo"
    (repo / "snapshots").mkdir(parents=True)
    shutil.copy(ROOT / "examples/ai-training-2024/violating.yaml", repo / "snapshots/a.yaml")
    shutil.copy(ROOT / "examples/ai-training-2024/compliant.yaml", repo / "snapshots/b.yaml")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "snapshots")
    return repo


def test_only_changed_and_new_snapshots_are_checked(tmp_path, monkeypatch):
    repo = _repo(tmp_path)
    monkeypatch.chdir(repo)
    (repo / "snapshots/b.yaml").write_text(
        (repo / "snapshots/b.yaml").read_text().replace("Workwise", "Workwise (edited)")
    )
    shutil.copy(repo / "snapshots/b.yaml", repo / "snapshots/c.yaml")  # new, untracked
    result = run("check", "snapshots/", "--changed-since", "HEAD", "--format", "json")
    checked = sorted(s["path"] for s in result.report["snapshots"])
    assert checked == ["snapshots/b.yaml", "snapshots/c.yaml"]
    assert result.exit_code == 0  # a.yaml, the violating one, did not change
    (note,) = [n for n in result.report["notices"] if "--changed-since" in n["message"]]
    assert "2 of 3 snapshot file(s) changed" in note["message"]


def test_nothing_changed_is_a_pass_that_says_so(tmp_path, monkeypatch):
    repo = _repo(tmp_path)
    monkeypatch.chdir(repo)
    result = run("check", "snapshots/", "--changed-since", "HEAD")
    assert result.exit_code == 0, result.stderr
    assert "0 of 2 snapshot file(s) changed" in " ".join(result.stdout.split())


def test_a_bad_ref_is_a_usage_error(tmp_path, monkeypatch):
    repo = _repo(tmp_path)
    monkeypatch.chdir(repo)
    result = run("check", "snapshots/", "--changed-since", "no-such-ref")
    assert result.exit_code == 2 and "--changed-since" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_baseline_from_a_ref_records_the_findings_of_then(tmp_path, monkeypatch):
    import json

    repo = _repo(tmp_path)
    monkeypatch.chdir(repo)
    # after the commit, the violating snapshot is fixed in the working tree
    shutil.copy(ROOT / "examples/ai-training-2024/compliant.yaml", repo / "snapshots/a.yaml")
    now = run("baseline", "create", "snapshots/", "-o", "now.json")
    then = run("baseline", "create", "snapshots/", "--from-ref", "HEAD", "-o", "then.json")
    assert now.exit_code == then.exit_code == 0, then.stderr
    recorded_now = json.loads((repo / "now.json").read_text())["findings"]
    recorded_then = json.loads((repo / "then.json").read_text())["findings"]
    assert len(recorded_then) > len(recorded_now)
    # the same paths as a run on the working tree: the baseline suppresses what it recorded
    assert all(f["snapshot"].startswith("snapshots/") for f in recorded_then)
    (repo / "snapshots/a.yaml").write_bytes(
        (ROOT / "examples/ai-training-2024/violating.yaml").read_bytes()
    )
    gated = run("check", "snapshots/", "--baseline", "then.json", "--format", "json")
    assert gated.exit_code == 0, gated.stdout
    assert Path.cwd() == repo and (repo / "snapshots/a.yaml").exists()  # the tree untouched
