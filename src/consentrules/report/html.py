"""``html``: one self-contained page a consultant can hand to a client.

The page has no script, no font and no request to anywhere (a Content-Security-Policy says so
to the browser too), opens from an email attachment and prints to PDF (a page break between
platforms). It shows, per platform: a summary and a plain-words verdict, a timeline picture per
setting (inline SVG: when it was on by default in each region group, the disclosure versions,
the periods a rule was broken), a per-region table, the findings grouped by gap with why, fix,
law and evidence, who is affected (and the statutory exposure where a law sets damages per
person), what was checked, and the run's metadata (versions, hashes, command line) to
reproduce it. Values from the input are escaped by Jinja2's autoescaping: a setting id holding
HTML shows as text.

Jinja2 is imported only when an HTML report is written.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import IO
from typing import TYPE_CHECKING
from typing import Any

from consentrules import hookimpl
from consentrules.model import Finding
from consentrules.model import Report
from consentrules.model import Status
from consentrules.model.evidence import disclosure_facts
from consentrules.model.evidence import evidence_line
from consentrules.plugin.registry import ReporterRegistry
from consentrules.report import summary

if TYPE_CHECKING:
    from consentrules.plugin.config import Config

DISCLAIMER = (
    "This report is produced by an automated rules engine from the data it was given. It is not "
    "legal advice: the rules simplify the law, and whether a practice is lawful depends on facts "
    "and on judgements that the data may not show. Have counsel review the findings."
)


def _hash(path: str) -> str | None:
    import hashlib

    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def _packs(report: Report) -> list[dict[str, Any]]:
    """Each rule pack used, with the SHA-256 of its files (in name order)."""
    import hashlib

    files: dict[str, set[str]] = {}
    for rule in report.rules.values():
        files.setdefault(rule.pack or "(no pack)", set()).add(rule.path)
    out = []
    for pack, paths in sorted(files.items()):
        digest = hashlib.sha256()
        for path in sorted(paths):
            digest.update((_hash(path) or "missing").encode())
        count = sum(1 for r in report.rules.values() if (r.pack or "(no pack)") == pack)
        out.append({"name": pack, "rules": count, "sha256": digest.hexdigest()})
    return out


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _verdict(failing: int, violations: int, gaps: int, not_evaluable: int) -> str:
    if failing:
        return (
            f"Action needed: {_plural(gaps, 'problem')} breaking "
            f"{_plural(violations, 'rule')}, at least one at or above the failure threshold."
        )
    if violations:
        return (
            f"Review: {_plural(gaps, 'problem')} breaking {_plural(violations, 'rule')}, all "
            "below the failure threshold."
        )
    if not_evaluable:
        return (
            f"No violation found, but {_plural(not_evaluable, 'check')} could not be evaluated "
            "for lack of data: the result is incomplete."
        )
    return "No violation found in what was checked."


def build_context(report: Report, config: Config | None) -> dict[str, Any]:
    import shlex

    from consentrules.engine.timeline import group_masks
    from consentrules.model.regions import default_registry
    from consentrules.report.affected import affected_by_finding
    from consentrules.report.affected import money
    from consentrules.report.gaps import group_gaps
    from consentrules.report.timeline_svg import groups_touched
    from consentrules.report.timeline_svg import picture

    registry = config.regions if config is not None else default_registry()
    masks = group_masks(registry)
    summaries = {s.path: s for s in report.snapshots}
    figures = affected_by_finding(report.findings, summaries, report.rules, registry)
    counts = summary(report)
    fail_on = report.fail_on
    platforms = []
    for info in report.snapshots:
        mine = [f for f in report.findings if f.snapshot == info.path]
        violations = [f for f in mine if f.status is Status.VIOLATION and not f.suppressed]
        open_gaps = [f for f in mine if f.status is Status.NOT_EVALUABLE and not f.suppressed]
        failing = [f for f in violations if fail_on is not None and f.severity >= fail_on]
        gaps = group_gaps(violations, report.rules)
        by_setting: dict[str, list[Finding]] = {}
        for finding in violations:
            if finding.target_kind == "setting":
                by_setting.setdefault(finding.target_id, []).append(finding)
        offered = {
            (t.setting_id, bar.group)
            for t in info.timelines
            for bar in t.bars
            if any(segment.state != "absent" for segment in bar.segments)
        }

        def about(finding: Finding, offered: set[tuple[str, str]] = offered) -> list[str]:
            rule = report.rules.get(finding.rule_id)
            scope = rule.jurisdictions if rule is not None else ()
            return groups_touched(finding, registry, masks, scope, offered)

        timelines = [
            {
                "timeline": t,
                "picture": picture(t, by_setting.get(t.setting_id, []), registry, masks, about),
            }
            for t in info.timelines
            if t.setting_id in by_setting or len(info.timelines) <= 12
        ]
        states = {
            (t.setting_id, bar.group): bar.segments[-1].state if bar.segments else "absent"
            for t in info.timelines
            for bar in t.bars
        }
        platforms.append(
            {
                "info": info,
                "verdict": _verdict(
                    len(failing), len({f.rule_id for f in violations}), len(gaps), len(open_gaps)
                ),
                "failing": bool(failing),
                # (most severe first)
                "severities": [
                    (severity.label, count)
                    for severity, count in sorted(
                        Counter(f.severity for f in violations).items(), key=lambda i: -i[0]
                    )
                ],
                "gaps": [_gap(g, report, figures, money) for g in gaps],
                "actions": _actions(gaps, report),
                "timelines": timelines,
                "regions": _region_rows(violations, masks, states, figures, about),
                "not_evaluable": [_gap(g, report, figures, money) for g in group_gaps(open_gaps)],
                "suppressed": [f for f in mine if f.suppressed],
                "input_sha256": _hash(info.path),
            }
        )
    argv = config.getoption("argv") if config is not None else None
    return {
        "report": report,
        "counts": counts,
        "platforms": platforms,
        "packs": _packs(report),
        "rules": sorted(report.rules.values(), key=lambda r: (-r.severity, r.id)),
        "coverage": _coverage(report),
        "disclaimer": DISCLAIMER,
        "command": shlex.join(["consentrules", *argv]) if argv else None,
        "state_text": {
            "on": "on by default",
            "partly": "on by default in part",
            "unknown": "unknown",
            "off": "off by default",
            "paused": "paused (enrolling no one)",
            "absent": "not offered",
        },
    }


#: Who usually acts on a problem, by what it is about.
_WHO = {
    "setting": "the product team that owns the setting (its default, rollout or regions)",
    "disclosure": "the privacy or legal team that owns the document",
    "timing": "the privacy or legal team (the policy update), with the product team (the "
    "launch date)",
}


def _actions(gaps: list[Any], report: Report, most: int = 5) -> list[dict[str, Any]]:
    """The executive summary: the most severe problems first, each with what to do, who
    usually does it and how bad it is, in plain words."""
    from consentrules.report.gaps import rule_names

    out = []
    for gap in gaps[:most]:
        lead = gap.lead
        rule = report.rules.get(lead.rule_id)
        laws = rule_names(gap, sorted({f.rule_id for f in gap.findings}))
        out.append(
            {
                "severity": lead.severity.label,
                "what": f"{lead.target_kind} {lead.target_id}",
                "message": lead.message,
                "fix": rule.remediation if rule is not None else "",
                "who": (
                    _WHO["timing"]
                    if rule is not None
                    and rule.check_kind == "disclosure_timing"
                    and lead.target_kind == "setting"
                    else _WHO.get(lead.target_kind, "the team that owns it")
                ),
                "rules": laws,
            }
        )
    return out


def _gap(gap: Any, report: Report, figures: dict[int, Any], money: Any) -> dict[str, Any]:
    from consentrules.report.gaps import rule_note

    lead = gap.lead
    rules = []
    for finding in gap.findings:
        rule = report.rules.get(finding.rule_id)
        rules.append({"finding": finding, "rule": rule, "note": rule_note(finding, lead)})
    evidence = [
        {"label": label, "text": evidence_line(facts), "facts": facts}
        for label, facts in disclosure_facts(lead.evidence)
    ]
    affected = next((figures[id(f)] for f in gap.findings if id(f) in figures), None)
    exposures = []
    for finding in gap.findings:
        figure = figures.get(id(finding))
        if figure and "exposure" in figure:
            exposure = figure["exposure"]
            top = exposure["max"]
            exposures.append(
                {
                    **exposure,
                    "rule_id": finding.rule_id,
                    "min_text": money(exposure["min"], exposure["currency"]),
                    "max_text": None if top is None else money(top, exposure["currency"]),
                }
            )
    return {"lead": lead, "rules": rules, "evidence": evidence, "affected": affected,
            "exposures": exposures}  # fmt: skip


def _region_rows(
    violations: list[Finding],
    masks: list[Any],
    states: dict[tuple[str, str], str],
    figures: dict[int, Any],
    about: Any,
) -> list[dict[str, Any]]:
    """For each region group and each violation about it (``about(finding)``: where the
    rule's jurisdiction and the finding's regions meet): the state at the evaluation date and
    the period of violation. A group nothing broke in has no row."""
    touched = {id(finding): set(about(finding)) for finding in violations}
    rows = []
    for key, label, _ in masks:
        for finding in violations:
            if key not in touched[id(finding)]:
                continue
            rows.append(
                {
                    "group": label,
                    "finding": finding,
                    "state": states.get((finding.target_id, key)),
                    "periods": "; ".join(finding.evidence.get("periods", ())) or "-",
                    "users": figures.get(id(finding), {}).get("users"),
                }
            )
    return rows


def _coverage(report: Report) -> list[dict[str, Any]]:
    """Per rule: settings evaluated and found compliant, over every snapshot, and the rule's
    result in words. A rule with a violation (about a setting or about the disclosures) is
    "broken", whatever its settings' count says; a rule whose law did not apply yet on any
    evaluation date is "not in force"; one with only findings it could not evaluate is "not
    evaluable"; one that selected nothing had "nothing to judge"."""
    totals: dict[str, Counter[str]] = {}
    for info in report.snapshots:
        for rule_id, numbers in info.coverage.items():
            counter = totals.setdefault(rule_id, Counter())
            for key in ("evaluated", "compliant", "not_applicable"):
                counter[key] += int(numbers.get(key, 0))
    broken = {f.rule_id for f in report.findings if f.status is Status.VIOLATION}
    open_ = {f.rule_id for f in report.findings if f.status is Status.NOT_EVALUABLE}
    out = []
    for rule_id in sorted(report.rules):
        rule = report.rules[rule_id]
        numbers = totals.get(rule_id, Counter())
        if rule_id in broken:
            result = "broken"
        elif (
            rule.in_force_from is not None
            and report.snapshots
            and all(rule.in_force_from.first > _as_of_last(info.as_of) for info in report.snapshots)
        ):
            result = "not in force"
        elif rule_id in open_:
            result = "not evaluable"
        elif not numbers.get("evaluated"):
            result = "nothing to judge"
        else:
            result = "compliant"
        out.append({"rule": rule, "id": rule_id, "result": result, **numbers})
    return out


def _as_of_last(text: str) -> Any:
    from consentrules.model.dates import parse_date

    return parse_date(text).last


def render_html(report: Report, config: Config | None = None) -> str:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("consentrules.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = environment.get_template("report.html.j2")
    return template.render(**build_context(report, config))


class HtmlReporter:
    name = "html"
    description = "self-contained HTML report for people: timelines, evidence, what was checked"
    extension = ".html"
    #: The run computes each setting's timeline only for a format that draws them.
    draws_timelines = True

    def render(self, report: Report, stream: IO[str], config: Config) -> None:
        stream.write(render_html(report, config))


@hookimpl
def consentrules_register_reporters(registry: ReporterRegistry) -> None:
    registry.add(HtmlReporter())
