"""The HTML report (issue 16), read as text: self-contained, escaped, and every part there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from consentrules.testing import run
from consentrules.testing import write_snapshot

ROOT = Path(__file__).resolve().parents[2]
XSS = "<img src=x onerror=alert(1)>"


def html_of(tmp_path: Path, *args: str) -> str:
    out = tmp_path / "report.html"
    result = run("check", *args, "-o", f"html={out}")
    assert result.exit_code in (0, 1), result.stderr
    return out.read_text()


def test_the_example_report_has_every_part(tmp_path):
    page = html_of(tmp_path, str(ROOT / "examples/ai-training-2024/violating.yaml"))
    for heading in ("Summary", "Timeline", "By region", "Findings", "What was checked",
                    "Rules evaluated", "Run metadata"):  # fmt: skip
        assert f">{heading}</h" in page, heading
    assert "Not legal advice." in page
    # one bar per region group in each timeline picture
    svgs = re.findall(r"<svg role=\"img\".*?</svg>", page, flags=re.DOTALL)
    assert svgs
    for svg in svgs:
        groups = re.findall(r'<g class="bar" data-group="([a-z]+)"', svg)
        assert groups == ["eea", "uk", "ch", "us", "row"]
        assert "<title" in svg and "<desc" in svg  # the text alternative
    # a gap lists every rule it breaks, with the law linked and the evidence
    assert "Breaks 3 rules" in page
    assert 'href="https://eur-lex.europa.eu/eli/reg/2016/679/oj"' in page
    assert "Evidence (first disclosed ai_training)" in page
    # reproducible: the inputs' and packs' hashes, the command line
    digest = (
        __import__("hashlib")
        .sha256((ROOT / "examples/ai-training-2024/violating.yaml").read_bytes())
        .hexdigest()
    )
    assert digest in page and "Rule pack ai-training" in page
    assert "consentrules check" in page


def test_the_page_loads_nothing_and_runs_nothing(tmp_path):
    page = html_of(tmp_path, str(ROOT / "examples/ai-training-2024/violating.yaml"))
    assert "default-src 'none'" in page  # the browser refuses anything else
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert not re.search(r"""(src|srcset)=["']?https?:""", page)
    assert "@import" not in page and "url(http" not in page


def test_input_that_holds_html_is_shown_as_text(tmp_path):
    setting = {"id": XSS, "title": "<script>alert(2)</script>", "purposes": ["ai_training"],
               "default": True, "regions": {"include": ["ALL"]}, "activated_at": "2024-01-01"}  # fmt: skip
    snapshot = write_snapshot(tmp_path, {"platform": "<b>Evil</b>", "settings": [setting]})
    page = html_of(tmp_path, str(snapshot))
    assert XSS not in page and "<script>alert" not in page and "<b>Evil</b>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;b&gt;Evil&lt;/b&gt;" in page


def test_a_clean_run_still_says_what_was_checked(tmp_path):
    page = html_of(tmp_path, str(ROOT / "examples/ai-training-2024/compliant.yaml"))
    assert "No violation found" in page
    assert ">What was checked</h3>" in page and ">Rules evaluated</h2>" in page
    rows = re.findall(r'<tr data-rule="([A-Z0-9-]+)">', page.split("Rules evaluated")[1])
    assert len(rows) >= 40  # every rule of the run, with its coverage


def test_waived_findings_show_owner_and_expiry(tmp_path):
    import datetime as dt

    expires = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "consentrules: waivers/v1\nwaivers:\n  - rule: AI-TRAIN-004\n    target: ai-training-faq\n"
        f"    justification: moved to the help page\n    owner: dpo@example.com\n"
        f"    expires: {expires}\n"
    )
    example = ROOT / "examples/ai-training-2024"
    page = html_of(tmp_path, str(example / "violating.yaml"), "--waivers", str(waivers))
    section = page.split("Waived and baselined")[1].split("</table>")[0]
    assert "AI-TRAIN-004" in section and "dpo@example.com" in section and expires in section


@pytest.mark.parametrize("users", [{"US": 50_000_000, "US-CA": 6_000_000, "EEA": 1}])
def test_who_is_affected_and_the_statutory_exposure(tmp_path, users):
    setting = {"id": "dm-training", "purposes": ["ai_training"], "default": True,
               "data_categories": ["private_messages"], "recipients": ["affiliates"],
               "regions": {"include": ["US"]}, "activated_at": "2024-08-01"}  # fmt: skip
    snapshot = write_snapshot(
        tmp_path, {"taken_at": "2024-11-20", "users": users, "settings": [setting]}
    )
    result = run("check", str(snapshot), "--rule", "SCA-*", "--format", "json")
    sca = {f["rule_id"]: f for f in result.findings}
    affected = sca["SCA-NO-DEFAULT-SHARING"]["affected"]
    assert affected["users"] == 50_000_000  # US counted once, its state not again
    exposure = affected["exposure"]
    assert exposure["min"] == 50_000_000_000 and exposure["max"] is None
    assert exposure["law"] == "18 U.S.C. 2707(c)" and "courts decide" in exposure["caveat"]
    page = html_of(tmp_path, str(snapshot), "--rule", "SCA-*")
    assert "$50,000,000,000 or more" in page and "courts decide" in page
    # a finding about California only: users given for the US as a whole cannot be split
    assert result.report["snapshots"][0]["users"] == users


def test_users_that_cannot_be_split_make_the_figure_at_least(tmp_path):
    setting = {"id": "ads", "purposes": ["advertising"], "default": True,
               "data_categories": ["private_messages"], "recipients": ["third_parties"],
               "regions": {"include": ["US-CA", "US-NY"]}, "activated_at": "2024-08-01"}  # fmt: skip
    snapshot = write_snapshot(
        tmp_path, {"users": {"US": 1000, "US-CA": 300}, "settings": [setting]}
    )
    result = run("check", str(snapshot), "--rule", "SCA-NO-DEFAULT-SHARING", "--format", "json")
    (finding,) = result.findings
    affected = finding["affected"]
    assert affected["users"] == 300 and affected["at_least"] is True
    assert "US" in affected["note"]


def test_without_user_numbers_no_figures_are_invented(tmp_path):
    result = run("check", str(ROOT / "examples/ai-training-2024/violating.yaml"), "--format",
                 "json")  # fmt: skip
    assert all("affected" not in f for f in result.findings)
    assert "users" not in result.report["snapshots"][0]


def test_a_finding_that_names_no_regions_gets_no_user_figure(tmp_path):
    # SCA-DIVULGE-CONTENTS judges the recipients, not where the setting ran: counting every US
    # user would overstate who is affected, and the exposure.
    setting = {"id": "dm-training", "purposes": ["ai_training"], "default": True,
               "data_categories": ["private_messages"], "recipients": ["affiliates"],
               "regions": {"include": ["US-CA"]}, "activated_at": "2024-08-01"}  # fmt: skip
    snapshot = write_snapshot(
        tmp_path, {"taken_at": "2024-11-20", "users": {"US": 50_000_000}, "settings": [setting]}
    )
    result = run("check", str(snapshot), "--rule", "SCA-*", "--format", "json")
    divulge = next(f for f in result.findings if f["rule_id"] == "SCA-DIVULGE-CONTENTS")
    assert divulge["regions"] == [] and "affected" not in divulge


def test_the_summary_says_where_each_joined_rule_applies(tmp_path):
    """One entry may join rules of different places on one default (Quebec's s. 9.1 and
    California's secondary use): the summary must not read as if both applied in Quebec."""
    page = html_of(tmp_path, str(ROOT / "examples/ai-training-2024/violating.yaml"))
    summary = page.split("In short: what to fix first")[1].split("</ol>")[0]
    assert "CCPA-SECONDARY-USE (in US-CA), QC-LAW25-CONFIDENTIALITY-BY-DEFAULT" in summary
