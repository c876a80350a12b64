"""``github``: GitHub Actions workflow commands, shown as annotations on the changed files.

Unsuppressed violations of high or critical severity are ``::error``, medium ``::warning`` and
low or info ``::notice``; not-evaluable findings and notices (expired or unused waivers, stale
baseline entries) are ``::warning``. Suppressed findings are not annotated.
"""

from __future__ import annotations

from typing import IO
from typing import TYPE_CHECKING
from typing import Any

from consentrules import hookimpl
from consentrules.model import Report
from consentrules.model import Severity
from consentrules.model.words import plural
from consentrules.plugin.registry import ReporterRegistry
from consentrules.report import printable_report
from consentrules.report import summary

if TYPE_CHECKING:
    from consentrules.plugin.config import Config

COMMANDS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: object) -> str:
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


#: GitHub shows at most this many annotations of each level (error, warning, notice) per step.
PER_LEVEL = 10


def render_github(report: Report, config: Any = None) -> str:
    """The annotations; their ``file=`` paths are relative to the repository root (see
    :func:`consentrules.report.repository_root`), as GitHub matches them."""
    from pathlib import Path

    from consentrules.report import repository_path
    from consentrules.report import repository_root
    from consentrules.report.gaps import group_gaps
    from consentrules.report.gaps import rule_names

    root = repository_root(config)
    cwd = Path(config.cwd) if config is not None else Path.cwd()

    lines = []
    shown: dict[str, int] = {}
    left_out = 0
    # One annotation per gap: the rules a problem breaks share it (the most severe leads).
    gaps = group_gaps((f for f in report.findings if not f.suppressed), report.rules)
    for gap in sorted(gaps, key=lambda g: (g.lead.status.value != "violation", -g.lead.severity)):
        finding = gap.lead
        rule = report.rules.get(finding.rule_id)
        title = f"{finding.rule_id}: {rule.title}" if rule else finding.rule_id
        if finding.status.value == "violation":
            name = COMMANDS[finding.severity]
        else:
            name, title = "warning", f"{title} (not evaluable)"
        message = f"{finding.target_kind} {finding.target_id}: {finding.message}"
        if len(gap.findings) > 1:
            message += f" (also breaks {', '.join(rule_names(gap)[1:])})"
        if shown.get(name, 0) >= PER_LEVEL:
            left_out += 1
            continue
        shown[name] = shown.get(name, 0) + 1
        lines.append(
            command(
                name,
                message,
                file=repository_path(finding.snapshot, root, cwd),
                line=finding.line,
                col=finding.column,
                title=title,
            )
        )
    for notice in report.notices:
        if shown.get("warning", 0) >= PER_LEVEL:
            left_out += 1
            continue
        shown["warning"] = shown.get("warning", 0) + 1
        lines.append(
            command(
                "warning",
                notice.message,
                file=repository_path(notice.path, root, cwd),
                line=notice.line,
                title="consentrules",
            )
        )
    if left_out:  # a log line, not an annotation: it would be left out itself
        lines.append(
            f"consentrules: {left_out} more problems not annotated (GitHub shows {PER_LEVEL} "
            "annotations of each level per step); the job summary and the SARIF or HTML output "
            "have them all"
        )
    counts = summary(report)
    lines.append(
        f"consentrules: {plural(counts['violations'], 'violation')}, {counts['not_evaluable']} not "
        f"evaluable, {counts['suppressed']} suppressed; {counts['failing']} at or above "
        f"{counts['fail_on']}"
    )
    return "\n".join(lines) + "\n"


class GithubReporter:
    name = "github"
    description = "GitHub Actions workflow commands (annotations)"
    extension = ".txt"

    def render(self, report: Report, stream: IO[str], config: Config) -> None:
        stream.write(render_github(printable_report(report), config))


@hookimpl
def consentrules_register_reporters(registry: ReporterRegistry) -> None:
    registry.add(GithubReporter())
