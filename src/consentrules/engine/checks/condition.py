"""``condition``: custom rules without Python, as ``all`` / ``any`` / ``not`` over field tests.

Parameters
    ``subject`` (optional)
        What each test looks at: ``setting`` (default; its state on the evaluation date) or
        ``disclosure_version`` (every version of every disclosure, with its document's ``id``,
        ``kind`` and ``title`` under ``document``).
    ``require`` or ``forbid`` (exactly one)
        A condition. ``require``: a finding for each subject where it does not hold;
        ``forbid``: a finding for each subject where it holds.

A condition is ``{all: [...]}``, ``{any: [...]}``, ``{not: condition}``, or a field test:
``{field: NAME, OPERATOR: VALUE}`` with one operator of:

``equals``, ``not_equals``, ``in`` (the field's value is one of a list), ``contains`` (a list
field has the value, or a text field contains it), ``matches`` (a regular expression found in
a text field), ``exists`` (true/false), ``before`` / ``after`` (dates; a month-only date
counts only if every day of it qualifies), ``lt``, ``le``, ``gt``, ``ge`` (numbers; on a list
field, its length).

Field names are dotted paths: ``id``, ``title``, ``purposes``, ``data_categories``,
``recipients``, ``default``, ``region_defaults.EEA``, ``regions.include``, ``activated_at``,
``metadata.owner``; for versions also ``version``, ``published_at``, ``effective_at``,
``describes_opt_out``, ``statements``, ``excerpts``, ``document.kind``.

A test on a field the subject lacks is unknown, not false: if the verdict depends on it the
subject is reported as not evaluable (use ``exists`` to test for presence). A list the
snapshot does not state (no ``recipients`` key at all) is lacking, not empty.

Types are checked, never silently false: where the field's type is known (every field above
except ``metadata.*``), an operator or value that does not fit it (``purposes equals 3``,
``title before 2024-01-01``) is refused when the rule loads, at its line, and an unknown field
name is refused with "did you mean". A ``metadata`` value of a type the test cannot compare
makes the subject not evaluable.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from consentrules import hookimpl
from consentrules.engine.checks.condition_fields import _check_types
from consentrules.engine.checks.condition_fields import _path
from consentrules.engine.checks.condition_fields import _path_text
from consentrules.engine.checks.condition_fields import _version_view
from consentrules.engine.checks.condition_fields import compile_regex
from consentrules.engine.checks.condition_fields import field_type
from consentrules.engine.checks.condition_fields import setting_view
from consentrules.engine.evaluation import EvalContext
from consentrules.engine.evaluation import spans
from consentrules.model import Finding
from consentrules.model import Rule
from consentrules.model import Setting
from consentrules.model import Status
from consentrules.model.dates import DateFormatError
from consentrules.model.dates import PartialDate
from consentrules.model.dates import parse_date
from consentrules.model.regions import RegionRegistry
from consentrules.model.regions import UnknownRegionError
from consentrules.plugin.registry import CheckKindRegistry
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

CONDITION_DEFS: dict[str, Any] = {
    "$defs": {
        "condition": {
            "type": "object",
            "minProperties": 1,
            "oneOf": [
                {
                    "required": ["all"],
                    "additionalProperties": False,
                    "properties": {"all": {"$ref": "#/$defs/conditions"}},
                },
                {
                    "required": ["any"],
                    "additionalProperties": False,
                    "properties": {"any": {"$ref": "#/$defs/conditions"}},
                },
                {
                    "required": ["not"],
                    "additionalProperties": False,
                    "properties": {"not": {"$ref": "#/$defs/condition"}},
                },
                {
                    "required": ["field"],
                    "minProperties": 2,
                    "maxProperties": 2,
                    "additionalProperties": False,
                    "properties": {
                        "field": {"type": "string", "minLength": 1},
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


@dataclass(frozen=True)
class Node:
    op: str  # all / any / not / test
    children: tuple[Any, ...]


@dataclass(frozen=True)
class Prepared:
    subject: str
    forbid: bool
    condition: Node | Test


def _scope(rule: Rule, setting: Setting, ctx: EvalContext) -> int | None:
    """The people a condition on a setting is about: where the setting applies on the
    evaluation date, within the rule's jurisdictions (a notice must reach them)."""
    current = spans(setting, ctx.as_of, "as_of")
    state = current[-1].state if current else setting.initial_state
    applies = ctx.applicable_mask(state)
    if applies is None or not rule.jurisdictions:
        return applies
    try:
        return applies & ctx.regions.mask_all(rule.jurisdictions)
    except UnknownRegionError:
        return applies


class Condition:
    name = "condition"
    # Each setting is judged alone; disclosure versions are judged once a setting is selected.
    per_setting = True
    description = "A custom rule: all/any/not over field tests on settings or disclosures."
    params_schema: Mapping[str, Any] = {
        "type": "object",
        "properties": {
            "subject": {"enum": list(SUBJECTS)},
            "require": {"$ref": "#/$defs/condition"},
            "forbid": {"$ref": "#/$defs/condition"},
        },
        "oneOf": [{"required": ["require"]}, {"required": ["forbid"]}],
        **CONDITION_DEFS,
    }

    def prepare(self, params: Mapping[str, Any], regions: RegionRegistry) -> Prepared:
        key = "require" if "require" in params else "forbid"
        subject = params.get("subject", "setting")
        return Prepared(
            subject=subject,
            forbid=key == "forbid",
            condition=compile_node(params[key], (key,), subject),
        )

    def evaluate(
        self, rule: Rule, settings: Sequence[Setting], ctx: EvalContext
    ) -> Iterator[Finding]:
        prepared: Prepared = rule.prepared
        if prepared.subject == "setting":
            for setting in settings:
                yield from self._judge(
                    rule,
                    prepared,
                    ctx,
                    setting_view(setting, ctx, _scope(rule, setting, ctx)),
                    "setting",
                    setting.id,
                    setting.pointer,
                )
        elif settings:
            for document in ctx.snapshot.disclosures:
                for version in document.versions:
                    view = _version_view(version, document)
                    yield from self._judge(
                        rule, prepared, ctx, view, "disclosure", document.id, version.pointer
                    )

    def _judge(
        self,
        rule: Rule,
        prepared: Prepared,
        ctx: EvalContext,
        view: Mapping[str, Any],
        target_kind: str,
        target_id: str,
        pointer: str,
    ) -> Iterator[Finding]:
        result = eval_node(prepared.condition, view)
        verb = "forbidden" if prepared.forbid else "required"
        described = describe_node(prepared.condition)
        if result is None:
            yield ctx.finding(
                rule,
                target_kind=target_kind,
                target_id=target_id,
                pointer=pointer,
                message=f"not evaluable: a field the condition needs is missing ({described})",
                status=Status.NOT_EVALUABLE,
            )
        elif result == prepared.forbid:
            label = f" version {view.get('version')}" if target_kind == "disclosure" else ""
            yield ctx.finding(
                rule,
                target_kind=target_kind,
                target_id=target_id,
                pointer=pointer,
                message=f"{target_kind}{label} "
                + (
                    "meets the forbidden condition"
                    if prepared.forbid
                    else "does not meet the required condition"
                )
                + f" ({verb}: {described})",
            )


def compile_node(
    raw: Mapping[str, Any], key: tuple[str | int, ...], subject: str = "setting"
) -> Node | Test:
    if "all" in raw or "any" in raw:
        op = "all" if "all" in raw else "any"
        return Node(
            op, tuple(compile_node(c, (*key, op, i), subject) for i, c in enumerate(raw[op]))
        )
    if "not" in raw:
        return Node("not", (compile_node(raw["not"], (*key, "not"), subject),))
    op = next(k for k in raw if k != "field")
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
    return Test(tuple(str(raw["field"]).split(".")), op, value)


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


@hookimpl
def consentrules_register_check_kinds(registry: CheckKindRegistry) -> None:
    registry.add(Condition())
