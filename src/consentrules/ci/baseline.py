"""Baselines: adopt consentrules on an existing platform without fixing every old finding first.

``consentrules baseline create SNAPSHOT... -o FILE`` records today's findings by their stable
fingerprint (rule, platform, target, status and snapshot file: no line numbers, so reformatting
a snapshot does not invalidate it), with the severity and regions each had.
``consentrules check --baseline FILE`` then marks recorded findings as suppressed (they stay
visible) and fails only on new ones. A recorded finding that got worse (a higher severity, or
regions beyond those recorded) is new again, and says so.

Entries that match nothing are stale, and listed in a notice (with ``--strict`` they fail the
run): a finding that was fixed, a platform that was renamed, a snapshot file that is gone. An
entry of a rule this run did not evaluate, or of a snapshot file it did not check but that
still exists, is left alone. ``baseline create`` refreshes the file.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from consentrules import hookimpl
from consentrules.__about__ import __version__
from consentrules.model import Finding
from consentrules.model import Notice
from consentrules.model import Severity
from consentrules.model import Suppression
from consentrules.model import snapshot_key
from consentrules.model.errors import InputError
from consentrules.model.errors import Problem
from consentrules.model.findings import key_exists
from consentrules.model.words import plural
from consentrules.plugin.config import Config
from consentrules.sources.yamlsource import load_document

FORMAT = "consentrules-baseline"
#: 2: fingerprints include the snapshot file; entries record severity and regions.
VERSION = 2


def baseline_dict(findings: Iterable[Finding]) -> dict[str, Any]:
    entries = {}
    for finding in findings:
        entries[finding.fingerprint] = {
            "fingerprint": finding.fingerprint,
            "rule_id": finding.rule_id,
            "platform": finding.platform,
            "snapshot": snapshot_key(finding.snapshot),
            "target": {"kind": finding.target_kind, "id": finding.target_id},
            "status": finding.status.value,
            "severity": finding.severity.label,
            "regions": list(finding.regions),
            "message": finding.message,
        }
    return {
        "format": FORMAT,
        "version": VERSION,
        "tool_version": __version__,
        "findings": sorted(entries.values(), key=lambda e: (e["rule_id"], e["fingerprint"])),
    }


def load_baseline(path: Path) -> list[dict[str, Any]]:
    doc = load_document(path)
    data = doc.data
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or not isinstance(data.get("findings"), list)
    ):
        raise InputError(
            [
                Problem(
                    doc.path,
                    "not a consentrules baseline file",
                    line=1,
                    hint="create one with: consentrules baseline create SNAPSHOT... -o FILE",
                )
            ]
        )
    if data.get("version") != VERSION:
        hint = (
            "version 1 fingerprints did not tell two snapshot files of one platform apart; "
            "recreate the baseline with: consentrules baseline create SNAPSHOT... -o FILE"
            if data.get("version") == 1
            else None
        )
        raise InputError(
            [
                Problem(
                    doc.path,
                    f"baseline version {data.get('version')!r} is not supported",
                    1,
                    hint=hint,
                )
            ]
        )
    entries = []
    for index, entry in enumerate(data["findings"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            position = doc.source_map.locate(f"/findings/{index}")
            raise InputError(
                [
                    Problem(
                        doc.path,
                        f"baseline entry {index} has no fingerprint",
                        line=position[0] if position else None,
                    )
                ]
            )
        entries.append(entry)
    return entries


def worse_than(finding: Finding, entry: dict[str, Any], regions: Any) -> str | None:
    """How a finding got worse than its baseline entry recorded it, or None."""
    try:
        recorded = Severity.parse(str(entry.get("severity")))
    except ValueError:
        recorded = finding.severity
    reasons = []
    if finding.severity > recorded:
        reasons.append(f"severity {recorded.label} -> {finding.severity.label}")
    before = entry.get("regions")
    if isinstance(before, list) and finding.regions:
        try:
            added = regions.expand_all(finding.regions) - regions.expand_all(before)
        except Exception:  # an unknown region in the file: compare the terms as written
            added = set(finding.regions) - set(before)
        if added:
            shown = regions.describe(frozenset(added)) if hasattr(regions, "describe") else added
            reasons.append(f"now also in {shown}")
    return "; ".join(reasons) or None


def apply_baseline(
    findings: list[Finding],
    entries: list[dict[str, Any]],
    source: str,
    checked: set[tuple[str, str]],
    regions: Any = None,
) -> list[Notice]:
    """Suppress recorded findings in place; return notices for worsened and stale entries.

    ``checked`` holds the (snapshot path, rule id) pairs this run evaluated.
    """
    from consentrules.model.regions import default_registry

    regions = regions or default_registry()
    by_print = {entry["fingerprint"]: entry for entry in entries}
    seen: set[str] = set()
    worse: list[str] = []
    for index, finding in enumerate(findings):
        fingerprint = finding.fingerprint
        entry = by_print.get(fingerprint)
        if entry is None:
            continue
        seen.add(fingerprint)
        how = worse_than(finding, entry, regions)
        if how is not None:  # new again: it fails the run, with the reason in its evidence
            findings[index] = replace(
                finding, evidence={**finding.evidence, "baseline": f"worse than recorded: {how}"}
            )
            worse.append(f"{finding.rule_id} on {finding.target_id} ({how})")
            continue
        if not finding.suppressed:
            findings[index] = replace(
                finding,
                suppression=Suppression(
                    kind="baseline", justification="recorded in the baseline", source=source
                ),
            )
    notices = []
    if worse:
        notices.append(
            Notice(
                "warning",
                f"{plural(len(worse), 'finding')} recorded in the baseline got worse and "
                f"{'is' if len(worse) == 1 else 'are'} reported "
                "as new: " + "; ".join(worse[:20]),
                source,
            )
        )
    checked_paths = {path for path, _ in checked}
    checked_rules = {rule for _, rule in checked}
    stale = []
    for fingerprint, entry in by_print.items():
        if fingerprint in seen or entry.get("rule_id") not in checked_rules:
            continue
        path = entry.get("snapshot")
        if isinstance(path, str) and path not in checked_paths and key_exists(path):
            continue  # a snapshot this run did not check
        stale.append(entry)
    if stale:
        listed = "; ".join(
            f"{e.get('rule_id')} on {e.get('target', {}).get('id')} ({e.get('platform')}, "
            f"{e.get('snapshot')})"
            for e in stale[:20]
        )
        more = f" and {len(stale) - 20} more" if len(stale) > 20 else ""
        notices.append(
            Notice(
                "note",
                f"{len(stale)} baseline entr{'y is' if len(stale) == 1 else 'ies are'} stale: "
                f"{'it matches' if len(stale) == 1 else 'they match'} no finding (fixed, or the "
                "platform, setting or file was renamed): "
                f"{listed}{more}; refresh the baseline with 'consentrules baseline create'",
                source,
                category="stale",
            )
        )
    return notices


@hookimpl
def consentrules_addoption(parser: argparse.ArgumentParser) -> None:
    parser.add_argument_group("baseline").add_argument(
        "--baseline",
        metavar="FILE",
        help="fail only on findings not recorded in this baseline file",
    )


@hookimpl
def consentrules_input_files(config: Config) -> list[str]:
    path = config.getoption("baseline")
    return [str(path)] if path else []


@hookimpl(trylast=True)
def consentrules_modify_findings(config: Config, findings: list[Finding]) -> None:
    path = config.getoption("baseline")
    if not path:
        return
    entries = load_baseline(Path(path))
    checked = {(snapshot_key(s.path), rule.id) for s in config.snapshots for rule in config.rules}
    config.notices.extend(apply_baseline(findings, entries, str(path), checked, config.regions))
