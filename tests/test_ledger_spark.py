"""Two engines, one answer (issue 32): Spark (local mode) gives the reports DuckDB gives, for
the same ledger as CSV and as a Parquet folder. Runs where pyspark is installed (the
``ledger-spark`` tox environment, which CI runs); Spark needs a Java runtime."""

from __future__ import annotations

import os

import pytest

from consentrules.testing import run

if os.environ.get("CONSENTRULES_REQUIRE_SPARK"):
    import pyspark  # noqa: F401  (the ledger-spark environment: a missing Spark fails)
else:
    pytest.importorskip("pyspark")
duckdb = pytest.importorskip("duckdb")

from test_ledger import DRIFT_EVENTS  # noqa: E402
from test_ledger import EVENTS  # noqa: E402
from test_ledger import HEADER  # noqa: E402
from test_ledger import ledger_csv  # noqa: E402
from test_ledger import snapshot  # noqa: E402


def report(tmp_path, ledger, engine):
    result = run(
        "check", str(snapshot(tmp_path)), "--ledger", str(ledger), "--ledger-engine", engine,
        "--format", "json",
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    findings = sorted(
        (f["rule_id"], f["target"]["id"], tuple(f["regions"]), f["status"],
         repr(sorted((f["evidence"].get("ledger") or {}).items())))
        for f in result.report["findings"]
    )  # fmt: skip
    notices = sorted(n["message"] for n in result.report["notices"])
    return result.exit_code, findings, notices


def parquet_folder(tmp_path, csv):
    folder = tmp_path / "events"
    folder.mkdir()
    duckdb.connect().execute(
        f'COPY (SELECT user_id, setting_id, region, "value"::BOOLEAN AS "value", "source", '
        f'"at"::TIMESTAMPTZ AS "at" FROM read_csv(\'{csv}\', header=true, all_varchar=true)) '
        f"TO '{folder / 'part-0.parquet'}' (FORMAT parquet)"
    )
    return folder


@pytest.mark.parametrize("events", [EVENTS, DRIFT_EVENTS], ids=["counts", "drift"])
def test_spark_and_duckdb_give_the_same_report(tmp_path, events):
    csv = ledger_csv(tmp_path, events)
    duck = report(tmp_path, csv, "duckdb")
    assert report(tmp_path, csv, "spark") == duck
    folder = parquet_folder(tmp_path, csv)
    assert report(tmp_path, folder, "spark") == report(tmp_path, folder, "duckdb")
    pattern = f"{folder}/*.parquet"
    assert report(tmp_path, pattern, "spark") == report(tmp_path, pattern, "duckdb")
    assert any("ledger" in f[4] for f in duck[1])  # something was counted


def test_spark_marks_a_setting_without_events_as_duckdb_does(tmp_path):
    csv = tmp_path / "other.csv"
    csv.write_text(HEADER + "u1,other_setting,GB,true,default,2024-08-01T00:00:00Z\n")
    duck = report(tmp_path, csv, "duckdb")
    assert report(tmp_path, csv, "spark") == duck
    assert any("('counted', False)" in f[4] for f in duck[1])


def test_spark_refuses_a_bad_ledger_as_duckdb_does(tmp_path):
    path = ledger_csv(tmp_path, [("u1", "GB", "maybe", "default", "2024-08-01T00:00:00Z")])
    result = run(
        "check", str(snapshot(tmp_path)), "--ledger", str(path), "--ledger-engine", "spark"
    )
    assert result.exit_code == 2 and "column 'value': 1 value(s) are not booleans" in result.stderr
