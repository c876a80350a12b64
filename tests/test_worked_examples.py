"""The worked examples under examples/: each snapshot gives exactly the findings its
expected.txt lists (rule, target, status, severity), with the bundled rules."""

from __future__ import annotations

import pytest

from conftest import EXAMPLES
from consentrules.testing import run

WORKED = ["legitimate-interest-2025", "us-only-2025", "paused-and-resumed"]


def _found(name: str) -> tuple[set[tuple[str, str, str, str]], dict]:
    result = run("check", str(EXAMPLES / name / "snapshot.yaml"), "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return (
        {
            (f["rule_id"], f["target"]["id"], f["status"], f["severity"])
            for f in result.report["findings"]
        },
        result.report,
    )


@pytest.mark.parametrize("name", WORKED)
def test_the_example_gives_its_expected_report(name):
    lines = (EXAMPLES / name / "expected.txt").read_text().splitlines()
    expected = {tuple(line.split()) for line in lines if line.strip() and not line.startswith("#")}
    found, _ = _found(name)
    assert found == expected


def test_legitimate_interest_with_safeguards_has_no_high_finding():
    found, report = _found("legitimate-interest-2025")
    assert not [f for f in found if f[3] in ("high", "critical")]
    (review,) = report["findings"]
    assert review["message"].startswith("to review:")


def test_a_us_only_setting_has_no_european_finding():
    _, report = _found("us-only-2025")
    europe = {"EEA", "EU", "GB", "UK", "CH"}
    for finding in report["findings"]:
        assert not europe & set(finding["regions"]), finding
        assert finding["rule_id"].split("-")[0] not in {"GDPR", "UKGDPR", "EPRIVACY", "CH"}


def test_a_paused_rollout_is_history_and_the_disputed_category_is_not_a_violation():
    _, report = _found("paused-and-resumed")
    past = next(f for f in report["findings"] if f["rule_id"] == "AI-TRAIN-002-PAST")
    assert "from 2024-06-01 until 2024-06-14" in past["message"]
    assert not any(f["rule_id"] == "AI-TRAIN-002" for f in report["findings"])
    disputed = [f for f in report["findings"] if f["message"].startswith("disputed:")]
    assert disputed and all(f["status"] == "not_evaluable" for f in disputed)
