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


def open_ledger(path: str, engine: str = "duckdb") -> Any:
    """The ledger at ``path`` read by ``engine``; a missing library is a usage error saying
    what to install."""
    try:
        module = importlib.import_module(ENGINES[engine])
        return module.open_ledger(path)
    except ModuleNotFoundError as exc:
        if exc.name not in ("duckdb", "pyspark") and not str(exc.name).startswith("pyspark."):
            raise
        raise UsageError(
            f"--ledger-engine {engine} needs {exc.name}, which is not installed: "
            f"pip install 'consentrules[{EXTRAS[engine]}]'"
        ) from None
