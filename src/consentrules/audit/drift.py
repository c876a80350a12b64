"""Drift: the platform's records contradict its snapshot.

With ``--ledger``, the built-in ``ledger`` plugin adds the rule ``LEDGER-DRIFT`` (check kind
``ledger_drift``). For each setting, and for each period of its history from its activation to
the end of the evaluation date, the regions where the snapshot says no one is enrolled by
default (the setting is not offered there, or it is off by default, or paused) are compared
with the ledger: users the ledger shows enrolled by default there (``value`` true with
``source`` ``default``, at some instant of that period) are drift. One violation per setting
names each region with drift, its users, the first and last instants, and a few example user
ids (hashed with ``--ledger-hash-ids``); no region without drift is named. A region where the
snapshot's default is unknown is not compared (the snapshot does not say it is off there).

It adds findings; it changes none of the findings the snapshot alone gives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from consentrules import hookimpl
from consentrules.engine.evaluation import EvalContext
from consentrules.engine.evaluation import default_on_masks
from consentrules.engine.evaluation import spans
from consentrules.engine.findings import PerSettingCheck
from consentrules.model import Finding
from consentrules.model import Rule
from consentrules.model import Setting
from consentrules.model.regions import RegionRegistry
from consentrules.plugin.registry import CheckKindRegistry

RULE_ID = "LEDGER-DRIFT"
#: How many example users a drift finding names per region.
EXAMPLES = 3


@dataclass(frozen=True)
class Prepared:
    ledger: str
    hash_ids: bool
    engine: str = "consentrules.audit.duckdb_ledger"  # the engine's module


def _instant(day: Any, default: dt.datetime) -> dt.datetime:
    if day is None:
        return default
    first = day.first
    return dt.datetime(first.year, first.month, first.day)


class LedgerDrift(PerSettingCheck):
    name = "ledger_drift"
    description = "Users the ledger shows enrolled by default where the snapshot says no one is."
    params_schema: Mapping[str, Any] = {
        "type": "object",
        "required": ["ledger"],
        "properties": {
            "ledger": {"type": "string"},
            "hash_ids": {"type": "boolean"},
            "engine": {"type": "string", "description": "the engine's module"},
        },
    }

    def prepare(self, params: Mapping[str, Any], regions: RegionRegistry) -> Prepared:
        return Prepared(
            str(params["ledger"]),
            bool(params.get("hash_ids")),
            params.get("engine", "consentrules.audit.duckdb_ledger"),
        )

    def applies(self, rule: Rule, setting: Setting) -> bool:
        return True

    def check_setting(self, rule: Rule, setting: Setting, ctx: EvalContext) -> Finding | None:
        import hashlib

        from consentrules.audit.engines import open_ledger
        from consentrules.audit.periods import Span
        from consentrules.audit.periods import region_codes

        registry = ctx.regions
        last = ctx.as_of.last
        end_of_day = dt.datetime(last.year, last.month, last.day) + dt.timedelta(days=1)
        periods: list[Span] = []
        for span in spans(setting, ctx.as_of, "ever"):
            applicable = ctx.applicable_mask(span.state)
            if applicable is None or not span.certain:
                continue  # the snapshot does not say where (or whether) it held
            on, unknown = default_on_masks(span.state, registry, applicable)
            off = registry.all_mask & ~(on | unknown)
            start = _instant(span.start, dt.datetime(1970, 1, 1))
            end = min(_instant(span.end, end_of_day), end_of_day)
            if off and start < end:
                leaves = registry.leaves_of(off)
                periods.append(Span(start, end, region_codes(leaves, registry)))
        if not periods:
            return None
        ledger = open_ledger(rule.prepared.ledger, rule.prepared.engine)
        rows = ledger.drift(setting.id, periods, EXAMPLES)
        if not rows:
            return None
        parts = []
        for row in rows:
            if rule.prepared.hash_ids:
                row["examples"] = [
                    hashlib.sha256(str(u).encode("utf-8")).hexdigest()[:12] for u in row["examples"]
                ]
            parts.append(
                f"{row['region']}: {row['users']} user(s) from {row['first']} until {row['last']}"
            )
        total = rows[0]["total"]
        message = (
            f"the ledger shows {total} user(s) enrolled by default where the snapshot says no "
            f"one is (not offered there, or off by default): {'; '.join(parts)}"
        )
        evidence = {
            "ledger": {
                "users": total,
                "by_region": {row["region"]: row["users"] for row in rows},
                "examples": {row["region"]: row["examples"] for row in rows},
                "counted": True,
                "source": rule.prepared.ledger,
            }
        }
        return ctx.setting_finding(
            rule, setting, message, regions=[row["region"] for row in rows], evidence=evidence
        )


#: The rule --ledger adds: drift is a fact about the records, not a law, so it cites none.
DRIFT_RULE = {
    "id": RULE_ID,
    "title": "The platform's records show users enrolled by default where the snapshot says no one is",
    "severity": "high",
    "description": (
        "The consent ledger shows users enrolled by default (value true, source default) in a "
        "region and a period where the snapshot says the setting was not offered, off by "
        "default or paused: the snapshot does not describe what happened, and every rule "
        "judged from it may be wrong there. Counted from the ledger, with example users."
    ),
    "remediation": (
        "Find why those users were enrolled (a geolocation error, a migration, a rollout that "
        "ignored the exclusion), correct their state, and correct the snapshot."
    ),
    "tags": ["ledger", "drift"],
}


@hookimpl
def consentrules_register_check_kinds(registry: CheckKindRegistry) -> None:
    registry.add(LedgerDrift())
