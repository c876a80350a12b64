"""``sarif``: SARIF 2.1.0 for code-scanning platforms (GitHub, GitLab, Azure DevOps...).

* ``tool.driver.rules`` holds every rule with its title, description, remediation (as help,
  in text and Markdown), reference URLs, tags and ``security-severity``;
* each result has a physical location (snapshot file, line and column; paths relative to the
  working directory under ``%SRCROOT%``), a logical location (the setting or disclosure), a
  ``level`` mapped from severity and a stable ``partialFingerprints`` entry, so that platforms
  track a finding across runs and reformatting;
* not-evaluable findings are results of ``kind: review``; waived and baselined findings carry
  ``suppressions`` (with the justification); expired or unused waivers and stale baseline
  entries are tool execution notifications.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO
from typing import TYPE_CHECKING
from typing import Any

from consentrules import hookimpl
from consentrules.model import Finding
from consentrules.model import Report
from consentrules.model import Rule
from consentrules.model import Severity
from consentrules.model import Status
from consentrules.model.evidence import disclosure_facts
from consentrules.plugin.registry import ReporterRegistry
from consentrules.report import most_severe
from consentrules.report import relative_uri
from consentrules.report import write_json

if TYPE_CHECKING:
    from consentrules.plugin.config import Config

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "consentrules/v2"  # v2: the snapshot file is part of it

LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
#: GitHub reads these as critical (9.0+), high (7.0+), medium (4.0+) and low.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}


def _rule_entry(rule: Rule) -> dict[str, Any]:
    refs_text = "\n".join(f"- {r.title}" + (f": {r.url}" if r.url else "") for r in rule.references)
    refs_md = "\n".join(
        f"- [{r.title}]({r.url})" if r.url else f"- {r.title}" for r in rule.references
    )
    help_text = "\n\n".join(
        part for part in (rule.description, rule.remediation, refs_text) if part
    )
    help_md = "\n\n".join(
        part
        for part in (
            rule.description,
            f"**What to do:** {rule.remediation}" if rule.remediation else "",
            f"**References:**\n\n{refs_md}" if refs_md else "",
        )
        if part
    )
    entry: dict[str, Any] = {
        "id": rule.id,
        "name": "".join(word.capitalize() for word in rule.check_kind.split("_")) + rule.id,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description or rule.title},
        "help": {"text": help_text or rule.title, "markdown": help_md or rule.title},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": ["privacy", "compliance", *rule.tags],
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "precision": "high",
            "kind": rule.check_kind,
            "references": [{"title": r.title, "url": r.url} for r in rule.references],
        },
    }
    first_url = next((r.url for r in rule.references if r.url), None)
    if first_url:
        entry["helpUri"] = first_url
    if rule.pack:
        entry["properties"]["pack"] = rule.pack
    return entry


def _location(finding: Finding, root: Path, cwd: Path) -> dict[str, Any]:
    uri, relative = relative_uri(finding.snapshot, root, cwd)
    artifact: dict[str, Any] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = "%SRCROOT%"
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if finding.line is not None:
        region: dict[str, Any] = {"startLine": finding.line}
        if finding.column is not None:
            region["startColumn"] = finding.column
        physical["region"] = region
    return {
        "physicalLocation": physical,
        "logicalLocations": [
            {
                "name": finding.target_id,
                "fullyQualifiedName": f"{finding.platform}/{finding.target_kind}/{finding.target_id}",
                "kind": "object",
            }
        ],
    }


def _result(finding: Finding, rule_index: dict[str, int], root: Path, cwd: Path) -> dict[str, Any]:
    review = finding.status is Status.NOT_EVALUABLE
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "kind": "review" if review else "fail",
        "level": "none" if review else LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding, root, cwd)],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "security-severity": SECURITY_SEVERITY[finding.severity],
            "severity": finding.severity.label,
            "status": finding.status.value,
            "platform": finding.platform,
            "target": {"kind": finding.target_kind, "id": finding.target_id},
            "regions": list(finding.regions),
        },
    }
    disclosures = disclosure_facts(finding.evidence)
    if disclosures:  # the versions it rests on: document, dates, source, hash, excerpt
        result["properties"]["disclosures"] = [
            {"role": label, **facts} for label, facts in disclosures
        ]
    if finding.rule_id in rule_index:
        result["ruleIndex"] = rule_index[finding.rule_id]
    if finding.suppression is not None:
        suppression: dict[str, Any] = {
            "kind": "external",
            "status": "accepted",
            "justification": finding.suppression.justification,
            "properties": {"source": finding.suppression.kind},
        }
        if finding.suppression.owner:
            suppression["properties"]["owner"] = finding.suppression.owner
        if finding.suppression.expires:
            suppression["properties"]["expires"] = finding.suppression.expires
        result["suppressions"] = [suppression]
    return result


#: GitHub code scanning refuses a SARIF run with more results than this.
MAX_RESULTS = 25_000


def sarif_log(report: Report, root: Path, cwd: Path | None = None) -> dict[str, Any]:
    """The SARIF log; locations are relative to ``root`` (the repository), relative input
    paths read from ``cwd`` (default: ``root``)."""
    cwd = cwd or root
    rules = [report.rules[rule_id] for rule_id in sorted(report.rules)]
    findings = report.findings
    left_out = 0
    if len(findings) > MAX_RESULTS:  # the most severe first; say what was left out
        findings = most_severe(findings, MAX_RESULTS)
        left_out = len(report.findings) - len(findings)
    rule_index = {rule.id: index for index, rule in enumerate(rules)}
    notifications = []
    for notice in report.notices:
        item: dict[str, Any] = {
            "level": "warning" if notice.level == "warning" else "note",
            "message": {"text": notice.message},
        }
        if notice.path:
            uri, relative = relative_uri(notice.path, root, cwd)
            physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
            if relative:
                physical["artifactLocation"]["uriBaseId"] = "%SRCROOT%"
            if notice.line:
                physical["region"] = {"startLine": notice.line}
            item["locations"] = [{"physicalLocation": physical}]
        notifications.append(item)
    if left_out:
        notifications.append(
            {
                "level": "warning",
                "message": {
                    "text": f"{left_out} of {len(report.findings)} results left out, the least "
                    f"severe, to stay within the {MAX_RESULTS:,} results GitHub code scanning "
                    "accepts in a run; the JSON or HTML output of the run has them all"
                },
            }
        )
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "consentrules",
                        "version": report.tool_version,
                        "semanticVersion": report.tool_version,
                        "rules": [_rule_entry(rule) for rule in rules],
                    },
                    "extensions": [
                        {"name": name, "version": version or "unknown"}
                        for name, version in report.plugins
                    ],
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root.resolve().as_uri() + "/"}},
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": notifications,
                        "properties": {"configFile": report.config_file},
                    }
                ],
                "results": [_result(f, rule_index, root, cwd) for f in findings],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


class SarifReporter:
    name = "sarif"
    description = "SARIF 2.1.0 for code-scanning platforms"
    extension = ".sarif"

    def render(self, report: Report, stream: IO[str], config: Config) -> None:
        from consentrules.report import repository_root

        log = sarif_log(report, repository_root(config), Path(config.cwd))
        write_json(stream, log, len(report.findings))


@hookimpl
def consentrules_register_reporters(registry: ReporterRegistry) -> None:
    registry.add(SarifReporter())
