"""``markdown``: a summary fit for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.

A headline with the verdict, the platforms with their dates, a table of unsuppressed violations
(one row per gap, most severe first), a collapsed "why / fix / law" per broken rule, then
collapsible sections for not-evaluable and suppressed findings, and the notices. It stays
under GitHub's 1 MiB job-summary limit: past it, the least severe parts are left out and the
last line says what, and where the whole report is.
"""

from __future__ import annotations

from typing import IO
from typing import TYPE_CHECKING

from consentrules import hookimpl
from consentrules.model import Finding
from consentrules.model import Report
from consentrules.model.words import plural
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
    from consentrules.report.gaps import rule_places

    head = "| Severity | Rule | Target | Regions | Where | Finding |"
    rule_line = "|---|---|---|---|---|---|"
    if extra:
        head += f" {extra} |"
        rule_line += "---|"
    lines = [head, rule_line]
    gaps = [Gap((f,)) for f in findings] if extra else group_gaps(findings, report.rules)
    gaps.sort(key=lambda g: (-g.lead.severity, g.lead.rule_id, g.lead.snapshot, g.lead.target_id))
    for gap in gaps:
        f = gap.lead
        places = rule_places(gap)
        rules = ", ".join(
            _rule_link(rule_id, report) + (f" ({places[rule_id]})" if rule_id in places else "")
            for rule_id in gap.rule_ids
        )
        row = (
            f"| {f.severity.label} | {rules} | {f.target_kind} `{_cell(f.target_id)}` | "
            f"{_cell(regions_text(f)) or '-'} | `{_cell(location_text(f))}` | "
            f"{_cell(f.message)}{_evidence(f)} |"
        )
        if extra and f.suppression is not None:
            row += f" {_cell(f.suppression.kind + ': ' + f.suppression.justification)} |"
        lines.append(row)
    return lines


def _open_table(findings: list[Finding]) -> list[str]:
    """Not-evaluable findings, one row per reason: the rules it holds up and its targets."""
    from consentrules.report.gaps import group_open

    lines = ["| Rules | Targets | Why not evaluable |", "|---|---|---|"]
    for group in group_open(findings):
        targets = group.targets
        shown = ", ".join(f"`{_cell(t)}`" for t in targets[:8])
        more = f" and {len(targets) - 8} more" if len(targets) > 8 else ""
        lines.append(
            f"| {', '.join(group.rule_ids)} | {group.lead.target_kind} {shown}{more} | "
            f"{_cell(group.lead.message)} |"
        )
    return lines


#: GitHub refuses a job summary over 1 MiB; the summary stays below it, with room to spare.
MAX_BYTES = 1_000_000


def _size(lines: list[str]) -> int:
    return sum(len(line.encode("utf-8")) + 1 for line in lines)


def _platforms(report: Report) -> list[str]:
    lines = ["| Platform | Snapshot | Taken | Judged as of | Violations |", "|---|---|---|---|---|"]
    for info in report.snapshots:
        count = sum(1 for f in report.violations if f.snapshot == info.path)
        lines.append(
            f"| {_cell(info.platform)} | `{_cell(info.path)}` | {info.taken_at} | {info.as_of} "
            f"| {count} |"
        )
    return lines


def _rule_details(report: Report, rule_ids: list[str]) -> list[list[str]]:
    """A collapsed "why / fix / law" block per rule, one list of lines each."""
    blocks = []
    for rule_id in rule_ids:
        rule = report.rules.get(rule_id)
        if rule is None:
            continue
        law = "; ".join(f"[{_cell(r.title)}]({r.url})" if r.url else _cell(r.title)
                        for r in rule.references)  # fmt: skip
        blocks.append(
            [
                f"<details><summary>{rule_id}: {_cell(rule.title)} (why, fix, law)</summary>",
                "",
                f"**Why:** {_cell(rule.description)}",
                "",
                f"**Fix:** {_cell(rule.remediation)}",
                "",
                f"**Law:** {law or '-'}",
                "",
                "</details>",
                "",
            ]
        )
    return blocks


def _whole_report() -> str:
    import os

    server, repository = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
    run_id = os.environ.get("GITHUB_RUN_ID")
    if server and repository and run_id:
        return f"the run's artefacts ({server}/{repository}/actions/runs/{run_id})"
    return "the run's HTML or JSON output (-o html=report.html)"


def render_markdown(report: Report, max_bytes: int | None = None) -> str:
    """The summary; past ``max_bytes`` (default :data:`MAX_BYTES`) the least severe parts are
    left out, and a last line says what and where the whole report is."""
    budget = MAX_BYTES if max_bytes is None else max_bytes
    counts = summary(report)
    parts = [f"{n} {label}" for label, n in counts["by_severity"].items() if n]
    verdict = failed_verdict(counts, " violations") or (
        f"passed: nothing at or above {counts['fail_on']}"
    )
    lines = [
        f"## consentrules: {verdict}",
        "",
        plural(counts["violations"], "violation")
        + (f" ({', '.join(parts)})" if parts else "")
        + f", {counts['not_evaluable']} not evaluable, {counts['suppressed']} suppressed; "
        f"{plural(counts['snapshots'], 'snapshot')}, {plural(counts['rules'], 'rule')}."
        + (f" Configuration: `{_cell(report.config_file)}`." if report.config_file else ""),
        "",
        *_platforms(report),
        "",
    ]
    left_out: list[str] = []
    reserve = 600  # for the closing note

    def add(block: list[str], what: str) -> bool:
        if _size(lines) + _size(block) + reserve > budget:
            left_out.append(what)
            return False
        lines.extend(block)
        return True

    if report.violations:
        table = _table(report.violations, report)
        head, rows = table[:2], table[2:]
        lines.extend(head)
        for index, row in enumerate(rows):
            if not add([row], ""):
                left_out[-1] = f"{len(rows) - index} of {len(rows)} violation rows"
                break
        lines.append("")
        broken = sorted({f.rule_id for f in report.violations},
                        key=lambda r: (-report.rules[r].severity, r) if r in report.rules else (0, r))  # fmt: skip
        for block in _rule_details(report, broken):
            if not add(block, "the why, fix and law of the less severe rules"):
                break
    for findings, title, extra in (
        (report.not_evaluable, "not evaluable (the data does not settle these)", None),
        (report.suppressed, "suppressed (waived or in the baseline)", "Why"),
    ):
        if findings:
            block = [
                f"<details><summary>{len(findings)} {title}</summary>",
                "",
                *(_table(findings, report, extra=extra) if extra else _open_table(findings)),
                "",
                "</details>",
                "",
            ]
            add(block, f"the table of {len(findings)} {title.split(' (')[0]}")
    if report.notices:
        block = ["**Notices**", ""]
        for notice in report.notices:
            where = f" (`{notice.path}:{notice.line}`)" if notice.path and notice.line else ""
            block.append(f"- {notice.level}: {_cell(notice.message)}{where}")
        add([*block, ""], f"{len(report.notices)} notices")
    left_out = list(dict.fromkeys(item for item in left_out if item))
    if left_out:
        lines.append(
            f"**Left out to stay within GitHub's 1 MiB summary limit:** {'; '.join(left_out)}. "
            f"The whole report is in {_whole_report()}."
        )
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
