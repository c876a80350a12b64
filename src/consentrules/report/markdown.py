"""``markdown``: a summary fit for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.

A headline with the verdict, a table of unsuppressed violations (most severe first), then
collapsible sections for not-evaluable and suppressed findings, and the notices.
"""

from __future__ import annotations

from typing import IO
from typing import TYPE_CHECKING

from consentrules import hookimpl
from consentrules.model import Finding
from consentrules.model import Report
from consentrules.plugin.registry import ReporterRegistry
from consentrules.report import failed_verdict
from consentrules.report import location_text
from consentrules.report import printable_report
from consentrules.report import regions_text
from consentrules.report import summary

if TYPE_CHECKING:
    from consentrules.plugin.config import Config


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _rule_link(rule_id: str, report: Report) -> str:
    rule = report.rules.get(rule_id)
    url = next((r.url for r in rule.references if r.url), None) if rule else None
    return f"[{rule_id}]({url})" if url else rule_id


def _evidence(finding: Finding) -> str:
    """The disclosure versions the finding rests on, after the message (a cell: <br> lines)."""
    from consentrules.model.evidence import disclosure_facts
    from consentrules.model.evidence import evidence_line

    return "".join(
        f"<br>Evidence, {label}: {_cell(evidence_line(facts))}"
        for label, facts in disclosure_facts(finding.evidence)
    )


def _table(findings: list[Finding], report: Report, extra: str | None = None) -> list[str]:
    """One row per gap (:mod:`consentrules.report.gaps`): the rules it breaks share a row.
    Suppressed findings (``extra``: the reason column) keep a row each, since each has its own
    reason."""
    from consentrules.report.gaps import Gap
    from consentrules.report.gaps import group_gaps

    head = "| Severity | Rule | Target | Regions | Where | Finding |"
    rule_line = "|---|---|---|---|---|---|"
    if extra:
        head += f" {extra} |"
        rule_line += "---|"
    lines = [head, rule_line]
    gaps = [Gap((f,)) for f in findings] if extra else group_gaps(findings)
    gaps.sort(key=lambda g: (-g.lead.severity, g.lead.rule_id, g.lead.snapshot, g.lead.target_id))
    for gap in gaps:
        f = gap.lead
        rules = ", ".join(_rule_link(rule_id, report) for rule_id in gap.rule_ids)
        row = (
            f"| {f.severity.label} | {rules} | {f.target_kind} `{_cell(f.target_id)}` | "
            f"{_cell(regions_text(f)) or '-'} | `{_cell(location_text(f))}` | "
            f"{_cell(f.message)}{_evidence(f)} |"
        )
        if extra and f.suppression is not None:
            row += f" {_cell(f.suppression.kind + ': ' + f.suppression.justification)} |"
        lines.append(row)
    return lines


def render_markdown(report: Report) -> str:
    counts = summary(report)
    parts = [f"{n} {label}" for label, n in counts["by_severity"].items() if n]
    verdict = failed_verdict(counts, " violations") or (
        f"passed: nothing at or above {counts['fail_on']}"
    )
    lines = [
        f"## consentrules: {verdict}",
        "",
        f"{counts['violations']} violations"
        + (f" ({', '.join(parts)})" if parts else "")
        + f", {counts['not_evaluable']} not evaluable, {counts['suppressed']} suppressed; "
        f"{counts['snapshots']} snapshot(s), {counts['rules']} rules."
        + (f" Configuration: `{_cell(report.config_file)}`." if report.config_file else ""),
        "",
    ]
    if report.violations:
        lines += [*_table(report.violations, report), ""]
    if report.not_evaluable:
        lines += [
            f"<details><summary>{len(report.not_evaluable)} not evaluable (the snapshot lacks "
            "facts these rules need)</summary>",
            "",
            *_table(report.not_evaluable, report),
            "",
            "</details>",
            "",
        ]
    if report.suppressed:
        lines += [
            f"<details><summary>{len(report.suppressed)} suppressed (waived or in the "
            "baseline)</summary>",
            "",
            *_table(report.suppressed, report, extra="Why"),
            "",
            "</details>",
            "",
        ]
    if report.notices:
        lines.append("**Notices**")
        lines.append("")
        for notice in report.notices:
            where = f" (`{notice.path}:{notice.line}`)" if notice.path and notice.line else ""
            lines.append(f"- {notice.level}: {_cell(notice.message)}{where}")
        lines.append("")
    return "\n".join(lines)


class MarkdownReporter:
    name = "markdown"
    description = "Markdown summary for pull-request comments and job summaries"
    extension = ".md"

    def render(self, report: Report, stream: IO[str], config: Config) -> None:
        stream.write(render_markdown(printable_report(report)))


@hookimpl
def consentrules_register_reporters(registry: ReporterRegistry) -> None:
    registry.add(MarkdownReporter())
