"""``regional_exclusion``: the selected practices must stay out of the listed regions.

Parameters
    ``regions`` (required)
        Codes, subdivisions or groups where the practice must not run (``[EEA, UK, CH]``).
    ``mode`` (optional)
        ``active`` (default): the practice must not apply there at all;
        ``default_on``: it may apply, but must not enroll users there by default.
    ``when`` (optional)
        ``ever`` (default) or ``as_of``, as for ``opt_in_default``.
    ``group`` (optional)
        A group of users (``under_16``, ``minors``...) the practice must not reach there, not
        even with consent (a ban, as Maryland's on targeted advertising to minors): met where
        the setting states it never reaches the group (``excluded_groups``, a wider age group
        covering a narrower one).

A group listed in a setting's ``include`` (``ALL``, ``EEA``) covers its members; an
``exclude`` of a country covers its subdivisions. The finding names each offending region,
collapsed back to a group name where a whole group offends, and the period.

Not evaluable when the setting has no region data (or, for ``default_on``, no default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from consentrules import hookimpl
from consentrules.engine.evaluation import EvalContext
from consentrules.engine.evaluation import Span
from consentrules.engine.evaluation import enrols_no_one
from consentrules.engine.evaluation import spans
from consentrules.engine.findings import GROUP_PARAM
from consentrules.engine.findings import REGIONS_PARAM
from consentrules.engine.findings import WHEN_PARAM
from consentrules.engine.findings import PerSettingCheck
from consentrules.engine.findings import default_on_in
from consentrules.engine.findings import gap_finding
from consentrules.engine.findings import group_excluded
from consentrules.engine.findings import group_words
from consentrules.engine.findings import never_on_by_default
from consentrules.engine.findings import prepare_regions_mask
from consentrules.engine.findings import region_finding
from consentrules.engine.findings import uncertain_span_gap
from consentrules.model import Finding
from consentrules.model import Rule
from consentrules.model import Setting
from consentrules.model.regions import RegionRegistry
from consentrules.plugin.registry import CheckKindRegistry

MODES = ("active", "default_on")


@dataclass(frozen=True)
class Prepared:
    mask: int  # the excluded regions as a bit mask
    mode: str
    when: str
    group: str | None = None


class RegionalExclusion(PerSettingCheck):
    name = "regional_exclusion"
    description = "Selected practices must not be active (or on by default) in listed regions."
    params_schema: Mapping[str, Any] = {
        "type": "object",
        "required": ["regions"],
        "properties": {
            "regions": REGIONS_PARAM,
            "mode": {"enum": list(MODES)},
            "when": WHEN_PARAM,
            "group": GROUP_PARAM,
        },
    }

    def prepare(self, params: Mapping[str, Any], regions: RegionRegistry) -> Prepared:
        mask = prepare_regions_mask(params["regions"], regions)
        assert mask is not None  # required by the schema
        return Prepared(
            mask, params.get("mode", "active"), params.get("when", "ever"), params.get("group")
        )

    def applies(self, rule: Rule, setting: Setting) -> bool:
        """Whether the rule's premise holds for the setting: in ``default_on`` mode, users
        enrolled by default somewhere, at some time; always in ``active`` mode."""
        return rule.prepared.mode != "default_on" or not never_on_by_default(setting)

    def check_setting(self, rule: Rule, setting: Setting, ctx: EvalContext) -> Finding | None:
        group = rule.prepared.group
        if group is not None and group_excluded(setting, group):
            return None
        if rule.prepared.mode == "default_on" and never_on_by_default(setting):
            # The rule's premise (users enrolled by default) does not hold anywhere: nothing to
            # judge, whether or not the snapshot says where the setting applies.
            return None
        return self.full_check(rule, setting, ctx)

    def full_check(self, rule: Rule, setting: Setting, ctx: EvalContext) -> Finding | None:
        prepared: Prepared = rule.prepared
        offending: list[tuple[Span, int]] = []
        gaps: list[str] = []
        for span in spans(setting, ctx.as_of, prepared.when):
            applicable = ctx.applicable_mask(span.state)
            if applicable is None:
                if prepared.mode != "default_on" or not enrols_no_one(span.state):
                    gaps.append("the snapshot does not say in which regions the setting applies")
                continue
            hit = applicable & prepared.mask
            if hit and prepared.mode == "default_on":
                hit = default_on_in(span, hit, setting, ctx, gaps)
            if hit and span.certain:
                offending.append((span, hit))
            elif hit:
                gaps.append(uncertain_span_gap(span, ctx))
        if offending:
            verb = "enrolls users by default" if prepared.mode == "default_on" else "applies"
            tail = ", where the rule excludes it"
            if prepared.group is not None:
                who = group_words(prepared.group)
                verb = (
                    f"enrolls {who} by default"
                    if prepared.mode == "default_on"
                    else f"reaches {who}"
                )
                tail = (
                    ", where the rule bars it for them, consent or not (the snapshot does not "
                    "state that the setting never reaches them: excluded_groups)"
                )
            return region_finding(
                ctx,
                rule,
                setting,
                verb,
                offending,
                tail=tail,
                gaps=gaps,
                problem="default_on" if prepared.mode == "default_on" else "active",
            )
        return gap_finding(ctx, rule, setting, gaps)


@hookimpl
def consentrules_register_check_kinds(registry: CheckKindRegistry) -> None:
    registry.add(RegionalExclusion())
