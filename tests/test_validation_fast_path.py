"""Large snapshots validate on the fast path (issue 19) and still get the schema's messages."""

from __future__ import annotations

import json
import re

import pytest

from consentrules.model.errors import InputError
from consentrules.model.regions import default_registry
from consentrules.sources.schema import LARGE
from consentrules.sources.schema import load_schema
from consentrules.sources.schema import trusted_terms_schema
from consentrules.sources.snapshots import snapshot_from_document
from consentrules.sources.yamlsource import load_document


def test_every_term_the_registry_knows_fits_the_schemas_region_pattern():
    """The fast path trusts the registry's lookup instead of the pattern: that is only sound if
    no known term breaks the pattern."""
    registry = default_registry()
    pattern = re.compile(load_schema("snapshot")["$defs"]["region"]["pattern"])
    terms = {
        *registry.countries,
        *registry.groups,
        *registry.aliases,
        *registry.divisions,
        *(sub for subs in registry.subdivisions.values() for sub in subs),
    }
    assert len(terms) > 5000
    assert [t for t in terms if not pattern.fullmatch(t)] == []


def test_the_relaxed_schema_differs_only_in_the_region_lists():
    schema = load_schema("snapshot")
    relaxed = trusted_terms_schema(schema)
    assert relaxed is trusted_terms_schema(schema)  # built once
    assert relaxed["$defs"]["regions"]["properties"]["include"]["items"] == {"type": "string"}
    relaxed_copy = json.loads(json.dumps(relaxed))
    for key in ("include", "exclude"):
        relaxed_copy["$defs"]["regions"]["properties"][key]["items"] = {"$ref": "#/$defs/region"}
    assert relaxed_copy == schema
    assert schema["$defs"]["regions"]["properties"]["include"]["items"] == {
        "$ref": "#/$defs/region"
    }


def _snapshot(count: int, bad_term: object, at: int) -> dict:
    settings = [
        {
            "id": f"s{i}",
            "purposes": ["analytics"],
            "default": False,
            "regions": {"include": ["DE", "FR"], "exclude": []},
        }
        for i in range(count)
    ]
    settings[at]["regions"]["include"] = ["DE", bad_term]
    return {
        "consentrules": "snapshot/v1",
        "platform": "P",
        "taken_at": "2025-01-01",
        "settings": settings,
    }


def _problems(tmp_path, data: dict) -> list[str]:
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(data, indent=1))
    with pytest.raises(InputError) as caught:
        snapshot_from_document(load_document(path))
    return [f"{p.line}: {p.message}" for p in caught.value.problems]


@pytest.mark.parametrize(
    "bad_term", ["not a region!", "X", "de_DE", "ZZ", 7, "DE-", "GB-ZZZ"], ids=repr
)
def test_a_large_snapshot_gets_the_same_messages_as_a_small_one(tmp_path, bad_term):
    small = _problems(tmp_path, _snapshot(10, bad_term, 4))
    large = _problems(tmp_path, _snapshot(LARGE + 10, bad_term, 4))
    assert small == large
    assert len(small) == 1 and small[0].startswith("71: ")  # the bad term's line
    assert repr(bad_term) in small[0] or "must be of type string" in small[0]
