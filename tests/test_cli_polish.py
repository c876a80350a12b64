"""Command-line polish (issue 18, point 7): rules list as JSON, a real progress bar only on a
terminal, one line per problem for pre-commit."""

from __future__ import annotations

import io
import json
from pathlib import Path

import yaml

from consentrules.testing import run

ROOT = Path(__file__).resolve().parents[1]


def test_rules_list_as_json():
    result = run("rules", "list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rules = json.loads(result.stdout)["rules"]
    ids = [rule["id"] for rule in rules]
    assert ids == sorted(ids) and "AI-TRAIN-003" in ids
    first = rules[0]
    assert {"id", "title", "severity", "kind", "pack", "references", "run_by_default"} <= set(first)


def test_the_progress_bar_uses_a_carriage_return_and_only_on_a_terminal(monkeypatch):
    from consentrules.execute import parallel

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    monkeypatch.setattr(parallel.sys, "stderr", screen)
    bar = parallel._Progress(2)
    bar.step()
    bar.close()
    assert screen.getvalue().startswith("\r[") and "\\r" not in screen.getvalue()
    pipe = io.StringIO()
    monkeypatch.setattr(parallel.sys, "stderr", pipe)
    quiet = parallel._Progress(2)
    quiet.step()
    quiet.close()
    assert pipe.getvalue() == ""


def test_the_pre_commit_hook_prints_one_line_per_problem():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (check,) = [hook for hook in hooks if hook["id"] == "consentrules"]
    args = check["entry"].split()[1:]
    result = run(*args, str(ROOT / "examples/ai-training-2024/violating.yaml"))
    lines = result.stdout.splitlines()
    problems = [line for line in lines if ": high " in line or ": medium " in line]
    assert len(lines) == len(problems) + 1  # and the summary line
    assert len(problems) == 7  # twelve rules broken, seven distinct problems
    assert lines[-1].startswith("13 violations")


def test_a_licence_a_legal_team_accepts_and_pyproject_says_which():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License")
    assert 'license = "MIT"' in (ROOT / "pyproject.toml").read_text()


def test_the_example_waivers_are_in_force_and_suppress_the_faq_finding():
    import datetime as dt

    waivers = yaml.safe_load((ROOT / "examples/ai-training-2024/waivers.yaml").read_text())
    assert all(str(w["expires"]) > dt.date.today().isoformat() for w in waivers["waivers"])
    example = ROOT / "examples/ai-training-2024"
    result = run("check", str(example / "violating.yaml"), "--waivers",
                 str(example / "waivers.yaml"), "--format", "json")  # fmt: skip
    suppressed = [f["rule_id"] for f in result.findings if f["suppression"]]
    assert suppressed == ["AI-TRAIN-004"]


def test_a_mistyped_option_gets_the_nearest_one_suggested():
    result = run("check", str(ROOT / "examples/ai-training-2024/violating.yaml"), "--fial-on",
                 "high")  # fmt: skip
    assert result.exit_code == 2
    assert "did you mean --fail-on?" in result.stderr
    assert "did you mean AI-TRAIN-003" in run("rules", "show", "AI-TRAIN-03").stderr
