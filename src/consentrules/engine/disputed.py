"""Disputed data categories: what a regulator, a complaint or a lawsuit alleges a setting uses
and the platform denies (``disputed_categories``). A rule whose selector names such a category
is run on the setting as alleged, and what it finds is reported as disputed ("not evaluable",
with the allegation), never as a violation: the snapshot cannot settle a disputed fact."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any

from consentrules.engine.evaluation import EvalContext
from consentrules.engine.selection import selects
from consentrules.model import Finding
from consentrules.model import Rule
from consentrules.model import Setting
from consentrules.model import Status


def alleged(setting: Setting) -> Setting:
    """The setting as the allegation describes it: its disputed categories counted as used."""
    extra = tuple(c for c in setting.disputed_categories if c not in setting.data_categories)
    return dataclasses.replace(setting, data_categories=(*setting.data_categories, *extra))


def disputed_findings(
    rule: Rule,
    disputed: Sequence[Setting],
    selected: Sequence[Any],
    found: Sequence[Finding],
    ctx: EvalContext,
    judge: Callable[[Rule, Sequence[Any], EvalContext], Iterable[Finding]],
) -> list[Finding]:
    """The rule's findings on the settings it selects only through a disputed category,
    reported as disputed."""
    wanted = rule.selector.values("data_categories")
    if not wanted:
        return []
    chosen = {setting.id for setting in selected}
    extra = [
        version
        for setting in disputed
        if setting.id not in chosen and set(wanted) & set(setting.disputed_categories)
        for version in (alleged(setting),)
        if selects(rule.selector, version, ctx)
    ]
    if not extra:
        return []
    seen = {(f.target_kind, f.target_id) for f in found}
    out = []
    for finding in judge(rule, extra, ctx):
        if (finding.target_kind, finding.target_id) in seen:
            continue  # already judged on what is not in dispute
        setting = next((s for s in extra if s.id == finding.target_id), None)
        alleged_cats = (
            setting.disputed_categories
            if setting is not None
            else tuple(dict.fromkeys(c for s in extra for c in s.disputed_categories))
        )
        cats = ", ".join(alleged_cats)
        out.append(
            dataclasses.replace(
                finding,
                status=Status.NOT_EVALUABLE,
                message=f"disputed: the rule applies only if the setting uses {cats}, which is "
                f"alleged and denied; if it does: {finding.message}",
                evidence={
                    **finding.evidence,
                    "disputed_categories": list(alleged_cats),
                },
            )
        )
    return out
