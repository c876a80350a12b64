"""``consentrules init`` (issue 18, point 6): files that work from the first run."""

from __future__ import annotations

import pytest
import yaml

from consentrules.testing import run


@pytest.mark.parametrize(
    ("ci", "snippet"),
    [("github", ".github/workflows/consentrules.yml"), ("gitlab", "consentrules.gitlab-ci.yml"),
     ("jenkins", "Jenkinsfile.consentrules")],
)  # fmt: skip
def test_init_writes_a_config_a_snapshot_and_a_ci_snippet_that_work(tmp_path, monkeypatch, ci,
                                                                    snippet):  # fmt: skip
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    result = run("init", "--platform", "Acme Social", "--ci", ci)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / ".consentrules.yaml").read_text().startswith("# consentrules project")
    assert (tmp_path / "snapshots/acme-social.yaml").exists()
    text = (tmp_path / snippet).read_text()
    assert "consentrules check" in text and "git+https://" in text
    if snippet.endswith(".yml"):
        yaml.safe_load(text)  # valid YAML
    check = run("check", "--format", "json")  # the configuration says what to check
    assert check.exit_code == 0, check.stdout + check.stderr
    assert check.report["snapshots"][0]["platform"] == "Acme Social"
    assert run("snapshot", "validate", "snapshots/acme-social.yaml").exit_code == 0


def test_init_never_overwrites_without_force(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".consentrules.yaml").write_text("fail-on: high\n")
    refused = run("init")
    assert refused.exit_code == 2 and "already exist" in refused.stderr
    assert (tmp_path / ".consentrules.yaml").read_text() == "fail-on: high\n"
    assert run("init", "--force").exit_code == 0
