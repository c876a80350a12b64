"""A disclosure version can say that its capture is not the service changing its text (issue 27):
a failed capture or another document at the address says nothing about what was dropped or what
is current; a flip back is not a removal; a statement first shown when the archive re-read the
page may have been there unseen; and a version can say who carries its purposes out."""

from __future__ import annotations

from consentrules.testing import run
from consentrules.testing import write_snapshot

SETTING = {"id": "ai", "purposes": ["ai_training"], "default": True,
           "regions": {"include": ["US"]}, "activated_at": "2024-06-01"}  # fmt: skip
RETAIN = (
    "rules:\n  - id: KEEP\n    title: Keep the AI statement\n    severity: medium\n"
    "    selector: {purposes: [ai_training]}\n"
    "    check: {kind: disclosure_timing, document_kind: privacy_policy,\n"
    "            retain: ['purpose:ai_training'], require: ['purpose:ai_training']}\n"
)


def _version(day, purposes, capture=None, **extra):
    out = {"version": day, "published_at": day, "purposes": purposes, **extra}
    if capture:
        out["capture"] = {"kind": capture, "note": f"a {capture} capture"}
    return out


def _run(tmp_path, versions, *args, setting=SETTING):
    snapshot = write_snapshot(tmp_path, {
        "taken_at": "2025-01-01", "settings": [setting],
        "disclosures": [{"id": "pp", "kind": "privacy_policy", "versions": versions}],
    })  # fmt: skip
    return run("check", str(snapshot), "--format", "json", *args)


def _rules(tmp_path):
    path = tmp_path / "keep.yaml"
    path.write_text(RETAIN)
    return ("--rules", str(path))


def test_a_failed_capture_is_neither_a_removal_nor_the_current_version(tmp_path):
    versions = [_version("2024-05-01", ["ai_training"]), _version("2024-07-01", [], "failed")]
    result = _run(tmp_path, versions, *_rules(tmp_path))
    assert result.exit_code == 0, [f["message"] for f in result.findings]
    # the same history without the mark: a removal, and a current version that lacks it
    versions[1].pop("capture")
    marked = _run(tmp_path, versions, *_rules(tmp_path))
    assert marked.exit_code == 1 and any("stopped stating" in f["message"] for f in marked.findings)


def test_a_flip_back_is_not_a_removal(tmp_path):
    versions = [
        _version("2024-05-01", ["ai_training"]),
        _version("2024-05-02", [], "alternate"),
        _version("2024-05-03", ["ai_training"]),
    ]
    assert _run(tmp_path, versions, *_rules(tmp_path)).exit_code == 0


def test_what_a_re_reading_no_longer_shows_was_not_dropped_by_the_service(tmp_path):
    versions = [
        _version("2024-05-01", ["ai_training"]),
        _version("2024-05-02", [], "reread"),
        _version("2024-09-01", []),
    ]
    result = _run(tmp_path, versions, *_rules(tmp_path))
    assert not any("stopped stating" in f["message"] for f in result.findings)


def test_a_purpose_first_shown_by_a_re_reading_may_have_been_there_unseen(tmp_path):
    versions = [_version("2024-01-01", []), _version("2024-09-01", ["ai_training"], "reread")]
    result = _run(tmp_path, versions, "--rule", "AI-TRAIN-003")
    (unsure,) = result.findings
    assert unsure["status"] == "not_evaluable"
    assert "on or before 2024-09-01" in unsure["message"]
    versions[1].pop("capture")  # a change by the service: late
    (late,) = _run(tmp_path, versions, "--rule", "AI-TRAIN-003").findings
    assert late["status"] == "violation"


def test_a_setting_sharing_with_third_parties_is_judged_against_statements_of_that(tmp_path):
    setting = {**SETTING, "recipients": ["third_parties"]}
    versions = [
        _version("2024-01-01", ["ai_training"], recipients={}),
        _version("2024-09-01", ["ai_training"], recipients={"ai_training": ["third_parties"]}),
    ]
    (late,) = _run(tmp_path, versions, "--rule", "AI-TRAIN-003", setting=setting).findings
    assert late["status"] == "violation"
    assert "ai_training by or with third parties on 2024-09-01" in late["message"]
    # a version that does not say who (no recipients) counts for every recipient, as before
    for version in versions:
        version.pop("recipients")
    assert _run(tmp_path, versions, "--rule", "AI-TRAIN-003", setting=setting).findings == []


def test_a_setting_with_several_recipients_hears_each_gap_once(tmp_path):
    setting = {**SETTING, "recipients": ["first_party", "third_parties"]}
    first_party = {"ai_training": []}
    both = {"ai_training": ["third_parties"]}
    late_both = [_version("2024-09-01", ["ai_training"], recipients=both)]
    (one,) = _run(tmp_path, late_both, "--rule", "AI-TRAIN-003", setting=setting).findings
    # the version that first said it also said who: one statement, said once
    assert one["message"].count("first disclosed") == 1
    assert list(one["evidence"]["purposes"]) == ["ai_training:third_parties"]
    two_steps = [
        _version("2024-07-01", ["ai_training"], recipients=first_party),
        _version("2024-09-01", ["ai_training"], recipients=both),
    ]
    (two,) = _run(tmp_path, two_steps, "--rule", "AI-TRAIN-003", setting=setting).findings
    assert "first disclosed ai_training on 2024-07-01, 30 days later" in two["message"]
    assert "ai_training by or with third parties on 2024-09-01" in two["message"]
    never = [_version("2024-07-01", ["advertising"], recipients={})]
    (gap,) = _run(tmp_path, never, "--rule", "AI-TRAIN-003", setting=setting).findings
    assert "but ai_training was never disclosed in a privacy policy" in gap["message"]
    assert gap["message"].count("never disclosed") == 1
