"""Registering the plugin, which consentrules does on every run, imports none of its heavy
dependencies: they wait until its reader or claim matcher is used."""

from consentrules.testing import modules_imported_by_registering


def test_registering_imports_nothing_heavy():
    loaded = modules_imported_by_registering("ota")
    assert "consentrules_ota" in loaded  # (it was registered)
    heavy = {
        "re2",
        "consentrules_ota.claims",
        "consentrules_ota.dating",
        "consentrules_ota.captures",
        "consentrules_ota.layouts",
        "consentrules_ota.scanning",
    }
    assert not heavy & loaded, sorted(heavy & loaded)
