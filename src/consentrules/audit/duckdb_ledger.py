"""The DuckDB engine of ``--ledger``: the counts as SQL over the ledger where it lies (Parquet
or CSV, streamed by DuckDB: the ledger is never loaded into Python).

One query per finding: the events of the finding's setting, each with the instant the next
event of the same user replaces it (``LEAD`` over the user's events ordered by time, then by
source: ``default`` before any other source before ``user``, so that on equal timestamps the
user's own choice is the state), kept where the state is enrolled by default and overlaps one
of the finding's periods in one of its regions. A tie that loses lasts no time and counts
nowhere.
"""

from __future__ import annotations

import contextlib
import glob
import os
import sys
from collections.abc import Iterator
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


def _source(path: str) -> tuple[str, str]:
    """The DuckDB table function reading the ledger, and what it reads (for messages)."""
    if os.path.isdir(path):
        if glob.glob(os.path.join(path, "**", "*.parquet"), recursive=True):
            return f"read_parquet('{_quote(os.path.join(path, '**', '*.parquet'))}')", path
        if glob.glob(os.path.join(path, "**", "*.csv"), recursive=True):
            return _csv(os.path.join(path, "**", "*.csv")), path
        raise InputError([Problem(path, "the ledger folder holds no .parquet or .csv file")])
    if not glob.glob(path):
        raise InputError([Problem(path, "no ledger file matches this path")])
    if path.lower().endswith(".csv"):
        return _csv(path), path
    return f"read_parquet('{_quote(path)}')", path


def _csv(pattern: str) -> str:
    return f"read_csv('{_quote(pattern)}', header = true, all_varchar = true)"


def _quote(text: str) -> str:
    return text.replace("'", "''")


class DuckLedger:
    def __init__(self, path: str) -> None:
        import duckdb

        self.path = path
        self.db = duckdb.connect()
        self.db.execute("SET TimeZone = 'UTC'")
        # Memory is bounded: DuckDB spills its sorts to disk past the limit instead of growing
        # (CONSENTRULES_LEDGER_MEMORY, "2GB" by default), and order is not kept where not needed.
        limit = os.environ.get("CONSENTRULES_LEDGER_MEMORY", "2GB")
        self.db.execute(f"SET memory_limit = '{_quote(limit)}'")
        self.db.execute("SET preserve_insertion_order = false")
        source, self.shown = _source(path)
        columns = [row[0] for row in self.db.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
        require_columns(self.shown, columns)
        self.db.execute(
            f"""CREATE TEMP VIEW raw AS SELECT
                CAST("user_id" AS VARCHAR) AS user_id, CAST("setting_id" AS VARCHAR) AS setting_id,
                upper(trim(CAST("region" AS VARCHAR))) AS region,
                TRY_CAST("value" AS BOOLEAN) AS "value", CAST("value" AS VARCHAR) AS value_text,
                lower(trim(CAST("source" AS VARCHAR))) AS "source",
                TRY_CAST("at" AS TIMESTAMPTZ) AS "at", CAST("at" AS VARCHAR) AS at_text
              FROM {source}"""
        )
        self.notices = self._check()
        self._tables: dict[str, str] = {}
        self._counts: dict[str, int] | None = None
        self.db.execute(
            """CREATE TEMP VIEW events AS SELECT user_id, setting_id, region, "value", "source",
                 CAST("at" AS TIMESTAMP) AS "at",
                 CASE "source" WHEN 'user' THEN 2 WHEN 'default' THEN 0 ELSE 1 END AS "rank"
               FROM raw WHERE "at" IS NOT NULL AND "value" IS NOT NULL"""
        )

    def _check(self) -> list[Notice]:
        """Values of the wrong type are errors naming the column; events that cannot count
        (no timestamp, a region that is not an ISO code) are counted notices."""

        def one(query: str) -> Any:
            return self.db.execute(query).fetchone()

        bad_value = one(
            'SELECT count(*), min(value_text) FROM raw WHERE "value" IS NULL AND value_text IS NOT NULL'
        )
        bad_at = one(
            'SELECT count(*), min(at_text) FROM raw WHERE "at" IS NULL AND at_text IS NOT NULL'
        )
        uncounted = one(
            'SELECT count(*) FROM raw WHERE "at" IS NULL OR "value" IS NULL OR user_id IS NULL'
        )
        bad_region = one(
            "SELECT count(*), min(region) FROM raw "
            f"WHERE NOT regexp_matches(coalesce(region, ''), '{ISO_REGION}')"
        )
        notices = judge(self.shown, bad_value, bad_at, uncounted, bad_region)
        total = one("SELECT count(*) FROM raw")
        self.events = int(total[0]) if total else 0
        return notices

    def count(
        self, setting_id: str, spans: list[Any], terms: dict[str, frozenset[str]]
    ) -> tuple[int, dict[str, int]]:
        """Distinct users enrolled by default in one of the spans' regions during its period,
        in all and per finding region."""
        self._spans(spans)
        self.db.execute("CREATE OR REPLACE TEMP TABLE terms (term VARCHAR, code VARCHAR)")
        pairs = [(term, code) for term, codes in terms.items() for code in codes]
        if pairs:
            self.db.executemany("INSERT INTO terms VALUES (?, ?)", pairs)
        self.db.execute(
            f"""CREATE OR REPLACE TEMP TABLE hits AS
               SELECT DISTINCT s.user_id, s.region FROM {self._states(setting_id)} s
               JOIN spans p ON s.region = p.code WHERE {_ENROLLED}"""
        )
        total = self.db.execute("SELECT count(DISTINCT user_id) FROM hits").fetchone()
        by_region = dict.fromkeys(terms, 0)
        for term, users in self.db.execute(
            """SELECT t.term, count(DISTINCT h.user_id) FROM hits h JOIN terms t ON h.region = t.code
               GROUP BY t.term"""
        ).fetchall():
            by_region[term] = int(users)
        return int(total[0]) if total else 0, by_region

    def drift(self, setting_id: str, spans: list[Any], examples: int) -> list[dict[str, Any]]:
        """Per region code, the users enrolled by default in one of the spans (where the
        snapshot says no one is), the first and last instants, and a few example ids."""
        self._spans(spans)
        self.db.execute(
            f"""CREATE OR REPLACE TEMP TABLE drift_hits AS
               SELECT s.user_id, s.region, greatest(s."at", p.start) AS first_at,
                      least(coalesce(s."until", p.stop), p.stop) AS last_at
               FROM {self._states(setting_id)} s JOIN spans p ON s.region = p.code
               WHERE {_ENROLLED}"""
        )
        total = self.db.execute("SELECT count(DISTINCT user_id) FROM drift_hits").fetchone()
        rows = self.db.execute(
            """SELECT region, count(DISTINCT user_id), min(first_at), max(last_at),
                      list(DISTINCT user_id ORDER BY user_id)
               FROM drift_hits GROUP BY region ORDER BY region"""
        ).fetchall()
        return drift_rows(rows, int(total[0]) if total else 0, examples)

    def _events_by_setting(self) -> dict[str, int]:
        """Events per setting id: one pass over the ledger, for both questions below."""
        if self._counts is None:
            rows = self.db.execute("SELECT setting_id, count(*) FROM raw GROUP BY setting_id")
            self._counts = events_by_setting(rows.fetchall())
        return self._counts

    def unknown_settings(self, known: set[str]) -> list[tuple[str, int]]:
        """The ledger's setting ids that are not in ``known``, with their event counts."""
        return settings_outside(self._events_by_setting(), known)

    def recorded_settings(self, known: set[str]) -> set[str]:
        """The settings of ``known`` the ledger holds at least one event for."""
        return known & self._events_by_setting().keys()

    def _states(self, setting_id: str) -> str:
        """The table of the setting's states enrolled by default, each with the instant the
        user's next event ends it: computed once per setting (one pass over the ledger, the
        window its only sort), then joined with each finding's periods."""
        name = self._tables.get(setting_id)
        if name is None:
            name = self._tables[setting_id] = f"states_{len(self._tables)}"
            with _progress(self.db, f"reading the ledger for {setting_id}"):
                self.db.execute(
                    f"""CREATE TEMP TABLE {name} AS SELECT * FROM ({_STATES}) s
                        WHERE s."value" AND s."source" = 'default'""",
                    [setting_id],
                )
        return name

    def _spans(self, spans: list[Any]) -> None:
        self.db.execute(
            "CREATE OR REPLACE TEMP TABLE spans (start TIMESTAMP, stop TIMESTAMP, code VARCHAR)"
        )
        rows = [(span.start, span.end, code) for span in spans for code in span.codes]
        if rows:
            self.db.executemany("INSERT INTO spans VALUES (?, ?, ?)", rows)


#: A user's states for one setting: each event lasts until the user's next event (on equal
#: timestamps, default before any other source before the user's own choice, so a tie that
#: loses lasts no time).
_STATES = """SELECT user_id, region, "value", "source", "at",
                    lead("at") OVER (PARTITION BY user_id ORDER BY "at", "rank") AS "until"
             FROM events WHERE setting_id = ?"""
#: A state enrolled by default that overlaps the span it is joined with.
_ENROLLED = """s."value" AND s."source" = 'default' AND s."at" < p.stop
               AND (s."until" IS NULL OR (s."until" > p.start AND s."until" > s."at"))"""

_CACHE: dict[str, DuckLedger] = {}


@contextlib.contextmanager
def _progress(db: Any, what: str) -> Iterator[None]:
    """At a terminal, the share of the query done and the time it has taken, every half
    second while a long query runs (DuckDB's own progress); nothing in CI logs."""
    if not sys.stderr.isatty():
        yield
        return
    import threading
    import time

    done = threading.Event()
    started = time.monotonic()

    def report() -> None:
        while not done.wait(0.5):
            share = db.query_progress()
            if share >= 0:
                elapsed = time.monotonic() - started
                print(f"\rledger: {what}: {share:.0f}% ({elapsed:.1f} s)", end="", file=sys.stderr)

    thread = threading.Thread(target=report, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        print("\r\033[K", end="", file=sys.stderr)


def open_ledger(path: str) -> DuckLedger:
    """The ledger at ``path``, opened once per process (the drift check asks per setting)."""
    if path not in _CACHE:
        _CACHE[path] = DuckLedger(path)
    return _CACHE[path]
