"""JSON periods and dates are ISO 8601 fields, not only prose (issue 15, point 3)."""

from __future__ import annotations

from consentrules.testing import run
from consentrules.testing import write_rules
from consentrules.testing import write_snapshot


def test_region_periods_are_fields_with_first_and_last_days(tmp_path):
    rules = write_rules(
        tmp_path,
        {"id": "OPT-IN", "selector": {"purposes": ["ads"]},
         "check": {"kind": "opt_in_default", "regions": ["GB"]}},
    )  # fmt: skip
    setting = {
        "id": "ads", "purposes": ["ads"], "default": True, "regions": {"include": ["GB"]},
        "activated_at": "2024-08", "history": [{"date": "2024-10-11", "default": False}],
    }  # fmt: skip
    snapshot = write_snapshot(tmp_path, {"taken_at": "2024-12-01", "settings": [setting]})
    result = run("check", str(snapshot), "--rules", str(rules), "--format", "json")
    (finding,) = result.findings
    assert finding["evidence"]["periods"] == ["from 2024-08 until 2024-10-11"]
    assert finding["evidence"]["spans"] == [
        {
            "from": {"first": "2024-08-01", "last": "2024-08-31", "text": "2024-08"},
            "until": {"first": "2024-10-11", "last": "2024-10-11", "text": "2024-10-11"},
            "regions": ["GB"],
        }
    ]
