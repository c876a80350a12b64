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

from consentrules.__about__ import __version__

# Not ``typing.TYPE_CHECKING``: importing typing would double ``consentrules --version``.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from consentrules.engine.evaluation import EvalContext
    from consentrules.engine.evaluation import Span
    from consentrules.engine.evaluation import applicable_leaves
    from consentrules.engine.evaluation import default_on_leaves
    from consentrules.engine.evaluation import spans
    from consentrules.engine.findings import PerSettingCheck
    from consentrules.engine.findings import gap_finding
    from consentrules.engine.findings import prepare_regions
    from consentrules.engine.findings import region_finding
    from consentrules.hookspecs import hookimpl
    from consentrules.model import Claim
    from consentrules.model import Disclosure
    from consentrules.model import DisclosureVersion
    from consentrules.model import Finding
    from consentrules.model import HistoryEntry
    from consentrules.model import Notice
    from consentrules.model import Reference
    from consentrules.model import RegionScope
    from consentrules.model import Report
    from consentrules.model import Rule
    from consentrules.model import Selector
    from consentrules.model import Setting
    from consentrules.model import Severity
    from consentrules.model import Snapshot
    from consentrules.model import Status
    from consentrules.model.dates import PartialDate
    from consentrules.model.dates import parse_date
    from consentrules.model.errors import ConsentrulesError
    from consentrules.model.errors import ExitCode
    from consentrules.model.errors import InputError
    from consentrules.model.errors import OutputError
    from consentrules.model.errors import PluginError
    from consentrules.model.errors import Problem
    from consentrules.model.errors import UsageError
    from consentrules.model.vocabulary import VOCABULARY
    from consentrules.plugin.config import Config
    from consentrules.plugin.registry import AdapterRegistry
    from consentrules.plugin.registry import CheckKindRegistry
    from consentrules.plugin.registry import DisclosureReaderRegistry
    from consentrules.plugin.registry import ParamError
    from consentrules.plugin.registry import ReporterRegistry
    from consentrules.plugin.watchdog import PluginTimeout
    from consentrules.sources.fromdata import snapshot_from_data
    from consentrules.sources.mapping import load_mapping
    from consentrules.sources.schema import describe_path
    from consentrules.sources.snapshots import snapshot_from_document
    from consentrules.sources.yamlsource import Document
    from consentrules.sources.yamlsource import JsonSourceMap
    from consentrules.sources.yamlsource import json_pointer
    from consentrules.sources.yamlsource import read_document
    from consentrules.sources.yamlsource import read_text

_EXPORTS = {
    "hookimpl": "consentrules.hookspecs",
    "Config": "consentrules.plugin.config",
    "ConsentrulesError": "consentrules.model.errors",
    "ExitCode": "consentrules.model.errors",
    "InputError": "consentrules.model.errors",
    "PluginError": "consentrules.model.errors",
    "Problem": "consentrules.model.errors",
    "UsageError": "consentrules.model.errors",
    "EvalContext": "consentrules.engine.evaluation",
    "OutputError": "consentrules.model.errors",
    "ParamError": "consentrules.plugin.registry",
    **{
        name: "consentrules.plugin.registry"
        for name in (
            "AdapterRegistry",
            "CheckKindRegistry",
            "DisclosureReaderRegistry",
            "ReporterRegistry",
        )
    },
    "PluginTimeout": "consentrules.plugin.watchdog",
    "snapshot_from_data": "consentrules.sources.fromdata",
    "snapshot_from_document": "consentrules.sources.snapshots",
    "Document": "consentrules.sources.yamlsource",
    "JsonSourceMap": "consentrules.sources.yamlsource",
    "read_text": "consentrules.sources.yamlsource",
    "read_document": "consentrules.sources.yamlsource",
    "json_pointer": "consentrules.sources.yamlsource",
    "describe_path": "consentrules.sources.schema",
    "load_mapping": "consentrules.sources.mapping",
    "PartialDate": "consentrules.model.dates",
    "parse_date": "consentrules.model.dates",
    "VOCABULARY": "consentrules.model.vocabulary",
    **{
        name: "consentrules.engine.evaluation"
        for name in ("Span", "applicable_leaves", "default_on_leaves", "spans")
    },
    **{
        name: "consentrules.engine.findings"
        for name in ("PerSettingCheck", "gap_finding", "prepare_regions", "region_finding")
    },
    **{
        name: "consentrules.model"
        for name in (
            "Claim",
            "Disclosure",
            "DisclosureVersion",
            "Finding",
            "HistoryEntry",
            "Notice",
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
    "VOCABULARY",
    "AdapterRegistry",
    "CheckKindRegistry",
    "Claim",
    "Config",
    "ConsentrulesError",
    "Disclosure",
    "DisclosureReaderRegistry",
    "DisclosureVersion",
    "Document",
    "EvalContext",
    "ExitCode",
    "Finding",
    "HistoryEntry",
    "InputError",
    "JsonSourceMap",
    "Notice",
    "OutputError",
    "ParamError",
    "PartialDate",
    "PerSettingCheck",
    "PluginError",
    "PluginTimeout",
    "Problem",
    "Reference",
    "RegionScope",
    "Report",
    "ReporterRegistry",
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
    "load_mapping",
    "parse_date",
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
