"""Finding, loading and calling plugins.

Load order (as in pytest):

1. ``-p no:NAME`` blocks a plugin, built-in or not;
2. the built-in plugins (:data:`BUILTIN_PLUGINS`), each under its short name;
3. ``-p NAME``: an entry point of that name, or else a module importable as ``NAME``;
4. the ``consentrules`` entry-point group, unless ``--disable-plugin-autoload`` or
   ``CONSENTRULES_DISABLE_PLUGIN_AUTOLOAD=1``;
5. ``CONSENTRULES_PLUGINS=mod1,mod2``;
6. every hook implementation is checked against its spec (a misspelt hook is an error).

Every failure becomes a :class:`PluginError` that names the plugin and, when it happened inside
a hook, the hook.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pluggy

from consentrules import hookspecs
from consentrules.model.errors import ConsentrulesError
from consentrules.model.errors import PluginError
from consentrules.model.errors import UsageError
from consentrules.plugin import watchdog

ENTRY_POINT_GROUP = "consentrules"
AUTOLOAD_ENV = "CONSENTRULES_DISABLE_PLUGIN_AUTOLOAD"
PLUGINS_ENV = "CONSENTRULES_PLUGINS"

#: Built-in plugins: short name -> module. They use the same hooks as any other plugin.
BUILTIN_PLUGINS: dict[str, str] = {
    "native": "consentrules.sources.adapters.native",
    "text": "consentrules.report.text",
    "json": "consentrules.report.json_reporter",
    "sarif": "consentrules.report.sarif",
    "junit": "consentrules.report.junit",
    "markdown": "consentrules.report.markdown",
    "github": "consentrules.report.github",
    "html": "consentrules.report.html",
    "short": "consentrules.report.short",
    "opt_in_default": "consentrules.engine.checks.opt_in_default",
    "regional_exclusion": "consentrules.engine.checks.regional_exclusion",
    "disclosure_timing": "consentrules.engine.checks.disclosure_timing",
    "condition": "consentrules.engine.checks.condition",
    "bundled_rules": "consentrules.sources.bundled",
    "waivers": "consentrules.ci.waivers",
    "baseline": "consentrules.ci.baseline",
    "ledger": "consentrules.audit.ledger",
    "ledger_drift": "consentrules.audit.drift",
}


@dataclass(frozen=True)
class PluginInfo:
    name: str
    module: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...]
    builtin: bool


class ConsentrulesPluginManager(pluggy.PluginManager):
    """A pluggy manager that knows consentrules' load order and blames failing plugins."""

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT_NAME)
        self.add_hookspecs(hookspecs)
        self._distinfo: dict[str, tuple[str, str]] = {}
        self._builtin_names: set[str] = set()

    # Loading ----------------------------------------------------------------------------------
    def load_plugins(
        self,
        plugin_args: Iterable[str] = (),
        *,
        autoload: bool | None = None,
        env: dict[str, str] | None = None,
        extra: Iterable[Any] = (),
    ) -> None:
        """Block, then load built-ins, ``-p`` plugins, entry points, env plugins and ``extra``
        plugin objects (modules or instances, as tests pass them), then verify."""
        env = dict(os.environ) if env is None else env
        explicit = []
        for arg in plugin_args:
            if arg.startswith("no:"):
                name = arg[3:]
                if not name:
                    raise UsageError("-p no: needs a plugin name, e.g. -p no:json")
                self.set_blocked(name)
            else:
                explicit.append(arg)
        for name, module in BUILTIN_PLUGINS.items():
            if not self.is_blocked(name):
                self._register_module(name, module)
                self._builtin_names.add(name)
        if autoload is None:
            autoload = env.get(AUTOLOAD_ENV, "").strip().lower() not in ("1", "true", "yes")
        env_plugins = [n.strip() for n in env.get(PLUGINS_ENV, "").split(",") if n.strip()]
        # Reading entry points costs start-up time: only when something may need them.
        needed = autoload or explicit or env_plugins
        entry_points = _entry_points() if needed else {}
        for name in explicit:
            self.import_plugin(name, entry_points)
        if autoload:
            for ep in entry_points.values():
                if not self.is_blocked(ep.name) and self.get_plugin(ep.name) is None:
                    self._load_entry_point(ep)
        for name in env_plugins:
            self.import_plugin(name, entry_points)
        for plugin in extra:
            name = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__name__
            self._register(plugin, name)
        try:
            self.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginError(str(exc), plugin=self.get_name(exc.plugin)) from None

    def unloaded_entry_points(self) -> list[str]:
        """The ``consentrules`` entry points installed but not loaded in this run."""
        return sorted(name for name in _entry_points() if self.get_plugin(name) is None)

    def import_plugin(self, name: str, entry_points: dict[str, Any] | None = None) -> None:
        """Load ``name`` as with ``-p NAME``: an entry point of that name, else a module."""
        if self.is_blocked(name) or self.get_plugin(name) is not None:
            return
        if entry_points is None:
            entry_points = _entry_points()
        if name in entry_points:
            self._load_entry_point(entry_points[name])
        else:
            self._register_module(name, name)

    def _register_module(self, name: str, module_name: str) -> None:
        try:
            with watchdog.plugin_code(f"plugin {name!r} (while it was imported)"):
                module = importlib.import_module(module_name)
        except ConsentrulesError:
            raise
        except SystemExit as exc:
            raise PluginError(
                f"called sys.exit({exc.code!r}) while it was imported", plugin=name
            ) from None
        except watchdog.PluginTimeout:
            raise PluginError(
                f"importing it did not finish within {watchdog.seconds():g} seconds "
                "(--plugin-timeout)",
                plugin=name,
            ) from None
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                raise PluginError(
                    f"no plugin module named {module_name!r} (is it installed? is -p spelt right?)",
                    plugin=name,
                ) from None
            raise PluginError(f"error importing plugin: {exc}", plugin=name) from exc
        except Exception as exc:
            raise PluginError(
                f"error importing plugin: {type(exc).__name__}: {exc}", plugin=name
            ) from exc
        self._register(module, name)

    def _load_entry_point(self, ep: Any) -> None:
        dist = getattr(ep, "dist", None)
        dist_text = f" from {dist.name} {dist.version}" if dist is not None else ""
        try:
            with watchdog.plugin_code(f"plugin {ep.name!r} (while it was imported)"):
                plugin = ep.load()
        except (SystemExit, watchdog.PluginTimeout) as exc:
            what = (
                f"called sys.exit({exc.code!r})"
                if isinstance(exc, SystemExit)
                else f"did not finish within {watchdog.seconds():g} seconds (--plugin-timeout)"
            )
            raise PluginError(f"{what} while it was imported", plugin=ep.name) from None
        except Exception as exc:
            raise PluginError(
                f"error importing plugin (entry point {ep.value!r}{dist_text}): "
                f"{type(exc).__name__}: {exc}",
                plugin=ep.name,
            ) from exc
        self._register(plugin, ep.name)
        if dist is not None:
            self._distinfo[ep.name] = (dist.name, dist.version)

    def _register(self, plugin: Any, name: str) -> None:
        if self.is_registered(plugin):
            return
        try:
            self.register(plugin, name=name)
        except pluggy.PluginValidationError as exc:
            raise PluginError(str(exc), plugin=name) from None
        except ValueError as exc:
            raise PluginError(str(exc), plugin=name) from None

    # Calling ----------------------------------------------------------------------------------
    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        """pluggy's, with a short cut for a module plugin: a module attribute that does not
        carry the hookimpl marker is passed over without ``inspect.getattr_static`` (a plugin
        module holds hundreds of names it imported; the built-in ones are read on every run)."""
        if isinstance(plugin, ModuleType):
            value = vars(plugin).get(name)
            if value is None or not hasattr(value, self.project_name + "_impl"):
                return None
        return super().parse_hookimpl_opts(plugin, name)

    def register(self, plugin: Any, name: str | None = None) -> str | None:
        """Register as pluggy does, then guard each of the plugin's hook implementations
        (:func:`_guard`): pluggy itself calls them, in its own order, with its own semantics."""
        plugin_name = super().register(plugin, name)
        if plugin_name is None:
            return None
        for caller in self.get_hookcallers(plugin) or ():
            for impl in caller.get_hookimpls():
                if impl.plugin is plugin and not (impl.hookwrapper or impl.wrapper):
                    # (pluggy calls ``impl.function``; the guard wraps it in place)
                    setattr(impl, "function", _guard(self, impl, plugin_name, caller.name))  # noqa: B010
        return plugin_name

    def call_each(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a hook through pluggy; return ``(plugin name, result)`` for each implementation
        that returned something, in pluggy's calling order.

        A failing implementation is a :class:`PluginError` naming the plugin and the hook (the
        project's own errors, such as an adapter's :class:`InputError`, pass through);
        registries passed in are bound to the plugin being called, so that what it registers
        is credited to it.
        """
        caller = getattr(self.hook, hook_name)
        for impl in caller.get_hookimpls():
            if impl.hookwrapper or impl.wrapper:
                raise PluginError(
                    f"{hook_name} does not support wrapper implementations",
                    plugin=impl.plugin_name,
                    hook=hook_name,
                )
        collected: list[tuple[str, Any]] = []
        self._collecting.append(collected)
        try:
            if caller.spec is not None and caller.spec.opts.get("historic"):
                caller.call_historic(kwargs=kwargs)  # (also called for plugins registered later)
            else:
                caller(**kwargs)
        finally:
            self._collecting.pop()
        return collected

    @property
    def _collecting(self) -> list[list[tuple[str, Any]]]:
        stack: list[list[tuple[str, Any]]] | None = self.__dict__.get("_collect_stack")
        if stack is None:
            stack = self.__dict__["_collect_stack"] = []
        return stack

    # Introspection ----------------------------------------------------------------------------
    def plugin_infos(self) -> list[PluginInfo]:
        from consentrules.__about__ import __version__

        infos = []
        for name, plugin in sorted(self.list_name_plugin(), key=lambda item: str(item[0])):
            if plugin is None:
                continue
            hooks = tuple(sorted(caller.name for caller in self.get_hookcallers(plugin) or ()))
            builtin = name in self._builtin_names
            dist, version = self._distinfo.get(name, (None, None))
            if builtin:
                dist, version = "consentrules", __version__
            module = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__
            if dist is None:
                dist, version = _distribution_of(module)
            infos.append(PluginInfo(name, module, dist, version, hooks, builtin))
        return infos


def _guard(manager: ConsentrulesPluginManager, impl: Any, plugin: str, hook: str) -> Any:
    """``function`` (a plugin's hook implementation) run as plugin code: under the watchdog,
    with registries bound to ``plugin``, failures blamed on it, and its result credited to it
    for :meth:`ConsentrulesPluginManager.call_each`."""
    from consentrules.plugin.registry import Registry

    function = impl.function
    argnames = tuple(getattr(impl, "argnames", ()))

    def guarded(*args: Any, **kwargs: Any) -> Any:
        args = tuple(a.bound(plugin) if isinstance(a, Registry) else a for a in args)
        with watchdog.guarded(f"plugin {plugin!r} (hook {hook})", plugin, hook=hook):
            result = function(*args, **kwargs)
        if hook in _LIST_HOOKS:
            _check_list(hook, {**dict(zip(argnames, args, strict=False)), **kwargs}, plugin)
        if result is not None and manager._collecting:
            manager._collecting[-1].append((plugin, result))
        return result

    guarded.__wrapped__ = function  # type: ignore[attr-defined]
    return guarded


#: Hooks that change a list in place, and what the list must still hold afterwards.
_LIST_HOOKS = {"consentrules_modify_rules": "rules", "consentrules_modify_findings": "findings"}


def _check_list(hook: str, kwargs: dict[str, Any], plugin: str) -> None:
    """After a hook that changes the run's rules or findings: each item must still be a
    :class:`Rule` or :class:`Finding` with a known severity (and status), or the plugin that
    broke the list is named (a report built on a wrong item would fail later, far from it)."""
    from consentrules.model import Finding
    from consentrules.model import Rule
    from consentrules.model import Severity
    from consentrules.model import Status

    key = _LIST_HOOKS[hook]
    items = kwargs.get(key)
    if not isinstance(items, list):
        return
    wanted = Rule if key == "rules" else Finding
    for index, item in enumerate(items):
        problem = None
        severity: Any = getattr(item, "severity", None)
        status: Any = getattr(item, "status", None)
        if not isinstance(item, wanted):
            problem = f"a {type(item).__name__}, not a {wanted.__name__}"
        elif not isinstance(severity, Severity):
            problem = f"a {wanted.__name__} with the unknown severity {severity!r}"
        elif isinstance(item, Finding) and not isinstance(status, Status):
            problem = f"a Finding with the unknown status {status!r}"
        if problem is not None:
            raise PluginError(
                f"left {problem} in the {key} (item {index}); a plugin may only change the list "
                f"with {wanted.__name__} objects (dataclasses.replace keeps the types)",
                plugin=plugin,
                hook=hook,
            )


def _entry_points() -> dict[str, Any]:
    from consentrules.plugin.entrypoints import entry_points

    return entry_points(ENTRY_POINT_GROUP)


def _distribution_of(module: str) -> tuple[str | None, str | None]:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import packages_distributions
    from importlib.metadata import version

    top = module.split(".")[0]
    for dist in packages_distributions().get(top, []):
        try:
            return dist, version(dist)
        except PackageNotFoundError:
            continue
    return None, None
