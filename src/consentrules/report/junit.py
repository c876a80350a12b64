"""``junit``: JUnit XML for Jenkins, GitLab and other CI test-report views.

One ``<testsuite>`` per snapshot and one ``<testcase>`` per (snapshot, rule): a rule with
unsuppressed violations fails (``<failure>`` lists each finding with its location), a rule whose
only findings are not evaluable is skipped with the reason, and suppressed findings are
listed in ``<system-out>``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import IO
from typing import TYPE_CHECKING

from consentrules import hookimpl
from consentrules.model import Finding
from consentrules.model import Report
from consentrules.model import Status
from consentrules.plugin.registry import ReporterRegistry
from consentrules.report import location_text
from consentrules.report import printable_report
from consentrules.report import regions_text

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from consentrules.plugin.config import Config


def _line(finding: Finding) -> str:
    regions = f" [{regions_text(finding)}]" if finding.regions else ""
    return (
        f"{location_text(finding)}: {finding.target_kind} {finding.target_id}{regions}: "
        f"{finding.message}"
    )


def junit_tree(report: Report) -> ET.Element:
    import xml.etree.ElementTree as ET  # (2 ms: only when a JUnit report is written)

    grouped: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in report.findings:
        grouped[(finding.snapshot, finding.rule_id)].append(finding)
    root = ET.Element("testsuites", name="consentrules")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for snapshot in report.snapshots:
        suite = ET.SubElement(root, "testsuite", name=snapshot.path)
        props = ET.SubElement(suite, "properties")
        for key in ("platform", "taken_at", "as_of", "adapter"):
            ET.SubElement(props, "property", name=key, value=str(getattr(snapshot, key)))
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for rule_id in sorted(report.rules):
            rule = report.rules[rule_id]
            findings = grouped.get((snapshot.path, rule_id), [])
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"consentrules.{rule.pack or 'rules'}",
                name=f"{rule.id}: {rule.title}",
                file=snapshot.path,
                time="0",
            )
            counts["tests"] += 1
            failing = [f for f in findings if f.status is Status.VIOLATION and not f.suppressed]
            gaps = [f for f in findings if f.status is Status.NOT_EVALUABLE and not f.suppressed]
            quiet = [f for f in findings if f.suppressed]
            if failing:
                counts["failures"] += 1
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=f"{len(failing)} {rule.severity.label} violation"
                    + ("s" if len(failing) != 1 else ""),
                    type=rule.severity.label,
                )
                failure.text = "\n".join(_line(f) for f in failing + gaps)
            elif gaps:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message="not evaluable: " + gaps[0].message)
            if quiet:
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join(
                    f"suppressed ({f.suppression.kind}: {f.suppression.justification}): {_line(f)}"
                    for f in quiet
                    if f.suppression is not None
                )
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("errors", "0")
        suite.set("time", "0")
    if report.notices or report.config_file:  # what was not evaluated, and why
        out = ET.SubElement(root, "system-out")
        lines = [f"configuration: {report.config_file}"] if report.config_file else []
        lines += [
            f"{n.level}: {n.path + ': ' if n.path else ''}{n.message}" for n in report.notices
        ]
        out.text = "\n".join(lines)
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    root.set("time", "0")
    return root


class JunitReporter:
    name = "junit"
    description = "JUnit XML test report (one test case per snapshot and rule)"
    extension = ".xml"

    def render(self, report: Report, stream: IO[str], config: Config) -> None:
        import xml.etree.ElementTree as ET

        tree = junit_tree(printable_report(report))
        ET.indent(tree)
        stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        stream.write(ET.tostring(tree, encoding="unicode"))
        stream.write("\n")


@hookimpl
def consentrules_register_reporters(registry: ReporterRegistry) -> None:
    registry.add(JunitReporter())
