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
``stale``, ``unknown_token``, ``unmapped``, ``incomplete``, ``extrapolated``, ``group_definition``). ``schemas/report.schema.json`` defines the format.
"""

from __future__ import annotations

from collections.abc import Iterable
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
from consentrules.report import INDENT_UP_TO
from consentrules.report import summary
from consentrules.report import write_json
from consentrules.report.fragments import text_of

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


def finding_texts(findings: Iterable[Finding]) -> list[str]:
    """Each finding as the compact JSON the report writes for it (written by the process that
    found them: see :mod:`consentrules.report.fragments`)."""
    import json

    dumps = json.JSONEncoder(ensure_ascii=False, default=str).encode
    return [dumps(finding_dict(finding)) for finding in findings]


def snapshot_dict(summary: SnapshotSummary) -> dict[str, Any]:
    """What was checked in one snapshot (timelines are for the reports that draw them)."""
    data = {
        k: v
        for k, v in vars(summary).items()
        if k not in ("timelines", "users", "notices", "setting_ids")
    }
    if summary.users:
        data["users"] = dict(summary.users)
    return data


def _figures(report: Report) -> dict[int, Any]:
    from consentrules.model.regions import default_registry
    from consentrules.report.affected import affected_by_finding

    return affected_by_finding(
        report.findings,
        {s.path: s for s in report.snapshots},
        report.rules,
        default_registry(),
    )


def _entry(finding: Finding, figures: dict[int, Any]) -> dict[str, Any]:
    entry = finding_dict(finding)
    if id(finding) in figures:
        entry["affected"] = figures[id(finding)]
    return entry


def report_dict(report: Report) -> dict[str, Any]:
    figures = _figures(report)
    return _report_dict(report, [_entry(finding, figures) for finding in report.findings])


def _report_dict(report: Report, findings: Any) -> dict[str, Any]:
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
        if len(report.findings) > INDENT_UP_TO and any(map(text_of, report.findings)):
            _write_joined(stream, report)
        else:
            write_json(stream, report_dict(report), len(report.findings))


def _write_joined(stream: IO[str], report: Report) -> None:
    """The compact report, joining the findings' JSON written ahead by the processes that
    found them (:mod:`consentrules.report.fragments`) with the rest, written here: the same
    text as writing the whole at once."""
    import json
    import secrets

    dumps = json.JSONEncoder(ensure_ascii=False, default=str).encode
    figures = _figures(report)
    texts = []
    for finding in report.findings:
        text = None if id(finding) in figures else text_of(finding)
        texts.append(text if text is not None else dumps(_entry(finding, figures)))
    marker = f"\u0000findings-{secrets.token_hex(16)}"  # in no input: its token is new
    rest = dumps(_report_dict(report, marker))
    quoted = dumps(marker)
    if rest.count(quoted) != 1:  # (cannot be: the token is new) write the whole at once
        write_json(stream, report_dict(report), len(report.findings))
        return
    before, after = rest.split(quoted)
    stream.write(before)
    stream.write("[")
    stream.write(", ".join(texts))
    stream.write("]")
    stream.write(after)
    stream.write("\n")


@hookimpl
def consentrules_register_reporters(registry: ReporterRegistry) -> None:
    registry.add(JsonReporter())
