"""The Apache Spark engine of ``--ledger`` (``--ledger-engine spark``): the same counts as
:mod:`consentrules.audit.duckdb_ledger`, as Spark SQL, for ledgers that live in a lake or are
too large for one machine.

Spark runs in local mode (``local[*]``) unless ``CONSENTRULES_SPARK_MASTER`` names a cluster
(``spark://host:7077``, ``yarn``); the session's time zone is UTC. Parquet files, folders and
globs are read with ``spark.read.parquet``, CSV with ``spark.read.csv`` (a header row, every
column as text, converted as DuckDB converts it). The SQL follows the DuckDB engine's query
for query, so both engines give the same findings, counts and exit code.
"""

from __future__ import annotations

import glob
import os
from typing import Any

from consentrules.audit.ledgercheck import ISO_REGION
from consentrules.audit.ledgercheck import drift_rows
from consentrules.audit.ledgercheck import events_by_setting
from consentrules.audit.ledgercheck import judge
from consentrules.audit.ledgercheck import require_columns
from consentrules.audit.ledgercheck import settings_outside
from consentrules.model import Notice
from consentrules.model.errors import InputError
from consentrules.model.errors import Problem

_SESSION: Any = None


def _spark() -> Any:
    global _SESSION
    if _SESSION is None:
        from pyspark.sql import SparkSession

        master = os.environ.get("CONSENTRULES_SPARK_MASTER", "local[*]")
        _SESSION = (
            SparkSession.builder.master(master)
            .appName("consentrules-ledger")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate()
        )
        _SESSION.sparkContext.setLogLevel("ERROR")
    return _SESSION


def _read(spark: Any, path: str) -> Any:
    if "://" in path:  # a lake (s3a://, abfss://, hdfs://): Spark reads it, not this machine
        if path.lower().endswith(".csv"):
            return spark.read.option("header", "true").csv(path)
        return spark.read.option("recursiveFileLookup", "true").parquet(path)
    if os.path.isdir(path):
        if glob.glob(os.path.join(path, "**", "*.parquet"), recursive=True):
            return spark.read.option("recursiveFileLookup", "true").parquet(path)
        if glob.glob(os.path.join(path, "**", "*.csv"), recursive=True):
            return (
                spark.read.option("header", "true").option("recursiveFileLookup", "true").csv(path)
            )
        raise InputError([Problem(path, "the ledger folder holds no .parquet or .csv file")])
    if not glob.glob(path):
        raise InputError([Problem(path, "no ledger file matches this path")])
    if path.lower().endswith(".csv"):
        return spark.read.option("header", "true").csv(path)
    return spark.read.parquet(path)


class SparkLedger:
    def __init__(self, path: str) -> None:
        self.path = self.shown = path
        self._counts: dict[str, int] | None = None
        self.spark = spark = _spark()
        frame = _read(spark, path)
        require_columns(path, frame.columns)
        frame.createOrReplaceTempView("ledger_source")
        spark.sql(
            """CREATE OR REPLACE TEMP VIEW raw AS SELECT
                 CAST(`user_id` AS STRING) AS user_id, CAST(`setting_id` AS STRING) AS setting_id,
                 upper(trim(CAST(`region` AS STRING))) AS region,
                 try_cast(CAST(`value` AS STRING) AS BOOLEAN) AS `value`,
                 CAST(`value` AS STRING) AS value_text,
                 lower(trim(CAST(`source` AS STRING))) AS `source`,
                 try_cast(CAST(`at` AS STRING) AS TIMESTAMP) AS `at`, CAST(`at` AS STRING) AS at_text
               FROM ledger_source"""
        )
        self.notices = self._check()
        spark.sql(
            """CREATE OR REPLACE TEMP VIEW events AS SELECT user_id, setting_id, region, `value`,
                 `source`, `at`,
                 CASE `source` WHEN 'user' THEN 2 WHEN 'default' THEN 0 ELSE 1 END AS `rank`
               FROM raw WHERE `at` IS NOT NULL AND `value` IS NOT NULL"""
        )

    def _one(self, query: str) -> Any:
        return self.spark.sql(query).collect()[0]

    def _check(self) -> list[Notice]:
        bad_value = self._one(
            "SELECT count(*), min(value_text) FROM raw WHERE `value` IS NULL AND value_text IS NOT NULL"
        )
        bad_at = self._one(
            "SELECT count(*), min(at_text) FROM raw WHERE `at` IS NULL AND at_text IS NOT NULL"
        )
        uncounted = self._one(
            "SELECT count(*) FROM raw WHERE `at` IS NULL OR `value` IS NULL OR user_id IS NULL"
        )
        bad_region = self._one(
            "SELECT count(*), min(region) FROM raw "
            f"WHERE NOT (coalesce(region, '') RLIKE '{ISO_REGION}')"
        )
        notices = judge(self.shown, bad_value, bad_at, uncounted, bad_region)
        self.events = int(self._one("SELECT count(*) FROM raw")[0])
        return notices

    def _events_by_setting(self) -> dict[str, int]:
        """Events per setting id: one pass over the ledger, for both questions below."""
        if self._counts is None:
            rows = self.spark.sql("SELECT setting_id, count(*) FROM raw GROUP BY setting_id")
            self._counts = events_by_setting(rows.collect())
        return self._counts

    def unknown_settings(self, known: set[str]) -> list[tuple[str, int]]:
        return settings_outside(self._events_by_setting(), known)

    def recorded_settings(self, known: set[str]) -> set[str]:
        return known & self._events_by_setting().keys()

    def _spans(self, spans: list[Any]) -> None:
        from pyspark.sql.types import StringType
        from pyspark.sql.types import StructField
        from pyspark.sql.types import StructType
        from pyspark.sql.types import TimestampNTZType

        schema = StructType(
            [
                StructField("start", TimestampNTZType()),
                StructField("stop", TimestampNTZType()),
                StructField("code", StringType()),
            ]
        )
        rows = [(span.start, span.end, code) for span in spans for code in span.codes]
        self.spark.createDataFrame(rows, schema).createOrReplaceTempView("spans")

    def _hits(self, setting_id: str, columns: str) -> Any:
        setting = setting_id.replace("'", "''")
        return self.spark.sql(
            f"""WITH states AS (
                  SELECT user_id, region, `value`, `source`, CAST(`at` AS TIMESTAMP_NTZ) AS `at`,
                         CAST(lead(`at`) OVER (PARTITION BY user_id ORDER BY `at`, `rank`)
                              AS TIMESTAMP_NTZ) AS `until`
                  FROM events WHERE setting_id = '{setting}'
                )
                SELECT {columns} FROM states s JOIN spans p ON s.region = p.code
                WHERE s.`value` AND s.`source` = 'default' AND s.`at` < p.stop
                  AND (s.`until` IS NULL OR (s.`until` > p.start AND s.`until` > s.`at`))"""
        )

    def count(
        self, setting_id: str, spans: list[Any], terms: dict[str, frozenset[str]]
    ) -> tuple[int, dict[str, int]]:
        from pyspark.sql.types import StringType
        from pyspark.sql.types import StructField
        from pyspark.sql.types import StructType

        self._spans(spans)
        self._hits(setting_id, "DISTINCT s.user_id, s.region").createOrReplaceTempView("hits")
        pairs = [(term, code) for term, codes in terms.items() for code in codes]
        schema = StructType([StructField("term", StringType()), StructField("code", StringType())])
        self.spark.createDataFrame(pairs, schema).createOrReplaceTempView("terms")
        total = int(self._one("SELECT count(DISTINCT user_id) FROM hits")[0])
        by_region = dict.fromkeys(terms, 0)
        for term, users in self.spark.sql(
            """SELECT t.term, count(DISTINCT h.user_id) FROM hits h JOIN terms t ON h.region = t.code
               GROUP BY t.term"""
        ).collect():
            by_region[term] = int(users)
        return total, by_region

    def drift(self, setting_id: str, spans: list[Any], examples: int) -> list[dict[str, Any]]:
        self._spans(spans)
        self._hits(
            setting_id,
            "s.user_id, s.region, greatest(s.`at`, p.start) AS first_at, "
            "least(coalesce(s.`until`, p.stop), p.stop) AS last_at",
        ).createOrReplaceTempView("drift_hits")
        total = int(self._one("SELECT count(DISTINCT user_id) FROM drift_hits")[0])
        rows = self.spark.sql(
            """SELECT region, count(DISTINCT user_id), min(first_at), max(last_at),
                      sort_array(collect_set(user_id))
               FROM drift_hits GROUP BY region ORDER BY region"""
        ).collect()
        return drift_rows(rows, total, examples)


_CACHE: dict[str, SparkLedger] = {}


def open_ledger(path: str) -> SparkLedger:
    """The ledger at ``path``, opened once per process."""
    if path not in _CACHE:
        _CACHE[path] = SparkLedger(path)
    return _CACHE[path]
