"""consentrules-gitlab: the ``gitlab`` format, a GitLab Code Quality report.

The format is a JSON array of issues; GitLab reads ``description``, ``check_name``,
``fingerprint``, ``severity`` and ``location.path`` / ``location.lines.begin``.
"""

from __future__ import annotations

import json
from typing import IO
from typing import Any

from consentrules import Report
from consentrules import Severity
from consentrules import Status
from consentrules import hookimpl

__version__ = "0.1.0"

SEVERITIES = {
    Severity.INFO: "info",
    Severity.LOW: "minor",
    Severity.MEDIUM: "major",
    Severity.HIGH: "critical",
    Severity.CRITICAL: "blocker",
}


def code_quality(report: Report) -> list[dict[str, Any]]:
    issues = []
    for finding in report.findings:
        if finding.suppressed:
            continue
        rule = report.rules.get(finding.rule_id)
        title = rule.title if rule else finding.rule_id
        evaluable = finding.status is Status.VIOLATION
        prefix = "" if evaluable else "Not evaluable: "
        issues.append(
            {
                "type": "issue",
                "description": f"{prefix}{finding.rule_id} {title}: {finding.target_kind} "
                f"{finding.target_id} {finding.message}",
                "check_name": finding.rule_id,
                "fingerprint": finding.fingerprint,
                "severity": SEVERITIES[finding.severity] if evaluable else "info",
                "categories": ["Security"],
                "location": {
                    "path": finding.snapshot,
                    "lines": {"begin": finding.line or 1},
                },
            }
        )
    return issues


#: Reports with more findings than this are written without indentation.
INDENT_UP_TO = 2000


class GitlabReporter:
    name = "gitlab"
    description = "GitLab Code Quality report (merge-request widget)"
    extension = ".json"

    def render(self, report: Report, stream: IO[str], config: Any) -> None:
        # Indented for people; large reports compact, by the C encoder (indenting takes the
        # pure-Python one: seconds for tens of thousands of findings).
        indent = 2 if len(report.findings) <= INDENT_UP_TO else None
        stream.write(json.dumps(code_quality(report), indent=indent, ensure_ascii=False))
        stream.write("\n")


@hookimpl
def consentrules_register_reporters(registry: Any) -> None:
    registry.add(GitlabReporter())
