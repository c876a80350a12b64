"""Registering the plugin, which consentrules does on every run, imports none of its heavy
dependencies: they wait until its adapter is used."""

from consentrules.testing import assert_registers_without


def test_registering_imports_nothing_heavy():
    assert_registers_without("fides", ["fideslang", "pydantic"])
