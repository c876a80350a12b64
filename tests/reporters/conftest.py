from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
VIOLATING = "examples/ai-training-2024/violating.yaml"
COMPLIANT = "examples/ai-training-2024/compliant.yaml"
WAIVERS = "tests/golden/waivers-as-of-2025-01-15.yaml"  # the example waivers as they were on --today 2025-01-15


@pytest.fixture
def in_root(monkeypatch):
    """Run from the repository root, so that paths in outputs are short and stable."""
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.fixture
def render(in_root, consentrules_run):
    """Run ``check`` on the violating example (with waivers) and return one format's text."""

    def _render(fmt, *extra):
        args = [
            "check",
            VIOLATING,
            "--pack",
            "ai-training",
            "--pack",
            "us-stored-communications",
            "--format",
            fmt,
            "--waivers",
            WAIVERS,
            "--today",
            "2025-01-15",
        ]
        result = consentrules_run(*args, *extra)
        assert result.exit_code == 1, result.stderr
        return result.stdout

    return _render


def assert_golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME; CONSENTRULES_UPDATE_GOLDEN=1 rewrites the file."""
    path = GOLDEN / name
    if os.environ.get("CONSENTRULES_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with CONSENTRULES_UPDATE_GOLDEN=1"
    assert text == Path(path).read_text(encoding="utf-8")
