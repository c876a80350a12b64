"""Hostile and broken input, failing plugins, signals: clear errors, never damage."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import EXAMPLES
from conftest import ROOT

COMPLIANT = str(EXAMPLES / "ai-training-2024" / "compliant.yaml")


def test_file_size_limit_and_raising_it(tmp_path, consentrules_run):
    big = tmp_path / "big.yaml"
    big.write_text((EXAMPLES / "ai-training-2024" / "compliant.yaml").read_text() + "#" * 3000)
    small = consentrules_run("snapshot", "validate", str(big), "--limit", "file-size=2K")
    assert small.exit_code == 2
    assert "larger than the limit of 2 KiB" in small.stderr
    assert "--limit file-size=VALUE" in small.stderr
    assert (
        consentrules_run("snapshot", "validate", str(big), "--limit", "file-size=1M").exit_code == 0
    )


def test_depth_limit_can_be_raised(tmp_path, consentrules_run):
    deep = tmp_path / "deep.yaml"
    deep.write_text(
        "platform: X\ntaken_at: 2024-01-01\nsettings: []\nmetadata: {x: "
        + "[" * 100
        + "]" * 100
        + "}\n"
    )
    assert consentrules_run("snapshot", "validate", str(deep)).exit_code == 2
    raised = consentrules_run("snapshot", "validate", str(deep), "--limit", "depth=200")
    assert raised.exit_code == 0, raised.stderr


@pytest.mark.parametrize(
    ("spec", "message"),
    [("depth=9000", "at most 5000"), ("width=3", "unknown limit"), ("nodes=lots", "not a number")],
)
def test_bad_limit_options(spec, message, consentrules_run):
    result = consentrules_run("snapshot", "validate", COMPLIANT, "--limit", spec)
    assert result.exit_code == 2 and message in result.stderr


def test_aliases_are_counted(tmp_path, consentrules_run):
    path = tmp_path / "aliases.yaml"
    refs = ", ".join(["*a"] * 20)
    path.write_text(
        f"platform: X\ntaken_at: 2024-01-01\nsettings: []\nmetadata:\n  a: &a 1\n  b: [{refs}]\n"
    )
    assert consentrules_run("snapshot", "validate", str(path)).exit_code == 0
    limited = consentrules_run("snapshot", "validate", str(path), "--limit", "aliases=10")
    assert limited.exit_code == 2 and "more than 10 alias references" in limited.stderr


def test_huge_json_integer(tmp_path, consentrules_run):
    path = tmp_path / "big-int.json"
    path.write_text(
        '{"platform": "X", "taken_at": "2024-01-01", "settings": [], "metadata": {"n": '
        + "9" * 6000
        + "}}"
    )
    result = consentrules_run("snapshot", "validate", str(path))
    assert result.exit_code == 2 and "Traceback" not in result.stderr


def _regex_rule(tmp_path, pattern):
    rules = tmp_path / "r.yaml"
    rules.write_text(
        textwrap.dedent(f"""\
        rules:
          - id: RE
            title: t
            severity: low
            check:
              kind: condition
              forbid: {{field: title, matches: '{pattern}'}}
    """)
    )
    return rules


def test_regex_re2_cannot_express_is_refused_at_load(tmp_path, consentrules_run):
    rules = _regex_rule(tmp_path, "(?=secret)sec")
    result = consentrules_run("rules", "validate", str(rules))
    assert result.exit_code == 2
    assert f"{rules}:7:" in result.stderr and "invalid perl operator" in result.stderr
    assert "lookarounds and back-references are not supported" in result.stderr
    assert "re2.cc" not in result.stderr  # RE2's own log stays quiet


def test_nested_repetition_is_accepted_and_matches(tmp_path, consentrules_run):
    """RE2 matches in linear time, so the patterns that backtrack in Python's re are fine."""
    rules = _regex_rule(tmp_path, "(a+)+$")
    snapshot = tmp_path / "s.yaml"
    snapshot.write_text(
        "platform: X\ntaken_at: 2024-01-01\nsettings:\n"
        f"  - {{id: s, title: '{'a' * 30}b', default: false}}\n"
        f"  - {{id: t, title: '{'a' * 30}', default: false}}\n"
    )
    result = consentrules_run("check", str(snapshot), "--rules", str(rules), "--format", "json")
    assert [f["target"]["id"] for f in result.json["findings"]] == ["t"]


def test_strict_fails_on_gaps(tmp_path, consentrules_run):
    snapshot = tmp_path / "s.yaml"
    snapshot.write_text(
        "platform: X\ntaken_at: 2024-01-01\nsettings:\n"
        "  - {id: a, purposes: [ai_training], regions: {include: [US]}}\n"
    )
    lenient = consentrules_run("check", str(snapshot), "--pack", "ai-training")
    assert lenient.exit_code == 0 and "NOT EVALUABLE" in lenient.stdout
    strict = consentrules_run("check", str(snapshot), "--pack", "ai-training", "--strict")
    assert strict.exit_code == 1
    assert strict.report["summary"]["strict"] is True and strict.report["summary"]["failing"] >= 1


@pytest.fixture
def plugin_dir(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))

    def write(name, source):
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))

    return write


def test_hanging_hook_is_stopped_and_named(plugin_dir, consentrules_run):
    plugin_dir(
        "sleepy_hook",
        """
        import time
        from consentrules import hookimpl

        @hookimpl
        def consentrules_configure(config):
            try:
                time.sleep(30)
            except Exception:  # a plugin cannot swallow the timeout
                pass
    """,
    )
    started = time.monotonic()
    result = consentrules_run("check", COMPLIANT, "-p", "sleepy_hook", "--plugin-timeout", "0.5")
    assert time.monotonic() - started < 10
    assert result.exit_code == 2
    assert "plugin 'sleepy_hook', hook consentrules_configure" in result.stderr
    assert "did not finish within 0.5 seconds" in result.stderr


def test_hanging_reporter_is_stopped_and_other_outputs_survive(
    plugin_dir, consentrules_run, tmp_path
):
    plugin_dir(
        "sleepy_reporter",
        """
        import time
        from consentrules import hookimpl

        class Sleepy:
            name = "sleepy"
            description = "never finishes"
            extension = ".txt"

            def render(self, report, stream, config):
                stream.write("partial")
                time.sleep(30)

        @hookimpl
        def consentrules_register_reporters(registry):
            registry.add(Sleepy())
    """,
    )
    slow, good = tmp_path / "slow.txt", tmp_path / "good.json"
    result = consentrules_run(
        "check",
        COMPLIANT,
        "-p",
        "sleepy_reporter",
        "--plugin-timeout",
        "0.5",
        "-o",
        f"sleepy={slow}",
        "-o",
        f"json={good}",
    )
    assert result.exit_code == 2 and "reporter 'sleepy' failed: did not finish" in result.stderr
    assert not slow.exists() and good.exists()


@pytest.mark.parametrize(
    ("signum", "code", "said"),
    [(signal.SIGTERM, 143, "terminated"), (signal.SIGHUP, 129, "hung up")],
)
def test_sigterm_leaves_no_partial_file(tmp_path, signum, code, said):
    """SIGTERM, and SIGHUP (a closed terminal or SSH session), end the run cleanly."""
    plugin = tmp_path / "slow_reporter.py"
    plugin.write_text(
        textwrap.dedent("""
        import time
        from consentrules import hookimpl

        class Slow:
            name = "slow"
            description = "slow"
            extension = ".txt"

            def render(self, report, stream, config):
                stream.write("partial output")
                stream.flush()
                print("rendering", flush=True)
                time.sleep(60)

        @hookimpl
        def consentrules_register_reporters(registry):
            registry.add(Slow())
    """)
    )
    out = tmp_path / "out" / "report.txt"
    out.parent.mkdir()
    env = {
        **os.environ,
        "CONSENTRULES_DISABLE_PLUGIN_AUTOLOAD": "1",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT / "src")]),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "consentrules",
            "check",
            COMPLIANT,
            "-p",
            "slow_reporter",
            "-o",
            f"slow={out}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    # the text output comes first, then the slow one starts (a plugin's prints go to stderr)
    deadline = time.monotonic() + 30
    while process.stderr.readline().strip() != "rendering":
        assert time.monotonic() < deadline and process.poll() is None
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == code and said in stderr
    assert list(out.parent.iterdir()) == []
