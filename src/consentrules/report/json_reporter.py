"""``json``: the stable machine-readable report (``"format": "consentrules-report"``, v1).

Top-level keys: ``format``, ``version``, ``tool`` (name, version, plugins), ``summary``,
``snapshots`` (each with what it held, the settings not yet active or stating no purposes,
and per rule a ``coverage`` of settings evaluated, compliant and not applicable), ``rules``
(by id, with references) and ``findings`` (sorted as the engine sorts them). Each finding has ``rule_id``, ``severity``, ``status`` (``violation`` or
``not_evaluable``), ``message``, ``target`` (``kind``, ``id``), ``regions``, ``location``
(``path``, ``line``, ``column``, ``pointer``), ``fingerprint`` (stable across reformatting)
``evidence`` (facts the check kind measured: ``spans`` give each period's ``from`` and
``until`` as ISO 8601 first and last days; ``disclosure``, ``stated_in`` and ``dropped_in``
give the disclosure versions a finding rests on, with document, version, dates, source, hash
and excerpt) and ``suppression`` (null, or the waiver or
baseline that keeps it from failing the run). ``notices`` lists what the run did not judge or
judged with a caveat, each with a ``category`` (``not_active``, ``not_in_force``, ``skipped``,
``stale``, ``unknown_token``, ``unmapped``, ``extrapolated``, ``group_definition``). ``schemas/report.schema.json`` defines the format.
"""

from __future__ import annotations

from typing import IO
from typing import TYPE_CHECKING
from typing import Any

from consentrules import hookimpl
from consentrules.model import Finding
from consentrules.model import Report
from consentrules.model import Rule
from consentrules.model import Severity
from consentrules.model import SnapshotSummary
from consentrules.model import Status
from consentrules.plugin.registry import ReporterRegistry
from consentrules.report import summary
from consentrules.report import write_json

if TYPE_CHECKING:
    from consentrules.plugin.config import Config

FORMAT_VERSION = 1

# An enum's name and value are computed attributes: looked up once, not once per finding.
_SEVERITY = {severity: severity.label for severity in Severity}
_STATUS = {status: status.value for status in Status}


def rule_dict(rule: Rule) -> dict[str, Any]:
    return {
        "title": rule.title,
        "severity": rule.severity.label,
        "kind": rule.check_kind,
        "pack": rule.pack,
        "description": rule.description,
        "remediation": rule.remediation,
        "references": [{"title": r.title, "url": r.url} for r in rule.references],
        "tags": list(rule.tags),
        "jurisdictions": list(rule.jurisdictions),
        "selector": rule.selector.describe(),
        "source": {"path": rule.path, "line": rule.line},
    }


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule_id": finding.rule_id,
        "severity": _SEVERITY[finding.severity],
        "status": _STATUS[finding.status],
        "message": finding.message,
        "snapshot": finding.snapshot,
        "platform": finding.platform,
        "target": {"kind": finding.target_kind, "id": finding.target_id},
        "regions": finding.regions,  # a tuple: written as an array
        "location": {
            "path": finding.snapshot,
            "line": finding.line,
            "column": finding.column,
            "pointer": finding.pointer,
        },
        "fingerprint": finding.fingerprint,
        "evidence": dict(finding.evidence),
        "suppression": None
        if finding.suppression is None
        else {
            "kind": finding.suppression.kind,
            "justification": finding.suppression.justification,
            "owner": finding.suppression.owner,
            "expires": finding.suppression.expires,
            "source": finding.suppression.source,
        },
    }


def snapshot_dict(summary: SnapshotSummary) -> dict[str, Any]:
    """What was checked in one snapshot (timelines are for the reports that draw them)."""
    data = {k: v for k, v in vars(summary).items() if k not in ("timelines", "users", "notices")}
    if summary.users:
        data["users"] = dict(summary.users)
    return data


def report_dict(report: Report) -> dict[str, Any]:
    from consentrules.model.regions import default_registry
    from consentrules.report.affected import affected_by_finding

    figures = affected_by_finding(
        report.findings,
        {s.path: s for s in report.snapshots},
        report.rules,
        default_registry(),
    )
    findings = []
    for finding in report.findings:
        entry = finding_dict(finding)
        if id(finding) in figures:
            entry["affected"] = figures[id(finding)]
        findings.append(entry)
    return {
        "format": "consentrules-report",
        "version": FORMAT_VERSION,
        "tool": {
            "name": "consentrules",
            "version": report.tool_version,
            "plugins": [{"name": n, "version": v} for n, v in report.plugins],
        },
        "run": {"config_file": report.config_file},
        "summary": summary(report),
        "snapshots": [snapshot_dict(s) for s in report.snapshots],
        "rules": {rule_id: rule_dict(rule) for rule_id, rule in sorted(report.rules.items())},
        "findings": findings,
        "notices": [
            {
                "level": n.level,
                "message": n.message,
                "path": n.path,
                "line": n.line,
                "category": n.category or None,
            }
            for n in report.notices
        ],
    }


class JsonReporter:
    name = "json"
    description = "machine-readable JSON report (stable, versioned)"
    extension = ".json"

    def render(self, report: Report, stream: IO[str], config: Config) -> None:
        write_json(stream, report_dict(report), len(report.findings))


@hookimpl
def consentrules_register_reporters(registry: ReporterRegistry) -> None:
    registry.add(JsonReporter())
