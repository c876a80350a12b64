"""The model layer: plain dataclasses and values, no I/O.

``snapshot`` (settings, history, regions, disclosures), ``rules`` (rules, selectors, fixtures,
severity), ``findings`` (findings, notices, the report), and the values they are made of:
``dates`` (partial dates, three-valued comparisons), ``regions`` (ISO codes and groups),
``vocabulary`` (the standard tokens) and ``errors`` (the exception tree and exit codes). The
names below are importable from ``consentrules.model`` directly.
"""

from __future__ import annotations

from consentrules.model.findings import STRICT_NOTICES
from consentrules.model.findings import Finding
from consentrules.model.findings import Notice
from consentrules.model.findings import Report
from consentrules.model.findings import SnapshotSummary
from consentrules.model.findings import Status
from consentrules.model.findings import Suppression
from consentrules.model.findings import snapshot_key
from consentrules.model.rules import Damages
from consentrules.model.rules import Expectation
from consentrules.model.rules import Fixture
from consentrules.model.rules import Reference
from consentrules.model.rules import Review
from consentrules.model.rules import Rule
from consentrules.model.rules import Selector
from consentrules.model.rules import Severity
from consentrules.model.snapshot import Assessment
from consentrules.model.snapshot import Claim
from consentrules.model.snapshot import Disclosure
from consentrules.model.snapshot import DisclosureVersion
from consentrules.model.snapshot import HistoryEntry
from consentrules.model.snapshot import NoSourceMap
from consentrules.model.snapshot import Objection
from consentrules.model.snapshot import RegionScope
from consentrules.model.snapshot import Setting
from consentrules.model.snapshot import SettingState
from consentrules.model.snapshot import Snapshot
from consentrules.model.snapshot import SourceMap

__all__ = [
    "STRICT_NOTICES",
    "Assessment",
    "Claim",
    "Damages",
    "Disclosure",
    "DisclosureVersion",
    "Expectation",
    "Finding",
    "Fixture",
    "HistoryEntry",
    "NoSourceMap",
    "Notice",
    "Objection",
    "Reference",
    "RegionScope",
    "Report",
    "Review",
    "Rule",
    "Selector",
    "Setting",
    "SettingState",
    "Severity",
    "Snapshot",
    "SnapshotSummary",
    "SourceMap",
    "Status",
    "Suppression",
    "snapshot_key",
]
