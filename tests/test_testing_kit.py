"""consentrules.testing, the kit plugin authors use."""

from __future__ import annotations

import pytest

from consentrules import hookimpl
from consentrules.testing import run
from consentrules.testing import write_rules
from consentrules.testing import write_snapshot

SETTING = {
    "id": "chat-training",
    "purposes": ["ai_training"],
    "default": True,
    "regions": {"include": ["US"]},
    "activated_at": "2024-01-01",
}


def test_write_and_run_with_a_plugin_object(tmp_path):
    class Shout:
        name = "shout"
        description = "upper-case count"
        extension = ".txt"

        def render(self, report, stream, config):
            stream.write(f"{len(report.violations)} VIOLATIONS\n")

    class Plugin:
        @hookimpl
        def consentrules_register_reporters(self, registry):
            registry.add(Shout())

    snapshot = write_snapshot(tmp_path, {"settings": [SETTING]})
    rules = write_rules(
        tmp_path,
        {"id": "R", "selector": {"purposes": ["ai_training"]}, "check": {"kind": "opt_in_default"}},
    )
    result = run(
        "check", str(snapshot), "--rules", str(rules), "--format", "shout", plugins=[Plugin()]
    )
    assert (result.exit_code, result.stdout) == (1, "1 VIOLATIONS\n")
    result.assert_findings([("R", "setting", "chat-training")])
    assert result.findings[0]["regions"] == ["US"]


def test_assert_findings_shows_the_difference(tmp_path):
    snapshot = write_snapshot(tmp_path, {"settings": [SETTING]}, name="s.json")
    rules = write_rules(tmp_path, {"id": "R", "check": {"kind": "opt_in_default"}})
    result = run("check", str(snapshot), "--rules", str(rules))
    with pytest.raises(AssertionError) as info:
        result.assert_findings([("R", "setting", "other-setting")])
    message = str(info.value)
    assert "missing:    ('R', 'setting', 'other-setting', 'violation')" in message
    assert "unexpected: ('R', 'setting', 'chat-training', 'violation')" in message


def test_report_is_captured_whatever_the_format(tmp_path):
    everywhere = {**SETTING, "regions": {"include": ["ALL"]}}  # the EEA too: a bundled rule fires
    snapshot = write_snapshot(tmp_path, {"settings": [everywhere]})
    result = run("check", str(snapshot), "--format", "markdown")
    assert result.stdout.startswith("## consentrules")
    assert result.report["summary"]["violations"] >= 1
