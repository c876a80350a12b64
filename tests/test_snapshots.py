"""Snapshot files: YAML and JSON, schema and semantic errors with file and line."""

from __future__ import annotations

import json
import textwrap

import pytest

from consentrules.model.errors import InputError
from consentrules.sources.snapshots import snapshot_from_document
from consentrules.sources.yamlsource import load_document

GOOD = """\
platform: Acme
taken_at: 2024-11-20
settings:
  - id: ai
    purposes: [ai_training]
    default: true
    regions: {include: [ALL], exclude: [EEA, NO]}
    region_defaults: {US-CA: false}
    activated_at: 2024-08
disclosures:
  - id: pp
    kind: privacy_policy
    versions:
      - {published_at: 2024-09-18, purposes: [ai_training]}
"""


def load(tmp_path, text, name="s.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text) if isinstance(text, str) else text)
    return snapshot_from_document(load_document(path))


def problems(tmp_path, text, name="s.yaml"):
    with pytest.raises(InputError) as info:
        load(tmp_path, text, name)
    return info.value.problems


def test_yaml_snapshot_builds_model(tmp_path):
    snap = load(tmp_path, GOOD)
    (setting,) = snap.settings
    assert snap.platform == "Acme" and str(snap.taken_at) == "2024-11-20"
    # "NO" is Norway, not a YAML 1.1 boolean
    assert setting.regions.exclude == ("EEA", "NO")
    assert setting.region_defaults == (("US-CA", False),)
    assert not setting.activated_at.precise
    assert snap.disclosures[0].versions[0].purposes == ("ai_training",)
    assert snap.source_map.locate(setting.pointer) == (4, 5)


def test_json_snapshot_has_positions_too(tmp_path):
    from consentrules.sources.yamlsource import load_yaml_text

    data = load_yaml_text(GOOD, "s.yaml").data
    snap = load(tmp_path, json.dumps(data, indent=2), "s.json")
    line, _ = snap.source_map.locate(snap.settings[0].pointer)
    assert line == 6  # a setting is located at its "id" key
    assert snap.source_map.locate(snap.settings[0].pointer + "/regions")[0] == 11


def test_json_settings_located_by_id_even_with_decoys_and_escapes(tmp_path):
    text = (
        '{"platform": "x", "taken_at": "2024-01-01", "settings": [\n'
        '  {"title": "b", "id": "a"},\n'
        '  {"title": "\\u00e9t\\u00e9", "id": "\\u00e9t\\u00e9"},\n'
        '  {"metadata": {"note": "b"},\n   "id": "b"}\n]}'
    )
    snap = load(tmp_path, text, "s.json")
    assert [s.id for s in snap.settings] == ["a", "\u00e9t\u00e9", "b"]
    lines = [snap.source_map.locate(s.pointer)[0] for s in snap.settings]
    assert lines == [2, 3, 5]  # the escaped id falls back to parsing: its object's line


def test_unknown_region_with_suggestion_and_line(tmp_path):
    (p,) = problems(tmp_path, GOOD.replace("exclude: [EEA, NO]", "exclude: [EEA, Swiss]"))
    assert p.line == 7 and "unknown region 'Swiss'" in p.message


def test_impossible_date_names_value_and_line(tmp_path):
    (p,) = problems(tmp_path, GOOD.replace("2024-09-18", "2024-02-30"))
    assert p.line == 14 and "'2024-02-30' is not a valid calendar date" in p.message


def test_unknown_key_in_setting(tmp_path):
    (p,) = problems(tmp_path, GOOD.replace("    default: true\n", "    defualt: true\n"))
    assert p.line == 6 and p.hint == "did you mean 'default'?"


def test_wrong_type(tmp_path):
    (p,) = problems(tmp_path, GOOD.replace("default: true", "default: 'yes'"))
    assert p.line == 6 and "must be of type boolean or null, not string" in p.message


def test_duplicate_setting_ids(tmp_path):
    text = GOOD.replace("disclosures:", "  - id: ai\n    default: false\ndisclosures:")
    (p,) = problems(tmp_path, text)
    assert "setting id 'ai' is used twice" in p.message and p.line == 10


def test_history_out_of_order(tmp_path):
    text = GOOD.replace(
        "    activated_at: 2024-08\n",
        "    activated_at: 2024-08\n    history:\n"
        "      - {date: 2024-10-01, default: false}\n      - {date: 2024-09-01, default: true}\n",
    )
    (p,) = problems(tmp_path, text)
    assert "history entry dated 2024-09-01 comes after one dated 2024-10-01" in p.message


def test_overlapping_equal_region_defaults_disagreeing(tmp_path):
    text = GOOD.replace("{US-CA: false}", "{DE: false, EU: true, EEA: false}")
    assert load(tmp_path, text)  # different specificity: fine, most specific wins


def test_a_list_is_not_a_snapshot(tmp_path):
    (p,) = problems(tmp_path, "- a\n- b\n")
    assert "not a list" in p.message


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("platform: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError) as info:
        load_document(path)
    assert "not valid UTF-8" in info.value.problems[0].message


def test_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + textwrap.dedent(GOOD).encode())
    assert snapshot_from_document(load_document(path)).platform == "Acme"


def test_examples_are_valid():
    from conftest import EXAMPLES

    for name in ("violating.yaml", "compliant.yaml"):
        snapshot_from_document(load_document(EXAMPLES / "ai-training-2024" / name))


def test_stated_fields_follow_each_setting_even_when_key_sets_are_shared(tmp_path):
    snapshot = load(
        tmp_path,
        """\
        platform: Acme
        taken_at: 2024-11-20
        settings:
          - {id: a, purposes: [ads], data_categories: []}
          - {id: b, purposes: [ads]}
          - {id: c, purposes: [ads], data_categories: [posts]}
          - {id: d, data_categories: [posts], purposes: [ads]}
        """,
    )
    a, b, c, d = snapshot.settings
    assert a.stated == frozenset({"id", "purposes", "data_categories"})
    assert b.stated == frozenset({"id", "purposes"})
    assert c.stated == a.stated == d.stated
    assert a.data_categories == () and "data_categories" not in b.stated


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("taken_at: 2024-11-20", "taken_at: 2024-13-20", 2),
        ("activated_at: 2024-08", "activated_at: 2024-00", 9),
        ("{published_at: 2024-09-18,", "{published_at: 2024-09-31,", 14),
    ],
)
def test_every_kind_of_date_error_points_at_its_line(tmp_path, old, new, line):
    (p,) = problems(tmp_path, GOOD.replace(old, new))
    assert p.line == line and "2024-" in p.message


def test_unknown_region_in_history_points_at_the_entry(tmp_path):
    text = GOOD.replace(
        "    activated_at: 2024-08\n",
        "    activated_at: 2024-08\n    history:\n"
        "      - date: 2024-10-01\n        regions: {include: [ALL], exclude: [Swiss]}\n",
    )
    (p,) = problems(tmp_path, text)
    assert (p.line, p.column) == (12, 45) and "unknown region 'Swiss'" in p.message


def test_prepared_positions_equal_positions_found_one_by_one(tmp_path):
    """``prepare`` counts the lines of many findings in one pass; each must be where a plain
    count from the top of the file puts it (pretty-printed and one-line text alike)."""
    from consentrules.sources.yamlsource import JsonSourceMap

    data = {
        "platform": "x",
        "taken_at": "2024-01-01",
        "settings": [
            {"id": f"s{i}", "title": "t\n" * (i % 3), "default": i % 2 == 0} for i in range(40)
        ],
        "disclosures": [
            {"id": "d", "kind": "faq", "versions": [{"version": "1", "published_at": "2024-01-01"}]}
        ],
    }
    for indent in (None, 2, "\t"):
        text = json.dumps(data, indent=indent)
        snap = load(tmp_path, text, "s.json")
        pointers = [s.pointer for s in snap.settings[::3]] + ["/disclosures/0/versions/0"]
        fresh = JsonSourceMap(text)
        fresh.register_ids("settings", [s.id for s in snap.settings])
        expected = [fresh.locate(p) for p in pointers]
        snap.source_map.prepare(pointers)
        assert [snap.source_map.locate(p) for p in reversed(pointers)] == expected[::-1]
        for (line, column), ptr in zip(expected, pointers, strict=True):
            offset = snap.source_map._pointer_offset(ptr)
            assert line == text.count("\n", 0, offset) + 1
            assert column == offset - (text.rfind("\n", 0, offset) + 1) + 1


def test_every_stated_field_lands_in_its_own_attribute(tmp_path):
    # The builder gives a setting's first fields by position: each must reach its attribute.
    snapshot = load(
        tmp_path,
        """\
        platform: Acme
        taken_at: 2024-11-20
        settings:
          - id: s1
            title: Training
            purposes: [ai_training]
            data_categories: [posts]
            recipients: [affiliates]
            default: true
            region_defaults: {US-CA: false}
            regions: {include: [US], exclude: [US-TX]}
            activated_at: 2024-08-01
            default_note: staged rollout
            history: [{date: 2024-09-01, default: false}]
            metadata: {team: data}
            legal_basis: consent
        """,
    )
    (setting,) = snapshot.settings
    assert (setting.id, setting.title) == ("s1", "Training")
    assert (setting.purposes, setting.data_categories, setting.recipients) == (
        ("ai_training",),
        ("posts",),
        ("affiliates",),
    )
    assert setting.default is True and setting.region_defaults == (("US-CA", False),)
    assert (setting.regions.include, setting.regions.exclude) == (("US",), ("US-TX",))
    assert str(setting.activated_at) == "2024-08-01"
    assert setting.default_note == "staged rollout"
    assert "metadata" in setting.stated and setting.metadata == {"team": "data"}
    assert [entry.default for entry in setting.history] == [False]
    assert setting.pointer == "/settings/0" and setting.legal_basis == (("ALL", "consent"),)
