"""The benchmark runner works: engines agree, timings print (a tiny run; figures are not asserted)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_benchmark_runner_smoke():
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--sizes",
            "200",
            "--runs",
            "1",
            "--quick",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert result.returncode == 0, result.stderr
    assert "engines agree on" in result.stdout
    assert "consentrules" in result.stdout and "hand-written loop" in result.stdout


def test_generator_is_seeded():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate

    assert generate.generate(50, seed=3) == generate.generate(50, seed=3)
    assert generate.generate(50, seed=3) != generate.generate(50, seed=4)


def test_the_traps_generator_at_10k_gives_the_hand_loops_violations(tmp_path):
    """Issue 19: the independent-style generator's 10k snapshot, checked by the real CLI, gives
    exactly the violation set of the hand-written loop."""
    import json

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate_traps

    data = generate_traps.generate(10_000)
    settings = data["settings"]
    lengths = [len(s["regions"]["include"]) for s in settings if s["regions"]["include"] != ["ALL"]]
    assert sum(100 <= n <= 251 for n in lengths) > len(settings) // 2  # long region lists
    spelled = [
        s for s in settings if s["regions"]["exclude"] and "EEA" not in s["regions"]["exclude"]
    ]
    assert len(spelled) > len(settings) // 4  # exclusions spelled out country by country
    assert len({d["kind"] for d in data["disclosures"]}) >= 4  # several document kinds
    snapshot = tmp_path / "traps-10k.json"
    snapshot.write_text(json.dumps(data))
    loop = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "handloop.py"), str(snapshot)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )  # (in a process of its own: it turns the garbage collector off, as a careful hand would)
    expected = {tuple(json.loads(line)) for line in loop.stdout.splitlines()}
    assert 0.12 <= len({setting for _, setting in expected}) / len(settings) <= 0.18
    assert {policy for policy, _ in expected} == {"P1", "P2", "P3"}
    report = tmp_path / "report.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "consentrules",
            "check",
            str(snapshot),
            "--rules",
            str(ROOT / "benchmarks" / "policies" / "bench.yaml"),
            "--format",
            "json",
            "-o",
            str(report),
            "--disable-plugin-autoload",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    findings = json.loads(report.read_text())["findings"]
    found = {(f["rule_id"], f["target"]["id"]) for f in findings if f["status"] == "violation"}
    assert found == expected
    assert all(f["status"] == "violation" for f in findings)  # nothing left undecided


def test_the_ledger_benchmark_finds_what_it_planted():
    """benchmarks/ledger.py at a tiny size: the counts consentrules gives equal the planted
    ones and the hand-written query's (its timings are printed, not asserted)."""
    import pytest

    pytest.importorskip("duckdb")
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "ledger.py"), "--events", "20000"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all counts match what was planted" in result.stdout
    assert "ratio:" in result.stdout and "peak RSS" in result.stdout


def test_the_start_up_benchmark_prints_its_ratios_and_targets():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "startup.py"), "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "python -c pass" in result.stdout and "check the example" in result.stdout
    assert "consentrules --version: <= 2x" in result.stdout


def test_the_history_benchmark_says_where_the_bundle_should_be(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "ota_history.py"),
            "--bundle",
            str(tmp_path / "missing.bundle"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "no bundle at" in result.stderr
