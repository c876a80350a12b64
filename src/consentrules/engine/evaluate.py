"""Evaluate rules against snapshots: pure, deterministic, blame-aware.

The engine selects each rule's settings, hands them to the rule's check kind and collects the
findings, sorted in a stable order. A check kind provided by a plugin that raises is reported
as a :class:`PluginError` naming that plugin, the kind and the rule.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from functools import partial
from typing import Any

from consentrules.engine.evaluation import EvalContext
from consentrules.engine.evaluation import inactive_settings
from consentrules.engine.selection import SettingIndex
from consentrules.model import Finding
from consentrules.model import Rule
from consentrules.model import Severity
from consentrules.model import Snapshot
from consentrules.model import Status
from consentrules.model.dates import PartialDate
from consentrules.model.errors import PluginError
from consentrules.model.regions import RegionRegistry
from consentrules.plugin.registry import CheckKindRegistry


class Engine:
    """Holds the check kinds and regions; :meth:`evaluate` is free of side effects."""

    def __init__(self, kinds: CheckKindRegistry, regions: RegionRegistry) -> None:
        self.kinds = kinds
        self.regions = regions

    def evaluate(
        self,
        rules: Sequence[Rule],
        snapshot: Snapshot,
        *,
        as_of: PartialDate | None = None,
        options: Mapping[str, Any] | None = None,
        coverage: dict[str, dict[str, Any]] | None = None,
    ) -> list[Finding]:
        """Every finding of every rule on one snapshot, sorted, with source lines resolved.

        With ``coverage``, it is filled per rule id with what the rule evaluated and found
        compliant (see :func:`cover`).
        """
        ctx = EvalContext(
            snapshot=snapshot,
            as_of=as_of or snapshot.taken_at,
            regions=self.regions,
            options=options or {},
        )
        findings: list[Finding] = []
        settings: Sequence[Any] = snapshot.settings
        inactive = inactive_settings(settings, ctx.as_of)
        if inactive:  # not yet activated on the evaluation date: nothing to judge
            skip = set(inactive)
            settings = [s for s in settings if s.id not in skip]
        index = SettingIndex(settings)
        disputed = [s for s in settings if s.disputed_categories]
        for rule in rules:
            selected = index.select(rule.selector, ctx)
            found = list(self._run(rule, selected, ctx))
            if disputed:
                from consentrules.engine.disputed import disputed_findings

                found += disputed_findings(rule, disputed, selected, found, ctx, self._run)
            if coverage is not None:
                premise = getattr(self.kinds.get(rule.check_kind), "applies", None)
                coverage[rule.id] = cover(selected, found, premise and partial(premise, rule))
            findings.extend(found)
        findings.sort(key=Finding.sort_key)
        return locate(findings, snapshot)

    def _run(self, rule: Rule, selected: Sequence[Any], ctx: EvalContext) -> Iterable[Finding]:
        until = rule.in_force_until
        if until is not None and until.first <= ctx.as_of.last:
            from consentrules.engine.in_force import judge_until

            return judge_until(rule, until, selected, ctx, self._dated)
        return self._dated(rule, selected, ctx)

    def _dated(self, rule: Rule, selected: Sequence[Any], ctx: EvalContext) -> list[Finding]:
        if rule.in_force_in:
            from consentrules.engine.in_force_regions import judge_by_region

            return judge_by_region(rule, selected, ctx, self._judge)
        if rule.in_force_from is not None:
            from consentrules.engine.in_force import judge_from

            return judge_from(rule, rule.in_force_from, selected, ctx, self._judge)
        return list(self._judge(rule, selected, ctx))

    def _judge(self, rule: Rule, selected: Sequence[Any], ctx: EvalContext) -> list[Finding]:
        kind = self.kinds.get(rule.check_kind)
        with self.kinds.blame(rule.check_kind, f"failed on rule {rule.id!r} ({ctx.snapshot.path})"):
            found = list(kind.evaluate(rule, selected, ctx))
        for item in found:
            if not isinstance(item, Finding):
                raise PluginError(
                    f"check kind {rule.check_kind!r} yielded {type(item).__name__}, not a Finding",
                    plugin=self.kinds.provider(rule.check_kind),
                )
            if not isinstance(item.severity, Severity) or not isinstance(item.status, Status):
                raise PluginError(
                    f"check kind {rule.check_kind!r} yielded a Finding with the unknown severity "
                    f"or status {item.severity!r}/{item.status!r} (use ctx.finding, which fills "
                    "them in)",
                    plugin=self.kinds.provider(rule.check_kind),
                )
        if rule.review is not None and found:
            from consentrules.engine.review import reviewed

            found = reviewed(rule, rule.review, found, selected, ctx)
        if rule.selector is not None and rule.selector.regions and found:
            from consentrules.engine.reach import where_unknown

            found = where_unknown(rule, found, selected, ctx)
        return found


def cover(
    selected: Sequence[Any],
    found: Sequence[Finding],
    applies: Callable[[Any], bool] | None = None,
) -> dict[str, Any]:
    """What one rule evaluated on one snapshot: the settings it selected, how many of them it
    found nothing about (compliant, and the first of those in snapshot order), and, for a kind
    that can tell (an ``applies(rule, setting)`` method), how many of those its premise did
    not apply to (not applicable: a default rule and a setting off by default everywhere)."""
    from consentrules.model.findings import COVERAGE_SAMPLE

    flagged = {f.target_id for f in found if f.target_kind == "setting"}
    sample: list[str] = []
    flagged_selected = not_applicable = 0
    for setting in selected:
        if setting.id in flagged:
            flagged_selected += 1
        elif applies is not None and not applies(setting):
            not_applicable += 1
        elif len(sample) < COVERAGE_SAMPLE:
            sample.append(setting.id)
    return {
        "evaluated": len(selected),
        "compliant": len(selected) - flagged_selected - not_applicable,
        "not_applicable": not_applicable,
        "compliant_settings": sample,
    }


def merge_coverage(parts: Sequence[Mapping[str, Mapping[str, Any]]]) -> dict[str, dict[str, Any]]:
    """The coverage of a snapshot checked in parts (in snapshot order), as one check gives it."""
    from consentrules.model.findings import COVERAGE_SAMPLE

    out: dict[str, dict[str, Any]] = {}
    for part in parts:
        for rule_id, got in part.items():
            have = out.setdefault(
                rule_id,
                {"evaluated": 0, "compliant": 0, "not_applicable": 0, "compliant_settings": []},
            )
            have["evaluated"] += got["evaluated"]
            have["compliant"] += got["compliant"]
            have["not_applicable"] += got["not_applicable"]
            room = COVERAGE_SAMPLE - len(have["compliant_settings"])
            have["compliant_settings"].extend(got["compliant_settings"][:room])
    return out


def locate(findings: list[Finding], snapshot: Snapshot) -> list[Finding]:
    """Fill in line and column from the snapshot's source map (only for these findings)."""
    prepare = getattr(snapshot.source_map, "prepare", None)
    if prepare is not None and findings:
        prepare([f.pointer for f in findings if f.line is None and f.snapshot == snapshot.path])
    out = []
    for finding in findings:
        if finding.line is None and finding.pointer and finding.snapshot == snapshot.path:
            position = snapshot.source_map.locate(finding.pointer)
            if position:
                finding = finding.at(*position)
        out.append(finding)
    return out
