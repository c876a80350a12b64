"""``--ledger``: count, from the platform's own records, the users each finding concerns.

The ledger is a table of setting-state events (:mod:`consentrules.audit.duckdb_ledger` reads
Parquet files, folders, globs and CSV): ``user_id``, ``setting_id``, ``region``, ``value``,
``source`` (``default``, ``user``, ``admin``...) and ``at`` (UTC). A user's state for a setting
at an instant is the latest event at or before it; on equal timestamps a ``user`` event wins
over any other source, and any other source over ``default``.

A finding on a setting that names regions and periods gets ``evidence.ledger``:
``{"users": N, "by_region": {REGION: n}, "counted": true}``, where N is the number of distinct
users who, at some instant of one of the finding's periods (``[from, until)``; an open period
runs to the end of the evaluation date), were enrolled by default (``value`` true with
``source`` ``default``) while their region was one the finding names for that period. A region
covers its subdivisions and a group its members; ``by_region`` has exactly the finding's
regions as keys, and a user counts under each region they matched.

This is a built-in plugin: it adds the option and fills the evidence through the same hooks
(``consentrules_addoption``, ``consentrules_modify_findings``) a third-party plugin uses.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from consentrules import hookimpl
from consentrules.audit.engines import ENGINES
from consentrules.audit.engines import module_of
from consentrules.audit.engines import open_ledger
from consentrules.model import Finding
from consentrules.model import Notice
from consentrules.model import Status

if TYPE_CHECKING:
    from consentrules.audit.periods import Span


def _instant(facts: Any, default: dt.datetime) -> dt.datetime:
    if not facts:
        return default
    day = dt.date.fromisoformat(facts["first"])
    return dt.datetime(day.year, day.month, day.day)


def finding_spans(finding: Finding, registry: Any, end_of_day: dt.datetime) -> list[Span]:
    from consentrules.audit.periods import Span
    from consentrules.audit.periods import region_codes

    spans = []
    for facts in (finding.evidence or {}).get("spans") or ():
        terms = facts.get("regions") or finding.regions
        start = _instant(facts.get("from"), dt.datetime(1970, 1, 1))
        end = min(_instant(facts.get("until"), end_of_day), end_of_day)
        if terms and start < end:
            spans.append(Span(start, end, region_codes(terms, registry)))
    return spans


@hookimpl
def consentrules_addoption(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("ledger audit")
    group.add_argument(
        "--ledger",
        metavar="PATH",
        help="the platform's consent-ledger events (Parquet file, folder or glob, or CSV): "
        "each finding gets the exact number of users it concerns (evidence.ledger)",
    )
    group.add_argument(
        "--ledger-hash-ids",
        action="store_true",
        help="name example users in drift findings by a hash of their id, not the id",
    )
    group.add_argument(
        "--ledger-engine",
        metavar="NAME",
        default="duckdb",
        help="the engine that reads the ledger: duckdb (default, embedded) or spark (local "
        "mode, or the cluster CONSENTRULES_SPARK_MASTER names)",
    )


@hookimpl
def consentrules_modify_rules(config: Any, rules: list[Any]) -> None:
    """With ``--ledger``, the rule that reports drift (:mod:`consentrules.audit.drift`)."""
    path = config.getoption("ledger")
    if not path or any(rule.id == "LEDGER-DRIFT" for rule in rules):
        return
    from consentrules.audit.drift import DRIFT_RULE
    from consentrules.model import NoSourceMap
    from consentrules.sources.loading import RuleLoader
    from consentrules.sources.yamlsource import Document

    check = {
        "kind": "ledger_drift",
        "ledger": str(path),
        "engine": module_of(config, config.getoption("ledger_engine") or "duckdb"),
        "hash_ids": bool(config.getoption("ledger_hash_ids")),
    }
    document = Document("<--ledger>", {"rules": [{**DRIFT_RULE, "check": check}]}, NoSourceMap())
    rules.extend(RuleLoader(config.check_kinds, config.regions).load_document(document))


@hookimpl
def consentrules_modify_findings(config: Any, findings: list[Finding]) -> None:
    from consentrules.audit.periods import region_codes

    path = config.getoption("ledger")
    if not path:
        return
    name = config.getoption("ledger_engine") or "duckdb"
    import sys
    import time

    started = time.monotonic()
    ledger = open_ledger(str(path), module_of(config, name))
    config.notices.extend(ledger.notices)
    known = {i for summary in config.snapshots for i in summary.setting_ids}
    unknown = ledger.unknown_settings(known)
    if unknown:
        shown = ", ".join(f"{sid!r} ({n:,})" for sid, n in unknown[:5])
        config.notices.append(
            Notice(
                "warning",
                f"{sum(n for _, n in unknown):,} ledger event(s) name settings no snapshot has "
                f"({shown}{', ...' if len(unknown) > 5 else ''}): they count nowhere",
                path=str(path),
                category="incomplete",
            )
        )
    recorded_settings = getattr(ledger, "recorded_settings", None)  # (optional for an engine)
    recorded = recorded_settings(known) if recorded_settings is not None else known
    silent: dict[str, int] = {}  # settings found at fault that the ledger has no event for
    as_of = {summary.path: summary.as_of for summary in config.snapshots}
    counted = 0
    for index, finding in enumerate(findings):
        if finding.target_kind != "setting" or finding.status is not Status.VIOLATION:
            continue
        day = dt.date.fromisoformat(str(as_of.get(finding.snapshot, "9999-12-30"))[:10])
        end_of_day = dt.datetime(day.year, day.month, day.day) + dt.timedelta(days=1)
        spans = finding_spans(finding, config.regions, end_of_day)
        if not spans:
            continue
        evidence = dict(finding.evidence or {})
        if finding.target_id not in recorded:
            # Zero users would read as "nobody was affected": the ledger cannot say that of a
            # setting it holds no record of at all.
            silent[finding.target_id] = silent.get(finding.target_id, 0) + 1
            evidence["ledger"] = {
                "counted": False,
                "events": 0,
                "note": "the ledger holds no event for this setting: who it concerns was not "
                "counted",
                "source": str(Path(str(path))),
            }
            findings[index] = dataclasses.replace(finding, evidence=evidence)
            continue
        terms = {term: region_codes((term,), config.regions) for term in finding.regions}
        users, by_region = ledger.count(finding.target_id, spans, terms)
        evidence["ledger"] = {
            "users": users,
            "by_region": by_region,
            "counted": True,
            "source": str(Path(str(path))),
        }
        findings[index] = dataclasses.replace(finding, evidence=evidence)
        counted += 1
    if silent:
        shown = ", ".join(repr(sid) for sid in sorted(silent)[:5])
        config.notices.append(
            Notice(
                "warning",
                f"{sum(silent.values())} finding(s) concern settings the ledger holds no event "
                f"for ({shown}{', ...' if len(silent) > 5 else ''}): who they concern was not "
                "counted (is the ledger's setting_id spelt as the snapshot's id?)",
                path=str(path),
                category="incomplete",
            )
        )
    if sys.stderr.isatty():  # progress for a person at a terminal, never in CI logs
        print(
            f"ledger: {getattr(ledger, 'events', 0):,} events read, {counted} finding(s) counted "
            f"in {time.monotonic() - started:.1f} s",
            file=sys.stderr,
        )


@hookimpl
def consentrules_register_ledger_engines(engines: dict[str, str]) -> None:
    engines.update(ENGINES)


@hookimpl
def consentrules_input_files(config: Any) -> list[str]:
    path = config.getoption("ledger")
    return [str(path)] if path and Path(str(path)).is_file() else []
