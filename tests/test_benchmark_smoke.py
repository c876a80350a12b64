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
