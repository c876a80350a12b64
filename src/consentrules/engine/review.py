"""A rule's ``review``: where the law accepts a practice under conditions (legitimate interest
with prior notice and a working objection route, for example), a violation about a setting
that meets them becomes a finding to review, at the review's severity, naming the conditions.

Where the conditions do not hold, or the snapshot cannot tell, the violation stands: a
downgrade needs the facts that support it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from consentrules.engine.checks.condition_fields import setting_view
from consentrules.engine.checks.condition_language import CONDITION_DEFS
from consentrules.engine.checks.condition_language import Node
from consentrules.engine.checks.condition_language import Test
from consentrules.engine.checks.condition_language import compile_node
from consentrules.engine.checks.condition_language import describe_node
from consentrules.engine.checks.condition_language import eval_node
from consentrules.engine.evaluation import EvalContext
from consentrules.engine.words import condition_words
from consentrules.engine.words import join_words
from consentrules.model import Finding
from consentrules.model import Review
from consentrules.model import Rule
from consentrules.model import Setting
from consentrules.model import Status
from consentrules.model.regions import UnknownRegionError
from consentrules.plugin.registry import ParamError


def reviewed(
    rule: Rule, review: Review, found: list[Finding], selected: Sequence[Any], ctx: EvalContext
) -> list[Finding]:
    """``found`` with each violation about a setting that meets the review's condition turned
    into a finding to review.

    The conditions are judged for the people the finding is about: its regions (where the
    setting applies, for a finding that names none), and the rule's purposes. A notice to
    other regions, or of another purpose, does not count; a part of ``in_regions`` applies
    only where the finding's regions include some of its region."""
    by_id = {setting.id: setting for setting in selected}
    purposes = (rule.selector.values("purposes") or None) if rule.selector is not None else None
    out = []
    for finding in found:
        setting = by_id.get(finding.target_id) if finding.target_kind == "setting" else None
        if setting is not None and finding.status is Status.VIOLATION:
            scope = _finding_scope(finding, ctx)
            wanted = _wanted_purposes(setting, purposes)
            holds, failing = holds_for(review.condition, setting, ctx, scope, wanted)
            needs = [condition_words(p) for p in _members(review.condition)]
            for term, mask, condition in review.in_regions:
                part = mask if scope is None else scope & mask
                if not part:
                    continue  # the finding is not about this region: its law asks nothing
                result, parts = holds_for(condition, setting, ctx, part, wanted)
                holds = _and(holds, result)
                needs.append(f"{condition_words(condition)} in {term}")
                failing += [(f"{text} in {term}", value) for text, value in parts]
            if holds:
                finding = dataclasses.replace(
                    finding,
                    severity=review.severity,
                    message=f"to review: {finding.message}; {review.reason}",
                    evidence={**finding.evidence, "review": review.reason},
                )
            else:
                unmet = [text for text, value in failing if value is False]
                unknown = [text for text, value in failing if value is None]
                if len(needs) == 1:  # (one condition: say it once)
                    said = [
                        f"a lower severity needs {needs[0]}, "
                        + ("which is not met here" if unmet else "which the snapshot does not show")
                    ]
                else:
                    said = [f"a lower severity needs {join_words(needs)}"]
                    if unmet:
                        said.append(f"not met here: {join_words(unmet)}")
                    if unknown:
                        said.append(f"not shown by the snapshot: {join_words(unknown)}")
                finding = dataclasses.replace(
                    finding,
                    message=f"{finding.message}; not only a matter for review: " + "; ".join(said),
                    evidence={
                        **finding.evidence,
                        "review_unmet": unmet + unknown,
                        "review_condition": review.described,
                    },
                )
        out.append(finding)
    return out


def _finding_scope(finding: Finding, ctx: EvalContext) -> int | None:
    """The regions a finding is about, as a bit mask; None where it names none (the view
    then takes where the setting applies)."""
    if not finding.regions:
        return None
    try:
        return ctx.regions.mask_all(finding.regions)
    except UnknownRegionError:
        return None


def _wanted_purposes(setting: Setting, purposes: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The purposes the rule is about, of those the setting has (None: all of the setting's)."""
    if not purposes:
        return None
    chosen = tuple(p for p in setting.purposes if p in purposes)
    return chosen or None


def _and(left: bool | None, right: bool | None) -> bool | None:
    if left is False or right is False:
        return False
    return None if left is None or right is None else True


#: The JSON Schema of one condition (what a rule's ``review: when:`` holds).
CONDITION_SCHEMA: dict[str, Any] = {"$ref": "#/$defs/condition", **CONDITION_DEFS}


def compile_condition(raw: Mapping[str, Any], key: tuple[str | int, ...]) -> Node | Test:
    """A condition over a setting, compiled and type-checked (for a rule's ``review``).

    :raises ParamError: as for a ``condition`` rule, at a key under ``key``.
    """
    if not isinstance(raw, Mapping) or not raw:
        raise ParamError("a condition is {all: [...]}, {any: [...]}, {not: ...} or a test", key)
    return compile_node(raw, key, "setting")


def describe_condition(condition: Node | Test) -> str:
    return describe_node(condition)


def holds_for(
    condition: Node | Test,
    setting: Setting,
    ctx: EvalContext,
    scope: int | None = None,
    purposes: tuple[str, ...] | None = None,
) -> tuple[bool | None, list[tuple[str, bool | None]]]:
    """Whether the condition holds for the setting (None: the snapshot cannot tell), for the
    people of ``scope`` (a region bit mask) and ``purposes`` (see :func:`setting_view`), and
    the parts of it that do not hold (each described, with False or None): the members of a
    top-level ``all``, or the whole condition."""
    view = setting_view(setting, ctx, scope, purposes)
    result = eval_node(condition, view)
    if result is True:
        return True, []
    failing = [(condition_words(part), eval_node(part, view)) for part in _members(condition)]
    return result, [(text, value) for text, value in failing if value is not True]


def _members(condition: Node | Test) -> tuple[Node | Test, ...]:
    """The parts a condition is judged by: the members of a top-level ``all`` (with no words
    of its own), or the whole condition."""
    if isinstance(condition, Node) and condition.op == "all" and not condition.says:
        return condition.children
    return (condition,)
