"""consentrules: a privacy-policy compliance rules engine.

Public API (importing a name loads only what it needs)::

    from consentrules import hookimpl, Finding, Severity, InputError

This package root, and the test kit ``consentrules.testing``, are all that a plugin may
import: the model types, the hookimpl marker, errors, what adapters need to read files and
build snapshots (``snapshot_from_data``, ``read_document``...), and what check kinds need to
judge settings over time and regions (``EvalContext``, ``spans``...). Every other module is
private and may change between versions; ``tests/test_public_api.py`` fails when a plugin in
``plugins/`` or the tutorial imports one.
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
    from consentrules.evaluation import PerSettingCheck
    from consentrules.evaluation import Span
    from consentrules.evaluation import applicable_leaves
    from consentrules.evaluation import default_on_leaves
    from consentrules.evaluation import gap_finding
    from consentrules.evaluation import prepare_regions
    from consentrules.evaluation import region_finding
    from consentrules.evaluation import spans
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
    from consentrules.schema import describe_path
    from consentrules.snapshots import snapshot_from_data
    from consentrules.snapshots import snapshot_from_document
    from consentrules.yamlsource import Document
    from consentrules.yamlsource import JsonSourceMap
    from consentrules.yamlsource import json_pointer
    from consentrules.yamlsource import read_document
    from consentrules.yamlsource import read_text

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
    "snapshot_from_data": "consentrules.snapshots",
    "snapshot_from_document": "consentrules.snapshots",
    "Document": "consentrules.yamlsource",
    "JsonSourceMap": "consentrules.yamlsource",
    "read_text": "consentrules.yamlsource",
    "read_document": "consentrules.yamlsource",
    "json_pointer": "consentrules.yamlsource",
    "describe_path": "consentrules.schema",
    **{
        name: "consentrules.evaluation"
        for name in (
            "PerSettingCheck",
            "Span",
            "applicable_leaves",
            "default_on_leaves",
            "gap_finding",
            "prepare_regions",
            "region_finding",
            "spans",
        )
    },
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
    "Document",
    "EvalContext",
    "ExitCode",
    "Finding",
    "HistoryEntry",
    "InputError",
    "JsonSourceMap",
    "ParamError",
    "PerSettingCheck",
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
    "Span",
    "Status",
    "UsageError",
    "__version__",
    "applicable_leaves",
    "default_on_leaves",
    "describe_path",
    "gap_finding",
    "hookimpl",
    "json_pointer",
    "prepare_regions",
    "read_document",
    "read_text",
    "region_finding",
    "snapshot_from_data",
    "snapshot_from_document",
    "spans",
]


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'consentrules' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value
