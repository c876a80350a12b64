"""Which installed plugins took part in a run (the report's metadata lists those alone)."""

from __future__ import annotations

import contextlib
from typing import Any

from consentrules.plugin.config import Config

#: Hooks a plugin acts through on every check run, whatever it checks.
_RUN_HOOKS = (
    "consentrules_modify_rules",
    "consentrules_modify_findings",
    "consentrules_rule_paths",
    "consentrules_claim_matcher",
)


def plugins_used(config: Config, rules: list[Any], summaries: list[Any]) -> list[tuple[str, str]]:
    """The installed plugins (not the built-in ones) that took part in this run: the adapter of
    a snapshot, the check kind of a rule, a reporter asked for, a disclosure reader, or a hook
    that acts on every run. A plugin that was loaded but did nothing here is not listed."""
    used: set[str] = set()

    def credit(registry: Any, name: str) -> None:
        with contextlib.suppress(KeyError):
            used.add(registry.provider(name))

    for summary in summaries:
        credit(config.adapters, summary.adapter)
    for rule in rules:
        credit(config.check_kinds, rule.check_kind)
    formats = [config.getoption("format") or "text"]
    formats += [str(spec).split("=", 1)[0] for spec in config.getoption("output") or ()]
    for name in formats:
        credit(config.reporters, name)
    given = config.getoption("disclosures") or ()
    for spec in [given] if isinstance(given, str) else given:
        credit(config.disclosure_readers, str(spec).split(":", 1)[0])
    manager = config.pluginmanager
    for hook in _RUN_HOOKS:
        caller = getattr(manager.hook, hook, None)
        for impl in caller.get_hookimpls() if caller is not None else ():
            used.add(impl.plugin_name)
    return [
        (info.name, info.version or "")
        for info in manager.plugin_infos()
        if not info.builtin and info.name in used
    ]
