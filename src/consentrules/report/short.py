"""``short``: one line per problem (``file:line: severity RULE[, RULE]: target: message``) and
the summary line; for pre-commit hooks and terminals where the full text is too long."""

from __future__ import annotations

from typing import IO
from typing import TYPE_CHECKING

from consentrules import hookimpl
from consentrules.model import Report
from consentrules.model import Status
from consentrules.model.words import plural
from consentrules.plugin.registry import ReporterRegistry
from consentrules.report import location_text
from consentrules.report import printable_report
from consentrules.report import run_verdict
from consentrules.report import summary

if TYPE_CHECKING:
    from consentrules.plugin.config import Config


def render_short(report: Report) -> str:
    from consentrules.report.gaps import group_gaps

    report = printable_report(report)
    lines = []
    for gap in group_gaps((f for f in report.findings if not f.suppressed), report.rules):
        lead = gap.lead
        what = "not evaluable" if lead.status is Status.NOT_EVALUABLE else lead.severity.label
        message = " ".join(lead.message.split())
        lines.append(
            f"{location_text(lead)}: {what} {', '.join(gap.rule_ids)}: "
            f"{lead.target_kind} {lead.target_id}: {message}"
        )
    counts = summary(report)
    verdict = run_verdict(counts)
    lines.append(
        f"{plural(counts['violations'], 'violation')}, {counts['not_evaluable']} not evaluable, "
        f"{counts['suppressed']} suppressed: {verdict}"
    )
    return "\n".join(lines) + "\n"


class ShortReporter:
    name = "short"
    description = "one line per problem, then the summary line (pre-commit, terminals)"
    extension = ".txt"

    def render(self, report: Report, stream: IO[str], config: Config) -> None:
        stream.write(render_short(report))


@hookimpl
def consentrules_register_reporters(registry: ReporterRegistry) -> None:
    registry.add(ShortReporter())
