"""The drop-in CI pieces: pre-commit hooks, the GitHub Action, the documented GitLab job."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys

import junitparser
import pytest
import yaml

from conftest import EXAMPLES
from conftest import ROOT

EXAMPLE = EXAMPLES / "ai-training-2024"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A repository with a snapshot folder and a project configuration."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "snapshots").mkdir()
    shutil.copy(EXAMPLE / "violating.yaml", tmp_path / "snapshots" / "workwise.yaml")
    (tmp_path / ".consentrules.yaml").write_text("snapshots: [snapshots/]\nfail-on: medium\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def consentrules_on_path(tmp_path_factory, monkeypatch):
    """A ``consentrules`` command on PATH that runs this checkout's code."""
    bin_dir = tmp_path_factory.mktemp("bin")
    script = bin_dir / "consentrules"
    script.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m consentrules "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv(
        "PYTHONPATH",
        os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
    )
    return script


# pre-commit ------------------------------------------------------------------------------------
def hooks():
    return {
        hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    }


def test_pre_commit_hooks_are_well_formed():
    for hook in hooks().values():
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python" and hook["entry"].startswith("consentrules ")
    assert re.search(hooks()["consentrules-rules"]["files"], "rules/ai-training/ai-training.yaml")
    assert not re.search(hooks()["consentrules-rules"]["files"], "snapshots/a.yaml")
    assert re.search(hooks()["consentrules-snapshots"]["files"], "snapshots/x.json")


@pytest.mark.parametrize(
    ("hook_id", "files", "exit_code"),
    [
        ("consentrules", [], 1),
        ("consentrules-rules", [str(ROOT / "rules" / "ai-training" / "ai-training.yaml")], 0),
        ("consentrules-snapshots", ["snapshots/workwise.yaml"], 0),
    ],
)
def test_pre_commit_entries_run(project, consentrules_run, hook_id, files, exit_code):
    hook = hooks()[hook_id]
    args = shlex.split(hook["entry"])[1:] + ([] if hook.get("pass_filenames") is False else files)
    assert consentrules_run(*args).exit_code == exit_code


# GitHub Action -------------------------------------------------------------------------------
def action():
    return yaml.safe_load((ROOT / "action.yml").read_text())


def test_action_is_a_composite_with_consistent_inputs():
    spec = action()
    assert spec["runs"]["using"] == "composite"
    text = (ROOT / "action.yml").read_text()
    for name in re.findall(r"inputs\.([\w-]+)", text):
        assert name in spec["inputs"], name
    for step in spec["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
    uses = {s["uses"]: s for s in spec["runs"]["steps"] if "uses" in s}
    upload = uses["github/codeql-action/upload-sarif@v4"]  # v3 is deprecated
    assert upload["continue-on-error"] is True  # code scanning may not be enabled: warn
    warn = _step("Warn when code scanning took no upload")
    assert "steps.upload.outcome == 'failure'" in warn["if"] and "::warning" in warn["run"]
    assert "actions/upload-artifact@v4" in uses  # the SARIF is kept either way
    setup = next(s for name, s in uses.items() if name.startswith("actions/setup-python"))
    assert setup["with"]["cache"] == "pip"


def test_the_repository_runs_its_action_on_push_with_the_permissions_it_needs():
    workflow = yaml.safe_load((ROOT / ".github/workflows/action.yml").read_text())
    assert "push" in workflow[True]  # YAML 1.1 reads the key "on" as true
    assert workflow["permissions"]["security-events"] == "write"
    assert workflow["permissions"]["actions"] == "read"
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    assert any(s.get("uses") == "./" for s in steps)


def _step(name):
    return next(s for s in action()["runs"]["steps"] if s.get("name") == name)


def _run_step(step, env, cwd):
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_action_check_step_runs(project, consentrules_on_path):
    inputs = {name: spec.get("default", "") for name, spec in action()["inputs"].items()}
    output, summary = project / "gh_output", project / "summary.md"
    env = {
        "CR_SNAPSHOTS": "snapshots/",
        "CR_ARGS": "--disable-plugin-autoload --pack ai-training",
        "CR_FAIL_ON": inputs["fail-on"],
        "CR_SARIF": inputs["sarif-file"],
        "CR_HTML": inputs["html-report"],
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    result = _run_step(_step("Check"), env, project)
    assert result.returncode == 0, result.stderr  # the step itself never fails
    assert output.read_text() == "exit-code=1\n"
    assert result.stdout.count("::error file=snapshots/workwise.yaml,line=12") == 1
    assert summary.read_text().startswith("## consentrules: FAILED")
    assert json.loads((project / "consentrules.sarif").read_text())["version"] == "2.1.0"
    assert (project / inputs["html-report"]).read_text().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(("code", "expected"), [("0", 0), ("1", 1), ("2", 2)])
def test_action_verdict_step(tmp_path, code, expected):
    assert _run_step(_step("Verdict"), {"CR_CODE": code}, tmp_path).returncode == expected


# Documentation -------------------------------------------------------------------------------
def doc_blocks(language):
    text = (ROOT / "docs" / "ci.md").read_text()
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def test_every_yaml_block_in_the_ci_recipes_parses():
    blocks = doc_blocks("yaml")
    assert len(blocks) >= 5
    for block in blocks:
        yaml.safe_load(block)


def test_documented_gitlab_job_runs_and_publishes_junit(project, consentrules_run):
    (job,) = [yaml.safe_load(b)["consentrules"] for b in doc_blocks("yaml") if "gitlab" in b]
    for line in job["script"]:
        if line.startswith("consentrules "):
            result = consentrules_run(*shlex.split(line)[1:])
            assert result.exit_code == 1  # the example violates medium-or-above rules
    junit_path = project / job["artifacts"]["reports"]["junit"]
    suites = list(junitparser.JUnitXml.fromfile(str(junit_path)))
    report = json.loads((project / "consentrules.json").read_text())
    violated = {f["rule_id"] for f in report["findings"] if f["status"] == "violation"}
    # one failing test case per rule with a violation, whatever --fail-on says
    assert suites[0].failures == len(violated) > 0
    assert suites[0].tests == len(report["rules"])
    for path in job["artifacts"]["paths"]:
        assert (project / path).exists()


def test_documented_project_configuration_is_valid(tmp_path, monkeypatch, consentrules_run):
    (config,) = [b for b in doc_blocks("yaml") if b.startswith("# .consentrules.yaml")]
    (tmp_path / ".git").mkdir()
    (tmp_path / ".consentrules.yaml").write_text(config)
    (tmp_path / "snapshots").mkdir()
    shutil.copy(EXAMPLE / "compliant.yaml", tmp_path / "snapshots")
    (tmp_path / "compliance").mkdir()
    (tmp_path / "compliance" / "waivers.yaml").write_text("waivers: []\n")
    monkeypatch.chdir(tmp_path)
    assert (
        consentrules_run(
            "baseline", "create", "snapshots/", "-o", "compliance/baseline.json"
        ).exit_code
        == 0
    )
    result = consentrules_run("check")
    assert result.exit_code == 0, result.stderr
