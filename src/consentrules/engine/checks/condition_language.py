"""The condition language of custom rules and reviews: its JSON Schema, compiling a
condition (type-checked against the fields it tests), evaluating it three-valued over a
view of a setting or a version (unknown where a field is not stated), and describing it as an
expression (for ``rules explain`` and evidence; messages use :mod:`consentrules.engine.words`).
The ``condition`` check kind (:mod:`.condition`) is built on it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from consentrules.engine.checks.condition_fields import _check_types
from consentrules.engine.checks.condition_fields import _path
from consentrules.engine.checks.condition_fields import _path_text
from consentrules.engine.checks.condition_fields import compile_regex
from consentrules.engine.checks.condition_fields import field_type
from consentrules.model.dates import DateFormatError
from consentrules.model.dates import PartialDate
from consentrules.model.dates import parse_date
from consentrules.plugin.registry import ParamError

OPERATORS = (
    "equals",
    "not_equals",
    "in",
    "contains",
    "matches",
    "exists",
    "before",
    "after",
    "lt",
    "le",
    "gt",
    "ge",
)
SUBJECTS = ("setting", "disclosure_version")
_MISSING = object()

#: ``says``: the condition in words, for messages ("notice before the start").
_SAYS = {"type": "string", "minLength": 1}
CONDITION_DEFS: dict[str, Any] = {
    "$defs": {
        "condition": {
            "type": "object",
            "minProperties": 1,
            "oneOf": [
                {
                    "required": ["all"],
                    "additionalProperties": False,
                    "properties": {"all": {"$ref": "#/$defs/conditions"}, "says": _SAYS},
                },
                {
                    "required": ["any"],
                    "additionalProperties": False,
                    "properties": {"any": {"$ref": "#/$defs/conditions"}, "says": _SAYS},
                },
                {
                    "required": ["not"],
                    "additionalProperties": False,
                    "properties": {"not": {"$ref": "#/$defs/condition"}, "says": _SAYS},
                },
                {
                    "required": ["field"],
                    "anyOf": [{"required": [op]} for op in OPERATORS],
                    "minProperties": 2,
                    "maxProperties": 3,
                    "additionalProperties": False,
                    "properties": {
                        "field": {"type": "string", "minLength": 1},
                        "says": _SAYS,
                        **{op: {} for op in OPERATORS},
                    },
                },
            ],
        },
        "conditions": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}},
    }
}


@dataclass(frozen=True)
class Test:
    field: tuple[str, ...]
    op: str
    value: Any
    says: str = ""  # the test in words, where the rule gives them


@dataclass(frozen=True)
class Node:
    op: str  # all / any / not / test
    children: tuple[Any, ...]
    says: str = ""


def compile_node(
    raw: Mapping[str, Any], key: tuple[str | int, ...], subject: str = "setting"
) -> Node | Test:
    says = str(raw.get("says") or "")
    if "all" in raw or "any" in raw:
        op = "all" if "all" in raw else "any"
        return Node(
            op,
            tuple(compile_node(c, (*key, op, i), subject) for i, c in enumerate(raw[op])),
            says,
        )
    if "not" in raw:
        return Node("not", (compile_node(raw["not"], (*key, "not"), subject),), says)
    op = next(k for k in raw if k not in ("field", "says"))
    value = raw[op]
    where = (*key, op)
    if op in ("lt", "le", "gt", "ge") and (
        isinstance(value, bool) or not isinstance(value, (int, float)) or value != value
    ):
        raise ParamError(f"{op!r} needs a number, not {value!r}", where)
    if op == "in" and not isinstance(value, list):
        raise ParamError("'in' needs a list of values", where)
    _check_types(subject, raw, op, where)
    if op in ("equals", "not_equals") and field_type(subject, _path(raw)) == "date":
        try:
            value = parse_date(value)
        except DateFormatError as exc:
            raise ParamError(f"{_path_text(raw)!r} is a date: {exc}", where) from None
    if op == "matches":
        if not isinstance(value, str):
            raise ParamError("'matches' needs a regular expression (text)", where)
        value = compile_regex(value, where)
    elif op in ("before", "after"):
        try:
            value = parse_date(value)
        except DateFormatError as exc:
            raise ParamError(str(exc), where) from None
    elif op == "exists" and not isinstance(value, bool):
        raise ParamError("'exists' needs true or false", where)
    return Test(tuple(str(raw["field"]).split(".")), op, value, says)


def _lookup(view: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = view
    for part in path:
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        else:
            return _MISSING
    return value


def eval_node(node: Node | Test, view: Mapping[str, Any]) -> bool | None:
    if isinstance(node, Node):
        results = [eval_node(child, view) for child in node.children]
        if node.op == "not":
            return None if results[0] is None else not results[0]
        if node.op == "all":
            if False in results:
                return False
            return None if None in results else True
        if True in results:
            return True
        return None if None in results else False
    value = _lookup(view, node.field)
    if node.op == "exists":
        return bool((value is not _MISSING and value is not None) == node.value)
    if value is _MISSING or value is None:
        return None
    return _test(node.op, value, node.value)


def _same_day(value: Any, wanted: PartialDate) -> bool | None:
    """Three-valued equality of a date field with a date: None when a month leaves it open."""
    if not isinstance(value, PartialDate):
        try:
            value = parse_date(value)
        except DateFormatError:
            return None
    if value.precise and wanted.precise:
        return bool(value == wanted)
    if value.last < wanted.first or value.first > wanted.last:
        return False
    return None


def _test(op: str, value: Any, wanted: Any) -> bool | None:
    """One field test; None (not evaluable) where the value's type cannot be compared, which
    only a ``metadata`` value can reach (other fields' types are checked at load)."""
    if op in ("equals", "not_equals"):
        if isinstance(wanted, PartialDate):
            same = _same_day(value, wanted)
        elif isinstance(value, (list, tuple)) != isinstance(wanted, list):
            return None
        else:
            same = (list(value) if isinstance(value, tuple) else value) == wanted
        if same is None:
            return None
        return bool(same) if op == "equals" else not same
    if op == "in":
        return bool(value in wanted) if not isinstance(value, (list, dict)) else None
    if op == "contains":
        if isinstance(value, (list, tuple, frozenset, set)):
            return bool(wanted in value)
        if isinstance(value, str):
            return str(wanted) in value
        return None
    if op == "matches":
        if isinstance(value, (list, tuple)):
            return any(isinstance(v, str) and wanted.search(v) is not None for v in value)
        if not isinstance(value, str):
            return None
        return wanted.search(value) is not None
    if op in ("before", "after"):
        if not isinstance(value, PartialDate):
            try:
                value = parse_date(value)
            except DateFormatError:
                return None
        result: bool | None = value.is_before(wanted) if op == "before" else value.is_after(wanted)
        return result
    number = len(value) if isinstance(value, (list, tuple)) else value
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        return None
    return bool(
        {
            "lt": number < wanted,
            "le": number <= wanted,
            "gt": number > wanted,
            "ge": number >= wanted,
        }[op]
    )


def describe_node(node: Node | Test) -> str:
    if isinstance(node, Test):
        value = node.value.pattern if node.op == "matches" else node.value
        return f"{'.'.join(node.field)} {node.op} {value}"
    if node.op == "not":
        return f"not ({describe_node(node.children[0])})"
    return (
        "("
        + f" {node.op} ".join(describe_node(c) for c in node.children)
        .replace(" all ", " and ")
        .replace(" any ", " or ")
        + ")"
    )
