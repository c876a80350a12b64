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
from consentrules.engine.checks.condition_fields import _version_view
from consentrules.engine.checks.condition_fields import setting_view
from consentrules.engine.checks.condition_language import CONDITION_DEFS
from consentrules.engine.checks.condition_language import SUBJECTS
from consentrules.engine.checks.condition_language import Node
from consentrules.engine.checks.condition_language import Test
from consentrules.engine.checks.condition_language import compile_node
from consentrules.engine.checks.condition_language import describe_node
from consentrules.engine.checks.condition_language import eval_node
from consentrules.engine.evaluation import EvalContext
from consentrules.engine.evaluation import spans
from consentrules.engine.words import condition_words
from consentrules.engine.words import fill
from consentrules.engine.words import join_words
from consentrules.model import Finding
from consentrules.model import Rule
from consentrules.model import Setting
from consentrules.model import Status
from consentrules.model.regions import RegionRegistry
from consentrules.model.regions import UnknownRegionError
from consentrules.plugin.registry import CheckKindRegistry


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
        described = describe_node(prepared.condition)
        label = f" version {view.get('version')}" if target_kind == "disclosure" else ""
        if result is None:
            missing = [condition_words(test) for test in _unknown_tests(prepared.condition, view)]
            yield ctx.finding(
                rule,
                target_kind=target_kind,
                target_id=target_id,
                pointer=pointer,
                message="not evaluable: the snapshot does not state "
                + (join_words(missing) or "what the rule needs")
                + f" for this {target_kind}{label}",
                status=Status.NOT_EVALUABLE,
                evidence={"condition": described},
            )
        elif result == prepared.forbid:
            if rule.message:
                message = fill(rule.message, _facts(view, target_kind))
            else:
                what = (
                    "does what the rule forbids"
                    if prepared.forbid
                    else "lacks what the rule requires"
                )
                message = f"the {target_kind}{label} {what}: {rule.title}"
            yield ctx.finding(
                rule,
                target_kind=target_kind,
                target_id=target_id,
                pointer=pointer,
                message=message,
                evidence={
                    "condition": f"{'forbidden' if prepared.forbid else 'required'}: {described}"
                },
            )


def _unknown_tests(node: Node | Test, view: Mapping[str, Any]) -> list[Test]:
    """The tests of a condition the snapshot cannot answer (their field is not stated)."""
    if isinstance(node, Test):
        return [node] if eval_node(node, view) is None else []
    return [test for child in node.children for test in _unknown_tests(child, view)]


def _facts(view: Mapping[str, Any], target_kind: str) -> dict[str, Any]:
    """What a rule's ``message`` may name, from the view of a setting or a version."""
    facts = {key: view.get(key) for key in ("id", "title", "purposes", "data_categories")}
    facts["recipients"] = view.get("recipients")
    regions = view.get("regions")
    facts["regions"] = regions.get("include") if isinstance(regions, Mapping) else None
    default = view.get("default")
    facts["default"] = (
        "on by default" if default is True else "off by default" if default is False else None
    )
    facts["legal_basis"] = view.get("legal_basis")
    facts["metadata"] = view.get("metadata")
    if target_kind == "disclosure":
        document = view.get("document") or {}
        facts.update(
            version=view.get("version"),
            document=document.get("id"),
            statements=view.get("statements"),
        )
    return facts


@hookimpl
def consentrules_register_check_kinds(registry: CheckKindRegistry) -> None:
    registry.add(Condition())
