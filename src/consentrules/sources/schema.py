"""The JSON Schemas shipped in the package, and schema errors turned into :class:`Problem` s.

The schemas in ``schemas/`` are the single source of truth for the file formats; this module
only loads them and explains their errors in plain words, with the file, line and key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from consentrules.model import SourceMap
from consentrules.model.errors import Problem
from consentrules.sources.rustschema import is_large as _is_large
from consentrules.sources.rustschema import rust_validator as _rust_validator
from consentrules.sources.yamlsource import pointer as make_pointer

SCHEMA_NAMES = ("snapshot", "rules")


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A schema shipped in the package, by short name (``snapshot`` or ``rules``)."""
    text = (Path(__file__).parent / "schemas" / f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator(schema_json: str) -> Any:
    import jsonschema

    schema = json.loads(schema_json)
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    cls.check_schema(schema)
    return cls(schema)


def validator_for(schema: Mapping[str, Any]) -> Any:
    return _validator(json.dumps(schema, sort_keys=True))


def validate(
    data: Any,
    schema: Mapping[str, Any],
    *,
    path: str,
    source_map: SourceMap,
    base: tuple[str | int, ...] = (),
    rule_id: str | None = None,
) -> list[Problem]:
    """Every schema error in ``data`` as a Problem, in document order.

    ``base`` is where ``data`` sits inside the file (for a rule's check parameters, say), so that
    positions are found in the whole document.
    """
    return [
        problem
        for _, problem in validate_with_paths(
            data, schema, path=path, source_map=source_map, base=base, rule_id=rule_id
        )
    ]


def validate_with_paths(
    data: Any,
    schema: Mapping[str, Any],
    *,
    path: str,
    source_map: SourceMap,
    base: tuple[str | int, ...] = (),
    rule_id: str | None = None,
) -> list[tuple[tuple[str | int, ...], Problem]]:
    """Like :func:`validate`, with the data path of each error (to skip only the bad parts)."""
    rust = _rust_validator(schema) if _is_large(data) else None
    if rust is not None and rust.is_valid(data):
        return []
    fast = compiled_validator(schema) if rust is None else None
    if fast is not None:
        from consentrules.sources._validators import JsonSchemaValueException

        try:
            fast(data)
            return []  # valid: no need to import jsonschema at all
        except JsonSchemaValueException:
            pass  # invalid: let jsonschema find every problem, with its position
        except RecursionError:
            pass
    try:
        return _all_problems(data, schema, path, source_map, base, rule_id)
    except RecursionError:
        return [((), Problem(path, "nested too deeply to validate"))]


def validation_path() -> str:
    """Which validator checks a large snapshot: ``jsonschema-rs`` (a dependency, so the
    default install takes it) or ``compiled`` (the generated pure-Python validators, where
    jsonschema-rs cannot be imported)."""
    return "jsonschema-rs" if _rust_validator(load_schema("snapshot")) is not None else "compiled"


def fingerprint(schema: Mapping[str, Any]) -> str:
    """A stable fingerprint of a schema (codegen keys the compiled validators by it): its
    canonical JSON's length and two CRC-32s, forwards and backwards. Not hashlib: it is
    computed on every run, and importing hashlib costs more than the rest of it."""
    import binascii

    text = json.dumps(schema, sort_keys=True).encode()
    return f"{len(text):x}-{binascii.crc32(text):08x}{binascii.crc32(text[::-1]):08x}"


_compiled: dict[int, tuple[Mapping[str, Any], Any]] = {}


def compiled_validator(schema: Mapping[str, Any]) -> Any:
    """The validator compiled from this exact schema by ``consentrules.sources.codegen``, if any."""
    cached = _compiled.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    from consentrules.sources._validators import VALIDATORS

    function = VALIDATORS.get(fingerprint(schema))
    _compiled[id(schema)] = (schema, function)
    return function


def _all_problems(
    data: Any,
    schema: Mapping[str, Any],
    path: str,
    source_map: SourceMap,
    base: tuple[str | int, ...],
    rule_id: str | None,
) -> list[tuple[tuple[str | int, ...], Problem]]:
    validator = validator_for(schema)
    found = []
    for error in _leaf_errors(validator.iter_errors(data)):
        found.append((tuple(error.absolute_path), _problem(error, path, source_map, base, rule_id)))
    found.sort(key=lambda item: (item[1].line or 0, item[1].column or 0, item[1].message))
    seen: set[tuple[Any, ...]] = set()
    out = []
    for data_path, problem in found:
        key = (problem.line, problem.column, problem.message)
        if key not in seen:
            seen.add(key)
            out.append((data_path, problem))
    return out


def _leaf_errors(errors: Iterable[Any]) -> Iterable[Any]:
    """For a ``oneOf``/``anyOf`` that failed, the errors of the branch the input most resembles
    (:func:`_closest_branch`), recursively; other errors as they are."""
    for error in errors:
        if error.context and error.validator in ("oneOf", "anyOf"):
            yield from _leaf_errors(_closest_branch(error))
        elif error.context:
            yield min(error.context, key=lambda e: (-len(e.absolute_path), e.validator == "type"))
        else:
            yield error


def _closest_branch(error: Any) -> list[Any]:
    """The errors of the branch the input most resembles: one whose type fits, then the one
    whose required keys the input has (its discriminating key: ``field`` for a field test),
    then the one that got deepest, with the fewest errors."""
    by_branch: dict[int, list[Any]] = {}
    for sub in error.context:
        index = sub.relative_schema_path[0] if sub.relative_schema_path else 0
        by_branch.setdefault(index, []).append(sub)
    branches = error.validator_value if isinstance(error.validator_value, list) else []
    instance = error.instance
    base = len(error.absolute_path)

    def score(index: int) -> tuple[int, int, int, int, int]:
        subs = by_branch[index]
        schema = branches[index] if index < len(branches) else {}
        at_root = [e for e in subs if len(e.absolute_path) == base]
        type_fits = not any(e.validator in ("type", "const") for e in at_root)
        required = schema.get("required", []) if isinstance(schema, dict) else []
        keys = set(instance) if isinstance(instance, dict) else set()
        present = sum(1 for key in required if key in keys)
        missing = len(required) - present
        depth = max(len(e.absolute_path) for e in subs)
        return (type_fits, present, -missing, depth, -len(subs))

    best = max(by_branch, key=score)
    if not score(best)[0]:  # no branch's type fits: one error naming every type allowed
        types: list[str] = []
        for subs in by_branch.values():
            for sub in subs:
                if sub.validator == "type" and len(sub.absolute_path) == base:
                    value = sub.validator_value
                    types.extend(v for v in (value if isinstance(value, list) else [value]))
        first = next(e for e in by_branch[best] if e.validator == "type") if types else None
        if first is not None:
            first.validator_value = list(dict.fromkeys(types))
            return [first]
    return by_branch[best]


def describe_path(parts: Iterable[str | int]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "the document"


def _problem(
    error: Any,
    path: str,
    source_map: SourceMap,
    base: tuple[str | int, ...],
    rule_id: str | None,
) -> Problem:
    import difflib

    parts = (*base, *error.absolute_path)
    where = describe_path(parts)
    hint = None
    locate_key = getattr(source_map, "locate_key", source_map.locate)
    position = source_map.locate(make_pointer(*parts))
    validator = error.validator
    if validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = (
            sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
        )
        key = extra[0] if extra else "?"
        position = locate_key(make_pointer(*parts, key)) or position
        names = ", ".join(repr(k) for k in extra)
        message = f"unknown key {names} in {where}"
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(allowed)}"
    elif validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        message = f"{where} is missing the required key {missing!r}"
    elif validator == "enum":
        choices = ", ".join(str(c) for c in error.validator_value)
        message = f"{error.instance!r} is not allowed for {where}"
        close = difflib.get_close_matches(
            str(error.instance), [str(c) for c in error.validator_value], n=1
        )
        hint = f"did you mean {close[0]!r}?" if close else f"choose one of: {choices}"
    elif validator == "const":
        message = f"{where} must be {error.validator_value!r}, not {error.instance!r}"
    elif validator == "type":
        expected = error.validator_value
        expected_text = " or ".join(expected) if isinstance(expected, list) else expected
        message = f"{where} must be of type {expected_text}, not {_json_type(error.instance)}"
    elif validator == "pattern":
        message = f"{error.instance!r} is not a valid value for {where}"
        hint = error.schema.get("description") or f"it must match {error.validator_value}"
    elif validator in ("minItems", "minLength", "minProperties"):
        message = f"{where} must not be empty"
    elif validator == "uniqueItems":
        message = f"{where} lists the same value twice"
    else:
        message = f"{where}: {error.message}"
    line, column = position if position else (None, None)
    return Problem(path, message, line=line, column=column, hint=hint, rule_id=rule_id)


_check_schemas: dict[int, tuple[Any, dict[str, Any]]] = {}


def check_schema(kind: Any) -> dict[str, Any]:
    """A kind's schema for the whole ``check`` mapping, with ``kind`` itself allowed (cached)."""
    cached = _check_schemas.get(id(kind))
    if cached is not None and cached[0] is kind:
        return cached[1]
    schema = _build_check_schema(kind)
    _check_schemas[id(kind)] = (kind, schema)
    return schema


def _build_check_schema(kind: Any) -> dict[str, Any]:
    schema = dict(kind.params_schema)
    properties = dict(schema.get("properties", {}))
    properties["kind"] = {"const": kind.name}
    schema["properties"] = properties
    schema.setdefault("type", "object")
    schema.setdefault("additionalProperties", False)
    return schema


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _rewrite_refs(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                out[key] = "#/$defs/" + prefix + value[len("#/$defs/") :]
            else:
                out[key] = _rewrite_refs(value, prefix)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item, prefix) for item in node]
    return node


def rules_schema_for_editors(kinds: Iterable[Any]) -> dict[str, Any]:
    """The rule-file schema with every check kind's parameters, for editors.

    consentrules itself validates in stages (the envelope, then the kind's own schema chosen by
    ``kind``), which gives sharper messages; this single schema lets an editor complete and
    check everything at once.
    """
    import copy

    schema = copy.deepcopy(load_schema("rules"))
    schema["$id"] = "urn:consentrules:schema:rules-with-kinds:v1"
    defs = schema["$defs"]
    names = []
    branches = []
    for kind in sorted(kinds, key=lambda k: k.name):
        names.append(kind.name)
        prefix = f"kind_{kind.name}__"
        kind_schema = _rewrite_refs(check_schema(kind), prefix)
        for def_name, definition in kind_schema.pop("$defs", {}).items():
            defs[prefix + def_name] = definition
        kind_schema["description"] = kind.description
        defs[f"check_{kind.name}"] = kind_schema
        branches.append(
            {
                "if": {"properties": {"kind": {"const": kind.name}}, "required": ["kind"]},
                "then": {"$ref": f"#/$defs/check_{kind.name}"},
            }
        )
    defs["rule"]["properties"]["check"] = {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": names}},
        "allOf": branches,
        "description": "kind names the check kind; the other keys are that kind's parameters.",
    }
    return schema
