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
    spec = "consentrules @ git+https://github.com/acme/consentrules@v1.2.3"
    result = run("init", "--platform", "Acme Social", "--ci", ci, "--install", spec)
    assert result.exit_code == 0, result.stderr
    assert f"the CI snippet installs {spec!r}" in result.stdout
    assert (tmp_path / ".consentrules.yaml").read_text().startswith("# consentrules project")
    assert (tmp_path / "snapshots/acme-social.yaml").exists()
    text = (tmp_path / snippet).read_text()
    assert "consentrules check" in text
    assert f'pip install --quiet "{spec}"' in text or f'pip install "{spec}"' in text
    assert "OWNER" not in text and "cache: pip" not in text
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


def test_init_says_where_ci_installs_consentrules_from(tmp_path, monkeypatch):
    """Without --install, the snippet installs from where this copy came from, or the run
    asks where, when this copy came from a local folder CI cannot reach."""
    import json
    from importlib import metadata

    from consentrules.cli.init import install_spec

    monkeypatch.chdir(tmp_path)
    local = json.dumps({"url": "file:///home/me/consentrules", "dir_info": {}})
    git = json.dumps(
        {
            "url": "https://github.com/acme/consentrules",
            "vcs_info": {"vcs": "git", "commit_id": "abc"},
        }
    )
    for direct, expected in [
        (None, "consentrules==9.9"),
        (git, "consentrules @ git+https://github.com/acme/consentrules@abc"),
        (local, None),
    ]:

        class Dist:
            def read_text(self, name, _direct=direct):
                return _direct if name == "direct_url.json" else None

        monkeypatch.setattr(metadata, "distribution", lambda name: Dist())
        if expected is None:
            with pytest.raises(Exception, match="which CI cannot reach: say where CI gets it"):
                install_spec(None, "9.9")
        else:
            assert install_spec(None, "9.9")[0] == expected
    monkeypatch.undo()
    refused = run("init", "--ci", "github", "--install", 'x"y')
    assert refused.exit_code == 2 and "--install" in refused.stderr
