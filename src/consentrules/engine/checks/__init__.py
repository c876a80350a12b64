"""The built-in check kinds, one module each; each is a plugin registering one kind."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from consentrules.plugin.registry import CheckKindRegistry


def builtin_check_kinds() -> CheckKindRegistry:
    """A registry holding the four built-in check kinds, without loading any plugin."""
    from consentrules.engine.checks import condition
    from consentrules.engine.checks import disclosure_timing
    from consentrules.engine.checks import opt_in_default
    from consentrules.engine.checks import regional_exclusion
    from consentrules.plugin.manager import ConsentrulesPluginManager
    from consentrules.plugin.registry import CheckKindRegistry

    manager = ConsentrulesPluginManager()
    # (pluggy calls the plugin registered last first: registered in reverse, they register
    # their kinds in this order)
    for module in (condition, disclosure_timing, regional_exclusion, opt_in_default):
        manager.register(module, name=module.__name__.rsplit(".", 1)[-1])
    registry = CheckKindRegistry()
    manager.call_each("consentrules_register_check_kinds", registry=registry)
    return registry
