"""``consentrules test``: prove with fixtures that each rule fires where it should, and only there.

A rule's ``fixtures`` (inline in the rule file) are small snapshots, each with the findings the
rule must give on it (``expect``), or ``expect: []`` when it must give none. Only the rule under
test is evaluated. A fixture passes when every expected finding is found and nothing else is.
A rule is complete when it has at least one fixture that expects findings (it fires where it
should) and one that expects none (it stays quiet where it should).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from consentrules.engine.evaluate import Engine
from consentrules.model import Expectation
from consentrules.model import Finding
from consentrules.model import Fixture
from consentrules.model import Rule
from consentrules.model import Snapshot
from consentrules.model.dates import DateFormatError
from consentrules.model.dates import parse_date
from consentrules.model.errors import InputError
from consentrules.sources.snapshots import snapshot_from_document
from consentrules.sources.yamlsource import Document

FIXTURE_DEFAULTS = {"platform": "Fixture", "taken_at": "2025-01-01", "settings": []}


@dataclass
class FixtureResult:
    fixture: Fixture
    missing: list[Expectation] = field(default_factory=list)
    unexpected: list[Finding] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.missing and not self.unexpected and self.error is None


@dataclass
class RuleResult:
    rule: Rule
    fixtures: list[FixtureResult]

    @property
    def failed(self) -> list[FixtureResult]:
        return [f for f in self.fixtures if not f.ok]

    @property
    def status(self) -> str:
        """``fail``, ``no_fixtures``, ``incomplete`` (lacks a firing or a quiet fixture), ``pass``."""
        if self.failed:
            return "fail"
        if not self.fixtures:
            return "no_fixtures"
        kinds = {f.fixture.passing for f in self.fixtures}
        return "pass" if kinds == {True, False} else "incomplete"


class _FixtureSourceMap:
    """Every position inside a fixture's snapshot is reported at the fixture's line."""

    def __init__(self, line: int | None) -> None:
        self.line = line

    def locate(self, pointer: str) -> tuple[int, int] | None:
        return (self.line, 1) if self.line else None


def fixture_snapshot(rule: Rule, fixture: Fixture, config: Any) -> Snapshot:
    """The fixture's snapshot: inline data (with defaults filled) or a file beside the rule."""
    if fixture.snapshot_file is not None:
        from consentrules.execute.snapshots import load_snapshot

        return load_snapshot(config, Path(rule.path).parent / fixture.snapshot_file)
    data = {**FIXTURE_DEFAULTS, **dict(fixture.snapshot or {})}
    name = f"{rule.path} (fixture {fixture.name!r} of {rule.id})"
    doc = Document(name, data, _FixtureSourceMap(fixture.line))
    return snapshot_from_document(doc, config.regions)


def _matches(expectation: Expectation, finding: Finding) -> bool:
    if finding.target_id != expectation.target or finding.status.value != expectation.status:
        return False
    if expectation.target_kind is not None and finding.target_kind != expectation.target_kind:
        return False
    if expectation.regions is not None and tuple(finding.regions) != expectation.regions:
        return False
    return expectation.message_contains is None or expectation.message_contains in finding.message


def compare(
    expected: tuple[Expectation, ...], found: list[Finding]
) -> tuple[list[Expectation], list[Finding]]:
    """``(missing, unexpected)``: each expectation consumes at most one finding."""
    remaining = list(found)
    missing = []
    for expectation in expected:
        match = next((f for f in remaining if _matches(expectation, f)), None)
        if match is None:
            missing.append(expectation)
        else:
            remaining.remove(match)
    return missing, remaining


def run_fixture(rule: Rule, fixture: Fixture, engine: Engine, config: Any) -> FixtureResult:
    try:
        snapshot = fixture_snapshot(rule, fixture, config)
        as_of = parse_date(fixture.as_of) if fixture.as_of else None
    except InputError as exc:
        return FixtureResult(fixture, error="malformed fixture:\n" + exc.format())
    except DateFormatError as exc:
        return FixtureResult(fixture, error=f"malformed fixture: as_of: {exc}")
    found = engine.evaluate([rule], snapshot, as_of=as_of)
    missing, unexpected = compare(fixture.expect, found)
    return FixtureResult(fixture, missing, unexpected)


def run_rule_tests(rules: list[Rule], config: Any) -> list[RuleResult]:
    engine = Engine(config.check_kinds, config.regions)
    return [
        RuleResult(rule, [run_fixture(rule, fixture, engine, config) for fixture in rule.fixtures])
        for rule in rules
    ]


# Output --------------------------------------------------------------------------------------
def describe_finding(finding: Finding) -> str:
    regions = f" in [{', '.join(finding.regions)}]" if finding.regions else ""
    return (
        f"{finding.status.value} on {finding.target_kind} {finding.target_id}{regions}: "
        f"{finding.message}"
    )


def failure_lines(result: FixtureResult) -> list[str]:
    """A readable diff: '-' expected but not found, '+' found but not expected."""
    if result.error:
        return result.error.splitlines()
    lines = [f"- expected: {e.describe()}" for e in result.missing]
    lines += [f"+ got:      {describe_finding(f)}" for f in result.unexpected]
    return lines


STATUS_TEXT = {
    "pass": "PASS",
    "fail": "FAIL",
    "no_fixtures": "NO FIXTURES",
    "incomplete": "INCOMPLETE",
}


def render_text(results: list[RuleResult]) -> str:
    lines: list[str] = []
    by_file: dict[str, list[RuleResult]] = {}
    for result in results:
        by_file.setdefault(result.rule.path, []).append(result)
    for path, items in by_file.items():
        lines.append(path)
        for result in items:
            status = result.status
            count = len(result.fixtures)
            detail = f"({count} fixture{'s' if count != 1 else ''})" if count else ""
            if status == "incomplete":
                has_firing = any(not f.fixture.passing for f in result.fixtures)
                detail += (
                    " needs a fixture that expects no finding"
                    if has_firing
                    else " needs a fixture that expects a finding"
                )
            lines.append(f"  {STATUS_TEXT[status]:<11}  {result.rule.id}  {detail}".rstrip())
            for failed in result.failed:
                where = f" (line {failed.fixture.line})" if failed.fixture.line else ""
                lines.append(f"      fixture {failed.fixture.name!r}{where}:")
                lines.extend(f"        {line}" for line in failure_lines(failed))
    counts = {key: sum(1 for r in results if r.status == key) for key in STATUS_TEXT}
    fixtures = sum(len(r.fixtures) for r in results)
    lines.append("")
    lines.append(
        f"{len(results)} rules, {fixtures} fixtures: {counts['pass']} passed, {counts['fail']} "
        f"failed, {counts['incomplete']} incomplete, {counts['no_fixtures']} without fixtures"
    )
    return "\n".join(lines) + "\n"


def render_junit(results: list[RuleResult]) -> str:
    root = ET.Element("testsuites", name="consentrules test")
    by_file: dict[str, list[RuleResult]] = {}
    for result in results:
        by_file.setdefault(result.rule.path, []).append(result)
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for path, items in by_file.items():
        suite = ET.SubElement(root, "testsuite", name=path)
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for result in items:
            if not result.fixtures:
                case = ET.SubElement(
                    suite, "testcase", classname=result.rule.id, name="fixtures", file=path
                )
                ET.SubElement(case, "skipped", message="the rule has no fixtures")
                counts["tests"] += 1
                counts["skipped"] += 1
                continue
            for item in result.fixtures:
                case = ET.SubElement(
                    suite, "testcase", classname=result.rule.id, name=item.fixture.name, file=path
                )
                counts["tests"] += 1
                if not item.ok:
                    counts["failures"] += 1
                    failure = ET.SubElement(case, "failure", message="findings differ")
                    failure.text = "\n".join(failure_lines(item))
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("errors", "0")
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
