"""The in-memory model: plain frozen dataclasses, no I/O (one exception: :class:`Setting`).

A :class:`Snapshot` holds :class:`Setting` and :class:`Disclosure` objects; a :class:`Rule` selects
settings and names a check kind; evaluating rules gives :class:`Finding` objects collected in a
:class:`Report`.

Every model object that came from a file carries ``pointer``, a JSON pointer (RFC 6901) into
that file's document; the file's :class:`SourceMap` turns a pointer into a line and column only
when a finding is actually reported.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Protocol

from consentrules.dates import PartialDate


class Severity(enum.IntEnum):
    """How serious a rule's violation is; ordered so that thresholds compare."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, name: str) -> Severity:
        try:
            return cls[name.upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {name!r}; choose one of {choices}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


class Status(str, enum.Enum):
    """What a finding says about its target."""

    #: The rule is broken.
    VIOLATION = "violation"
    #: The snapshot lacks a fact the rule needs, or the verdict depends on the day of a
    #: partial date: never a silent pass.
    NOT_EVALUABLE = "not_evaluable"


class SourceMap(Protocol):
    """Turns a JSON pointer into ``(line, column)`` (1-based), or None if it cannot."""

    def locate(self, pointer: str) -> tuple[int, int] | None: ...


class NoSourceMap:
    def locate(self, pointer: str) -> tuple[int, int] | None:
        return None


# Snapshots -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RegionScope:
    """Where a practice applies: ``include`` minus ``exclude`` (raw region terms)."""

    include: tuple[str, ...]
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SettingState:
    """The facts about a setting that may change over time."""

    default: bool | None
    region_defaults: tuple[tuple[str, bool | None], ...] = ()
    regions: RegionScope | None = None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """A change to a setting on ``date``; fields left ``None`` did not change."""

    date: PartialDate
    default: bool | None = None
    region_defaults: tuple[tuple[str, bool | None], ...] | None = None
    regions: RegionScope | None = None
    note: str | None = None
    pointer: str = ""

    def apply(self, state: SettingState) -> SettingState:
        return SettingState(
            default=state.default if self.default is None else self.default,
            region_defaults=(
                state.region_defaults if self.region_defaults is None else self.region_defaults
            ),
            regions=state.regions if self.regions is None else self.regions,
        )


@dataclass(slots=True)
class Setting:
    """A data-use control as it was activated; ``history`` lists later changes in date order.

    Read-only by convention, not enforced: a large snapshot builds one per setting, and a frozen
    dataclass's constructor would make building 100,000 of them about 0.1 s slower (measured
    in ``benchmarks/``). Make a changed copy with :func:`dataclasses.replace`.
    """

    id: str
    title: str
    purposes: tuple[str, ...] = ()
    data_categories: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    default: bool | None = None
    region_defaults: tuple[tuple[str, bool | None], ...] = ()
    regions: RegionScope | None = None
    activated_at: PartialDate | None = None
    #: Why the default cannot be decided where it is None (e.g. "fractional rollout").
    default_note: str | None = None
    #: The fields the source stated (None: all of them); an absent list is "not stated", not
    #: "empty", for custom conditions.
    stated: frozenset[str] | None = None
    history: tuple[HistoryEntry, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    pointer: str = ""

    @property
    def initial_state(self) -> SettingState:
        return SettingState(self.default, self.region_defaults, self.regions)


@dataclass(frozen=True, slots=True)
class DisclosureVersion:
    """One dated version of a disclosure document and what it states."""

    version: str
    published_at: PartialDate | None
    effective_at: PartialDate | None = None
    url: str | None = None
    purposes: tuple[str, ...] = ()
    describes_opt_out: bool | None = None
    statements: tuple[str, ...] = ()
    excerpts: tuple[str, ...] = ()
    pointer: str = ""

    @property
    def all_statements(self) -> frozenset[str]:
        """Statements, with ``opt_out`` added when the version describes an opt-out."""
        extra = ("opt_out",) if self.describes_opt_out else ()
        return frozenset((*self.statements, *extra))


@dataclass(frozen=True, slots=True)
class Disclosure:
    """A document of a kind (``privacy_policy``, ``faq``, ...) with its dated versions."""

    id: str
    kind: str
    title: str
    versions: tuple[DisclosureVersion, ...]
    url: str | None = None
    pointer: str = ""


@dataclass(frozen=True)
class Snapshot:
    """A platform's data-use settings and disclosures, as of ``taken_at``."""

    platform: str
    taken_at: PartialDate
    settings: tuple[Setting, ...]
    disclosures: tuple[Disclosure, ...] = ()
    path: str = "<memory>"
    #: False when the source carries no disclosure data at all (e.g. a feature-flag file), so
    #: that disclosure rules say "not evaluable" instead of "never disclosed".
    has_disclosures: bool = True
    source_map: SourceMap = field(default_factory=NoSourceMap, compare=False, repr=False)
    adapter: str = "native"


# Rules -----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Reference:
    """A legal source a rule rests on."""

    title: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Selector:
    """Which settings a rule looks at; every given key must match (any value of its list)."""

    purposes: tuple[str, ...] | None = None
    data_categories: tuple[str, ...] | None = None
    recipients: tuple[str, ...] | None = None
    ids: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None

    def describe(self) -> str:
        parts = []
        for name in ("purposes", "data_categories", "recipients", "ids", "regions"):
            values = getattr(self, name)
            if values:
                parts.append(f"{name.replace('_', ' ')}: {', '.join(values)}")
        return "; ".join(parts) if parts else "every setting"


@dataclass(frozen=True, slots=True)
class Expectation:
    """A finding a fixture must produce."""

    target: str
    target_kind: str | None = None
    status: str = "violation"
    regions: tuple[str, ...] | None = None
    message_contains: str | None = None

    def describe(self) -> str:
        text = f"{self.status} on {self.target_kind or 'target'} {self.target}"
        if self.regions is not None:
            text += f" in [{', '.join(self.regions)}]"
        if self.message_contains:
            text += f" saying {self.message_contains!r}"
        return text


@dataclass(frozen=True)
class Fixture:
    """A small snapshot that must give exactly the expected findings of its rule."""

    name: str
    expect: tuple[Expectation, ...]
    snapshot: Mapping[str, Any] | None = None
    snapshot_file: str | None = None
    as_of: str | None = None
    line: int | None = None
    pointer: str = ""

    @property
    def passing(self) -> bool:
        """A fixture that must give no finding."""
        return not self.expect


@dataclass(frozen=True)
class Rule:
    """A rule loaded from a rule file, with its check parameters prepared by its kind."""

    id: str
    title: str
    severity: Severity
    check_kind: str
    params: Mapping[str, Any]
    description: str = ""
    remediation: str = ""
    references: tuple[Reference, ...] = ()
    tags: tuple[str, ...] = ()
    jurisdictions: tuple[str, ...] = ()
    selector: Selector = field(default_factory=Selector)
    pack: str | None = None
    path: str = "<memory>"
    line: int | None = None
    prepared: Any = field(default=None, compare=False, repr=False)
    fixtures: tuple[Fixture, ...] = ()


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
STRICT_NOTICES = ("stale", "unknown_token")


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
    #: (judged as of a date after the snapshot was taken).
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
        arguments = self._arguments()
        return Finding(*arguments[:10], line, column, *arguments[12:])  # type: ignore[call-arg]

    @property
    def fingerprint(self) -> str:
        """Stable across reformatting and reordering (no line numbers, no message text), and
        different for each snapshot file: two files of one platform are two findings."""
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


def snapshot_key(path: str) -> str:
    """A snapshot's path as fingerprints see it: forward slashes, no ``./`` or ``a/../``."""
    import posixpath

    return posixpath.normpath(path.replace("\\", "/"))


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
