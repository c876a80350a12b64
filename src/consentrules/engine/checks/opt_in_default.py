"""``opt_in_default``: the selected settings must not enroll users by default.

Parameters
    ``regions`` (optional)
        Only these regions count (codes, subdivisions or groups); default: everywhere.
    ``when`` (optional)
        ``ever`` (default): any state from activation up to the evaluation date, so a default
        that was on for a while and later turned off is still reported, with its period;
        ``as_of``: only the state on the evaluation date; ``history``: only past periods.
    ``group`` (optional)
        A group of users (``minors``...): where the setting states a default for that group
        (``group_defaults``), that default is judged, everywhere and for the setting's whole
        life; where it does not, the group gets the general default.

Per-region overrides (``region_defaults``) count, the most specific term winning. The finding
names the regions where users are enrolled by default and since when.

Not evaluable when the snapshot does not say whether users are enrolled (``default`` missing),
or when the rule names regions and the setting has no region data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from consentrules import hookimpl
from consentrules.engine.evaluation import EvalContext
from consentrules.engine.evaluation import Span
from consentrules.engine.evaluation import enrols_no_one
from consentrules.engine.evaluation import join_periods
from consentrules.engine.evaluation import spans
from consentrules.engine.findings import GROUP_PARAM
from consentrules.engine.findings import REGIONS_PARAM
from consentrules.engine.findings import WHEN_PARAM
from consentrules.engine.findings import PerSettingCheck
from consentrules.engine.findings import default_on_in
from consentrules.engine.findings import for_group
from consentrules.engine.findings import gap_finding
from consentrules.engine.findings import group_default_stated
from consentrules.engine.findings import group_words
from consentrules.engine.findings import joined_spans
from consentrules.engine.findings import never_on_by_default
from consentrules.engine.findings import prepare_regions_mask
from consentrules.engine.findings import region_finding
from consentrules.engine.findings import span_facts
from consentrules.engine.findings import uncertain_span_gap
from consentrules.model import Finding
from consentrules.model import Rule
from consentrules.model import Setting
from consentrules.model.regions import RegionRegistry
from consentrules.plugin.registry import CheckKindRegistry

UNKNOWN_REGIONS = "the snapshot does not say in which regions the setting applies"


@dataclass(frozen=True)
class Prepared:
    mask: int | None  # the rule's regions as a bit mask; None: everywhere
    when: str
    group: str | None = None


class OptInDefault(PerSettingCheck):
    name = "opt_in_default"
    description = "Selected settings must not enroll users by default (everywhere or in regions)."
    params_schema: Mapping[str, Any] = {
        "type": "object",
        "properties": {"regions": REGIONS_PARAM, "when": WHEN_PARAM, "group": GROUP_PARAM},
    }

    def prepare(self, params: Mapping[str, Any], regions: RegionRegistry) -> Prepared:
        return Prepared(
            prepare_regions_mask(params.get("regions"), regions),
            params.get("when", "ever"),
            params.get("group"),
        )

    def applies(self, rule: Rule, setting: Setting) -> bool:
        """Whether the rule's premise holds for the setting: users enrolled by default
        somewhere, at some time (for the rule's group, if it names one)."""
        if rule.prepared.group is not None:
            setting = for_group(setting, rule.prepared.group)
        return not never_on_by_default(setting)

    def check_setting(self, rule: Rule, setting: Setting, ctx: EvalContext) -> Finding | None:
        who, note = "users", ""
        group = rule.prepared.group
        if group is not None:
            who = group_words(group)
            if not group_default_stated(setting, group):
                note = "; the snapshot states no default for them, so the general one applies"
            setting = for_group(setting, group)
        if never_on_by_default(setting):
            # Off by default everywhere and always: the rule's premise does not hold, whether or
            # not the snapshot says where the setting applies.
            return None
        return self.full_check(rule, setting, ctx, who, note)

    def full_check(
        self, rule: Rule, setting: Setting, ctx: EvalContext, who: str = "users", note: str = ""
    ) -> Finding | None:
        prepared: Prepared = rule.prepared
        registry = ctx.regions
        offending: list[tuple[Span, int]] = []
        gaps: list[str] = []
        regions_unknown = False
        for span in spans(setting, ctx.as_of, prepared.when):
            applicable = ctx.applicable_mask(span.state)
            if applicable is None:
                if prepared.mask is not None:
                    if not enrols_no_one(span.state):
                        gaps.append(UNKNOWN_REGIONS)
                    continue
                applicable = registry.all_mask
                regions_unknown = True
            within = applicable if prepared.mask is None else applicable & prepared.mask
            if not within:
                continue
            on = default_on_in(span, within, setting, ctx, gaps)
            if on and span.certain:
                offending.append((span, on))
            elif on:
                gaps.append(uncertain_span_gap(span, ctx))
        if offending and regions_unknown:
            message = (
                f"enrolls {who} by default wherever it applies (the snapshot lists no regions)"
            )
            joined = joined_spans(offending)
            periods = [span.describe() for span, _ in joined]
            evidence: dict[str, Any] = {"periods": periods, "spans": span_facts(joined)}
            text = f"{message} {join_periods(periods)}".strip()
            unique = list(dict.fromkeys(gaps))
            if unique:
                text += "; also not evaluable: " + "; ".join(unique)
                evidence["not_evaluable"] = unique
            return ctx.setting_finding(rule, setting, text, evidence=evidence)
        if offending:
            return region_finding(
                ctx,
                rule,
                setting,
                f"enrolls {who} by default (opt-out{note})",
                offending,
                gaps=gaps,
            )
        return gap_finding(ctx, rule, setting, gaps)


@hookimpl
def consentrules_register_check_kinds(registry: CheckKindRegistry) -> None:
    registry.add(OptInDefault())
