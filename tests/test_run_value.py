"""A run is a value: its options are read-only, and its limits end with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from consentrules import hookimpl
from consentrules.cli.main import main
from consentrules.plugin import watchdog
from consentrules.sources import limits

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ai-training-2024"


class Spy:
    """A plugin that records what the run's config looks like when the run is final."""

    def __init__(self) -> None:
        self.seen: dict[str, object] = {}

    @hookimpl
    def consentrules_configure(self, config):  # type: ignore[no-untyped-def]
        self.seen["limits"] = limits.current()
        self.seen["timeout"] = watchdog.seconds()
        try:
            config.options["format"] = "json"
        except TypeError as exc:
            self.seen["refused"] = str(exc)


def test_options_are_read_only_and_limits_end_with_the_run(capsys: pytest.CaptureFixture[str]):
    spy = Spy()
    first = EXAMPLE / "compliant.yaml"
    code = main(
        [
            "check",
            str(first),
            "--format",
            "json",
            "--limit",
            "depth=20",
            "--plugin-timeout",
            "7",
        ],
        plugins=[spy],
    )
    assert code in (0, 1)
    json.loads(capsys.readouterr().out)  # the report was written as asked
    assert spy.seen["limits"] == limits.Limits(depth=20)
    assert spy.seen["timeout"] == 7.0
    assert "does not support item assignment" in str(spy.seen["refused"])
    # nothing of the run is left behind in the modules
    assert limits.current() == limits.DEFAULTS
    assert watchdog.seconds() == watchdog.DEFAULT_SECONDS


def test_limits_and_time_limit_are_scoped_to_a_block():
    with limits.applied(limits.parse(["file-size=1K"])):
        assert limits.current().file_size == 1024
        with watchdog.applied(None):
            assert watchdog.seconds() is None
        assert watchdog.seconds() == watchdog.DEFAULT_SECONDS
    assert limits.current() == limits.DEFAULTS


def test_a_bad_limit_is_a_usage_error_and_leaves_nothing_behind(
    capsys: pytest.CaptureFixture[str],
):
    first = EXAMPLE / "compliant.yaml"
    assert main(["check", str(first), "--limit", "depth=x"]) == 2
    assert "--limit depth" in capsys.readouterr().err
    assert limits.current() == limits.DEFAULTS
