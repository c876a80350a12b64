"""consentrules-fides: read Fides system manifests (privacy as code) as consentrules snapshots.

A Fides manifest (``fides.yml``, ``.fides/*.yml``) lists ``system`` entries, each with
``privacy_declarations``: a data use, data categories, data subjects and, where given, the
legal basis and whether data goes to third parties. Each privacy declaration becomes a
setting:

* its purposes and data categories come from the fideslang taxonomy keys through the mapping
  table in :mod:`consentrules_fides.mapping` (the most specific key prefix wins); an overlay
  file can extend or override it. A data use with no mapping leaves the setting without
  purposes: the run then lists it as judged by no purpose rule, never as compliant;
* recipients are ``first_party``, and ``third_parties`` where the declaration shares data
  with third parties (``data_shared_with_third_parties``, ``third_parties`` or ``egress``);
* ``legal_basis_for_processing`` becomes the setting's legal basis.

A manifest says nothing of defaults, regions or dates. An overlay file gives them per system
or declaration (``--fides-overlay FILE``, or ``consentrules-overlay.yml`` beside the
manifest); without it the default is "cannot tell" and the findings say so.

Manifests are checked with fideslang's own models, and every data use and category against
the fideslang default taxonomy (plus any the file itself declares): a key that is not there
is an input error at its line, with "did you mean".
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any

from consentrules import Document
from consentrules import InputError
from consentrules import Notice
from consentrules import Problem
from consentrules import Snapshot
from consentrules import hookimpl
from consentrules import json_pointer
from consentrules import read_document
from consentrules import snapshot_from_document
from consentrules_fides import mapping
from consentrules_fides.notices import defaults_for
from consentrules_fides.notices import is_notices_file
from consentrules_fides.notices import notice_settings
from consentrules_fides.notices import read_notices

__version__ = "0.1.0"
OVERLAY_NAMES = ("consentrules-overlay.yml", "consentrules-overlay.yaml")
NOTICES_NAMES = ("privacy_notices.yml", "privacy_notices.yaml")
#: The setting fields an overlay may give (the manifest gives the rest).
OVERLAY_FIELDS = {
    "title",
    "default",
    "region_defaults",
    "regions",
    "activated_at",
    "history",
    "legal_basis",
    "objection",
    "practice",
    "group_defaults",
    "planned_at",
    "control_available_at",
    "disputed_categories",
    "default_note",
}


def taxonomy_keys() -> tuple[set[str], set[str]]:
    """The data uses and data categories of the fideslang default taxonomy."""
    from fideslang.default_taxonomy import DEFAULT_TAXONOMY

    return (
        {item.fides_key for item in DEFAULT_TAXONOMY.data_use},
        {item.fides_key for item in DEFAULT_TAXONOMY.data_category},
    )


class _Positions:
    """Setting i of the snapshot is declaration i of the manifest: its positions."""

    def __init__(self, source: Any, pointers: dict[str, str]) -> None:
        self.source = source
        self.pointers = pointers

    def locate(self, ptr: str) -> tuple[int, int] | None:
        parts = ptr.split("/")
        if len(parts) >= 3 and parts[1] == "settings" and parts[2] in self.pointers:
            located: tuple[int, int] | None = self.source.locate(self.pointers[parts[2]])
            return located
        return None


def _problem(doc: Document, pointer: str, message: str, hint: str | None = None) -> Problem:
    position = doc.source_map.locate(pointer)
    return Problem(
        doc.path,
        message,
        line=position[0] if position else None,
        column=position[1] if position else None,
        hint=hint,
    )


def check_manifest(doc: Document) -> list[Problem]:
    """fideslang's model for every system, and every taxonomy key against the taxonomy."""
    from fideslang.models import System
    from pydantic import ValidationError

    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("system"), list):
        return [Problem(doc.path, "a Fides manifest has a 'system' list", line=1)]
    uses, categories = taxonomy_keys()
    uses |= {str(u.get("fides_key")) for u in data.get("data_use") or () if isinstance(u, dict)}
    categories |= {
        str(c.get("fides_key")) for c in data.get("data_category") or () if isinstance(c, dict)
    }
    problems: list[Problem] = []
    for index, raw in enumerate(data["system"]):
        try:
            System.model_validate(_named(raw))
        except ValidationError as exc:
            for error in exc.errors()[:10]:
                where = json_pointer("system", index, *error["loc"])
                problems.append(_problem(doc, where, f"not a valid Fides system: {error['msg']}"))
            continue
        for d_index, declaration in enumerate(raw.get("privacy_declarations") or ()):
            base = ("system", index, "privacy_declarations", d_index)
            use = str(declaration.get("data_use"))
            if use not in uses:
                problems.append(
                    _unknown(doc, json_pointer(*base, "data_use"), "data use", use, uses)
                )
            for c_index, category in enumerate(declaration.get("data_categories") or ()):
                if category not in categories:
                    ptr = json_pointer(*base, "data_categories", c_index)
                    problems.append(_unknown(doc, ptr, "data category", category, categories))
    return problems


def _named(system: Any) -> Any:
    """The system with each unnamed declaration named after its data use, for fideslang's
    model, which sorts declarations by name and fails on a mix of named and unnamed ones
    (both are valid Fides)."""
    if not isinstance(system, dict) or not isinstance(system.get("privacy_declarations"), list):
        return system
    declarations = [
        {**d, "name": d.get("name") or str(d.get("data_use") or "")} if isinstance(d, dict) else d
        for d in system["privacy_declarations"]
    ]
    return {**system, "privacy_declarations": declarations}


def _unknown(doc: Document, ptr: str, what: str, key: str, known: set[str]) -> Problem:
    close = difflib.get_close_matches(key, sorted(known), n=1)
    return _problem(
        doc,
        ptr,
        f"{key!r} is not a {what} of the Fides taxonomy",
        f"did you mean {close[0]!r}?" if close else "see the fideslang taxonomy",
    )


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "declaration"


def find_overlay(path: Path, given: str | None) -> Path | None:
    if given:
        return Path(given)
    for name in OVERLAY_NAMES:
        candidate = path.parent / name
        if candidate.is_file():
            return candidate
    return None


def read_overlay(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    doc = read_document(path)
    data = doc.data if isinstance(doc.data, dict) else None
    if data is None:
        raise InputError([Problem(doc.path, "an overlay is a mapping (declarations, mapping)", 1)])
    problems = _overlay_shape(doc, data)
    if problems:
        raise InputError(problems)
    for key, facts in (data.get("declarations") or {}).items():
        if not isinstance(facts, dict):
            problems.append(
                _problem(doc, json_pointer("declarations", key), "give a mapping of setting facts")
            )
            continue
        for field in facts:
            if field not in OVERLAY_FIELDS:
                close = difflib.get_close_matches(field, sorted(OVERLAY_FIELDS), n=1)
                problems.append(
                    _problem(
                        doc,
                        json_pointer("declarations", key, field),
                        f"an overlay cannot give {field!r}",
                        f"did you mean {close[0]!r}?"
                        if close
                        else "an overlay gives: " + ", ".join(sorted(OVERLAY_FIELDS)),
                    )
                )
    if problems:
        raise InputError(problems)
    return data


def _overlay_shape(doc: Document, data: dict[str, Any]) -> list[Problem]:
    """What an overlay must look like: ``declarations`` a mapping, ``mapping`` a mapping of
    ``data_uses`` and ``data_categories``, each a mapping of a Fides key to a list of tokens."""
    problems = []
    if not isinstance(data.get("declarations", {}), dict):
        problems.append(
            _problem(doc, "/declarations", "'declarations' maps 'SYSTEM' or 'SYSTEM/NAME' to facts")
        )
    table = data.get("mapping", {})
    if not isinstance(table, dict):
        return [*problems, _problem(doc, "/mapping", "'mapping' has data_uses and data_categories")]
    for part in ("data_uses", "data_categories"):
        entries = table.get(part, {})
        if not isinstance(entries, dict):
            problems.append(_problem(doc, f"/mapping/{part}", f"'{part}' maps Fides keys to lists"))
            continue
        for key, tokens in entries.items():
            if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
                problems.append(
                    _problem(
                        doc,
                        json_pointer("mapping", part, key),
                        f"{key!r} must map to a list of tokens",
                        f"for example: {key}: [advertising] (an empty list for none)",
                    )
                )
    return problems


def build_snapshot(
    doc: Document, overlay: dict[str, Any], config: Any, notices: Any = None
) -> Snapshot:
    """The snapshot of a manifest, with the overlay's facts and, where a declaration's data
    use is covered by Fides privacy notices (``notices``), their defaults per region."""
    privacy_notices, told = notices if notices is not None else ([], [])
    told = list(told)
    empty: list[str] = []
    deprecated = _deprecated_uses(doc.path)
    table_uses = {**mapping.DATA_USES, **((overlay.get("mapping") or {}).get("data_uses") or {})}
    table_categories = {
        **mapping.DATA_CATEGORIES,
        **((overlay.get("mapping") or {}).get("data_categories") or {}),
    }
    facts_for = overlay.get("declarations") or {}
    used_keys: set[str] = set()
    settings: list[dict[str, Any]] = []
    pointers: dict[str, str] = {}
    for index, system in enumerate(doc.data["system"]):
        system_key = str(system["fides_key"])
        for d_index, declaration in enumerate(system.get("privacy_declarations") or ()):
            name = str(declaration.get("name") or declaration["data_use"])
            setting_id = f"{system_key}.{_slug(name)}"
            while any(s["id"] == setting_id for s in settings):
                setting_id += "-2"
            use = str(declaration["data_use"])
            purposes = mapping.lookup(use, table_uses)
            categories: list[str] = []
            unmapped_categories = []
            for category in declaration.get("data_categories") or ():
                found = mapping.lookup(category, table_categories)
                if found is None:
                    unmapped_categories.append(category)
                else:
                    categories.extend(c for c in found if c not in categories)
            shares = bool(
                declaration.get("data_shared_with_third_parties")
                or declaration.get("third_parties")
                or declaration.get("egress")
            )
            setting: dict[str, Any] = {
                "id": setting_id,
                "title": f"{system.get('name') or system_key}: {name}",
                "data_categories": categories,
                "recipients": ["first_party", "third_parties"] if shares else ["first_party"],
                "metadata": {"fides_system": system_key, "fides_data_use": use},
            }
            if purposes:
                setting["purposes"] = purposes
            else:  # no purpose: the run lists the setting as judged by no purpose rule
                setting["metadata"]["unmapped_data_use"] = use
            if unmapped_categories:
                setting["metadata"]["unmapped_data_categories"] = unmapped_categories
            basis = declaration.get("legal_basis_for_processing")
            if basis and str(basis).strip().lower() in mapping.LEGAL_BASES:
                setting["legal_basis"] = mapping.LEGAL_BASES[str(basis).strip().lower()]
            facts = {}
            for key in (system_key, f"{system_key}/{name}"):
                if key in facts_for:
                    used_keys.add(key)
                    facts.update(facts_for[key])
            setting.update(facts)
            if declaration.get("data_categories") == []:
                empty.append(f"{system_key}/{name}")
            if use in deprecated:
                told.append(deprecated[use])
            by_region, covering = defaults_for(use, privacy_notices)
            if "default" not in facts and by_region:
                setting["default"] = None
                setting["region_defaults"] = by_region
                setting.setdefault("regions", {"include": ["ALL"]})
                setting["default_note"] = (
                    f"the Fides privacy notices covering {use} ({', '.join(covering)}) do not "
                    "apply here: give 'default' in the overlay, or a notice for these regions"
                )
                setting["metadata"]["fides_notices"] = covering
            elif "default" not in facts:
                setting["default"] = None
                setting["default_note"] = (
                    "a Fides manifest does not say whether users are enrolled by default: give "
                    f"'default' for {system_key}/{name} in the overlay, or the site's Fides "
                    "privacy notices (--fides-notices FILE)"
                )
            pointers[str(len(settings))] = json_pointer(
                "system", index, "privacy_declarations", d_index
            )
            settings.append(setting)
    unused = sorted(set(facts_for) - used_keys)
    if unused:
        raise InputError(
            [
                Problem(
                    doc.path,
                    f"the overlay names {key!r}, which is no system or declaration of the manifest",
                    hint="keys are 'SYSTEM' or 'SYSTEM/DECLARATION NAME'",
                )
                for key in unused
            ]
        )
    data = {
        "platform": str(overlay.get("platform") or Path(doc.path).parent.name or "fides"),
        "taken_at": str(overlay.get("taken_at") or dt.date.today().isoformat()),
        "settings": settings,
    }
    if empty:
        told.append(
            Notice(
                "warning",
                f"{len(empty)} privacy declaration(s) list no data categories "
                "(data_categories: []), so no rule that selects by data category judged them: "
                + ", ".join(empty),
                path=doc.path,
                category="unmapped",
            )
        )
    snapshot = snapshot_from_document(
        Document(doc.path, data, _Positions(doc.source_map, pointers)),
        config.regions,
        adapter=FidesAdapter.name,
        notices=list(dict.fromkeys(told)),
    )
    return dataclasses.replace(snapshot, has_disclosures=False)


def _deprecated_uses(path: str) -> dict[str, Notice]:
    """A note per deprecated data use of the fideslang taxonomy, naming its replacement."""
    from fideslang.default_taxonomy import DEFAULT_TAXONOMY

    out = {}
    for use in DEFAULT_TAXONOMY.data_use:
        if getattr(use, "version_deprecated", None):
            instead = getattr(use, "replaced_by", None)
            out[use.fides_key] = Notice(
                "warning",
                f"data use {use.fides_key!r} is deprecated since fideslang "
                f"{use.version_deprecated}"
                + (
                    f"; it is replaced by {instead!r}, which the manifest should use"
                    if instead
                    else ""
                )
                + " (mapped as written)",
                path=path,
                category="deprecated",
            )
    return out


def notices_snapshot(doc: Document, config: Any) -> Snapshot:
    """A Fides privacy notices file on its own: a setting per enabled notice."""
    privacy_notices, problems, told = read_notices(doc, config.regions)
    if problems:
        raise InputError(problems)
    pairs = notice_settings(privacy_notices, lambda use: mapping.lookup(use, mapping.DATA_USES))
    data = {
        "platform": Path(doc.path).parent.name or "fides",
        "taken_at": dt.date.today().isoformat(),
        "settings": [setting for setting, _ in pairs],
    }
    pointers = {str(index): pointer for index, (_, pointer) in enumerate(pairs)}
    snapshot = snapshot_from_document(
        Document(doc.path, data, _Positions(doc.source_map, pointers)),
        config.regions,
        adapter=FidesAdapter.name,
        notices=told,
    )
    return dataclasses.replace(snapshot, has_disclosures=False)


class FidesAdapter:
    name = "fides"
    description = "Fides system manifests (privacy declarations), with an overlay of defaults"
    suffixes: tuple[str, ...] = (".yml", ".yaml")

    def recognizes(self, path: Path, head: str) -> bool:
        if path.suffix.lower() not in self.suffixes or path.name in OVERLAY_NAMES:
            return False
        if is_notices_file(head):
            return True
        return bool(re.search(r"^system\s*:", head, re.MULTILINE)) and (
            "privacy_declarations" in head or "fides_key" in head
        )

    def load(self, path: Path, config: Any) -> Snapshot:
        doc = read_document(path)
        if isinstance(doc.data, dict) and "privacy_notices" in doc.data:
            return notices_snapshot(doc, config)
        problems = check_manifest(doc)
        if problems:
            raise InputError(problems)
        given = config.getoption("fides_overlay") if config is not None else None
        overlay = read_overlay(find_overlay(path, given))
        notices_path = find_notices(path, config.getoption("fides_notices") if config else None)
        notices = None
        if notices_path is not None:
            notices_doc = read_document(notices_path)
            found, notice_problems, told = read_notices(notices_doc, config.regions)
            if notice_problems:
                raise InputError(notice_problems)
            notices = (found, told)
        return build_snapshot(doc, overlay, config, notices)


def find_notices(path: Path, given: str | None) -> Path | None:
    """The privacy notices file to join with a manifest: the one given, or one beside it."""
    if given:
        return Path(given)
    for name in NOTICES_NAMES:
        candidate = path.parent / name
        if candidate.is_file():
            return candidate
    return None


@hookimpl
def consentrules_addoption(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("fides")
    group.add_argument(
        "--fides-notices",
        metavar="FILE",
        help="the site's Fides privacy notices (privacy_notices: ...): each declaration whose "
        "data use a notice covers gets the notice's default per region (default: "
        "privacy_notices.yml beside the manifest)",
    )
    group.add_argument(
        "--fides-overlay",
        metavar="FILE",
        help="defaults, regions and dates for a Fides manifest's declarations, and mapping "
        "overrides (default: consentrules-overlay.yml beside the manifest)",
    )


@hookimpl
def consentrules_input_files(config: Any) -> list[str]:
    given = [config.getoption("fides_overlay"), config.getoption("fides_notices")]
    return [path for path in given if path]


@hookimpl
def consentrules_register_adapters(registry: Any) -> None:
    registry.add(FidesAdapter())
