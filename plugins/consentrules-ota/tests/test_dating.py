"""Dating a version as a careful analyst would (issue 27): the text's own dates in every common
phrasing, the collection's schedule (stated, in its metadata.yml, or read from its recordings),
and a verdict that says what it rests on; the strict reading stays available."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import consentrules_ota as plugin
import pytest
from consentrules_ota.dating import ScheduleError
from consentrules_ota.dating import date_version
from consentrules_ota.dating import inferred_schedule
from consentrules_ota.dating import parse_schedule
from consentrules_ota.dating import stated_dates
from consentrules_ota.layouts import collection_times

from consentrules.testing import run
from consentrules.testing import write_snapshot

UTC = dt.timezone.utc
META = Path(__file__).parent / "data" / "meta-snapchat-versions.bundle"


@pytest.mark.parametrize(
    ("text", "kind", "day"),
    [
        ("Effective September 18, 2024", "effective", "2024-09-18"),
        ("**Effective date:** 18 September 2024", "effective", "2024-09-18"),
        ("This policy will go into effect on September 22, 2023.", "effective", "2023-09-22"),
        ("These terms take effect on Sept. 22nd, 2023", "effective", "2023-09-22"),
        ("Effective as of 2024-09-18", "effective", "2024-09-18"),
        ("Last updated: September 18, 2024", "updated", "2024-09-18"),
        ("Last revised 18th of September 2024", "updated", "2024-09-18"),
        ("Date of last revision: 18.09.2024", "updated", "2024-09-18"),
        ("We updated our Privacy Policy on April 7, 2025.", "updated", "2025-04-07"),
    ],
)
def test_every_common_phrasing_of_a_stated_date_is_read_with_its_sentence(text, kind, day):
    (found,) = stated_dates(f"# Privacy Policy\n\n{text}\n\nWe collect information.\n")
    assert (found.kind, found.date) == (kind, day)
    assert found.sentence.replace("*", "") == text.replace("*", "")


def test_dates_in_the_body_are_not_the_texts_own():
    body = "\n".join(f"Paragraph {i}." for i in range(200))
    text = f"# Policy\n\n{body}\nEffective January 1, 2020, California residents may ask.\n{body}"
    assert stated_dates(text) == ()


@pytest.mark.parametrize(
    ("given", "hours"),
    [
        ("6h", 6),
        ("12 h", 12),
        ("1d", 24),
        ("30m", 0.5),
        ("30 */12 * * *", 12),
        ("30 0,6,12,18 * * *", 6),
        ("30 0,18 * * *", 18),  # uneven: the longest gap, never a tighter schedule
        ("0 3 * * *", 24),
    ],
)
def test_a_schedule_is_read_as_a_period_or_a_cron_expression(given, hours):
    assert parse_schedule(given) == hours


def test_an_unreadable_schedule_says_what_to_write():
    with pytest.raises(ScheduleError, match="cron expression"):
        parse_schedule("twice daily")


def test_the_schedule_is_read_from_the_collections_recordings():
    times = collection_times(META)
    # 2023: runs every 6 hours; 2025: every 12 hours (the sample's recording times show both)
    in_2023 = inferred_schedule(times, dt.datetime(2023, 10, 3, 6, 32, tzinfo=UTC))
    in_2025 = inferred_schedule(times, dt.datetime(2025, 4, 15, 0, 31, tzinfo=UTC))
    assert in_2023 is not None and in_2023.hours == 6
    assert in_2025 is not None and in_2025.hours == 12
    assert "00:30 and 12:30 UTC" in in_2025.basis


def test_too_few_recordings_give_no_schedule():
    times = [dt.datetime(2024, 1, d, 0, 31, tzinfo=UTC) for d in (1, 9)]
    assert inferred_schedule(times, times[-1]) is None


def _stated(text: str):
    return stated_dates(f"# Privacy Policy\n\n{text}\n")


def test_converging_evidence_gives_the_day():
    # LinkedIn's kind of history: checked every 6 h, the new text first recorded just after
    # midnight UTC and stating its own date, the day before.
    dating = date_version(
        dt.datetime(2024, 9, 19, 0, 32, tzinfo=UTC),
        dt.datetime(2024, 6, 1, 12, 31, tzinfo=UTC),
        _stated("Effective September 18, 2024"),
        plugin.dating.Schedule(6, "as --ota-schedule 6h states"),
    )
    assert (dating.first, dating.last) == (dt.date(2024, 9, 18), dt.date(2024, 9, 18))
    assert "first recorded 2024-09-19 00:32 UTC by a collection checking every 6 h" in dating.basis
    assert "'Effective September 18, 2024': published 2024-09-18" in dating.basis
    assert dating.open_question is None


def test_without_a_schedule_the_window_is_the_recordings_and_says_what_would_decide():
    dating = date_version(
        dt.datetime(2024, 9, 19, 0, 32, tzinfo=UTC),
        dt.datetime(2024, 6, 1, 12, 31, tzinfo=UTC),
        _stated("Effective September 18, 2024"),
        None,
    )
    assert (dating.first, dating.last) == (dt.date(2024, 6, 1), dt.date(2024, 9, 19))
    assert "--ota-schedule" in (dating.open_question or "")


def test_an_upcoming_date_does_not_move_the_publication():
    dating = date_version(
        dt.datetime(2023, 9, 1, 12, 31, tzinfo=UTC),
        dt.datetime(2023, 5, 1, 0, 31, tzinfo=UTC),
        _stated("This policy will go into effect on September 22, 2023."),
        plugin.dating.Schedule(12, "stated"),
    )
    assert (dating.first, dating.last) == (dt.date(2023, 9, 1), dt.date(2023, 9, 1))
    assert dating.effective == dt.date(2023, 9, 22)
    assert "upcoming version shown ahead of time" in dating.basis


def test_a_stated_date_earlier_than_the_schedule_allows_widens_the_window_and_asks():
    dating = date_version(
        dt.datetime(2024, 9, 19, 0, 32, tzinfo=UTC),
        dt.datetime(2024, 6, 1, 12, 31, tzinfo=UTC),
        _stated("Last updated: September 2, 2024"),
        plugin.dating.Schedule(6, "stated"),
    )
    assert (dating.first, dating.last) == (dt.date(2024, 9, 2), dt.date(2024, 9, 19))
    assert "would decide" in (dating.open_question or "")


def test_a_date_the_earlier_text_stated_too_dates_nothing():
    same = _stated("Effective April 7, 2025")
    dating = date_version(
        dt.datetime(2025, 4, 15, 0, 31, tzinfo=UTC),
        dt.datetime(2025, 4, 9, 0, 31, tzinfo=UTC),
        same,
        plugin.dating.Schedule(12, "stated"),
        previous_stated=same,
    )
    assert (dating.first, dating.last) == (dt.date(2025, 4, 14), dt.date(2025, 4, 15))
    assert "stated by the earlier text too" in dating.basis


def test_after_failed_captures_the_window_opens_at_the_last_good_check():
    dating = date_version(
        dt.datetime(2025, 5, 27, 12, 31, tzinfo=UTC),
        dt.datetime(2025, 5, 7, 12, 31, tzinfo=UTC),
        (),
        plugin.dating.Schedule(12, "stated"),
        blind_since=dt.datetime(2025, 5, 21, 0, 31, tzinfo=UTC),
    )
    assert (dating.first, dating.last) == (dt.date(2025, 5, 20), dt.date(2025, 5, 27))
    assert "held no usable text" in dating.basis


# The founding case on a history of the same kind -----------------------------------------------
def _collection(root: Path, policy: dict[str, str]) -> Path:
    """An OTA dataset: the policy's versions, and a second document recorded by the same runs
    (every 6 h) so that the schedule shows."""
    for stamp, text in policy.items():
        folder = root / "Linkwork" / "Privacy Policy"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{stamp}.md").write_text(text, encoding="utf-8")
    terms = root / "Linkwork" / "Terms of Service"
    terms.mkdir(parents=True, exist_ok=True)
    day = dt.datetime(2024, 7, 1, tzinfo=UTC)
    for index in range(40):
        moment = day + dt.timedelta(hours=6 * index, minutes=31)
        (terms / f"{moment:%Y-%m-%dT%H-%M-%SZ}.md").write_text(f"Terms {index}\n")
    return root


_BEFORE = "# Privacy Policy\n\nEffective May 1, 2024\n\nWe use your data to provide the service.\n"
_AFTER = (
    "# Privacy Policy\n\nEffective September 18, 2024\n\nWe may use your personal data to "
    "develop and train artificial intelligence models that generate content.\n"
)


def _founding(tmp_path: Path, *extra: str, activated: str = "2024-08-01"):
    history = _collection(
        tmp_path / "ota",
        {"2024-05-01T12-31-02Z": _BEFORE, "2024-09-19T00-32-10Z": _AFTER},
    )
    setting = {"id": "ai-data", "title": "Data for generative AI improvement",
               "purposes": ["ai_training"], "default": True,
               "regions": {"include": ["US"]}, "activated_at": activated}  # fmt: skip
    snapshot = write_snapshot(tmp_path, {"platform": "Linkwork", "taken_at": "2024-10-01",
                                         "settings": [setting]})  # fmt: skip
    return run("check", str(snapshot), "--disclosures", f"ota:{history}", "--service",
               "Linkwork", "--rule", "AI-TRAIN-003", *extra, plugins=[plugin])  # fmt: skip


def test_the_founding_case_is_late_by_48_days_and_says_what_it_rests_on(tmp_path):
    result = _founding(tmp_path, "--format", "json")
    assert result.exit_code == 1, result.stderr
    (late,) = result.findings
    assert late["status"] == "violation"
    purpose = late["evidence"]["purposes"]["ai_training"]
    assert purpose["days_after_activation"] == 48
    message = late["message"]
    assert "first disclosed ai_training on 2024-09-18, 48 days later" in message
    assert "checking every 6 h" in message and "'Effective September 18, 2024'" in message
    assert "(2024-" not in message.split("first disclosed")[1].split(",")[0]


def test_the_text_report_says_it_once(tmp_path):
    result = _founding(tmp_path)
    assert result.exit_code == 1
    shown = " ".join(result.stdout.split())  # as read, whatever the wrapping
    assert "first disclosed ai_training on 2024-09-18, 48 days later" in shown
    assert shown.count("Effective September 18, 2024") == 1
    assert "0 days before activation" not in shown


def test_the_strict_reading_keeps_to_the_recording_window(tmp_path):
    result = _founding(tmp_path, "--format", "json", "--ota-dating", "strict")
    (unsure,) = result.findings
    assert unsure["status"] == "not_evaluable"
    assert "between 2024-05-01 and 2024-09-19" in unsure["message"]
    assert "depends on the day" in unsure["message"]
    assert result.exit_code == 0


def test_a_schedule_in_the_collections_metadata_is_used_and_named(tmp_path):
    history = _collection(
        tmp_path / "ota", {"2024-05-01T12-31-02Z": _BEFORE, "2024-09-19T00-32-10Z": _AFTER}
    )
    for folder in (history / "Linkwork" / "Terms of Service").iterdir():
        folder.unlink()  # no recordings to read it from: only the metadata says
    (history / "metadata.yml").write_text(
        "id: demo\ntrackingPeriods:\n  - startDate: 2023-04-23\n    schedule: '30 */6 * * *'\n"
    )
    setting = {"id": "ai-data", "purposes": ["ai_training"], "default": True,
               "regions": {"include": ["US"]}, "activated_at": "2024-08-01"}  # fmt: skip
    snapshot = write_snapshot(tmp_path, {"taken_at": "2024-10-01", "settings": [setting]})
    result = run("check", str(snapshot), "--disclosures", f"ota:{history}", "--service",
                 "Linkwork", "--rule", "AI-TRAIN-003", "--format", "json",
                 plugins=[plugin])  # fmt: skip
    (late,) = result.findings
    assert late["status"] == "violation", late["message"]
    assert "as metadata.yml states ('30 */6 * * *' from 2023-04-23)" in late["message"]


def test_a_stated_schedule_that_cannot_be_read_is_a_usage_error(tmp_path):
    result = _founding(tmp_path, "--ota-schedule", "twice daily")
    assert result.exit_code == 2, result.stderr
    assert "--ota-schedule" in result.stderr and "cron expression" in result.stderr


def test_the_version_facts_carry_how_it_was_dated(tmp_path):
    result = _founding(tmp_path, "--format", "json")
    facts = result.findings[0]["evidence"]["purposes"]["ai_training"]["disclosure"]
    assert facts["dated_by"].startswith("first recorded 2024-09-19 00:32 UTC")
    assert {"kind": "effective", "date": "2024-09-18",
            "text": "Effective September 18, 2024"} in facts["stated_dates"]  # fmt: skip
    assert json.dumps(facts)  # plain data


@pytest.mark.parametrize(
    "metadata",
    ["trackingPeriods:\n  - startDate: 2023-04-23\n    schedule: 'when it rains'\n", "a: [b\n"],
)
def test_a_metadata_file_that_cannot_be_read_names_the_file(tmp_path, metadata):
    history = _collection(tmp_path / "ota", {"2024-09-19T00-32-10Z": _AFTER})
    (history / "metadata.yml").write_text(metadata)
    setting = {"id": "ai-data", "purposes": ["ai_training"], "default": True,
               "regions": {"include": ["US"]}, "activated_at": "2024-08-01"}  # fmt: skip
    snapshot = write_snapshot(tmp_path, {"taken_at": "2024-10-01", "settings": [setting]})
    result = run("check", str(snapshot), "--disclosures", f"ota:{history}", "--service",
                 "Linkwork", "--rule", "AI-TRAIN-003", plugins=[plugin])  # fmt: skip
    assert result.exit_code == 2, result.stderr
    assert "metadata.yml" in result.stderr and "tracking periods" in result.stderr
    assert "Traceback" not in result.stderr
