"""Validating large snapshots with jsonschema-rs (a dependency), imported only for them.

jsonschema-rs validates a 100,000-setting snapshot in a tenth of the time of the compiled
pure-Python validators (see :mod:`consentrules.sources.schema`, which uses it for any large
document), and can check a snapshot's region lists against the region registry's terms in the
same pass (:func:`known_terms_valid`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LARGE = 2000
_rust: dict[int, tuple[Mapping[str, Any], Any]] = {}


def is_large(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("settings"), list)
        and (len(data["settings"]) > LARGE)
    )


def rust_validator(schema: Mapping[str, Any]) -> Any:
    """jsonschema-rs (a dependency; None where it cannot be imported): a large snapshot
    validates in a tenth of the time of the compiled Python validator."""
    cached = _rust.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    try:
        import jsonschema_rs
    except ImportError:
        validator = None
    else:
        validator = jsonschema_rs.validator_for(dict(schema))
    _rust[id(schema)] = (schema, validator)
    return validator


def known_terms_valid(data: Any, schema: Mapping[str, Any], terms: frozenset[str]) -> bool:
    """Whether a large snapshot is valid with every region of its region lists one of
    ``terms`` (the region registry's): one pass of jsonschema-rs that also does the registry
    lookups of millions of codes, where Python would hash each code's string first. False
    for a small snapshot, without jsonschema-rs, or on any problem (then the caller validates
    as usual and the builder looks the terms up, for the precise messages).

    Sound because every term the registry knows fits the schema's region pattern (a test
    keeps it so): the schema with the list of terms accepts no less strictly than the schema.
    """
    if not is_large(data):
        return False
    cached = _known.get(id(schema))
    if cached is None or cached[0] is not schema or cached[1] is not terms:
        rust = rust_validator(schema)
        validator = None
        if rust is not None:
            import copy

            import jsonschema_rs

            listed = copy.deepcopy(dict(schema))
            properties = listed.get("$defs", {}).get("regions", {}).get("properties", {})
            for key in ("include", "exclude"):
                if key in properties:
                    properties[key]["items"] = {"enum": sorted(terms)}
            validator = jsonschema_rs.validator_for(listed)
        cached = _known[id(schema)] = (schema, terms, validator)
    validator = cached[2]
    return validator is not None and bool(validator.is_valid(data))


_known: dict[int, tuple[Mapping[str, Any], frozenset[str], Any]] = {}
