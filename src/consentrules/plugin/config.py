"""The configuration of one run: options, plugins and the registries they filled."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from typing import TextIO

from consentrules.model import Notice
from consentrules.model import Rule
from consentrules.model import SnapshotSummary
from consentrules.model.errors import PluginError
from consentrules.model.regions import RegionRegistry
from consentrules.model.regions import default_registry
from consentrules.plugin.manager import ConsentrulesPluginManager
from consentrules.plugin.registry import AdapterRegistry
from consentrules.plugin.registry import CheckKindRegistry
from consentrules.plugin.registry import ClaimMatcher
from consentrules.plugin.registry import DisclosureReaderRegistry
from consentrules.plugin.registry import ReporterRegistry


@dataclass
class Config:
    """Handed to hooks: ``options`` holds the parsed command line (plugins' options too), as a
    read-only mapping."""

    pluginmanager: ConsentrulesPluginManager
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    check_kinds: CheckKindRegistry = field(default_factory=CheckKindRegistry)
    adapters: AdapterRegistry = field(default_factory=AdapterRegistry)
    reporters: ReporterRegistry = field(default_factory=ReporterRegistry)
    disclosure_readers: DisclosureReaderRegistry = field(default_factory=DisclosureReaderRegistry)
    regions: RegionRegistry = field(default_factory=default_registry)
    cwd: Path = field(default_factory=Path.cwd)
    #: Warnings for the report (expired waivers, stale baseline entries...); plugins may add.
    notices: list[Notice] = field(default_factory=list)
    #: What ``check`` evaluates, set before ``consentrules_modify_findings`` is called.
    rules: list[Rule] = field(default_factory=list)
    #: Every rule loaded, before the selection options kept some.
    all_rules: list[Rule] = field(default_factory=list)
    #: The rule files read.
    rule_files: list[Path] = field(default_factory=list)
    #: Purpose, category and recipient tokens the standard vocabulary and the loaded rules know
    #: (set by ``check`` before snapshots are read; workers inherit it).
    known_tokens: dict[str, frozenset[str]] | None = None
    snapshots: list[SnapshotSummary] = field(default_factory=list)

    def getoption(self, name: str, default: Any = None) -> Any:
        return self.options.get(name, default)

    def collect_registries(self) -> None:
        """Ask every plugin to register its check kinds, adapters and reporters."""
        pm = self.pluginmanager
        pm.call_each("consentrules_register_check_kinds", registry=self.check_kinds)
        pm.call_each("consentrules_register_adapters", registry=self.adapters)
        pm.call_each("consentrules_register_reporters", registry=self.reporters)
        pm.call_each("consentrules_register_disclosure_readers", registry=self.disclosure_readers)

    def claim_matcher(self) -> ClaimMatcher:
        """The claim matcher the plugins provide (the first ``consentrules_claim_matcher``
        that returns one); a :class:`UsageError` when none does."""
        from consentrules.model.errors import UsageError

        matcher = self.pluginmanager.hook.consentrules_claim_matcher(config=self)
        if matcher is None:
            raise UsageError(
                "no claim matcher is installed: install consentrules-ota "
                "(pip install ./plugins/consentrules-ota) or a plugin that provides one"
            )
        return matcher  # type: ignore[no-any-return]

    def plugin_rule_paths(self) -> list[Path]:
        """Rule paths shipped by plugins (the bundled rules among them)."""
        return self.plugin_paths("consentrules_rule_paths")

    def plugin_paths(self, hook: str) -> list[Path]:
        """The paths every plugin returns from ``hook`` (called with this config); a result
        that is not a list of paths is a :class:`PluginError` naming the plugin."""
        paths: list[Path] = []
        for plugin, result in self.pluginmanager.call_each(hook, config=self):
            if isinstance(result, (str, Path)) or not isinstance(result, Iterable):
                raise PluginError(
                    f"must return a list of paths, not {type(result).__name__}",
                    plugin=plugin,
                    hook=hook,
                )
            for item in result:
                if not isinstance(item, (str, Path)):
                    raise PluginError(
                        f"returned {item!r}, which is not a path", plugin=plugin, hook=hook
                    )
                paths.append(Path(item))
        return paths


def make_config(
    plugin_args: Iterable[str] = (),
    *,
    autoload: bool | None = None,
    options: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    extra_plugins: Iterable[Any] = (),
    trace: TextIO | None = None,
) -> Config:
    """Load plugins and fill the registries: the set-up every command shares. With ``trace``,
    every hook call is written to it (``--trace-hooks``)."""
    pm = ConsentrulesPluginManager()
    if trace is not None:
        from consentrules.plugin.tracing import trace_hooks

        trace_hooks(pm, trace)
    pm.load_plugins(plugin_args, autoload=autoload, env=env, extra=extra_plugins)
    config = Config(pluginmanager=pm, options=MappingProxyType(dict(options or {})))
    config.collect_registries()
    return config
