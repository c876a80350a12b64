"""``text``: findings grouped by snapshot and gap, for a terminal or a plain-text file.

A gap is one problem with every rule it breaks (:mod:`consentrules.report.gaps`); each broken
rule then follows once, with why, the fix and the law.

Colour is used only when writing to a terminal, and never when ``NO_COLOR`` is set
(``--color always|never`` overrides).
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterable
from itertools import groupby
from typing import IO
from typing import TYPE_CHECKING

from consentrules import hookimpl
from consentrules.model import Finding
from consentrules.model import Report
from consentrules.model import Severity
from consentrules.model import Status
from consentrules.model.words import plural
from consentrules.plugin.registry import ReporterRegistry
from consentrules.report import location_text
from consentrules.report import printable_report
from consentrules.report import run_verdict
from consentrules.report import summary

if TYPE_CHECKING:
    from consentrules.plugin.config import Config

_COLOURS = {
    Severity.CRITICAL: "\033[1;35m",
    Severity.HIGH: "\033[1;31m",
    Severity.MEDIUM: "\033[33m",
    Severity.LOW: "\033[36m",
    Severity.INFO: "\033[2m",
}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"
WIDTH = 100


def use_colour(stream: IO[str], setting: str = "auto") -> bool:
    if setting == "always":
        return True
    if setting == "never" or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class _Painter:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.enabled else text


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        text, WIDTH, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    ) or [indent.rstrip()]


def _evidence(finding: Finding, paint: _Painter) -> list[str]:
    """The disclosure versions the finding rests on: document, version, dates, hash, excerpt;
    with ``--debug``, the rule's condition as an expression too."""
    from consentrules.model.evidence import disclosure_facts
    from consentrules.model.evidence import evidence_line

    lines: list[str] = []
    for label, facts in disclosure_facts(finding.evidence):
        lines.extend(_wrap(f"{paint(_DIM, 'evidence:')} {label}: {evidence_line(facts)}", "      "))
    if _DEBUG[0]:
        for key in ("condition", "review_condition"):
            if finding.evidence.get(key):
                lines.extend(_wrap(f"{paint(_DIM, key + ':')} {finding.evidence[key]}", "      "))
    return lines


#: Whether the run asked for --debug (set while a report is rendered).
_DEBUG = [False]


class TextReporter:
    name = "text"
    description = "human-readable text, grouped by snapshot and gap (every rule a problem breaks)"
    extension = ".txt"

    def render(self, report: Report, stream: IO[str], config: Config) -> None:
        report = printable_report(report)
        _DEBUG[0] = bool(config.getoption("debug", False))
        paint = _Painter(use_colour(stream, config.getoption("color", "auto")))
        lines: list[str] = []
        if report.config_file:
            lines.append(paint(_DIM, f"configuration: {report.config_file}"))
        by_snapshot = {s.path: s for s in report.snapshots}
        ordered = sorted(report.findings, key=lambda f: (f.snapshot, -f.severity, f.rule_id))
        for path, group in groupby(ordered, key=lambda f: f.snapshot):
            info = by_snapshot.get(path)
            header = f"{path}"
            if info is not None:
                header += f" ({info.platform}; taken {info.taken_at}, evaluated as of {info.as_of})"
            lines.append(paint(_BOLD, header))
            findings = list(group)
            lines.extend(self._violations(report, findings, paint))
            lines.extend(self._gaps(findings, paint))
            lines.extend(self._suppressed(findings, paint))
            lines.append("")
        clean = [s for s in report.snapshots if s.path not in {f.snapshot for f in report.findings}]
        for info in clean:
            lines.append(
                paint(_BOLD, info.path) + f" ({info.platform}): no findings "
                f"({plural(info.settings, 'setting')}, {plural(len(report.rules), 'rule')})"
            )
        if clean:
            lines.append("")
        for notice in report.notices:
            where = f"{notice.path}:{notice.line}: " if notice.path and notice.line else ""
            where = where or (f"{notice.path}: " if notice.path else "")
            lines.extend(_wrap(f"{where}{notice.level}: {notice.message}", ""))
        if report.notices:
            lines.append("")
        lines.append(self._summary(report, paint))
        stream.write("\n".join(lines) + "\n")

    def _violations(self, report: Report, findings: list[Finding], paint: _Painter) -> list[str]:
        """One entry per gap (a problem several rules may judge), listing every rule it breaks;
        then each broken rule once, with why, the fix and the law."""
        from consentrules.report.gaps import group_gaps
        from consentrules.report.gaps import rule_note

        lines: list[str] = []
        violations = [f for f in findings if f.status is Status.VIOLATION and not f.suppressed]
        broken: dict[str, Severity] = {}
        for gap in group_gaps(violations, report.rules):
            lead = gap.lead
            label = paint(_COLOURS[lead.severity], f"{lead.severity.label.upper():<8}")
            target = f"{lead.target_kind} {lead.target_id}"
            lines.append(f"  {label} {target}  {paint(_DIM, location_text(lead))}")
            lines.extend(_wrap(lead.message, "      "))
            lines.extend(_evidence(lead, paint))
            for finding in gap.findings:
                rule = report.rules.get(finding.rule_id)
                extra = "" if finding.severity == lead.severity else f" ({finding.severity.label})"
                pack = f" [{rule.pack}]" if rule is not None and rule.pack else ""
                title = f" {rule.title}" if rule is not None else ""
                lines.extend(
                    _wrap(
                        f"{paint(_DIM, 'breaks:')} {paint(_BOLD, finding.rule_id)}{extra}{pack}"
                        f"{title}",
                        "      ",
                    )
                )
                note = rule_note(finding, lead)
                if note:
                    lines.extend(_wrap(note, "        "))
                broken.setdefault(finding.rule_id, finding.severity)
        if broken:
            lines.append(f"  {paint(_BOLD, 'RULES BROKEN')} (why, the fix and the law)")
        for rule_id in sorted(broken, key=lambda r: (-broken[r], r)):
            rule = report.rules.get(rule_id)
            severity = broken[rule_id]
            label = paint(_COLOURS[severity], f"{severity.label.upper():<8}")
            lines.append(f"    {label} {paint(_BOLD, rule_id)}  {rule.title if rule else ''}")
            if rule is not None:
                lines.extend(self._rule_notes(rule.description, rule.remediation, paint))
                for ref in rule.references:
                    lines.append(
                        f"      {paint(_DIM, 'see:')} {ref.title}"
                        + (f" <{ref.url}>" if ref.url else "")
                    )
        return lines

    def _rule_notes(self, why: str, fix: str, paint: _Painter) -> Iterable[str]:
        if why:
            first = why.split("\n\n")[0].replace("\n", " ")
            yield from _wrap(f"{paint(_DIM, 'why:')} {first}", "      ")
        if fix:
            yield from _wrap(f"{paint(_DIM, 'fix:')} {fix.replace(chr(10), ' ')}", "      ")

    def _gaps(self, findings: list[Finding], paint: _Painter) -> list[str]:
        gaps = [f for f in findings if f.status is Status.NOT_EVALUABLE and not f.suppressed]
        if not gaps:
            return []
        lines = [f"  {paint(_BOLD, 'NOT EVALUABLE')} (the data does not settle these)"]
        # One entry per reason, naming every rule it holds up and every target it is about.
        from consentrules.report.gaps import group_open

        for group in group_open(gaps):
            finding, rules, targets = group.lead, group.rule_ids, group.targets
            kind = finding.target_kind
            if len(rules) == 1 and len(targets) == 1:
                lines.append(
                    f"    {rules[0]}  {kind} {finding.target_id}  "
                    f"{paint(_DIM, location_text(finding))}"
                )
            else:
                if len(targets) == 1:
                    lines.append(
                        f"    {kind} {finding.target_id}  {paint(_DIM, location_text(finding))}"
                    )
                else:
                    shown = ", ".join(targets[:8])
                    more = f" and {len(targets) - 8} more" if len(targets) > 8 else ""
                    lines.extend(_wrap(f"{plural(len(targets), kind)}: {shown}{more}", "    "))
                lines.extend(_wrap(f"{plural(len(rules), 'rule')}: {', '.join(rules)}", "      "))
            lines.extend(_wrap(finding.message, "      "))
            lines.extend(_evidence(finding, paint))
        return lines

    def _suppressed(self, findings: list[Finding], paint: _Painter) -> list[str]:
        quiet = [f for f in findings if f.suppression is not None]
        if not quiet:
            return []
        lines = [f"  {paint(_BOLD, 'SUPPRESSED')} (do not fail the run)"]
        for finding in quiet:
            assert finding.suppression is not None
            why = finding.suppression
            detail = f"{why.kind}: {why.justification}"
            if why.owner:
                detail += f" (owner {why.owner}, until {why.expires})"
            lines.append(
                f"    {finding.rule_id}  {finding.target_kind} {finding.target_id}  "
                f"{paint(_DIM, location_text(finding))}"
            )
            lines.extend(_wrap(detail, "      "))
        return lines

    def _summary(self, report: Report, paint: _Painter) -> str:
        counts = summary(report)
        parts = [f"{n} {label}" for label, n in counts["by_severity"].items() if n]
        text = f"{counts['violations']} violation{'s' if counts['violations'] != 1 else ''}"
        if parts:
            text += f" ({', '.join(parts)})"
        text += f", {counts['not_evaluable']} not evaluable"
        if counts["suppressed"]:
            text += f", {counts['suppressed']} suppressed"
        text += f"; {plural(counts['snapshots'], 'snapshot')}, {plural(counts['rules'], 'rule')}"
        verdict = run_verdict(counts)
        return f"{text}. {paint(_BOLD, verdict)}"


@hookimpl
def consentrules_register_reporters(registry: ReporterRegistry) -> None:
    registry.add(TextReporter())
