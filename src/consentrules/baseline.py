"""Baselines: adopt consentrules on an existing platform without fixing every old finding first.

``consentrules baseline create SNAPSHOT... -o FILE`` records today's findings by their stable
fingerprint (rule, platform, target and status: no line numbers, so reformatting a snapshot
does not invalidate it). ``consentrules check --baseline FILE`` then marks recorded findings as
suppressed (they stay visible), fails only on new ones, and reports the recorded findings that
no longer occur ("fixed"): those entries are stale and ``baseline create`` refreshes them.

An entry counts as fixed only when this run checked its platform with its rule.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from consentrules import hookimpl
from consentrules.__about__ import __version__
from consentrules.config import Config
from consentrules.errors import InputError
from consentrules.errors import Problem
from consentrules.model import Finding
from consentrules.model import Notice
from consentrules.model import Suppression
from consentrules.yamlsource import load_document

FORMAT = "consentrules-baseline"
VERSION = 1


def baseline_dict(findings: Iterable[Finding]) -> dict[str, Any]:
    entries = {}
    for finding in findings:
        entries[finding.fingerprint] = {
            "fingerprint": finding.fingerprint,
            "rule_id": finding.rule_id,
            "platform": finding.platform,
            "target": {"kind": finding.target_kind, "id": finding.target_id},
            "status": finding.status.value,
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
        raise InputError(
            [Problem(doc.path, f"baseline version {data.get('version')!r} is not supported", 1)]
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


def apply_baseline(
    findings: list[Finding],
    entries: list[dict[str, Any]],
    source: str,
    checked: set[tuple[str, str]],
) -> list[Notice]:
    """Suppress recorded findings in place; return a notice listing the fixed (stale) entries.

    ``checked`` holds the (platform, rule id) pairs this run evaluated.
    """
    by_print = {entry["fingerprint"]: entry for entry in entries}
    seen: set[str] = set()
    for index, finding in enumerate(findings):
        fingerprint = finding.fingerprint
        if fingerprint not in by_print:
            continue
        seen.add(fingerprint)
        if not finding.suppressed:
            findings[index] = replace(
                finding,
                suppression=Suppression(
                    kind="baseline", justification="recorded in the baseline", source=source
                ),
            )
    fixed = [
        entry
        for fingerprint, entry in by_print.items()
        if fingerprint not in seen and (entry.get("platform"), entry.get("rule_id")) in checked
    ]
    if not fixed:
        return []
    listed = "; ".join(
        f"{e.get('rule_id')} on {e.get('target', {}).get('id')} ({e.get('platform')})"
        for e in fixed[:20]
    )
    more = f" and {len(fixed) - 20} more" if len(fixed) > 20 else ""
    return [
        Notice(
            "note",
            f"{len(fixed)} baseline entr{'y is' if len(fixed) == 1 else 'ies are'} stale: "
            f"fixed since the baseline was made: {listed}{more}; refresh it with "
            "'consentrules baseline create'",
            source,
        )
    ]


@hookimpl
def consentrules_addoption(parser: argparse.ArgumentParser) -> None:
    parser.add_argument_group("baseline").add_argument(
        "--baseline",
        metavar="FILE",
        help="fail only on findings not recorded in this baseline file",
    )


@hookimpl(trylast=True)
def consentrules_modify_findings(config: Config, findings: list[Finding]) -> None:
    path = config.getoption("baseline")
    if not path:
        return
    entries = load_baseline(Path(path))
    checked = {(s.platform, rule.id) for s in config.snapshots for rule in config.rules}
    config.notices.extend(apply_baseline(findings, entries, str(path), checked))
