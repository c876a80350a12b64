"""consentrules-flagd: read OpenFeature flagd flag definitions as a consentrules snapshot.

Feature flags are how data-use settings are rolled out, so a flag set maps onto a snapshot:

* each flag is a setting (its key is the setting id); its data-use facts come from the flag's
  ``metadata``: ``purposes``, ``dataCategories``, ``recipients`` (comma-separated, since
  flagd metadata values are scalars), ``activatedAt``, ``title``, and optionally ``regions``
  and ``excludedRegions`` (default: everywhere);
* the flag set's ``metadata`` may give ``platform``, ``takenAt`` and ``regionAttribute``, and
  is merged into every flag's metadata as flagd does (the flag's own keys win), so purposes
  declared once for the set apply to each flag;
* a flag without ``purposes`` metadata states none: the run warns that no purpose rule judged
  it (``--flagd-unmapped error`` refuses the file instead); ``purposes: none`` says the flag
  serves no data use;
* the default comes from ``defaultVariant`` (a ``DISABLED`` flag is off everywhere; a null
  ``defaultVariant`` leaves the application's code default, which the file cannot tell);
  a boolean variant's value says whether users are enrolled; for other types, the flag's
  ``onVariants`` metadata lists the variants that enroll users;
* per-region defaults come from evaluating ``targeting`` for each country, with the country
  code as the context's region attribute (``region`` unless ``--flagd-region-attribute`` or
  the flag set's ``regionAttribute`` says otherwise), and for each subdivision of a country
  whose subdivisions the targeting names (``US-CA``). Where the targeting cannot be decided
  from the region alone (a ``fractional`` rollout, another attribute, an unknown operator),
  the setting is "possibly on" there, and findings say why.

Input is validated against the flagd schema (``schemas/flagd.json``, which accepts flags as a
map or an array) before anything else; a bad file is an input error with its line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

from consentrules import Document
from consentrules import InputError
from consentrules import Notice
from consentrules import Problem
from consentrules import Snapshot
from consentrules import describe_path
from consentrules import hookimpl
from consentrules import json_pointer
from consentrules import read_document
from consentrules import snapshot_from_document
from consentrules_flagd.jsonlogic import ANY
from consentrules_flagd.jsonlogic import Evaluation
from consentrules_flagd.jsonlogic import Region
from consentrules_flagd.jsonlogic import string_literals

__version__ = "0.1.0"
DEFAULT_ATTRIBUTE = "region"
SCHEMA_BASE = "https://flagd.dev/schema/v0/"
_validators: dict[str, Any] = {}


def validator(name: str = "flagd") -> Any:
    """A validator for one of the bundled flagd schemas: ``flagd``, ``flags`` or ``targeting``."""
    if name not in _validators:
        from importlib import resources

        import jsonschema
        from referencing import Registry
        from referencing import Resource

        folder = resources.files("consentrules_flagd") / "schemas"
        resources_by_id = {}
        for file_name in ("flags.json", "flagd.json", "targeting.json"):
            schema = json.loads((folder / file_name).read_text("utf-8"))
            resources_by_id[SCHEMA_BASE + file_name] = Resource.from_contents(schema)
        registry = Registry().with_resources(resources_by_id.items())
        # Draft 7 ignores "$id" beside "$ref" at the root, so refer to the schema by its URI:
        # its relative references then resolve against that URI.
        root = {"$ref": SCHEMA_BASE + f"{name}.json"}
        _validators[name] = jsonschema.Draft7Validator(root, registry=registry)
    return _validators[name]


def schema_problems(doc: Document, name: str = "flagd") -> list[Problem]:
    problems = []
    for error in validator(name).iter_errors(doc.data):
        best = _best(error)
        path = list(best.absolute_path)
        position = doc.source_map.locate(json_pointer(*path))
        message = best.message if len(best.message) < 300 else best.message[:300] + "..."
        problems.append(
            Problem(
                doc.path,
                f"not a valid flagd file: {describe_path(path)}: {message}",
                line=position[0] if position else None,
                column=position[1] if position else None,
            )
        )
    return problems


def _best(error: Any) -> Any:
    """For anyOf/oneOf, the branch that came closest: fewest errors, then the deepest one.

    (A string flag is judged by the string-flag branch, not by the boolean one.)
    """
    while error.context:
        branches: dict[Any, list[Any]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        closest = min(branches.values(), key=len)
        error = max(closest, key=lambda e: len(e.absolute_path))
    return error


def _declared_schema(data: dict[str, Any]) -> str:
    """The schema a file names in ``$schema`` (``flags`` for providers), else ``flagd``."""
    declared = str(data.get("$schema") or "")
    name = declared.rstrip("/").rsplit("/", 1)[-1]
    return "flags" if name == "flags.json" else "flagd"


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    return [part.strip() for part in str(value).split(",") if part.strip()]


def _meta(metadata: dict[str, Any], *names: str) -> Any:
    for name in names:
        if name in metadata:
            return metadata[name]
    return None


class _Mapped:
    """Source positions of the built snapshot, borrowed from the flagd file."""

    def __init__(self, source: Any, settings: dict[str, str]) -> None:
        self.source = source
        self.settings = settings

    def locate(self, ptr: str) -> tuple[int, int] | None:
        parts = ptr.split("/")
        if len(parts) >= 3 and parts[1] == "settings":
            flag_ptr = self.settings.get(parts[2])
            if flag_ptr is not None:
                located: tuple[int, int] | None = self.source.locate(flag_ptr)
                return located
        return None


class FlagdAdapter:
    name = "flagd"
    description = "OpenFeature flagd flag definitions (JSON or YAML)"
    suffixes: tuple[str, ...] = (".json", ".yaml", ".yml")

    def recognizes(self, path: Path, head: str) -> bool:
        if path.suffix.lower() not in self.suffixes:
            return False
        return "flagd.dev/schema" in head or (
            ("flags" in head) and ("defaultVariant" in head or "variants" in head)
        )

    def load(self, path: Path, config: Any) -> Snapshot:
        doc = read_document(path)
        if not isinstance(doc.data, dict):
            raise InputError([Problem(doc.path, "a flagd file must be an object with 'flags'", 1)])
        problems = schema_problems(doc, _declared_schema(doc.data))
        if problems:
            raise InputError(problems)
        attribute = (
            (config.getoption("flagd_region_attribute") if config is not None else None)
            or (doc.data.get("metadata") or {}).get("regionAttribute")
            or DEFAULT_ATTRIBUTE
        )
        if config is not None and config.getoption("flagd_unmapped") == "error":
            refuse_unmapped(doc)
        return build_snapshot(doc, config, attribute)


def refuse_unmapped(doc: Document) -> None:
    """``--flagd-unmapped error``: every flag must say its purposes (``none`` for none)."""
    set_meta = doc.data.get("metadata") or {}
    problems = []
    for key, flag_ptr, flag in _flags(doc.data):
        merged = {**set_meta, **(flag.get("metadata") or {})}
        if _meta(merged, "purposes", "purpose") is None:
            position = doc.source_map.locate(flag_ptr)
            problems.append(
                Problem(
                    doc.path,
                    f"flag {key!r} has no purposes metadata, so no purpose rule can judge it",
                    line=position[0] if position else None,
                    hint="add metadata.purposes (comma-separated; 'none' for a flag that "
                    "serves no data use), or give the flag set a purposes default",
                )
            )
    if problems:
        raise InputError(problems)


def _flags(data: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(key, pointer, flag) for flags given as a map or as an array."""
    flags = data["flags"]
    if isinstance(flags, list):
        return [(f["key"], json_pointer("flags", i), f) for i, f in enumerate(flags)]
    return [(key, json_pointer("flags", key), flag) for key, flag in flags.items()]


def build_snapshot(doc: Document, config: Any, attribute: str) -> Snapshot:
    regions = config.regions
    data = doc.data
    set_meta = data.get("metadata") or {}
    evaluators = data.get("$evaluators") or {}
    settings = []
    positions: dict[str, str] = {}
    problems: list[Problem] = []
    for index, (key, flag_ptr, flag) in enumerate(_flags(data)):
        positions[str(index)] = flag_ptr
        # flagd merges the flag set's metadata into each flag's, the flag's own keys winning
        merged = {**set_meta, **(flag.get("metadata") or {})}
        try:
            settings.append(
                _setting(key, {**flag, "metadata": merged}, regions, attribute, evaluators)
            )
        except ValueError as exc:
            position = doc.source_map.locate(flag_ptr)
            problems.append(
                Problem(doc.path, f"flag {key!r}: {exc}", position[0] if position else None)
            )
    if problems:
        raise InputError(problems)
    snapshot_data = {
        "platform": str(
            set_meta.get("platform") or set_meta.get("flagSetId") or Path(doc.path).stem
        ),
        "taken_at": str(set_meta.get("takenAt") or dt.date.today().isoformat()),
        "settings": settings,
    }
    snapshot = snapshot_from_document(
        Document(doc.path, snapshot_data, _Mapped(doc.source_map, positions)),
        regions,
        adapter=FlagdAdapter.name,
        notices=attribute_notices(doc, attribute, regions),
    )
    import dataclasses

    return dataclasses.replace(snapshot, has_disclosures=False)


#: Context attributes that never carry a region (they identify a user or a session).
_NOT_REGIONS = {"targetingKey", "userId", "user_id", "email", "id", "sessionId", "$flagd"}


def variables(node: Any) -> set[str]:
    """The context attributes a JsonLogic rule reads (``{"var": "country"}``)."""
    out: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            name = current.get("var")
            if isinstance(name, list) and name:
                name = name[0]
            if isinstance(name, str) and name:
                out.add(name)
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return out


def attribute_notices(doc: Document, attribute: str, regions: Any) -> list[Notice]:
    """A warning when the targeting names region codes but never reads the attribute the
    adapter takes the region from: every region-dependent flag would be "cannot tell" for a
    reason the user can fix (fails the run under --strict)."""
    rules = [flag.get("targeting") for _, _, flag in _flags(doc.data)]
    rules += list((doc.data.get("$evaluators") or {}).values())
    read: set[str] = set()
    codes: set[str] = set()
    for rule in rules:
        if not rule:
            continue
        read |= variables(rule)
        codes |= {
            code
            for code in string_literals(rule)
            if len(code) >= 2
            and regions.is_known(code.upper())
            and code.upper() not in regions.groups
        }
    candidates = sorted(
        name for name in read - {attribute} if name.rsplit(".", 1)[-1] not in _NOT_REGIONS
    )
    if attribute in read or not codes or not candidates:
        return []
    shown = ", ".join(sorted(codes)[:4]) + (", ..." if len(codes) > 4 else "")
    return [
        Notice(
            "warning",
            f"the targeting names region codes ({shown}) but reads the region from "
            f"{', '.join(repr(c) for c in candidates)}, not from {attribute!r}, the attribute the "
            "adapter evaluates: flags that depend on the region cannot be told. Pass "
            f"--flagd-region-attribute {candidates[0]} (or set metadata.regionAttribute in the file)",
            path=doc.path,
            category="incomplete",
        )
    ]


def _on(value: Any, variant: str, on_variants: list[str] | None) -> bool | None:
    if on_variants is not None:
        return variant in on_variants
    if isinstance(value, bool):
        return value
    return None


def _setting(
    key: str, flag: dict[str, Any], regions: Any, attribute: str, evaluators: dict[str, Any]
) -> dict[str, Any]:
    meta = flag.get("metadata") or {}
    variants = flag.get("variants") or {}
    on_variants = _split(meta["onVariants"]) if "onVariants" in meta else None
    setting: dict[str, Any] = {
        "id": key,
        "title": str(_meta(meta, "title") or key),
        "data_categories": _split(_meta(meta, "dataCategories", "data_categories")),
        "recipients": _split(_meta(meta, "recipients")),
        "regions": {
            "include": _split(_meta(meta, "regions")) or ["ALL"],
            "exclude": _split(_meta(meta, "excludedRegions", "excluded_regions")),
        },
        "metadata": {"flag_state": flag.get("state"), "variants": sorted(variants)},
    }
    purposes = _meta(meta, "purposes", "purpose")
    if purposes is not None:  # "none": the flag is stated to serve no data use
        setting["purposes"] = [p for p in _split(purposes) if p.lower() != "none"]
    # (no purposes metadata at all: the setting states none, and the run lists it as a setting
    # no rule that selects by purpose can judge, never as compliant)
    activated = _meta(meta, "activatedAt", "activated_at")
    if activated is not None:
        setting["activated_at"] = str(activated)
    if flag.get("state") == "DISABLED":
        setting["default"] = False
        setting["metadata"]["note"] = "the flag is DISABLED"
        return setting
    default_variant = flag.get("defaultVariant")
    notes: list[str] = []

    def value_of(name: Any) -> bool | None:
        if name is None:
            if default_variant is None:
                notes.append("defaultVariant is null, so the application's code default applies")
                return None
            name = default_variant
        if name not in variants:
            notes.append(f"targeting returns {name!r}, which is not a variant")
            return None
        on = _on(variants[name], name, on_variants)
        if on is None:
            notes.append(
                "a non-boolean flag needs onVariants metadata to say which variants enroll"
            )
        return on

    base = value_of(None)
    targeting = flag.get("targeting")
    if not targeting:
        setting["default"] = base
        if notes:
            setting["default_note"] = "; ".join(dict.fromkeys(notes))
        return setting
    per_region = _per_region(targeting, regions, attribute, evaluators, value_of, notes)
    # The setting's default is the value most countries get (a country split by subdivision
    # weighs one country, shared among its parts); the others are region defaults.
    weights: Counter[bool | None] = Counter()
    for values in per_region.values():
        for value in values.values():
            weights[value] += 1 / len(values)
    common = weights.most_common(1)[0][0]
    setting["default"] = common
    overrides: dict[str, bool | None] = {}
    for country, values in per_region.items():
        if len(set(values.values())) == 1:
            (value,) = set(values.values())
            if value != common:
                overrides[country] = value
        else:
            # Named as briefly as they can be: Catalonia's four provinces are ES-CT.
            for value in dict.fromkeys(values.values()):
                if value != common:
                    leaves = [code for code, got in values.items() if got == value]
                    for code in regions.collapse(leaves):
                        overrides[code] = value
    if overrides:
        setting["region_defaults"] = overrides
    if notes:
        setting["default_note"] = "; ".join(dict.fromkeys(notes))
    return setting


def _per_region(
    targeting: Any,
    regions: Any,
    attribute: str,
    evaluators: dict[str, Any],
    value_of: Any,
    notes: list[str],
) -> dict[str, dict[str, bool | None]]:
    """What the targeting gives in each country: ``{country: {country: value}}``, or, for a
    country whose subdivisions the targeting names, ``{country: {leaf: value, ...}}``."""
    literals = string_literals(targeting) | {
        s for rule in evaluators.values() for s in string_literals(rule)
    }
    # The letter case the application passes region codes in, as the targeting spells them:
    # "de" in the targeting means the context carries "de". Both cases: it cannot be told.
    lower = {code for code in literals if code.islower() and regions.is_known(code.upper())}
    upper = {code for code in literals if code.isupper() and regions.is_known(code)}
    lower -= {code for code in lower if code.upper() in regions.groups}
    upper -= {code for code in upper if code in regions.groups}
    case = "mixed" if lower and upper else "lower" if lower else "upper"
    if case == "mixed":
        notes.append(
            "the targeting spells region codes in both letter cases ("
            + ", ".join(sorted(lower)[:3] + sorted(upper)[:3])
            + "), so which one the application passes cannot be told"
        )
    # Countries whose subdivisions the targeting names (US-CA, ES-CT), or prefixes of them
    # ("US-" in a starts_with): each subdivision is then evaluated on its own.
    by_subdivision: set[str] = set()
    for code in {code.upper() for code in literals if "-" in code}:
        if regions.is_known(code):
            by_subdivision |= {regions.country_of(leaf) for leaf in regions.expand(code)}
        prefix = code.split("-")[0]
        if prefix in regions.countries:
            by_subdivision |= {regions.country_of(leaf) for leaf in regions.expand(prefix)}
    out: dict[str, dict[str, bool | None]] = {}
    for country in sorted(regions.countries):
        leaves = sorted(regions.expand(country))
        split = country in by_subdivision and leaves != [country]
        out[country] = {
            code: _evaluate(
                regions.ancestors(code) if split else (country,),
                case,
                targeting,
                attribute,
                evaluators,
                value_of,
                notes,
            )
            for code in (leaves if split else [country])
        }
    return out


def _evaluate(
    codes: tuple[str, ...],
    case: str,
    targeting: Any,
    attribute: str,
    evaluators: dict[str, Any],
    value_of: Any,
    notes: list[str],
) -> bool | None:
    """The flag's value for a user whose region attribute is the first of ``codes`` (a
    subdivision also matches the divisions and the country it lies in)."""
    if case == "lower":
        codes = tuple(code.lower() for code in codes)
    value: Any = Region(codes) if len(codes) > 1 else codes[0]
    evaluation = Evaluation(attribute, None if case == "mixed" else value, evaluators)
    if case == "mixed":
        evaluation.unknown_value = "region codes spelled in both letter cases"
    values = set()
    for outcome in evaluation.run(targeting):
        if outcome is ANY:
            values.add(None)
            evaluation.reasons.add("a variant the adapter cannot name")
        else:
            values.add(value_of(outcome))
    if len(values) == 1:
        return values.pop()  # type: ignore[no-any-return]
    if evaluation.reasons:
        notes.append("targeting depends on " + " and ".join(sorted(evaluation.reasons)))
    return None


@hookimpl
def consentrules_addoption(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("flagd")
    group.add_argument(
        "--flagd-region-attribute",
        metavar="NAME",
        help=f"the evaluation-context attribute flagd targeting reads the user's region from "
        f"(default: the flag set's regionAttribute metadata, else {DEFAULT_ATTRIBUTE!r})",
    )
    group.add_argument(
        "--flagd-unmapped",
        choices=("warn", "error"),
        default="warn",
        help="a flag without purposes metadata: warn that no purpose rule judged it (default; "
        "fails the run with --strict), or refuse the file",
    )


@hookimpl
def consentrules_register_adapters(registry: Any) -> None:
    registry.add(FlagdAdapter())
