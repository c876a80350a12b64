from __future__ import annotations

import datetime as _dt
import shutil

import pytest

from conftest import EXAMPLES

#: A waiver expiry within the default cap of a year, whatever the date the tests run.
SOON = (_dt.date.today() + _dt.timedelta(days=30)).isoformat()


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()  # the top of the checkout: the search stops here
    shutil.copy(EXAMPLES / "ai-training-2024" / "violating.yaml", tmp_path / "snapshot.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_without_arguments_does_the_configured_job(project, consentrules_run):
    (project / ".consentrules.yaml").write_text(
        "snapshots: [snapshot.yaml]\nfail-on: critical\npack: [ai-training]\n"
        "output: [json=out/report.json]\n"
    )
    (project / "out").mkdir()
    result = consentrules_run("check")
    assert result.exit_code == 0  # nothing critical
    assert (project / "out" / "report.json").exists()
    assert "FAILED" not in result.stdout and "4 violations" in result.stdout


def test_command_line_overrides_the_file(project, consentrules_run):
    (project / ".consentrules.yaml").write_text("snapshots: [snapshot.yaml]\nfail-on: critical\n")
    assert consentrules_run("check").exit_code == 0
    assert consentrules_run("check", "--fail-on", "medium").exit_code == 1


def test_pyproject_table_and_search_from_a_subfolder(project, consentrules_run, monkeypatch):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.consentrules]\nsnapshots = ["snapshot.yaml"]\n'
        'fail-on = "never"\nformat = "json"\n'
    )
    sub = project / "deep" / "er"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    result = consentrules_run("check")
    assert result.exit_code == 0
    assert result.json["snapshots"][0]["path"].endswith("snapshot.yaml")


def test_unknown_key_is_an_input_error_with_line(project, consentrules_run):
    (project / ".consentrules.yaml").write_text("snapshots: [snapshot.yaml]\nfail_on: high\n")
    result = consentrules_run("check")
    assert result.exit_code == 2
    assert ".consentrules.yaml:2:1: error: unknown configuration key 'fail_on'" in result.stderr
    assert "did you mean 'fail-on'?" in result.stderr


def test_unknown_key_in_pyproject_has_line(project, consentrules_run):
    (project / "pyproject.toml").write_text('[tool.consentrules]\nsnapshot = ["snapshot.yaml"]\n')
    result = consentrules_run("check")
    assert "pyproject.toml:2:1: error: unknown configuration key 'snapshot'" in result.stderr


def test_wrong_type_in_config(project, consentrules_run):
    (project / ".consentrules.yaml").write_text("snapshots: snapshot.yaml\n")
    result = consentrules_run("check")
    assert result.exit_code == 2 and "snapshots must be of type array" in result.stderr


def test_plugins_and_their_options_from_the_file(project, consentrules_run, monkeypatch):
    (project / "cfg_plugin.py").write_text(
        "from consentrules import hookimpl\n"
        "@hookimpl\ndef consentrules_addoption(parser):\n"
        "    parser.add_argument('--cfg-label', default='none')\n"
        "@hookimpl\ndef consentrules_sessionfinish(config):\n"
        "    print('label', config.getoption('cfg_label'))\n"
    )
    monkeypatch.syspath_prepend(str(project))
    (project / ".consentrules.yaml").write_text(
        "snapshots: [snapshot.yaml]\nplugins: [cfg_plugin]\ncfg-label: from-file\n"
    )
    assert consentrules_run("check").stderr.rstrip().endswith("label from-file")
    assert consentrules_run("check", "--cfg-label", "cli").stderr.rstrip().endswith("label cli")


def test_no_config_and_explicit_config(project, consentrules_run):
    (project / ".consentrules.yaml").write_text("snapshots: [snapshot.yaml]\n")
    assert "no snapshots to check" in consentrules_run("check", "--no-config").stderr
    other = project / "ci.yaml"
    other.write_text("snapshots: [snapshot.yaml]\nfail-on: never\n")
    assert consentrules_run("check", "--config", str(other)).exit_code == 0
    assert consentrules_run("check", "--config", "missing.yaml").exit_code == 2


def test_paths_are_relative_to_the_file(project, consentrules_run, monkeypatch):
    (project / ".consentrules.yaml").write_text("snapshots: [snapshot.yaml]\nwaivers: w.yaml\n")
    (project / "w.yaml").write_text(
        f"waivers:\n  - {{rule: '*', target: '*', justification: j, owner: o, expires: {SOON}}}\n"
    )
    sub = project / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)
    assert consentrules_run("check").exit_code == 0
