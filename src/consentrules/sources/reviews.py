"""Loading a rule's ``review``: its conditions, checked against the condition schema and
compiled, with errors that point at the rule file and line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from consentrules.model import Review
from consentrules.model import Severity
from consentrules.model.errors import Problem
from consentrules.model.regions import RegionRegistry
from consentrules.model.regions import UnknownRegionError
from consentrules.plugin.registry import ParamError
from consentrules.sources.schema import validate
from consentrules.sources.yamlsource import Document
from consentrules.sources.yamlsource import pointer


def load_review(
    raw: Mapping[str, Any],
    doc: Document,
    index: int,
    rule_id: str,
    regions: RegionRegistry,
    problems: list[Problem],
) -> Review | None:
    """The rule's review, or None with the problems added to ``problems``."""
    from consentrules.engine.review import CONDITION_SCHEMA

    parts: list[tuple[tuple[str | int, ...], Any]] = [(("when",), raw["when"])]
    parts += [(("in_regions", term), cond) for term, cond in (raw.get("in_regions") or {}).items()]
    for key, condition in parts:
        shape = validate(
            condition,
            CONDITION_SCHEMA,
            path=doc.path,
            source_map=doc.source_map,
            base=("rules", index, "review", *key),
            rule_id=rule_id,
        )
        if shape:
            problems.extend(shape)
            return None
    try:
        return compile_review(raw, regions)
    except ParamError as exc:
        ptr = pointer("rules", index, "review", *exc.key)
        locate = getattr(doc.source_map, "locate_key", doc.source_map.locate)
        position = locate(ptr)
        line, column = position if position else (None, None)
        problems.append(
            Problem(doc.path, str(exc), line=line, column=column, hint=exc.hint, rule_id=rule_id)
        )
        return None


def compile_review(raw: Mapping[str, Any], regions: RegionRegistry) -> Review:
    """A rule's ``review``: its conditions compiled as the ``condition`` kind compiles one.

    :raises ParamError: for a condition that cannot hold, or an unknown region (at its key
        under ``review``).
    """
    from consentrules.engine.review import compile_condition
    from consentrules.engine.review import describe_condition

    condition = compile_condition(raw["when"], ("when",))
    scoped = []
    for term, part in (raw.get("in_regions") or {}).items():
        try:
            mask = regions.mask_all((term,))
        except UnknownRegionError as exc:
            raise ParamError(str(exc), ("in_regions", term)) from None
        scoped.append((term, mask, compile_condition(part, ("in_regions", term))))
    return Review(
        reason=raw["reason"].strip(),
        severity=Severity.parse(raw.get("severity", "medium")),
        condition=condition,
        described=describe_condition(condition),
        in_regions=tuple(scoped),
    )
