"""Built-in reporters (output formats); each module is a plugin registering one reporter."""

from __future__ import annotations

from collections import Counter
from typing import Any

from consentrules.model import Finding
from consentrules.model import Report
from consentrules.model import Severity


def summary(report: Report) -> dict[str, Any]:
    """Counts every reporter shows the same way."""
    by_severity = Counter(f.severity.label for f in report.violations)
    return {
        "snapshots": len(report.snapshots),
        "rules": len(report.rules),
        "violations": len(report.violations),
        "not_evaluable": len(report.not_evaluable),
        "failing": len(report.failing),
        "fail_on": report.fail_on.label if report.fail_on is not None else "never",
        "by_severity": {s.label: by_severity.get(s.label, 0) for s in reversed(Severity)},
    }


def location_text(finding: Finding) -> str:
    text = finding.snapshot
    if finding.line is not None:
        text += f":{finding.line}"
    return text
