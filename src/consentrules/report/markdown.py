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


def _table(findings: list[Finding], report: Report, extra: str | None = None) -> list[str]:
    head = "| Severity | Rule | Target | Regions | Where | Finding |"
    rule_line = "|---|---|---|---|---|---|"
    if extra:
        head += f" {extra} |"
        rule_line += "---|"
    lines = [head, rule_line]
    for f in sorted(findings, key=lambda f: (-f.severity, f.rule_id, f.snapshot, f.target_id)):
        rule = report.rules.get(f.rule_id)
        url = next((r.url for r in rule.references if r.url), None) if rule else None
        rule_text = f"[{f.rule_id}]({url})" if url else f.rule_id
        row = (
            f"| {f.severity.label} | {rule_text} | {f.target_kind} `{_cell(f.target_id)}` | "
            f"{_cell(regions_text(f)) or '-'} | `{_cell(location_text(f))}` | "
            f"{_cell(f.message)} |"
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
