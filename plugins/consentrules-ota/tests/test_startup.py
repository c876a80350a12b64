"""Registering the plugin, which consentrules does on every run, imports none of its heavy
dependencies: they wait until its reader or claim matcher is used."""

from consentrules.testing import assert_registers_without


def test_registering_imports_nothing_heavy():
    assert_registers_without(
        "ota",
        [
            "re2",
            "consentrules_ota.claims",
            "consentrules_ota.dating",
            "consentrules_ota.captures",
            "consentrules_ota.layouts",
            "consentrules_ota.scanning",
        ],
    )
