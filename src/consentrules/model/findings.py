"""What rules find: findings, their suppressions, notices, and the report of a run."""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache
from typing import TYPE_CHECKING
from typing import Any

from consentrules.model.rules import Rule
from consentrules.model.rules import Severity

if TYPE_CHECKING:  # (only reports that draw timelines import them)
    from consentrules.model.timeline import Timeline


class Status(str, enum.Enum):
    """What a finding says about its target."""

    #: The rule is broken.
    VIOLATION = "violation"
    #: The data does not settle the verdict: the snapshot lacks a fact the rule needs, or the
    #: verdict depends on a day a partial date or a policy history leaves open (the finding
    #: says what would decide): never a silent pass.
    NOT_EVALUABLE = "not_evaluable"


# Findings --------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Suppression:
    """Why a finding does not fail the run: a waiver, or an entry in the baseline."""

    kind: str  # "waiver" or "baseline"
    justification: str
    owner: str | None = None
    expires: str | None = None
    source: str | None = None  # "path:line" of the waiver or the baseline file


#: Notice categories that fail a run under ``--strict``.
STRICT_NOTICES = ("stale", "unknown_token", "unmapped", "incomplete")


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should know that is not a finding (an expired or unused waiver...)."""

    level: str  # "warning" or "note"
    message: str
    path: str | None = None
    line: int | None = None
    #: What kind of notice: "" (general), "not_active" (settings not yet activated on the
    #: evaluation date), "skipped" (a file a folder walk did not read), "stale" (a baseline
    #: entry or waiver that matches nothing; fails the run with --strict), "unknown_token"
    #: (a purpose, category or recipient no rule knows; fails the run with --strict), "extrapolated"
    #: (judged as of a date after the snapshot was taken), "not_in_force" (rules whose law did
    #: not yet apply on the evaluation date), "unmapped" (settings that state no purposes;
    #: fails the run with --strict), "group_definition" (judged as of a date before a region
    #: group's membership holds), "incomplete" (an input nothing could be judged in, or whose
    #: adapter lacked what it needed, such as flagd's region attribute; fails with --strict).
    category: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a rule found about one setting or disclosure of one snapshot."""

    rule_id: str
    severity: Severity
    status: Status
    message: str
    snapshot: str
    platform: str
    target_kind: str  # "setting" or "disclosure"
    target_id: str
    regions: tuple[str, ...] = ()
    pointer: str = ""
    line: int | None = None
    column: int | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    suppression: Suppression | None = None

    @property
    def suppressed(self) -> bool:
        return self.suppression is not None

    def _arguments(self) -> tuple[Any, ...]:
        return (
            self.rule_id,
            self.severity,
            self.status,
            self.message,
            self.snapshot,
            self.platform,
            self.target_kind,
            self.target_id,
            self.regions,
            self.pointer,
            self.line,
            self.column,
            self.evidence,
            self.suppression,
        )

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Pickled as the constructor's arguments: half the time of the default for a slotted
        # dataclass (findings come back from worker processes by the ten thousand).
        return (Finding, self._arguments())

    def at(self, line: int | None, column: int | None) -> Finding:
        """This finding at a source position (what ``dataclasses.replace`` does, faster: a
        large check locates tens of thousands of findings)."""
        return Finding(
            self.rule_id,
            self.severity,
            self.status,
            self.message,
            self.snapshot,
            self.platform,
            self.target_kind,
            self.target_id,
            self.regions,
            self.pointer,
            line=line,
            column=column,
            evidence=self.evidence,
            suppression=self.suppression,
        )

    @property
    def fingerprint(self) -> str:
        """Stable across reformatting and reordering (no line numbers, no message text), and
        different for each snapshot file: two files of one platform are two findings."""
        import hashlib

        key = "\x1f".join(
            (
                self.rule_id,
                self.platform,
                self.target_kind,
                self.target_id,
                self.status.value,
                snapshot_key(self.snapshot),
            )
        )
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]

    def sort_key(self) -> tuple[str, str, str, str, int, str]:
        return (
            self.snapshot,
            self.rule_id,
            self.target_kind,
            self.target_id,
            0 if self.status is Status.VIOLATION else 1,
            self.message,
        )


#: Where identity paths are relative to: ``--root`` (set by the command line), else the
#: checkout holding each snapshot file.
_IDENTITY_ROOT: list[str | None] = [None]


def set_identity_root(root: str | None) -> None:
    """Make fingerprints name snapshot files relative to ``root`` (``--root``); None: to the
    git checkout that holds each file."""
    _IDENTITY_ROOT[0] = None if root is None else os.path.realpath(root)
    _snapshot_key.cache_clear()
    _checkout.cache_clear()


def snapshot_key(path: str) -> str:
    """A snapshot's path as fingerprints see it: relative to the repository root (``--root``,
    else the nearest folder holding ``.git`` above the file), with forward slashes, so that a
    run from the root, from a subfolder or with an absolute path gives the same identity. A
    path that names no file here (a snapshot in memory), or a file outside any checkout,
    keeps its own normal form."""
    # (asked once per finding, of a few paths: remembered per working folder, since a
    # relative path names another file from another folder)
    return _snapshot_key(path, "" if os.path.isabs(path) else os.getcwd())


@lru_cache(maxsize=1024)
def _snapshot_key(path: str, cwd: str) -> str:
    import posixpath

    plain = posixpath.normpath(path.replace("\\", "/"))
    if path.startswith("<") or not os.path.isfile(path):
        return plain
    absolute = os.path.realpath(path)
    root = _IDENTITY_ROOT[0] or _checkout(os.path.dirname(absolute))
    if root is None:
        return plain
    relative = os.path.relpath(absolute, root)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return plain  # outside the root: the path as given
    return relative.replace(os.sep, "/")


def key_exists(key: str) -> bool:
    """Whether the snapshot file a fingerprint's path names (:func:`snapshot_key`) exists:
    relative to ``--root``, to the checkout of the working folder, or to the working folder."""
    cwd = os.getcwd()
    bases = [_IDENTITY_ROOT[0], _checkout(cwd), cwd]
    return any(os.path.isfile(os.path.join(base, key)) for base in bases if base)


@lru_cache(maxsize=256)
def _checkout(folder: str) -> str | None:
    """The nearest folder at or above ``folder`` that holds ``.git``."""
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


@dataclass(frozen=True)
class SnapshotSummary:
    path: str
    platform: str
    taken_at: str
    as_of: str
    settings: int
    disclosures: int
    adapter: str
    #: Settings activated after the evaluation date: not judged by any rule.
    inactive: tuple[str, ...] = ()
    #: ``(field, token, setting id)`` for purposes, categories and recipients no rule knows.
    unknown_tokens: tuple[tuple[str, str, str], ...] = ()
    #: Settings that do not state their purposes: no rule that selects by purpose judges them.
    unmapped: tuple[str, ...] = ()
    #: Settings whose default is unknown everywhere and always: no rule about defaults can
    #: judge them.
    undecided: tuple[str, ...] = ()
    #: Every setting's id (for audits that compare records with the snapshot; not reported).
    setting_ids: tuple[str, ...] = ()
    #: Per rule id: ``evaluated`` (settings it selected), ``compliant`` (those it found
    #: nothing about) and ``compliant_settings`` (up to :data:`COVERAGE_SAMPLE` of their ids).
    coverage: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: (region term, users) pairs the snapshot gives.
    users: tuple[tuple[str, int], ...] = ()
    #: Per setting, when it was on by default per region group (only for reports that draw
    #: them, such as HTML).
    timelines: tuple[Timeline, ...] = ()
    #: What the adapter wanted every report to say about this snapshot.
    notices: tuple[Notice, ...] = ()


#: How many compliant setting ids a snapshot's coverage lists per rule.
COVERAGE_SAMPLE = 20


@dataclass
class Report:
    """Everything a reporter needs: the findings, the rules they cite and what was checked."""

    findings: list[Finding]
    rules: dict[str, Rule]
    snapshots: list[SnapshotSummary]
    #: Violations at or above this severity fail the run; None: nothing fails it.
    fail_on: Severity | None = Severity.LOW
    tool_version: str = ""
    plugins: list[tuple[str, str]] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    #: With ``--strict``, unsuppressed not-evaluable findings fail the run too.
    strict: bool = False
    #: The project configuration file the run applied, if any.
    config_file: str | None = None

    @property
    def violations(self) -> list[Finding]:
        """Violations that are not suppressed."""
        return [f for f in self.findings if f.status is Status.VIOLATION and not f.suppressed]

    @property
    def suppressed(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed]

    @property
    def not_evaluable(self) -> list[Finding]:
        return [f for f in self.findings if f.status is Status.NOT_EVALUABLE and not f.suppressed]

    @property
    def failing_notices(self) -> list[Notice]:
        """With ``--strict``: stale baseline entries and waivers, and unknown tokens."""
        if not self.strict:
            return []
        return [n for n in self.notices if n.category in STRICT_NOTICES]

    @property
    def failing(self) -> list[Finding]:
        if self.fail_on is None:
            return []
        candidates = self.violations + (self.not_evaluable if self.strict else [])
        return [f for f in candidates if f.severity >= self.fail_on]
