"""Large snapshots validate on the fast path (issue 19) and still get the schema's messages."""

from __future__ import annotations

import json
import re

import pytest

from consentrules.model.errors import InputError
from consentrules.model.regions import default_registry
from consentrules.sources.rustschema import LARGE
from consentrules.sources.rustschema import known_terms_valid
from consentrules.sources.schema import load_schema
from consentrules.sources.snapshots import snapshot_from_document
from consentrules.sources.yamlsource import load_document


def test_every_term_the_registry_knows_fits_the_schemas_region_pattern():
    """The fast path checks region lists against the registry's terms instead of the pattern:
    that is only sound if no known term breaks the pattern."""
    registry = default_registry()
    pattern = re.compile(load_schema("snapshot")["$defs"]["region"]["pattern"])
    terms = registry.known_terms
    assert len(terms) > 5000 and {"EEA", "US-CA", "ES-CT", "FR-971", "GB"} <= terms
    assert [t for t in terms if not pattern.fullmatch(t)] == []
    for term in terms:  # and they are exactly what the registry expands
        assert registry.is_known(term)
    assert not registry.is_known("ZZ") and "ZZ" not in terms


def test_the_fast_path_is_taken_only_for_large_snapshots_of_known_terms():
    schema = load_schema("snapshot")
    terms = default_registry().known_terms
    assert known_terms_valid(_snapshot(LARGE + 10, "FR", 3), schema, terms)
    assert not known_terms_valid(_snapshot(10, "FR", 3), schema, terms)  # small: as usual
    for bad in ("ZZ", "not a region!", 7):
        assert not known_terms_valid(_snapshot(LARGE + 10, bad, 3), schema, terms)


def test_trusted_terms_build_the_same_snapshot(tmp_path, monkeypatch):
    from consentrules.sources import snapshots

    data = _snapshot(LARGE + 10, "FR", 3)
    for index, setting in enumerate(data["settings"][:40]):  # long lists, and some short
        setting["regions"] = {
            "include": ["ALL"] if index % 2 else sorted(default_registry().countries)[:60],
            "exclude": ["DE", "US-CA"] if index % 3 else [],
        }
    path = tmp_path / "large.json"
    path.write_text(json.dumps(data))
    fast = snapshot_from_document(load_document(path))
    monkeypatch.setattr(snapshots, "known_terms_valid", lambda *args: False)
    usual = snapshot_from_document(load_document(path))
    assert [s.regions for s in fast.settings] == [s.regions for s in usual.settings]
    assert fast.settings == usual.settings


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
