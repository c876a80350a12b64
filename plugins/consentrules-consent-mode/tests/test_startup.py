"""Registering the plugin, which consentrules does on every run, imports none of its heavy
dependencies: they wait until its adapter is used."""

from consentrules.testing import modules_imported_by_registering


def test_registering_imports_nothing_heavy():
    loaded = modules_imported_by_registering("consent-mode")
    assert "consentrules_consent_mode" in loaded  # (it was registered)
    heavy = {
        "tree_sitter",
        "tree_sitter_javascript",
        "consentrules_consent_mode.jscalls",
        "consentrules_consent_mode.gtm",
    }
    assert not heavy & loaded, sorted(heavy & loaded)
