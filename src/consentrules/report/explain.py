"""``consentrules rules explain ID``: a rule in plain words, with its fixtures as examples."""

from __future__ import annotations

import textwrap
from typing import Any

from consentrules.engine.evaluate import Engine
from consentrules.engine.evaluation import EvalContext
from consentrules.engine.selection import selects
from consentrules.model import Rule
from consentrules.model import Snapshot

WIDTH = 96


def _para(text: str, indent: str = "  ") -> str:
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    return "\n\n".join(
        textwrap.fill(p, WIDTH, initial_indent=indent, subsequent_indent=indent) for p in paragraphs
    )


def _yaml(data: Any, indent: str) -> str:
    import yaml

    text = yaml.safe_dump(data, sort_keys=False, default_flow_style=None, width=88).rstrip()
    lines = text.splitlines()
    if len(lines) > 24:
        lines = [*lines[:24], f"... ({len(lines) - 24} more lines)"]
    return "\n".join(indent + line for line in lines)


def _value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def explain_rule(rule: Rule, config: Any, snapshot: Snapshot | None = None) -> str:
    from consentrules.engine.review import describe_condition

    kind = config.check_kinds.get(rule.check_kind)
    parts = [f"{rule.id}: {rule.title}", ""]
    facts = [
        ("severity", rule.severity.label),
        ("pack", rule.pack or "-"),
        ("jurisdictions", ", ".join(rule.jurisdictions) or "any"),
        ("tags", ", ".join(rule.tags) or "-"),
        ("defined in", f"{rule.path}:{rule.line}"),
    ]
    parts += [f"  {name + ':':<15}{value}" for name, value in facts]
    parts += ["", "Why", _para(rule.description or "(no description)")]
    if rule.remediation:
        parts += ["", "What to do", _para(rule.remediation)]
    if rule.references:
        parts += ["", "The law it rests on"]
        for ref in rule.references:
            parts.append(f"  - {ref.title}" + (f"\n    {ref.url}" if ref.url else ""))
    parts += ["", "What it checks"]
    selection = rule.selector.describe()
    parts.append(
        "  Selects every setting."
        if selection == "every setting"
        else f"  Selects settings with {selection}."
    )
    params = ", ".join(f"{k}: {_value(v)}" for k, v in rule.params.items()) or "no parameters"
    parts.append(_para(f"Check {rule.check_kind} ({params}): {kind.description}"))
    if rule.message:
        parts.append(_para(f"A finding says: {rule.message}"))
    if rule.review is not None:
        parts.append(
            _para(
                f"A violation becomes a finding to review ({rule.review.severity.label}) when: "
                f"{rule.review.described}"
                + "".join(
                    f"; in {term}: {describe_condition(cond)}"
                    for term, _, cond in rule.review.in_regions
                )
                + f" ({rule.review.reason})"
            )
        )
    if rule.restates:
        parts.append(_para(f"Restates {', '.join(rule.restates)}: reports show them together."))
    parts.append("  (consentrules rules show, and the kind's reference in the README, say more.)")
    if rule.fixtures:
        parts += ["", f"Examples ({len(rule.fixtures)} fixtures)"]
        for fixture in rule.fixtures:
            verdict = (
                "no finding" if fixture.passing else "; ".join(e.describe() for e in fixture.expect)
            )
            parts.append(f"  * {fixture.name}: expect {verdict}")
            if fixture.snapshot is not None:
                parts.append(_yaml(dict(fixture.snapshot), "      "))
            else:
                parts.append(f"      (snapshot file {fixture.snapshot_file})")
            if fixture.as_of:
                parts.append(f"      evaluated as of {fixture.as_of}")
    else:
        parts += ["", "Examples", "  This rule has no fixtures yet (see consentrules test)."]
    if snapshot is not None:
        parts += ["", f"On {snapshot.path}"]
        parts += _on_snapshot(rule, config, snapshot)
    return "\n".join(parts) + "\n"


def _on_snapshot(rule: Rule, config: Any, snapshot: Snapshot) -> list[str]:
    ctx = EvalContext(snapshot=snapshot, as_of=snapshot.taken_at, regions=config.regions)
    chosen = [s.id for s in snapshot.settings if selects(rule.selector, s, ctx)]
    lines = [
        f"  selects {len(chosen)} of {len(snapshot.settings)} settings"
        + (f": {', '.join(chosen[:20])}" if chosen else "")
        + (" ..." if len(chosen) > 20 else "")
    ]
    findings = Engine(config.check_kinds, config.regions).evaluate([rule], snapshot)
    if not findings:
        lines.append("  no finding")
    for finding in findings:
        lines.append(
            _para(
                f"{finding.status.value}: {finding.target_kind} {finding.target_id}: "
                f"{finding.message}",
                "  ",
            )
        )
    return lines
