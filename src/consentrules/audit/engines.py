"""The engines that read a consent ledger, by name, each a module with ``open_ledger(path)``
returning a ledger with ``notices``, ``events``, ``count(...)`` and ``drift(...)``."""

from __future__ import annotations

import importlib
from typing import Any

from consentrules.model.errors import UsageError

#: name -> module; both give identical reports (tests check it).
ENGINES = {
    "duckdb": "consentrules.audit.duckdb_ledger",
    "spark": "consentrules.audit.spark_ledger",
}
#: The extra that installs each engine's library.
EXTRAS = {"duckdb": "ledger", "spark": "spark"}


def registered(config: Any) -> dict[str, str]:
    """Every engine the run's plugins register (``consentrules_register_ledger_engines``)."""
    engines: dict[str, str] = {}
    config.pluginmanager.call_each("consentrules_register_ledger_engines", engines=engines)
    return engines


def module_of(config: Any, name: str) -> str:
    """The module of the engine ``name``; an unknown name is a usage error listing them."""
    engines = registered(config)
    if name not in engines:
        raise UsageError(
            f"--ledger-engine {name!r}: no such engine (installed: {', '.join(sorted(engines))})"
        )
    return engines[name]


def open_ledger(path: str, module_name: str = ENGINES["duckdb"]) -> Any:
    """The ledger at ``path`` read by the engine module ``module_name``; a missing library is
    a usage error saying what to install."""
    engine = next((n for n, m in ENGINES.items() if m == module_name), module_name)
    try:
        module = importlib.import_module(module_name)
        return module.open_ledger(path)
    except ModuleNotFoundError as exc:
        if exc.name not in ("duckdb", "pyspark") and not str(exc.name).startswith("pyspark."):
            raise
        raise UsageError(
            f"--ledger-engine {engine} needs {exc.name}, which is not installed: "
            + (
                f"pip install 'consentrules[{EXTRAS[engine]}]'"
                if engine in EXTRAS
                else "install it"
            )
        ) from None
