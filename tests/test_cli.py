"""The command line as users run it: real subprocesses, every exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES
from conftest import ROOT

VIOLATING = str(EXAMPLES / "ai-training-2024" / "violating.yaml")
COMPLIANT = str(EXAMPLES / "ai-training-2024" / "compliant.yaml")


def cli(*args, cwd=None, env=None):
    full_env = {**os.environ, "CONSENTRULES_DISABLE_PLUGIN_AUTOLOAD": "1", **(env or {})}
    full_env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT / "src"), full_env.get("PYTHONPATH")])
    )
    return subprocess.run(
        [sys.executable, "-m", "consentrules", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=120,
    )


def test_violating_example_exits_1_with_all_four_patterns():
    result = cli(
        "check", VIOLATING, "--pack", "ai-training", "--pack", "us-stored-communications",
        "--format", "json",
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    fired = {f["rule_id"] for f in report["findings"] if f["status"] == "violation"}
    assert fired == {
        "AI-TRAIN-002-PAST",  # the UK left out only weeks later: resolved on the as-of date
        "AI-TRAIN-003",  # the privacy policy updated seven weeks after the start
        "FTC-RETROACTIVE-AI-TRAINING",  # old messages and posts trained on, by default
        "AI-TRAIN-004",  # the FAQ's opt-out explanation rewritten away
        "SCA-DIVULGE-CONTENTS",  # private messages among data shared with affiliates
        "SCA-NO-DEFAULT-SHARING",
    }
    by_rule = {f["rule_id"]: f for f in report["findings"]}
    assert by_rule["AI-TRAIN-002-PAST"]["regions"] == ["GB"]
    assert by_rule["AI-TRAIN-002-PAST"]["severity"] == "info"
    assert "48 days later" in by_rule["AI-TRAIN-003"]["message"]
    assert by_rule["AI-TRAIN-004"]["target"] == {"kind": "disclosure", "id": "ai-training-faq"}
    assert by_rule["AI-TRAIN-003"]["location"]["line"] == 12
    assert report["summary"]["failing"] == 5  # the resolved period (info) does not fail


def test_compliant_example_exits_0():
    result = cli("check", COMPLIANT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no findings" in result.stdout


def test_text_output_is_grouped_and_explained():
    result = cli("check", VIOLATING, "--pack", "ai-training", "--pack", "us-stored-communications")
    out = result.stdout
    assert "HIGH     AI-TRAIN-003" in out
    assert "INFO     AI-TRAIN-002-PAST" in out
    assert (
        "resolved, in the past: enrolls users by default in GB from 2024-08-01 until 2024-10-11"
        in out
    )
    assert "see: 18 U.S.C. 2702, voluntary disclosure" in out
    assert "\033[" not in out  # not a terminal: no colour
    assert "FAILED: 5 at or above low" in out


def test_fail_on_threshold():
    assert cli("check", VIOLATING, "--fail-on", "critical").returncode == 0
    assert cli("check", VIOLATING, "--fail-on", "high").returncode == 1
    assert cli("check", VIOLATING, "--fail-on", "never").returncode == 0


def test_as_of_before_the_practice_changes_the_verdict():
    result = cli("check", VIOLATING, "--format", "json", "--as-of", "2024-09-01")
    report = json.loads(result.stdout)
    fired = {f["rule_id"] for f in report["findings"]}
    # The FAQ did not exist yet, so nothing was dropped; the policy had not disclosed it yet.
    assert "AI-TRAIN-004" not in fired
    # ...and the UK was still in: a current violation then, not a past one
    current = next(f for f in report["findings"] if f["rule_id"] == "AI-TRAIN-002")
    assert current["regions"] == ["GB"] and "since 2024-08-01" in current["message"]
    assert "AI-TRAIN-002-PAST" not in fired
    timing = next(f for f in report["findings"] if f["rule_id"] == "AI-TRAIN-003")
    assert "never disclosed" in timing["message"]


def test_output_file_is_written(tmp_path):
    out = tmp_path / "report.json"
    result = cli(
        "check", VIOLATING, "--pack", "ai-training", "--format", "json", "--output", str(out)
    )
    assert result.returncode == 1 and result.stdout == ""
    assert json.loads(out.read_text())["summary"]["violations"] == 4
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_refuses_to_overwrite_an_input(tmp_path):
    snapshot = tmp_path / "s.yaml"
    snapshot.write_text(Path(VIOLATING).read_text())
    result = cli("check", str(snapshot), "--output", str(snapshot))
    assert result.returncode == 2 and "refusing to write the report over" in result.stderr
    assert snapshot.read_text() == Path(VIOLATING).read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "missing.yaml"), "missing.yaml: error: no such file or folder"),
        (("check", VIOLATING, "--format", "xml"), "unknown format 'xml'"),
        (("check", VIOLATING, "--as-of", "2024-13-01"), "--as-of"),
        (("check", VIOLATING, "--adapter", "nope"), "unknown adapter 'nope'"),
        (("check",), "no snapshots to check"),
        (("frobnicate",), "invalid choice"),
        (("rules", "show", "AI-TRAIN-01"), "did you mean AI-TRAIN-001"),
        (("check", VIOLATING, "-p", "no_such_plugin_module"), "no plugin module named"),
    ],
)
def test_usage_errors_exit_2_without_traceback(args, message):
    result = cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_snapshot_exits_2_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("platform: X\ntaken_at: 2024-01-01\nsettings:\n  - id: a\n    defualt: true\n")
    result = cli("check", str(bad))
    assert result.returncode == 2
    assert f"{bad}:5:5: error: unknown key 'defualt'" in result.stderr
    assert "hint: did you mean 'default'?" in result.stderr


def test_bad_rule_file_exits_2_with_file_and_line(tmp_path):
    rules = tmp_path / "r.yaml"
    rules.write_text(
        "rules:\n  - id: X\n    title: t\n    severity: high\n    check: {kind: opt_in_defualt}\n"
    )
    result = cli("check", COMPLIANT, "--rules", str(rules))
    assert result.returncode == 2
    assert f"{rules}:5:" in result.stderr and "unknown check kind" in result.stderr


def test_every_bad_file_is_reported_at_once(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text("platform: X\nsettings: []\n")
    result = cli("check", str(tmp_path))
    assert result.returncode == 2
    assert "a.yaml" in result.stderr and "b.yaml" in result.stderr


def test_folder_of_snapshots(tmp_path):
    result = cli("check", str(EXAMPLES), "--format", "json")
    report = json.loads(result.stdout)
    assert len(report["snapshots"]) == 5 and result.returncode == 1


def test_plugin_failure_exits_2_naming_plugin_and_hook(tmp_path):
    plugin = tmp_path / "crashy_reporter.py"
    plugin.write_text(
        "from consentrules import hookimpl\n"
        "@hookimpl\n"
        "def consentrules_configure(config):\n"
        "    config.options['format'] = None\n"
        "    raise SystemError('boom')\n"
    )
    result = cli("check", COMPLIANT, "-p", "crashy_reporter", env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode == 2  # a plugin's failure names the plugin and the hook
    assert "plugin 'crashy_reporter', hook consentrules_configure" in result.stderr
    assert "Traceback" not in result.stderr
    debug = cli(
        "check", COMPLIANT, "-p", "crashy_reporter", "--debug", env={"PYTHONPATH": str(tmp_path)}
    )
    assert "Traceback" in debug.stderr


def test_version_and_help():
    version = cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("consentrules ")
    help_text = cli("--help")
    assert help_text.returncode == 0 and "exit codes:" in help_text.stdout


def test_rules_list_show_validate():
    listed = cli("rules", "list")
    assert listed.returncode == 0 and "AI-TRAIN-003" in listed.stdout
    shown = cli("rules", "show", "SCA-DIVULGE-CONTENTS")
    assert shown.returncode == 0 and "18 U.S.C. 2702" in shown.stdout
    valid = cli("rules", "validate", str(ROOT / "rules"))
    assert valid.returncode == 0 and valid.stdout.endswith("rules in 14 files are valid\n")


def test_snapshot_validate():
    result = cli("snapshot", "validate", VIOLATING, COMPLIANT)
    assert result.returncode == 0 and result.stdout.count("ok: ") == 2


def test_plugins_lists_builtins():
    result = cli("plugins")
    assert result.returncode == 0
    for name in ("native", "text", "json", "opt_in_default", "condition", "bundled_rules"):
        assert name in result.stdout
    reporters = next(line for line in result.stdout.splitlines() if line.startswith("reporters:"))
    for name in ("text", "json", "sarif", "junit", "markdown", "github"):
        assert f"{name} ({name})" in reporters


def test_colour_only_when_asked_and_never_with_no_color():
    assert "\033[" in cli("check", VIOLATING, "--color", "always").stdout
    assert "\033[" not in cli("check", VIOLATING, env={"NO_COLOR": "1"}).stdout


def test_internal_error_exits_3_without_traceback(monkeypatch, consentrules_run):
    from consentrules.cli import commands

    def broken(config, options):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(commands, "cmd_check", broken)
    result = consentrules_run("check", COMPLIANT)
    assert result.exit_code == 3
    assert "internal error: ZeroDivisionError: a bug" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Traceback" in consentrules_run("check", COMPLIANT, "--debug").stderr


def test_interrupt_exits_130(monkeypatch, consentrules_run):
    from consentrules.cli import commands

    def interrupted(config, options):
        raise KeyboardInterrupt

    monkeypatch.setattr(commands, "cmd_check", interrupted)
    result = consentrules_run("check", COMPLIANT)
    assert result.exit_code == 130 and "interrupted" in result.stderr
