"""Registering the plugin, which consentrules does on every run, imports none of its heavy
dependencies: they wait until its adapter is used."""

from consentrules.testing import modules_imported_by_registering


def test_registering_imports_nothing_heavy():
    loaded = modules_imported_by_registering("klaro")
    assert "consentrules_klaro" in loaded  # (it was registered)
    heavy = {
        "tree_sitter",
        "consentrules_consent_mode.jsobjects",
        "consentrules_consent_mode.managers",
    }
    assert not heavy & loaded, sorted(heavy & loaded)
