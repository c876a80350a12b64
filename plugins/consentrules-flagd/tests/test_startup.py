"""Registering the plugin, which consentrules does on every run, imports none of its heavy
dependencies: they wait until its adapter is used."""

from consentrules.testing import modules_imported_by_registering


def test_registering_imports_nothing_heavy():
    loaded = modules_imported_by_registering("flagd")
    assert "consentrules_flagd" in loaded  # (it was registered)
    heavy = {"jsonschema", "referencing"}
    assert not heavy & loaded, sorted(heavy & loaded)
