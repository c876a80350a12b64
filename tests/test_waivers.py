from __future__ import annotations

import datetime as _dt
import textwrap

import pytest

from conftest import EXAMPLES

VIOLATING = str(EXAMPLES / "ai-training-2024" / "violating.yaml")

#: A waiver expiry within the default cap of a year, whatever the date the tests run.
SOON = (_dt.date.today() + _dt.timedelta(days=30)).isoformat()


def waivers_file(tmp_path, body):
    path = tmp_path / "waivers.yaml"
    path.write_text("waivers:\n" + textwrap.indent(textwrap.dedent(body), "  "))
    return str(path)


WAIVE_ALL = """\
- rule: AI-TRAIN-*
  target: "*"
  justification: accepted for the pilot
  owner: dpo@example.com
  expires: 2025-01-31
"""


@pytest.mark.parametrize(
    ("today", "suppressed", "exit_code"),
    [("2025-01-30", 3, 0), ("2025-01-31", 3, 0), ("2025-02-01", 0, 1)],
)
def test_expiry_boundary(tmp_path, consentrules_run, today, suppressed, exit_code):
    path = waivers_file(tmp_path, WAIVE_ALL)
    result = consentrules_run(
        "check",
        VIOLATING,
        "--pack",
        "ai-training",
        "--disable-rule",
        "FTC-RETROACTIVE-AI-TRAINING",  # (a waiver of AI-TRAIN-* does not reach it)
        "--waivers",
        path,
        "--today",
        today,
        "--format",
        "json",
    )
    assert result.exit_code == exit_code
    report = result.json
    assert report["summary"]["suppressed"] == suppressed
    expired = [n for n in report["notices"] if "expired on 2025-01-31" in n["message"]]
    assert bool(expired) is (today == "2025-02-01")
    if expired:
        assert "no longer suppresses a finding" in expired[0]["message"]
        assert expired[0]["line"] == 2


def test_region_scoped_waiver_covers_only_findings_inside(tmp_path, consentrules_run):
    body = f"""\
    - rule: AI-TRAIN-002-PAST
      target: data-for-generative-ai-improvement
      regions: [UK]
      justification: UK exposure remediated with the regulator
      owner: dpo@example.com
      expires: {SOON}
    - rule: SCA-NO-DEFAULT-SHARING
      target: data-for-generative-ai-improvement
      regions: [US-CA]
      justification: only Californian users
      owner: dpo@example.com
      expires: {SOON}
    """
    result = consentrules_run(
        "check", VIOLATING, "--waivers", waivers_file(tmp_path, body), "--format", "json"
    )
    by_rule = {f["rule_id"]: f for f in result.json["findings"]}
    assert by_rule["AI-TRAIN-002-PAST"]["suppression"]["owner"] == "dpo@example.com"
    # its regions (the whole US) go beyond California
    assert by_rule["SCA-NO-DEFAULT-SHARING"]["suppression"] is None
    unused = [n for n in result.json["notices"] if "unused" in n["message"]]
    assert len(unused) == 1 and "SCA-NO-DEFAULT-SHARING" in unused[0]["message"]


def test_platform_scoped_waiver(tmp_path, consentrules_run):
    body = WAIVE_ALL.replace("expires: 2025-01-31", f"expires: {SOON}") + "  platform: Other\n"
    result = consentrules_run(
        "check", VIOLATING, "--waivers", waivers_file(tmp_path, body), "--format", "json"
    )
    assert result.json["summary"]["suppressed"] == 0 and result.exit_code == 1


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (
            WAIVE_ALL.replace("  owner: dpo@example.com\n", ""),
            2,
            "missing the required key 'owner'",
        ),
        (WAIVE_ALL.replace("2025-01-31", "2025-02-30"), 6, "expires '2025-02-30'"),
        (WAIVE_ALL.replace("2025-01-31", "next year"), 6, "'next year' is not a valid value"),
        (WAIVE_ALL + "  reason: x\n", 7, "unknown key 'reason'"),
        (WAIVE_ALL.replace('target: "*"', 'target: "*"\n  regions: [Europe]'), 2, "unknown region"),
    ],
)
def test_bad_waivers_are_input_errors_with_line(tmp_path, consentrules_run, body, line, message):
    path = waivers_file(tmp_path, body)
    result = consentrules_run("check", VIOLATING, "--waivers", path)
    assert result.exit_code == 2
    assert f"{path}:{line}" in result.stderr and message in result.stderr


def test_missing_waivers_file(consentrules_run):
    result = consentrules_run("check", VIOLATING, "--waivers", "nope.yaml")
    assert result.exit_code == 2 and "nope.yaml: error: file not found" in result.stderr


def test_bad_today(consentrules_run, tmp_path):
    result = consentrules_run(
        "check", VIOLATING, "--waivers", waivers_file(tmp_path, WAIVE_ALL), "--today", "soon"
    )
    assert result.exit_code == 2 and "--today" in result.stderr
