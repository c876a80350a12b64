"""docs/tutorial-adapter.md: its plugin, sample export, and tests run as written."""

from __future__ import annotations

import importlib
import re
import sys

import pytest

from conftest import ROOT

DOC = (ROOT / "docs" / "tutorial-adapter.md").read_text()


def block(language: str, first_line: str | None = None) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", DOC, flags=re.DOTALL)
    if first_line is None:
        return blocks[0]
    (found,) = [b for b in blocks if b.startswith(first_line)]
    return found


@pytest.fixture
def tutorial(tmp_path, monkeypatch):
    (tmp_path / "consentrules_acme.py").write_text(block("python", "# consentrules_acme.py"))
    (tmp_path / "test_acme.py").write_text(block("python", "# test_acme.py"))
    (tmp_path / "acme-export.json").write_text(block("json"))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    for name in ("consentrules_acme", "test_acme"):
        sys.modules.pop(name, None)
    yield tmp_path
    for name in ("consentrules_acme", "test_acme"):
        sys.modules.pop(name, None)


def test_the_sample_export_runs_as_shown(tutorial, consentrules_run):
    result = consentrules_run(
        "check", "acme-export.json", "-p", "consentrules_acme", "--pack", "ai-training"
    )
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "acme-export.json (Acme Cloud (acme-prod); taken 2024-11-20, evaluated as of 2024-11-20)"
    )
    assert "HIGH     AI-TRAIN-002" in result.stdout
    fired = {(f["rule_id"], f["target"]["id"], f["status"]) for f in result.findings}
    assert ("AI-TRAIN-002", "model-improvement", "violation") in fired
    assert ("AI-TRAIN-003", "privacy_policy", "not_evaluable") in fired  # no disclosures
    finding = next(f for f in result.findings if f["rule_id"] == "AI-TRAIN-002")
    assert finding["location"]["line"] == 6  # the toggle, in the export
    assert finding["regions"] == ["GB"]


def test_the_tutorials_own_tests_pass(tutorial, tmp_path_factory):
    module = importlib.import_module("test_acme")
    tests = [getattr(module, n) for n in dir(module) if n.startswith("test_")]
    assert len(tests) == 2
    for test in tests:
        test(tmp_path_factory.mktemp(test.__name__))


def test_the_packaging_snippet_declares_the_entry_point():
    toml = block("toml")
    assert '[project.entry-points.consentrules]\nacme = "consentrules_acme"' in toml


def test_the_console_sample_is_what_the_command_prints(tutorial):
    """The tutorial's console block, run as a user runs it (a new process, its environment
    as written): every line it shows appears in the output, in order."""
    import os
    import shlex
    import subprocess

    console = block("console")
    lines = console.splitlines()
    command = lines[0].removeprefix("$ ")
    words = shlex.split(command)
    env = dict(os.environ)
    while "=" in words[0]:
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    assert words[0] == "consentrules"
    result = subprocess.run(
        [_script(), *words[1:], "--color", "never"],
        cwd=tutorial, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    output = result.stdout.splitlines()
    position = 0
    for expected in (line for line in lines[1:] if line.strip() != "..."):
        assert expected in output[position:], expected
        position = output.index(expected, position) + 1


def test_p_does_not_load_from_the_current_folder_without_pythonpath(tutorial):
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [_script(), "check", "acme-export.json", "-p", "consentrules_acme"],
        cwd=tutorial, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2 and "consentrules_acme" in result.stderr
    assert "Traceback" not in result.stderr


def _script() -> str:
    """The installed console script (``python -m`` would put the current folder on the path)."""
    import shutil
    from pathlib import Path

    beside = Path(sys.executable).parent / "consentrules"
    return str(beside) if beside.exists() else shutil.which("consentrules") or "consentrules"
