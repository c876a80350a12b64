"""``check --disclosures ota:PATH --service NAME`` on the real sample (issue 15): the claims a
version makes decide the disclosure-timing verdicts, with the version, its dates, source, hash
and sentence in the finding; an undated version counts as published between the recording
before it and its own, so that a timing rule never calls "late" what may have been on time."""

from __future__ import annotations

import json
from pathlib import Path

import consentrules_ota as plugin
import pytest

from consentrules.testing import run
from consentrules.testing import write_snapshot

DATA = Path(__file__).parent / "data"
DATASET = DATA / "dataset"
BUNDLE = DATA / "reddit-pinterest-versions.bundle"


def _check(tmp_path, activated, source=DATASET, *extra):
    setting = {"id": "gen-ai", "purposes": ["ai_training"], "default": False,
               "regions": {"include": ["US"]}, "activated_at": activated}  # fmt: skip
    snapshot = write_snapshot(tmp_path, {"platform": "Pinterest", "taken_at": "2025-10-10",
                                         "settings": [setting]})  # fmt: skip
    return run("check", str(snapshot), "--disclosures", f"ota:{source}", "--service",
               "Pinterest", "--rule", "AI-TRAIN-003", "--format", "json", *extra,
               plugins=[plugin])  # fmt: skip


def test_training_started_before_any_version_said_so_is_late_with_the_evidence(tmp_path):
    # Pinterest's first version stating AI training was recorded on 2023-08-02; the version
    # recorded before it (2023-02-15) did not state it, so it was published after that (the
    # strict reading: the recording window alone).
    result = _check(tmp_path, "2023-01-01", DATASET, "--ota-dating", "strict")
    assert result.exit_code == 1, result.stderr
    (late,) = result.findings
    assert late["status"] == "violation"
    facts = late["evidence"]["purposes"]["ai_training"]["disclosure"]
    assert facts["version"] == "2023-08-02T00:33:57Z" == facts["recorded_at"]
    assert facts["published_at"] == {"first": "2023-02-15", "last": "2023-08-02",
                                     "text": "2023-02-15..2023-08-02"}  # fmt: skip
    assert facts["source"].endswith("Pinterest/Privacy Policy/2023-08-02T00-33-57Z.md")
    assert len(facts["sha256"]) == 64
    assert "machine learning models" in facts["excerpt"] and facts["heading"]


def test_training_started_inside_the_window_cannot_be_told(tmp_path):
    # Started 2023-06-01: by the recording window alone, the version may have been published
    # before or after that day.
    result = _check(tmp_path, "2023-06-01", DATASET, "--ota-dating", "strict")
    (unsure,) = result.findings
    assert unsure["status"] == "not_evaluable" and "depends on the day" in unsure["message"]


def test_the_schedule_and_the_stated_date_settle_what_the_window_leaves_open(tmp_path):
    # The collection's runs (00:30 and 18:30 UTC) put the check before the 2023-08-02 00:33
    # recording six hours earlier, and the text states "Effective Date August 1, 2023".
    result = _check(tmp_path, "2023-06-01")
    (late,) = result.findings
    assert late["status"] == "violation"
    assert "on 2023-08-01, 61 days later" in late["message"]
    assert "'Effective Date August 1, 2023'" in late["message"]


def test_training_started_after_the_recording_is_in_time(tmp_path):
    result = _check(tmp_path, "2023-09-01")
    assert result.exit_code == 0 and result.findings == []


def test_the_versions_repository_gives_the_same_verdict(tmp_path):
    from_bundle = _check(tmp_path, "2023-01-01", BUNDLE)
    assert from_bundle.exit_code == 1, from_bundle.stderr
    (late,) = from_bundle.findings
    facts = late["evidence"]["purposes"]["ai_training"]["disclosure"]
    assert facts["recorded_at"].startswith("2023-08-02") and facts["source"].startswith("commit ")


def test_scan_through_consentrules_shows_first_appearance_at_a_glance():
    result = run("disclosures", "scan", str(DATASET), "--service", "Pinterest", plugins=[plugin])
    assert result.exit_code == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if "NEW: ai_training" in x)
    assert line.strip().startswith("2023-08-02T00:33:57Z")
    data = json.loads(
        run(
            "disclosures",
            "scan",
            str(DATASET),
            "--service",
            "Pinterest",
            "--format",
            "json",
            plugins=[plugin],
        ).stdout
    )
    versions = data["documents"][0]["versions"]
    first = next(v for v in versions if "ai_training" in v["added"])
    assert first["recorded_at"] == "2023-08-02T00:33:57Z"
    assert versions[0]["published_at"]["text"] == "on or before 2022-07-11"


def test_a_stated_last_updated_date_in_the_window_is_the_publication_day():
    data = json.loads(
        run(
            "disclosures",
            "scan",
            str(DATASET),
            "--service",
            "Reddit",
            "--format",
            "json",
            plugins=[plugin],
        ).stdout
    )
    by_time = {v["recorded_at"]: v for v in data["documents"][0]["versions"]}
    november = by_time["2022-11-15T18:33:25Z"]
    assert november["published_at"]["text"] == "2022-11-15"
    assert {"kind": "effective", "date": "2022-12-15"} in [
        {"kind": d["kind"], "date": d["date"]} for d in november["stated_dates"]
    ]
    assert november["effective_at"]["first"] == "2022-12-15"
    # the next recording states the same dates, but its text appeared after 2022-11-15
    december = by_time["2022-12-15T18:33:34Z"]
    assert december["published_at"]["first"] >= "2022-11-15"


def test_diff_names_the_claims_added_with_their_sentences():
    result = run("disclosures", "diff", str(DATASET), "--service", "Pinterest", "--to",
                 "2023-08-02", plugins=[plugin])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "2023-02-15T00:33:08Z -> 2023-08-02T00:33:57Z" in result.stdout
    assert "+ added   ai_training:" in result.stdout and "machine learning" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--disclosures", "ota:{data}"), "needs --service NAME"),
        (("--disclosures", "ota:{data}", "--service", "Nobody"), "Nobody"),
        (("--disclosures", "ota:{data}", "--service", "Pinterest", "--ota-patterns", "{missing}"),
         "--ota-patterns"),
    ],
)  # fmt: skip
def test_bad_sources_are_usage_or_input_errors(tmp_path, args, message):
    snapshot = write_snapshot(tmp_path, {"settings": []})
    filled = [a.format(data=DATASET, missing=tmp_path / "none.yaml") for a in args]
    result = run("check", str(snapshot), *filled, plugins=[plugin])
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_claims_yaml_next_to_a_rule_pack_extends_the_matcher(tmp_path):
    # A consultant's pack says what "research" looks like in a policy, without code.
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "rules.yaml").write_text(
        "rules:\n"
        "  - id: RESEARCH-NOTICE\n"
        "    title: Research must be disclosed before it starts\n"
        "    severity: medium\n"
        "    selector: {purposes: [research]}\n"
        "    check: {kind: disclosure_timing, document_kind: privacy_policy, min_days_before: 0}\n"
    )
    (pack / "claims.yaml").write_text(
        "purposes:\n  research:\n    phrases: ['\\bconduct (analytics and )?research\\b']\n"
    )
    setting = {"id": "study", "purposes": ["research"], "default": False,
               "regions": {"include": ["US"]}, "activated_at": "2022-01-01"}  # fmt: skip
    snapshot = write_snapshot(tmp_path, {"taken_at": "2025-10-10", "settings": [setting]})
    result = run("check", str(snapshot), "--rules", str(pack), "--disclosures",
                 f"ota:{DATASET}", "--service", "Pinterest", "--format", "json",
                 plugins=[plugin])  # fmt: skip
    (finding,) = result.findings  # activated before the first recording: cannot be told
    assert finding["status"] == "not_evaluable", finding["message"]
    facts = finding["evidence"]["purposes"]["research"]["disclosure"]
    assert facts["version"] == "2022-07-11T14:59:45Z"
    assert "research" in facts["excerpt"].lower()
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "rules.yaml").write_text((pack / "rules.yaml").read_text())
    without = run("check", str(snapshot), "--rules", str(bare), "--disclosures",
                  f"ota:{DATASET}", "--service", "Pinterest", "--format", "json",
                  plugins=[plugin])  # fmt: skip
    (never,) = without.findings  # the base patterns know no research phrase
    assert never["status"] == "violation" and "never disclosed" in never["message"]
