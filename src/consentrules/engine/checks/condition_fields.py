"""The fields a ``condition`` rule can test (what a setting or a disclosure version shows it),
their types and the operators that fit each: a test that could never hold is refused when the
rule loads, never silently false. Regular expressions are compiled with RE2 (linear time for
every pattern)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from consentrules.engine.checks.assessment_facts import FIELDS as ASSESSMENT_FIELDS
from consentrules.engine.checks.assessment_facts import assessment_view
from consentrules.engine.checks.basis_facts import BasisByRegion
from consentrules.engine.checks.basis_facts import bases_in
from consentrules.engine.evaluation import EvalContext
from consentrules.engine.evaluation import spans
from consentrules.engine.notices import DIRECT_KINDS
from consentrules.engine.notices import OPT_IN_KINDS
from consentrules.engine.notices import notice_facts
from consentrules.model import DisclosureVersion
from consentrules.model import Setting
from consentrules.plugin.registry import ParamError

# The type of each field a subject's view has: "text", "list" (of text), "bool", "date",
# "count" (a whole number); "any" for what the snapshot's author defines (metadata).
_SETTING_FIELDS: dict[str, str] = {
    "id": "text",
    "title": "text",
    "purposes": "list",
    "data_categories": "list",
    "recipients": "list",
    "default": "bool",
    "region_defaults.*": "bool",
    "regions.include": "list",
    "regions.exclude": "list",
    "activated_at": "date",
    "history": "count",
    "metadata.*": "any",
    "status": "text",
    "practice": "text",
    "legal_basis": "list",
    "legal_basis_in.*": "text",
    "legal_basis_here": "list",
    "objection.route": "text",
    "objection.available_at": "date",
    "objection.before_start": "bool",
    "objection.covers_past_data": "bool",
    "disputed_categories": "list",
    "group_defaults.*": "bool",
    "excluded_groups": "list",
    "uses_existing_data": "bool",
    **ASSESSMENT_FIELDS,
    "planned_at": "date",
    "control_available_at": "date",
    "notice.first_at": "date",
    "notice.before_start": "bool",
    "direct_notice.first_at": "date",
    "direct_notice.before_start": "bool",
    "opt_in_notice.before_start": "bool",
    "on_by_default": "bool",
}
_VERSION_FIELDS: dict[str, str] = {
    "version": "text",
    "published_at": "date",
    "effective_at": "date",
    "url": "text",
    "purposes": "list",
    "describes_opt_out": "bool",
    "statements": "list",
    "excerpts": "list",
    "document.id": "text",
    "document.kind": "text",
    "document.title": "text",
}
FIELD_TYPES = {"setting": _SETTING_FIELDS, "disclosure_version": _VERSION_FIELDS}
#: The field types each operator can judge.
_OPERATOR_TYPES: dict[str, frozenset[str]] = {
    "equals": frozenset({"text", "list", "bool", "date", "count"}),
    "not_equals": frozenset({"text", "list", "bool", "date", "count"}),
    "in": frozenset({"text", "bool", "count"}),
    "contains": frozenset({"text", "list"}),
    "matches": frozenset({"text", "list"}),
    "exists": frozenset({"text", "list", "bool", "date", "count"}),
    "before": frozenset({"date"}),
    "after": frozenset({"date"}),
    "lt": frozenset({"list", "count"}),
    "le": frozenset({"list", "count"}),
    "gt": frozenset({"list", "count"}),
    "ge": frozenset({"list", "count"}),
}
_TYPE_WORDS = {
    "text": "text",
    "list": "a list of text",
    "bool": "true/false",
    "date": "a date",
    "count": "a whole number",
}


def field_type(subject: str, path: tuple[str, ...]) -> str | None:
    """The type of a dotted field of a subject's view; None for a field it does not have."""
    table = FIELD_TYPES[subject]
    name = ".".join(path)
    if name in table:
        return table[name]
    if len(path) >= 2 and f"{path[0]}.*" in table:
        return table[f"{path[0]}.*"]
    return None


def _fits(kind: str, value: Any) -> bool:
    """Whether a rule's comparison value is of the field's type."""
    if kind == "text":
        return isinstance(value, str)
    if kind == "list":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "count":
        return isinstance(value, int) and not isinstance(value, bool)
    return True


def _check_types(subject: str, raw: Mapping[str, Any], op: str, where: tuple[Any, ...]) -> None:
    """Refuse, at load, a test whose operator or value cannot apply to its field."""
    path = tuple(str(raw["field"]).split("."))
    kind = field_type(subject, path)
    name = ".".join(path)
    if kind is None:
        import difflib

        known = [f.replace(".*", ".NAME") for f in FIELD_TYPES[subject]]
        close = difflib.get_close_matches(name, known, n=1)
        raise ParamError(
            f"{subject.replace('_', ' ')} has no field {name!r}",
            (*where[:-1], "field"),
            f"did you mean {close[0]!r}?" if close else f"fields: {', '.join(known)}",
        )
    if kind == "any":
        return
    if kind not in _OPERATOR_TYPES[op]:
        raise ParamError(
            f"{op!r} cannot test {name!r}, which is {_TYPE_WORDS[kind]}: the test would never hold",
            where,
            f"for {_TYPE_WORDS[kind]}, use one of: "
            + ", ".join(o for o, kinds in _OPERATOR_TYPES.items() if kind in kinds),
        )
    value = raw[op]
    if op in ("equals", "not_equals") and kind != "date" and not _fits(kind, value):
        raise ParamError(
            f"{name!r} is {_TYPE_WORDS[kind]}, so it never equals {value!r}",
            where,
            f"compare it with {_TYPE_WORDS[kind]}",
        )
    if op == "in" and isinstance(value, list):
        bad = [v for v in value if not _fits(kind, v)]
        if bad:
            raise ParamError(
                f"{name!r} is {_TYPE_WORDS[kind]}, so it is never {bad[0]!r}",
                where,
                f"list values of {_TYPE_WORDS[kind]}",
            )
    if op == "contains" and not isinstance(value, str):
        raise ParamError(f"'contains' needs text, not {value!r}", where)
    if op in ("lt", "le", "gt", "ge") and kind == "list" and value != int(value):
        raise ParamError(f"{name!r} is a list: compare its length with a whole number", where)


def _path(raw: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(str(raw["field"]).split("."))


def _path_text(raw: Mapping[str, Any]) -> str:
    return ".".join(_path(raw))


def compile_regex(pattern: str, where: tuple[Any, ...] = ()) -> Any:
    """Compile a ``matches`` pattern with RE2 (google-re2), which matches in time linear in the
    text for every pattern: no pattern can hang an evaluation. What RE2 cannot express
    (lookarounds, back-references) is refused with a message.

    :raises ParamError: for an invalid pattern or one RE2 does not support.
    """
    import re2  # (3 ms: only when a rule uses 'matches')

    options = re2.Options()
    options.log_errors = False  # the error comes back as a message, not on standard error
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        unsupported = any(t in pattern for t in ("(?=", "(?!", "(?<=", "(?<!")) or re.search(
            r"\\[1-9]", pattern
        )
        raise ParamError(
            f"invalid regular expression {pattern!r}: {reason}",
            where,
            "patterns are matched by RE2, in linear time: lookarounds and back-references are "
            "not supported; rewrite the test, e.g. as two tests joined by all/not"
            if unsupported
            else None,
        ) from None


def setting_view(
    setting: Setting,
    ctx: EvalContext,
    scope: int | None = None,
    purposes: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """What a condition sees of a setting. Facts that depend on who is concerned (notice,
    ``legal_basis_here``) are those of the people in ``scope`` (a region bit mask; default:
    where the setting applies on the evaluation date) about ``purposes`` (default: all of the
    setting's)."""
    current = spans(setting, ctx.as_of, "as_of")
    state = current[-1].state if current else setting.initial_state
    view: dict[str, Any] = {
        "id": setting.id,
        "title": setting.title,
        "purposes": list(setting.purposes),
        "data_categories": list(setting.data_categories),
        "recipients": list(setting.recipients),
        "default": state.default,
        "region_defaults": dict(state.region_defaults),
        "activated_at": setting.activated_at,
        "metadata": dict(setting.metadata),
        "history": len(setting.history),
        "status": state.status,
        "practice": setting.practice,
    }
    if scope is None:
        scope = ctx.applicable_mask(state)
    _practice_view(setting, ctx, view, scope, purposes)
    if setting.stated is not None:
        for name in ("purposes", "data_categories", "recipients", "activated_at", "metadata"):
            if name not in setting.stated:
                del view[name]
    if state.regions is not None:
        view["regions"] = {
            "include": list(state.regions.include),
            "exclude": list(state.regions.exclude),
        }
    return view


def _practice_view(
    setting: Setting,
    ctx: EvalContext,
    view: dict[str, Any],
    scope: int | None,
    purposes: tuple[str, ...] | None,
) -> None:
    """The facts beyond the default, where the snapshot states them (an absent fact is "not
    stated", so a test of it is not evaluable rather than false)."""
    start = setting.activated_at
    if setting.legal_basis:
        view["legal_basis"] = sorted({basis for _, basis in setting.legal_basis})
        view["legal_basis_in"] = BasisByRegion(setting.legal_basis, ctx.regions)
        here = bases_in(setting.legal_basis, ctx.regions, scope)
        if here is not None:
            view["legal_basis_here"] = here
    if setting.disputed_categories:
        view["disputed_categories"] = list(setting.disputed_categories)
    if setting.group_defaults:
        view["group_defaults"] = dict(setting.group_defaults)
    if setting.excluded_groups:
        view["excluded_groups"] = list(setting.excluded_groups)
    if setting.uses_existing_data is not None:
        view["uses_existing_data"] = setting.uses_existing_data
    assessed = assessment_view(setting, ctx, scope)
    if assessed is not None:
        view["assessments"] = assessed
    for name in ("planned_at", "control_available_at"):
        if getattr(setting, name) is not None:
            view[name] = getattr(setting, name)
    objection = setting.objection
    if objection is not None:
        facts: dict[str, Any] = {"route": objection.route}
        if objection.covers_past_data is not None:
            facts["covers_past_data"] = objection.covers_past_data
        if objection.route == "none":
            facts["before_start"] = False
        elif objection.available_at is not None:
            facts["available_at"] = objection.available_at
            if start is not None:
                before = objection.available_at.is_on_or_before(start)
                if before is not None:
                    facts["before_start"] = before
        view["objection"] = facts
    if ctx.snapshot.has_disclosures:
        # notice: any document; direct_notice: notices addressed to each user (an email, an
        # in-product message); opt_in_notice: the words of the switch a user turns on
        present = _kinds(ctx.snapshot)
        for name, kinds in (
            ("notice", None),
            ("direct_notice", DIRECT_KINDS),
            ("opt_in_notice", OPT_IN_KINDS),
        ):
            if kinds is not None and not kinds & present:
                continue  # no such document: not stated (a test of it is not evaluable)
            told = notice_facts(setting, ctx, scope, purposes, kinds)
            notice: dict[str, Any] = {}
            if told.first_at is not None:
                notice["first_at"] = told.first_at
            if told.before_start is not None:
                notice["before_start"] = told.before_start
            if notice:
                view[name] = notice
    from consentrules.engine.selection import on_by_default

    view["on_by_default"] = on_by_default(setting, ctx)


def _kinds(snapshot: Any) -> frozenset[str]:
    """The kinds of the snapshot's documents (remembered with the snapshot's disclosures)."""
    cached = _KINDS.get(id(snapshot.disclosures))
    if cached is not None and cached[0] is snapshot.disclosures:
        return cached[1]
    kinds = frozenset(document.kind for document in snapshot.disclosures)
    if len(_KINDS) > 16:
        _KINDS.clear()
    _KINDS[id(snapshot.disclosures)] = (snapshot.disclosures, kinds)
    return kinds


_KINDS: dict[int, tuple[Any, frozenset[str]]] = {}


def _version_view(version: DisclosureVersion, document: Any) -> dict[str, Any]:
    return {
        "version": version.version,
        "published_at": version.published_at,
        "effective_at": version.effective_at,
        "url": version.url,
        "purposes": list(version.purposes),
        "describes_opt_out": version.describes_opt_out,
        "statements": list(version.statements),
        "excerpts": list(version.excerpts),
        "document": {"id": document.id, "kind": document.kind, "title": document.title},
    }
