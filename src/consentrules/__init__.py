"""consentrules: a privacy-policy compliance rules engine.

Public API (importing a name loads only what it needs)::

    from consentrules import hookimpl, Finding, Severity, InputError
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from consentrules.__about__ import __version__

if TYPE_CHECKING:
    from consentrules.config import Config
    from consentrules.errors import ConsentrulesError
    from consentrules.errors import ExitCode
    from consentrules.errors import InputError
    from consentrules.errors import PluginError
    from consentrules.errors import Problem
    from consentrules.errors import UsageError
    from consentrules.evaluation import EvalContext
    from consentrules.hookspecs import hookimpl
    from consentrules.model import Disclosure
    from consentrules.model import DisclosureVersion
    from consentrules.model import Finding
    from consentrules.model import HistoryEntry
    from consentrules.model import Reference
    from consentrules.model import RegionScope
    from consentrules.model import Report
    from consentrules.model import Rule
    from consentrules.model import Selector
    from consentrules.model import Setting
    from consentrules.model import Severity
    from consentrules.model import Snapshot
    from consentrules.model import Status
    from consentrules.registry import ParamError

_EXPORTS = {
    "hookimpl": "consentrules.hookspecs",
    "Config": "consentrules.config",
    "ConsentrulesError": "consentrules.errors",
    "ExitCode": "consentrules.errors",
    "InputError": "consentrules.errors",
    "PluginError": "consentrules.errors",
    "Problem": "consentrules.errors",
    "UsageError": "consentrules.errors",
    "EvalContext": "consentrules.evaluation",
    "ParamError": "consentrules.registry",
    **{
        name: "consentrules.model"
        for name in (
            "Disclosure",
            "DisclosureVersion",
            "Finding",
            "HistoryEntry",
            "Reference",
            "RegionScope",
            "Report",
            "Rule",
            "Selector",
            "Setting",
            "Severity",
            "Snapshot",
            "Status",
        )
    },
}

__all__ = [
    "Config",
    "ConsentrulesError",
    "Disclosure",
    "DisclosureVersion",
    "EvalContext",
    "ExitCode",
    "Finding",
    "HistoryEntry",
    "InputError",
    "ParamError",
    "PluginError",
    "Problem",
    "Reference",
    "RegionScope",
    "Report",
    "Rule",
    "Selector",
    "Setting",
    "Severity",
    "Snapshot",
    "Status",
    "UsageError",
    "__version__",
    "hookimpl",
]


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'consentrules' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value
