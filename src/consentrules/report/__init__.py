"""The report layer: the built-in output formats, each module a plugin registering one
reporter, and what they share (counts, escaping, JSON writing); ``output`` writes files
without damaging anything, and ``explain`` describes a rule.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import IO
from typing import Any
from urllib.parse import quote

from consentrules.model import Finding
from consentrules.model import Report
from consentrules.model import Severity
from consentrules.model.words import plural


def printable_report(report: Report) -> Report:
    """The report with control characters in every text shown as escapes (``\\n``,
    ``\\x1b``): what the human-readable formats render. A setting id holding a newline and
    ``::error::`` must not start a line of a CI log, where it would run as a command, and an
    escape sequence must not restyle a terminal. (JSON and SARIF escape by their own rules.)"""
    from dataclasses import replace

    from consentrules.model.errors import printable

    def clean(finding: Finding) -> Finding:
        texts = (finding.message, finding.target_id, finding.snapshot, finding.platform)
        suppression = finding.suppression
        if suppression is not None and has_control(
            f"{suppression.justification}{suppression.owner}{suppression.source}"
        ):
            suppression = replace(
                suppression,
                justification=printable(suppression.justification),
                owner=suppression.owner and printable(suppression.owner),
                source=suppression.source and printable(suppression.source),
            )
        elif not any(has_control(t) for t in texts) and not any(map(has_control, finding.regions)):
            return finding
        return replace(
            finding,
            message=printable(finding.message),
            target_id=printable(finding.target_id),
            snapshot=printable(finding.snapshot),
            platform=printable(finding.platform),
            regions=tuple(printable(r) for r in finding.regions),
            suppression=suppression,
        )

    rules = {
        printable(rule_id): replace(
            rule,
            id=printable(rule.id),
            title=printable(rule.title),
            description=printable(rule.description, keep_newlines=True),
            remediation=printable(rule.remediation, keep_newlines=True),
        )
        for rule_id, rule in report.rules.items()
    }
    return replace(
        report,
        findings=[clean(f) for f in report.findings],
        rules=rules,
        snapshots=[
            replace(s, path=printable(s.path), platform=printable(s.platform))
            for s in report.snapshots
        ],
        notices=[
            replace(n, message=printable(n.message), path=n.path and printable(n.path))
            for n in report.notices
        ],
        config_file=report.config_file and printable(report.config_file),
    )


def has_control(text: str | None) -> bool:
    from consentrules.model.errors import CONTROL

    return bool(text) and CONTROL.search(text) is not None  # type: ignore[arg-type]


def summary(report: Report) -> dict[str, Any]:
    """Counts every reporter shows the same way."""
    by_severity = Counter(f.severity.label for f in report.violations)
    return {
        "snapshots": len(report.snapshots),
        "rules": len(report.rules),
        "violations": len(report.violations),
        "not_evaluable": len(report.not_evaluable),
        "suppressed": len(report.suppressed),
        "failing": len(report.failing),
        "failing_notices": len(report.failing_notices),
        "fail_on": report.fail_on.label if report.fail_on is not None else "never",
        "strict": report.strict,
        "by_severity": {s.label: by_severity.get(s.label, 0) for s in reversed(Severity)},
    }


def failed_verdict(counts: dict[str, Any], noun: str = "") -> str | None:
    """The verdict of a failed run in words (None when it passed)."""
    if counts["failing"]:
        return f"FAILED: {counts['failing']}{noun} at or above {counts['fail_on']}"
    if counts["failing_notices"]:
        return f"FAILED (--strict): {plural(counts['failing_notices'], 'notice')}"
    return None


def run_verdict(counts: dict[str, Any]) -> str:
    """The verdict of a run in words, failed or passed."""
    return failed_verdict(counts) or f"passed (nothing at or above {counts['fail_on']})"


def most_severe(findings: list[Finding], keep: int) -> list[Finding]:
    """The ``keep`` most severe findings (unsuppressed before suppressed), in their order."""
    if len(findings) <= keep:
        return findings
    ranked = sorted(findings, key=lambda f: (f.suppressed, -f.severity))
    kept = set(map(id, ranked[:keep]))
    return [f for f in findings if id(f) in kept]


def location_text(finding: Finding) -> str:
    text = finding.snapshot
    if finding.line is not None:
        text += f":{finding.line}"
    return text


#: Reports with more findings than this are written compact (no indentation): the C JSON
#: encoder writes only compact text, the pure-Python one takes seconds on tens of thousands.
INDENT_UP_TO = 2000


def write_json(stream: IO[str], data: Any, findings: int) -> None:
    """Write ``data`` as JSON: indented for people, compact past ``INDENT_UP_TO`` findings."""
    indent = 2 if findings <= INDENT_UP_TO else None
    stream.write(json.dumps(data, indent=indent, ensure_ascii=False, default=str))
    stream.write("\n")


def repository_root(config: Any) -> Path:
    """Where report paths are relative to: ``--root``, else the nearest folder at or above the
    current one that holds ``.git``, else the current folder. The same run from a subfolder
    then gives the same SARIF locations and annotations."""
    given: str | None = config.getoption("root") if config is not None else None
    cwd: Path = Path(config.cwd) if config is not None else Path.cwd()
    if given:
        return (cwd / given).resolve()
    for folder in (cwd.resolve(), *cwd.resolve().parents):
        if (folder / ".git").exists():
            return folder
    return cwd


def repository_path(path: str | None, root: Path, cwd: Path) -> str | None:
    """``path`` (as the run names it) relative to ``root``, with forward slashes; unchanged
    when it lies outside."""
    if not path:
        return path
    candidate = Path(path)
    absolute = candidate if candidate.is_absolute() else cwd / candidate
    try:
        return absolute.resolve().relative_to(root).as_posix()
    except (ValueError, OSError):
        return path


def relative_uri(path: str, root: Path, cwd: Path | None = None) -> tuple[str, bool]:
    """``(uri, relative)``: a forward-slash path relative to ``root``, or a file URI; a
    relative ``path`` is read from ``cwd`` (default: ``root``)."""
    return _relative_uri(path, root, cwd or root)


@lru_cache(maxsize=256)  # every finding of a snapshot has its path: resolve it once
def _relative_uri(path: str, root: Path, cwd: Path) -> tuple[str, bool]:
    candidate = Path(path)
    absolute = candidate if candidate.is_absolute() else (cwd / candidate)
    try:
        rel = absolute.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return absolute.resolve().as_uri(), False
    return quote(rel.as_posix()), True


def regions_text(finding: Finding, limit: int = 6) -> str:
    """The finding's regions for a table cell: all of them, or the first few and a count."""
    regions = list(finding.regions)
    if len(regions) <= limit:
        return ", ".join(regions)
    return f"{', '.join(regions[:limit])} and {len(regions) - limit} more"
