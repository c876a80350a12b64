"""``opt_in_default``: the selected settings must not enroll users by default.

Parameters
    ``regions`` (optional)
        Only these regions count (codes, subdivisions or groups); default: everywhere.
    ``when`` (optional)
        ``ever`` (default): any state from activation up to the evaluation date, so a default
        that was on for a while and later turned off is still reported, with its period;
        ``as_of``: only the state on the evaluation date.

Per-region overrides (``region_defaults``) count, the most specific term winning. The finding
names the regions where users are enrolled by default and since when.

Not evaluable when the snapshot does not say whether users are enrolled (``default`` missing),
or when the rule names regions and the setting has no region data.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from consentrules import hookimpl
from consentrules.evaluation import REGIONS_PARAM
from consentrules.evaluation import WHEN_PARAM
from consentrules.evaluation import EvalContext
from consentrules.evaluation import applicable_leaves
from consentrules.evaluation import default_on_leaves
from consentrules.evaluation import join_periods
from consentrules.evaluation import prepare_regions
from consentrules.evaluation import spans
from consentrules.model import Finding
from consentrules.model import Rule
from consentrules.model import Setting
from consentrules.model import Status
from consentrules.regions import RegionRegistry
from consentrules.registry import CheckKindRegistry


@dataclass(frozen=True)
class Prepared:
    leaves: frozenset[str] | None
    when: str


class OptInDefault:
    name = "opt_in_default"
    description = "Selected settings must not enroll users by default (everywhere or in regions)."
    params_schema: Mapping[str, Any] = {
        "type": "object",
        "properties": {"regions": REGIONS_PARAM, "when": WHEN_PARAM},
    }

    def prepare(self, params: Mapping[str, Any], regions: RegionRegistry) -> Prepared:
        return Prepared(prepare_regions(params.get("regions"), regions), params.get("when", "ever"))

    def evaluate(
        self, rule: Rule, settings: Sequence[Setting], ctx: EvalContext
    ) -> Iterator[Finding]:
        for setting in settings:
            finding = self._one(rule, setting, ctx)
            if finding is not None:
                yield finding

    def _one(self, rule: Rule, setting: Setting, ctx: EvalContext) -> Finding | None:
        prepared: Prepared = rule.prepared
        registry = ctx.regions
        offending: list[tuple[str, frozenset[str]]] = []
        gaps: list[str] = []
        regions_unknown = False
        for span in spans(setting, ctx.as_of, prepared.when):
            applicable = applicable_leaves(span.state, registry)
            if applicable is None:
                if prepared.leaves is not None:
                    gaps.append("the snapshot does not say in which regions the setting applies")
                    continue
                applicable = registry.all_leaves
                regions_unknown = True
            within = applicable if prepared.leaves is None else applicable & prepared.leaves
            if not within:
                continue
            on, unknown = default_on_leaves(span.state, registry, within)
            if unknown and not on:
                gaps.append("the snapshot does not say whether users are enrolled by default")
            if on and span.certain:
                offending.append((span.describe(), on))
            elif on:
                gaps.append(
                    f"a change dated {span.start} may or may not precede the evaluation date "
                    f"{ctx.as_of.describe_range()}"
                )
        if offending:
            leaves = frozenset().union(*(on for _, on in offending))
            if regions_unknown:
                periods = [period for period, _ in offending]
                where = "wherever it applies (the snapshot lists no regions)"
                message = f"enrolls users by default {where}"
                if any(periods):
                    message += " " + join_periods(periods)
            else:
                parts = [f"in {registry.describe(on)} {period}".strip() for period, on in offending]
                message = "enrolls users by default (opt-out) " + join_periods(parts)
            return ctx.setting_finding(
                rule,
                setting,
                message,
                regions=() if regions_unknown else registry.collapse(leaves),
                evidence={
                    "regions_count": None if regions_unknown else registry.count_countries(leaves),
                    "periods": [period for period, _ in offending],
                },
            )
        if gaps:
            return ctx.setting_finding(
                rule,
                setting,
                "not evaluable: " + "; ".join(dict.fromkeys(gaps)),
                status=Status.NOT_EVALUABLE,
            )
        return None


@hookimpl
def consentrules_register_check_kinds(registry: CheckKindRegistry) -> None:
    registry.add(OptInDefault())
