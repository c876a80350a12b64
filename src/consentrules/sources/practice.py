"""The facts a snapshot may state about a practice beyond its default: its kind, the legal
basis recorded per region, the objection route and since when, categories that are disputed,
defaults per user group, and the dates it was planned and its control appeared."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from consentrules.model import Assessment
from consentrules.model import Objection
from consentrules.model.regions import UnknownRegionError

#: The keys of a setting's practice facts (built only when one is there).
FACTS = frozenset(
    {
        "practice",
        "legal_basis",
        "objection",
        "disputed_categories",
        "group_defaults",
        "excluded_groups",
        "assessments",
        "uses_existing_data",
        "planned_at",
        "control_available_at",
    }
)


def practice_facts(builder: Any, raw: Mapping[str, Any], ptr: str) -> dict[str, Any]:
    """The facts about a practice beyond its default: its kind, legal basis, objection
    route, disputed categories, group defaults, excluded groups and further dates (rarely all given)."""
    get = raw.get
    facts: dict[str, Any] = {}
    if "practice" in raw:
        facts["practice"] = raw["practice"]
    basis = get("legal_basis")
    if isinstance(basis, str):
        facts["legal_basis"] = (("ALL", basis),)
    elif basis:
        for term in basis:
            try:
                builder.registry.expand(term)
            except UnknownRegionError as exc:
                builder.problem(f"{ptr}/legal_basis/{term}", str(exc), builder.region_hint())
        facts["legal_basis"] = tuple(basis.items())
    objection = get("objection")
    if objection:
        facts["objection"] = Objection(
            route=objection["route"],
            available_at=builder.date(
                objection.get("available_at"), ptr + "/objection", "available_at"
            ),
            covers_past_data=objection.get("covers_past_data"),
        )
    if get("disputed_categories"):
        facts["disputed_categories"] = tuple(raw["disputed_categories"])
    if get("group_defaults"):
        facts["group_defaults"] = tuple(raw["group_defaults"].items())
    if get("excluded_groups"):
        facts["excluded_groups"] = tuple(raw["excluded_groups"])
    if isinstance(get("uses_existing_data"), bool):
        facts["uses_existing_data"] = raw["uses_existing_data"]
    if "assessments" in raw and isinstance(raw["assessments"], list):
        facts["assessments"] = tuple(
            _assessment(builder, entry, f"{ptr}/assessments/{index}")
            for index, entry in enumerate(raw["assessments"])
        )
    for name in ("planned_at", "control_available_at"):
        if get(name) is not None:
            facts[name] = builder.date(raw[name], ptr, name)
    return facts


def _assessment(builder: Any, raw: Mapping[str, Any], ptr: str) -> Assessment:
    regions = tuple(raw.get("regions") or ())
    for index, term in enumerate(regions):
        try:
            builder.registry.expand(term)
        except UnknownRegionError as exc:
            builder.problem(f"{ptr}/regions/{index}", str(exc), builder.region_hint())
    return Assessment(
        kind=raw["kind"],
        completed_at=builder.date(raw.get("completed_at"), ptr, "completed_at"),
        regions=regions,
    )
