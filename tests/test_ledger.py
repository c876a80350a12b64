"""--ledger: exact counts of the users each finding concerns, from the platform's own consent
ledger (issue 32, first part: DuckDB). Each precise meaning of the issue is pinned here."""

from __future__ import annotations

import pytest

from consentrules.testing import run
from consentrules.testing import write_snapshot

duckdb = pytest.importorskip("duckdb")

HEADER = "user_id,setting_id,region,value,source,at\n"
#: user: why they count or not (period: GB from 2024-08-01 until 2024-10-11)
EVENTS = [
    ("u1", "GB", "true", "default", "2024-08-01T00:00:00Z"),  # counts
    ("u2", "GB-SCT", "true", "default", "2024-09-01T12:00:00Z"),  # a subdivision of GB: counts
    ("u3", "GB", "true", "default", "2024-08-05T10:00:00Z"),  # the same instant: the user's
    ("u3", "GB", "false", "user", "2024-08-05T10:00:00Z"),  # own choice wins, never counted
    ("u4", "GB", "true", "user", "2024-08-02T00:00:00Z"),  # opted in themselves
    ("u5", "GB", "true", "default", "2024-10-11T00:00:00Z"),  # [A, B): the end is outside
    ("u6", "DE", "true", "default", "2024-08-10T00:00:00Z"),  # another region
    ("u7", "GB", "true", "admin", "2024-08-03T00:00:00Z"),  # an admin enrolment is not a default
    ("u8", "GB", "true", "default", "2024-07-01T00:00:00Z"),  # off before the period began
    ("u8", "GB", "false", "user", "2024-07-15T00:00:00Z"),
    ("u9", "GB", "true", "default", "2024-07-01T00:00:00Z"),  # on since before: counts
    ("u10", "GB", "true", "default", "2024-12-01T00:00:00Z"),  # after the evaluation date
]


def snapshot(tmp_path):
    setting = {
        "id": "train",
        "purposes": ["ai_training"],
        "default": True,
        "regions": {"include": ["ALL"], "exclude": ["EEA", "CH"]},
        "activated_at": "2024-08-01",
        "history": [
            {"date": "2024-10-11", "regions": {"include": ["ALL"], "exclude": ["EEA", "CH", "UK"]}}
        ],
    }
    return write_snapshot(tmp_path, {"taken_at": "2024-11-20", "settings": [setting]})


def ledger_csv(tmp_path, events=EVENTS, header=HEADER, name="ledger.csv"):
    path = tmp_path / name
    path.write_text(header + "".join(f"{u},train,{r},{v},{s},{a}\n" for u, r, v, s, a in events))
    return path


def counted(tmp_path, ledger):
    result = run(
        "check", str(snapshot(tmp_path)), "--rule", "AI-TRAIN-002-PAST", "--ledger", str(ledger),
        "--format", "json",
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    (finding,) = [f for f in result.report["findings"] if f["rule_id"] == "AI-TRAIN-002-PAST"]
    return finding, result


def test_counts_follow_the_precise_meanings(tmp_path):
    finding, _ = counted(tmp_path, ledger_csv(tmp_path))
    assert finding["regions"] == ["GB"]
    ledger = finding["evidence"]["ledger"]
    assert ledger["users"] == 3 and ledger["by_region"] == {"GB": 3}  # u1, u2, u9
    assert ledger["counted"] is True


def test_parquet_folder_gives_the_same_counts_as_csv(tmp_path):
    csv = ledger_csv(tmp_path)
    folder = tmp_path / "events"
    folder.mkdir()
    db = duckdb.connect()
    db.execute(
        f'COPY (SELECT user_id, setting_id, region, "value"::BOOLEAN AS "value", "source", '
        f'"at"::TIMESTAMPTZ AS "at" FROM read_csv(\'{csv}\', header=true, all_varchar=true)) '
        f"TO '{folder / 'part-0.parquet'}' (FORMAT parquet)"
    )
    from_csv, _ = counted(tmp_path, csv)
    from_parquet, _ = counted(tmp_path, folder)
    assert (
        from_parquet["evidence"]["ledger"]["users"] == from_csv["evidence"]["ledger"]["users"] == 3
    )


def test_without_a_ledger_nothing_is_counted(tmp_path):
    result = run(
        "check", str(snapshot(tmp_path)), "--rule", "AI-TRAIN-002-PAST", "--format", "json"
    )
    (finding,) = result.report["findings"]
    assert "ledger" not in finding["evidence"]


@pytest.mark.parametrize(
    ("header", "events", "message"),
    [
        ("user_id,setting_id,region,value,at\n", None, "the ledger has no column 'source'"),
        (
            HEADER,
            [("u1", "GB", "maybe", "default", "2024-08-01T00:00:00Z")],
            "column 'value': 1 value(s) are not booleans",
        ),
        (
            HEADER,
            [("u1", "GB", "true", "default", "last tuesday")],
            "column 'at': 1 value(s) are not timestamps",
        ),
    ],
)
def test_bad_ledgers_are_the_users_error_naming_the_file_and_column(
    tmp_path, header, events, message
):
    if events is None:
        path = tmp_path / "ledger.csv"
        path.write_text(header + "u1,train,GB,true,2024-08-01T00:00:00Z\n")
    else:
        path = ledger_csv(tmp_path, events, header)
    result = run("check", str(snapshot(tmp_path)), "--ledger", str(path))
    assert result.exit_code == 2, result.stdout
    assert str(path) in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr


def test_events_that_cannot_count_are_a_counted_notice_never_a_silent_zero(tmp_path):
    events = [*EVENTS, ("u11", "Britain", "true", "default", "2024-08-01T00:00:00Z")]
    _, result = counted(tmp_path, ledger_csv(tmp_path, events))
    (notice,) = [n for n in result.report["notices"] if "not an ISO 3166 code" in n["message"]]
    assert notice["message"].startswith("1 ledger event(s)") and "'BRITAIN'" in notice["message"]


DRIFT_EVENTS = [
    ("d1", "DE", "true", "default", "2024-09-01T00:00:00Z"),  # excluded all along: drift
    ("d2", "DE-BY", "true", "default", "2024-09-02T00:00:00Z"),  # a German state: drift
    ("d3", "FR", "true", "user", "2024-09-01T00:00:00Z"),  # opted in themselves: never drift
    ("d4", "GB", "true", "default", "2024-08-05T00:00:00Z"),  # GB offered until 2024-10-11,
    ("d4", "GB", "false", "user", "2024-09-01T00:00:00Z"),  # then off before it was excluded
    ("d5", "GB", "true", "default", "2024-10-20T00:00:00Z"),  # enrolled after the exclusion
    ("d6", "US", "true", "default", "2024-08-02T00:00:00Z"),  # offered there: no drift
]


def drift_of(result):
    return [f for f in result.report["findings"] if f["rule_id"] == "LEDGER-DRIFT"]


def test_drift_names_exactly_the_regions_where_the_records_contradict_the_snapshot(tmp_path):
    ledger = ledger_csv(tmp_path, DRIFT_EVENTS)
    result = run("check", str(snapshot(tmp_path)), "--ledger", str(ledger), "--format", "json")
    (drift,) = drift_of(result)
    assert drift["status"] == "violation" and drift["target"]["id"] == "train"
    assert drift["regions"] == ["DE", "DE-BY", "GB"]
    counts = drift["evidence"]["ledger"]
    assert counts["users"] == 3 and counts["by_region"] == {"DE": 1, "DE-BY": 1, "GB": 1}
    assert counts["examples"] == {"DE": ["d1"], "DE-BY": ["d2"], "GB": ["d5"]}
    assert "GB: 1 user(s) from 2024-10-20 00:00" in drift["message"]


def test_no_drift_when_the_records_agree(tmp_path):
    agreeing = [e for e in DRIFT_EVENTS if e[0] in ("d3", "d4", "d6")]
    result = run(
        "check", str(snapshot(tmp_path)), "--ledger", str(ledger_csv(tmp_path, agreeing)),
        "--format", "json",
    )  # fmt: skip
    assert drift_of(result) == []


def test_the_ledger_changes_no_finding_the_snapshot_gives(tmp_path):
    path = snapshot(tmp_path)
    plain = run("check", str(path), "--format", "json").report["findings"]
    counted = run(
        "check", str(path), "--ledger", str(ledger_csv(tmp_path, DRIFT_EVENTS)), "--format", "json"
    ).report["findings"]

    def key(f):
        spans = [{k: v for k, v in s.items()} for s in f["evidence"].get("spans", [])]
        return (f["rule_id"], f["target"]["id"], tuple(f["regions"]), f["status"], str(spans))

    assert sorted(map(key, plain)) == sorted(
        key(f) for f in counted if f["rule_id"] != "LEDGER-DRIFT"
    )


def test_example_users_are_hashed_when_asked(tmp_path):
    ledger = ledger_csv(tmp_path, DRIFT_EVENTS)
    result = run(
        "check", str(snapshot(tmp_path)), "--ledger", str(ledger), "--ledger-hash-ids",
        "--format", "json",
    )  # fmt: skip
    (drift,) = drift_of(result)
    examples = drift["evidence"]["ledger"]["examples"]["DE"]
    assert examples != ["d1"] and len(examples[0]) == 12


def test_the_report_says_who_was_affected_as_counted_and_prices_the_statute(tmp_path):
    """The HTML report's "who is affected" and the statutory exposure use the ledger's
    counts, and say they were counted (SCA: $1,000 per person; two US users counted)."""
    from conftest import EXAMPLES

    setting = "data-for-generative-ai-improvement"
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(
        HEADER
        + f"w1,{setting},US-CA,true,default,2024-08-01T00:00:00Z\n"
        + f"w2,{setting},US-NY,true,default,2024-08-02T00:00:00Z\n"
        + f"w4,{setting},US,true,user,2024-08-03T00:00:00Z\n"
    )
    report = tmp_path / "report.html"
    result = run(
        "check", str(EXAMPLES / "ai-training-2024" / "violating.yaml"), "--ledger", str(ledger),
        "-o", f"html={report}",
    )  # fmt: skip
    assert result.exit_code == 1
    import re

    html = re.sub(r"\s+", " ", report.read_text())
    assert "2 users (US: 2)" in html
    assert "Counted user by user from the platform&#39;s consent ledger, not estimated" in html
    assert "$2,000" in html  # 18 U.S.C. 2707(c): at least $1,000 per person


def test_events_of_settings_the_snapshot_lacks_are_a_counted_notice(tmp_path):
    ledger = ledger_csv(tmp_path)
    ledger.write_text(
        ledger.read_text() + "x1,trian,GB,true,default,2024-08-01T00:00:00Z\n"
        "x2,trian,GB,true,default,2024-08-02T00:00:00Z\n"
    )
    _, result = counted(tmp_path, ledger)
    (notice,) = [
        n for n in result.report["notices"] if "name settings no snapshot has" in n["message"]
    ]
    assert notice["message"].startswith("2 ledger event(s)") and "'trian' (2)" in notice["message"]
    assert notice["category"] == "incomplete"


def test_a_setting_the_ledger_has_no_event_for_is_not_counted_as_nobody(tmp_path):
    """Zero users from a ledger that never recorded the setting would read as "nobody was
    affected": the finding says it was not counted, and a notice says why."""
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(HEADER + "u1,other_setting,GB,true,default,2024-08-01T00:00:00Z\n")
    finding, result = counted(tmp_path, ledger)
    facts = finding["evidence"]["ledger"]
    assert facts["counted"] is False and facts["events"] == 0 and "users" not in facts
    assert "no event for this setting" in facts["note"]
    (notice,) = [n for n in result.report["notices"] if "holds no event" in n["message"]]
    assert "'train'" in notice["message"] and notice["category"] == "incomplete"
    html = run(
        "check", str(snapshot(tmp_path)), "--rule", "AI-TRAIN-002-PAST", "--ledger", str(ledger),
        "--format", "markdown",
    )  # fmt: skip
    assert "Counted user by user" not in html.stdout  # no figure claims a count


FAKE_ENGINE = """
class Ledger:
    notices = []
    events = 0

    def unknown_settings(self, known):
        return []

    def count(self, setting_id, spans, terms):
        return 42, {term: 42 for term in terms}

    def drift(self, setting_id, spans, examples):
        return []


def open_ledger(path):
    return Ledger()
"""


def test_another_engine_plugs_in_through_the_hook(tmp_path, monkeypatch):
    """consentrules_register_ledger_engines: a plugin adds an engine by its module's name."""
    from consentrules import hookimpl

    (tmp_path / "fake_ledger_engine.py").write_text(FAKE_ENGINE)
    monkeypatch.syspath_prepend(str(tmp_path))

    class Plugin:
        @hookimpl
        def consentrules_register_ledger_engines(self, engines):
            engines["fake"] = "fake_ledger_engine"

    ledger = ledger_csv(tmp_path)
    args = [
        "check",
        str(snapshot(tmp_path)),
        "--rule",
        "AI-TRAIN-002-PAST",
        "--ledger",
        str(ledger),
    ]
    result = run(*args, "--ledger-engine", "fake", "--format", "json", plugins=[Plugin()])
    (finding,) = [f for f in result.report["findings"] if f["rule_id"] == "AI-TRAIN-002-PAST"]
    assert finding["evidence"]["ledger"]["users"] == 42
    unknown = run(*args, "--ledger-engine", "nosuch")
    assert unknown.exit_code == 2 and "no such engine (installed: duckdb, spark)" in unknown.stderr


def test_without_duckdb_the_run_says_what_to_install(tmp_path, monkeypatch):
    import sys

    import consentrules.audit.duckdb_ledger as engine

    monkeypatch.setitem(sys.modules, "duckdb", None)  # as in an install without the extra
    monkeypatch.setattr(engine, "_CACHE", {})
    result = run("check", str(snapshot(tmp_path)), "--ledger", str(ledger_csv(tmp_path)))
    assert result.exit_code == 2
    assert "pip install 'consentrules[ledger]'" in result.stderr
    assert "Traceback" not in result.stderr
