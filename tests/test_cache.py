"""The rule-file cache: same rules, invalidated by edits, never trusted blindly."""

from __future__ import annotations

import os
import time

import pytest

from consentrules.model.errors import InputError
from consentrules.sources import cache
from consentrules.sources import loading
from consentrules.sources.loading import RuleLoader
from consentrules.testing import builtin_check_kinds

RULES = """\
rules:
  - id: C1
    title: cached
    severity: low
    check: {kind: opt_in_default}
    fixtures:
      - name: quiet
        snapshot: {settings: []}
        expect: []
"""


@pytest.fixture
def loader(regions):
    return RuleLoader(builtin_check_kinds(), regions)


def test_second_load_comes_from_the_cache(tmp_path, loader, monkeypatch):
    path = tmp_path / "r.yaml"
    path.write_text(RULES)
    first = loader.load_paths([path])

    def no_yaml(*args, **kwargs):
        raise AssertionError("read the YAML again")

    monkeypatch.setattr(loading, "load_document", no_yaml)
    second = loader.load_paths([path])
    assert [(r.id, r.line, r.fixtures[0].line) for r in second] == [("C1", 2, 7)]
    assert [r.id for r in first] == [r.id for r in second]


def test_an_edit_invalidates(tmp_path, loader):
    path = tmp_path / "r.yaml"
    path.write_text(RULES)
    loader.load_paths([path])
    time.sleep(0.01)
    path.write_text(RULES.replace("title: cached", "title: edited"))
    os.utime(path, ns=(time.time_ns(), time.time_ns()))
    assert loader.load_paths([path])[0].title == "edited"


def test_a_corrupt_cache_is_ignored(tmp_path, loader):
    path = tmp_path / "r.yaml"
    path.write_text(RULES)
    loader.load_paths([path])
    for entry in cache.directory().glob("rules-*.json"):
        entry.write_text("{not json")
    assert loader.load_paths([path])[0].id == "C1"


def test_cached_rules_still_meet_the_current_kinds(tmp_path, regions):
    path = tmp_path / "r.yaml"
    path.write_text(RULES)
    RuleLoader(builtin_check_kinds(), regions).load_paths([path])
    kinds = builtin_check_kinds()
    kinds._items.pop("opt_in_default")  # as if the plugin providing it were gone
    with pytest.raises(InputError) as info:
        RuleLoader(kinds, regions).load_paths([path])
    (problem,) = info.value.problems
    assert problem.line == 5 and "unknown check kind" in problem.message  # read again, exact


def test_cache_can_be_turned_off(tmp_path, loader, monkeypatch):
    monkeypatch.setenv("CONSENTRULES_NO_CACHE", "1")
    assert cache.directory() is None
    path = tmp_path / "r.yaml"
    path.write_text(RULES)
    assert loader.load_paths([path])[0].id == "C1"


def test_a_cached_file_is_not_validated_again(tmp_path, loader, monkeypatch):
    path = tmp_path / "r.yaml"
    path.write_text(RULES)
    loader.load_paths([path])
    calls = []
    monkeypatch.setattr(loading, "validate_with_paths", lambda *a, **k: calls.append(a) or [])
    monkeypatch.setattr(loading, "validate", lambda *a, **k: calls.append(a) or [])
    assert [r.id for r in loader.load_paths([path])] == ["C1"]
    assert calls == []  # valid when stored, under the same schemas


def test_a_kind_whose_schema_changed_validates_the_cached_file_again(tmp_path, regions):
    """A plugin's check kind that now refuses a parameter it used to take: the cached file is
    read again and the rule refused, with its line, not trusted because it once passed."""
    from consentrules.engine.checks.opt_in_default import OptInDefault

    path = tmp_path / "r.yaml"
    path.write_text(
        RULES.replace("{kind: opt_in_default}", "{kind: opt_in_default, regions: [EU]}")
    )
    assert [r.id for r in RuleLoader(builtin_check_kinds(), regions).load_paths([path])] == ["C1"]

    class Stricter(OptInDefault):
        params_schema = {**OptInDefault.params_schema, "properties": {}}

    kinds = builtin_check_kinds()
    kinds._items["opt_in_default"] = Stricter()
    with pytest.raises(InputError) as caught:
        RuleLoader(kinds, regions).load_paths([path])
    assert caught.value.problems[0].line == 5
