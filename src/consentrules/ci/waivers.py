"""Waivers: accepted risks that stop being accepted on a date.

A waivers file (``--waivers FILE``, schema ``schemas/waivers.schema.json``)::

    waivers:
      - rule: AI-TRAIN-001            # rule id; glob patterns allowed
        target: personalised-ads      # setting or disclosure id; glob patterns allowed
        regions: [US]                 # optional: only findings wholly inside these regions
        platform: Workwise            # optional
        justification: Legitimate-interest assessment LIA-2024-07 covers this.
        owner: privacy-office@example.com
        expires: 2025-06-30           # the last day the waiver applies

A waived finding does not fail the run but stays in every output, marked suppressed with the
justification. On the day after ``expires`` the waiver stops suppressing and is reported as
expired; a waiver that matches no finding is reported as unused. Expiry is judged against
``--today`` (default: the system date), not against ``--as-of``.

This module is a plugin: it adds its options through ``consentrules_addoption`` and applies
waivers in ``consentrules_modify_findings``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
from dataclasses import dataclass
from dataclasses import replace
from pathlib import Path
from typing import Any

from consentrules import hookimpl
from consentrules.model import Finding
from consentrules.model import Notice
from consentrules.model import Suppression
from consentrules.model.errors import InputError
from consentrules.model.errors import Problem
from consentrules.model.errors import UsageError
from consentrules.model.regions import RegionRegistry
from consentrules.model.regions import UnknownRegionError
from consentrules.plugin.config import Config
from consentrules.sources.schema import load_schema
from consentrules.sources.schema import validate
from consentrules.sources.yamlsource import load_document
from consentrules.sources.yamlsource import pointer


@dataclass(frozen=True)
class Waiver:
    rule: str
    target: str
    justification: str
    owner: str
    expires: dt.date
    platform: str | None
    regions: frozenset[str] | None
    path: str
    line: int | None

    @property
    def source(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def matches(self, finding: Finding, registry: RegionRegistry) -> bool:
        if not fnmatch.fnmatchcase(finding.rule_id, self.rule):
            return False
        if not fnmatch.fnmatchcase(finding.target_id, self.target):
            return False
        if self.platform is not None and finding.platform != self.platform:
            return False
        if self.regions is not None:
            if not finding.regions:
                return False
            leaves = registry.expand_all(finding.regions)
            return leaves <= self.regions
        return True


#: The longest a waiver may run, in days from today, unless --max-waiver-days says otherwise.
MAX_WAIVER_DAYS = 365


def load_waivers(
    path: Path,
    registry: RegionRegistry,
    today: dt.date | None = None,
    max_days: int = MAX_WAIVER_DAYS,
) -> list[Waiver]:
    """Read and validate a waivers file; every bad entry is an InputError with file and line.

    A waiver that expires more than ``max_days`` after ``today`` is refused: an accepted risk
    is reviewed at least that often, not waived for good (``expires: 9999-12-31``).
    """
    today = today or dt.date.today()
    doc = load_document(path)
    data = doc.data
    if not isinstance(data, dict):
        raise InputError([Problem(doc.path, "a waivers file must be a mapping with 'waivers'", 1)])
    problems = validate(data, load_schema("waivers"), path=doc.path, source_map=doc.source_map)
    if problems:
        raise InputError(problems)
    waivers = []
    for index, raw in enumerate(data["waivers"]):
        ptr = pointer("waivers", index)
        position = doc.source_map.locate(ptr)
        line = position[0] if position else None
        try:
            expires = dt.date.fromisoformat(raw["expires"])
        except ValueError as exc:
            where = doc.source_map.locate(ptr + "/expires")
            problems.append(
                Problem(doc.path, f"expires {raw['expires']!r}: {exc}", where[0] if where else line)
            )
            continue
        if (expires - today).days > max_days:
            where = doc.source_map.locate(ptr + "/expires")
            problems.append(
                Problem(
                    doc.path,
                    f"the waiver for {raw['rule']} on {raw['target']} expires {expires}, "
                    f"{(expires - today).days} days from today ({today}); waivers may run at "
                    f"most {max_days} days",
                    where[0] if where else line,
                    hint="give an expiry within that time and renew it after a review, or "
                    "raise the cap with --max-waiver-days (or max-waiver-days in the project "
                    "configuration)",
                )
            )
            continue
        regions = None
        if "regions" in raw:
            try:
                regions = registry.expand_all(raw["regions"])
            except UnknownRegionError as exc:
                problems.append(Problem(doc.path, str(exc), line))
                continue
        waivers.append(
            Waiver(
                rule=raw["rule"],
                target=raw["target"],
                justification=raw["justification"].strip(),
                owner=raw["owner"],
                expires=expires,
                platform=raw.get("platform"),
                regions=regions,
                path=doc.path,
                line=line,
            )
        )
    if problems:
        raise InputError(problems)
    return waivers


def apply_waivers(
    findings: list[Finding], waivers: list[Waiver], today: dt.date, registry: RegionRegistry
) -> list[Notice]:
    """Mark waived findings suppressed, in place; return notices for expired and unused ones."""
    notices: list[Notice] = []
    used: set[int] = set()
    expired_hit: set[int] = set()
    for index, finding in enumerate(findings):
        if finding.suppressed:
            continue
        for number, waiver in enumerate(waivers):
            if not waiver.matches(finding, registry):
                continue
            if waiver.expires < today:
                expired_hit.add(number)
                continue
            used.add(number)
            findings[index] = replace(
                finding,
                suppression=Suppression(
                    kind="waiver",
                    justification=waiver.justification,
                    owner=waiver.owner,
                    expires=waiver.expires.isoformat(),
                    source=waiver.source,
                ),
            )
            break
    for number, waiver in enumerate(waivers):
        what = f"waiver for {waiver.rule} on {waiver.target}"
        if waiver.expires < today:
            still = " and no longer suppresses a finding" if number in expired_hit else ""
            notices.append(
                Notice(
                    "warning",
                    f"{what} (owner {waiver.owner}) expired on {waiver.expires}{still}",
                    waiver.path,
                    waiver.line,
                )
            )
        elif number not in used:
            notices.append(
                Notice(
                    "warning",
                    f"{what} matches no finding (unused)",
                    waiver.path,
                    waiver.line,
                    category="stale",
                )
            )
    return notices


def parse_today(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--today: {value!r} is not a date (YYYY-MM-DD)") from None


@hookimpl
def consentrules_addoption(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("waivers")
    group.add_argument("--waivers", metavar="FILE", help="waivers file (accepted risks)")
    group.add_argument(
        "--today",
        metavar="DATE",
        help="the date waivers expire against (default: the system date)",
    )
    group.add_argument(
        "--max-waiver-days",
        type=int,
        metavar="DAYS",
        help=f"refuse a waiver that expires more than DAYS after today (default: "
        f"{MAX_WAIVER_DAYS})",
    )


@hookimpl
def consentrules_input_files(config: Config) -> list[str]:
    path = config.getoption("waivers")
    return [str(path)] if path else []


@hookimpl
def consentrules_modify_findings(config: Config, findings: list[Finding]) -> None:
    path: Any = config.getoption("waivers")
    if not path:
        return
    today = parse_today(config.getoption("today"))
    max_days = config.getoption("max_waiver_days") or MAX_WAIVER_DAYS
    if not 1 <= max_days <= 3650:
        raise UsageError("--max-waiver-days: give a number of days from 1 to 3650")
    waivers = load_waivers(Path(path), config.regions, today, max_days)
    config.notices.extend(apply_waivers(findings, waivers, today, config.regions))
