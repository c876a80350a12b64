"""A platform's snapshot: settings with their history and regions, and dated disclosures.

Every object that came from a file carries ``pointer``, a JSON pointer (RFC 6901) into that
file's document; the file's :class:`SourceMap` turns a pointer into a line and column only when
a finding is actually reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Protocol

from consentrules.model.dates import PartialDate


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
    #: "active", or "paused", "suspended", "withdrawn": then no one is enrolled by it.
    status: str = "active"

    @property
    def halted(self) -> bool:
        """Whether the practice is paused, suspended or withdrawn."""
        return self.status in HALTED


#: Statuses in which a practice enrols no one.
HALTED = frozenset({"paused", "suspended", "withdrawn"})


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """A change to a setting on ``date``; fields left ``None`` did not change."""

    date: PartialDate
    default: bool | None = None
    region_defaults: tuple[tuple[str, bool | None], ...] | None = None
    regions: RegionScope | None = None
    note: str | None = None
    pointer: str = ""
    #: The practice's status from this date (None: unchanged); "resumed" is "active".
    status: str | None = None

    def apply(self, state: SettingState) -> SettingState:
        status = state.status if self.status is None else self.status
        return SettingState(
            default=state.default if self.default is None else self.default,
            region_defaults=(
                state.region_defaults if self.region_defaults is None else self.region_defaults
            ),
            regions=state.regions if self.regions is None else self.regions,
            status="active" if status == "resumed" else status,
        )


@dataclass(frozen=True, slots=True)
class Assessment:
    """An assessment made of a practice: its kind (``dpia``, GDPR Art. 35;
    ``legitimate_interest``, the balancing test; ``risk_assessment``, California's regulations;
    ``data_protection_assessment``, the US states'), the day it was completed, and where it
    counts (empty: everywhere)."""

    kind: str
    completed_at: PartialDate | None = None
    regions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Objection:
    """How a user objects to (opts out of) a practice, and since when."""

    #: "toggle", "web_form", "email" or "none".
    route: str
    available_at: PartialDate | None = None
    covers_past_data: bool | None = None


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
    #: "user_setting", "admin_setting" or "policy_practice" (no toggle).
    practice: str = "user_setting"
    #: (region term, basis) pairs; the most specific region wins. Empty: none recorded.
    legal_basis: tuple[tuple[str, str], ...] = ()
    objection: Objection | None = None
    #: Categories alleged to be used and denied by the platform.
    disputed_categories: tuple[str, ...] = ()
    #: (group token, default) pairs: defaults that differ for a group of users.
    group_defaults: tuple[tuple[str, bool | None], ...] = ()
    #: Groups of users the practice never reaches, not even with their consent.
    excluded_groups: tuple[str, ...] = ()
    #: Assessments made of the practice (DPIA, legitimate-interest test, ...).
    assessments: tuple[Assessment, ...] | None = None
    #: Whether the practice also uses data collected before it began (None: not stated).
    uses_existing_data: bool | None = None
    planned_at: PartialDate | None = None
    control_available_at: PartialDate | None = None
    #: The status the setting starts with (a rule in force from a later date may see it
    #: paused on that date).
    initial_status: str = "active"
    #: When the setting really began, where a rule in force from a later date sees it from
    #: that date (``activated_at`` is then the law's start); None otherwise.
    began_at: PartialDate | None = None

    @property
    def initial_state(self) -> SettingState:
        return SettingState(self.default, self.region_defaults, self.regions, self.initial_status)


@dataclass(frozen=True, slots=True)
class Claim:
    """What a version's text says, found by a claim matcher: a purpose or statement token, the
    sentence it rests on and the heading of the section the sentence is in."""

    token: str
    excerpt: str
    heading: str = ""
    #: Who carries the practice out, where the sentence says: ``first_party`` ("we train our
    #: models"), ``third_parties`` ("partners train their models"), ``affiliates``; "" when
    #: it does not say.
    recipient: str = ""


#: Captures that do not show the document's text (DisclosureVersion.capture).
UNUSABLE_CAPTURES = frozenset({"failed", "other_document"})
#: Captures that are not the service changing its text: never a removal.
NOT_A_CHANGE = UNUSABLE_CAPTURES | {"alternate", "repeat"}


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
    #: The regions the version addresses; None: everyone.
    regions: tuple[str, ...] | None = None
    #: Where the text was read from (a file path, or a repository path at a commit).
    source: str | None = None
    #: SHA-256 of the text, in hexadecimal.
    sha256: str | None = None
    #: When an archive recorded this version (ISO 8601, UTC): the text was published at or
    #: before this time, not necessarily on it.
    recorded_at: str | None = None
    #: The dates the text states for itself: (``effective`` or ``updated``, YYYY-MM-DD, the
    #: sentence it came from or "").
    stated_dates: tuple[tuple[str, str, str], ...] = ()
    #: What the text says and where (derived versions: the evidence for ``purposes`` and
    #: ``statements``).
    claims: tuple[Claim, ...] = ()
    #: How ``published_at`` was arrived at, for people ("first recorded ... by a collection
    #: checking every 6 h; the text states ...").
    dated_by: str = ""
    #: A capture that is not the service's text as it changed: ``failed`` (lost its text),
    #: ``other_document`` (the address served another document), ``reread`` (the archive read
    #: the page differently), ``alternate`` (a flip back to a text shown before), ``repeat``
    #: (the text before a failed capture, back); None for a change by the service.
    capture: str | None = None
    capture_note: str = ""
    #: (purpose, recipient) pairs: purposes the version says are carried out by or shared with
    #: ``third_parties`` or ``affiliates``. None: the version does not say who (every recipient
    #: counts, as for a hand-written snapshot).
    purpose_recipients: tuple[tuple[str, str], ...] | None = None

    def claim_for(self, token: str, recipient: str | None = None) -> Claim | None:
        """The first claim of ``token`` in this version (of ``recipient``, where given), if a
        matcher found one."""
        return next(
            (
                claim
                for claim in self.claims
                if claim.token == token and (recipient is None or claim.recipient == recipient)
            ),
            None,
        )

    @property
    def usable(self) -> bool:
        """Whether the version shows the document's text (a failed capture, or another document
        at the address, does not)."""
        return self.capture not in UNUSABLE_CAPTURES

    @property
    def comparable(self) -> bool:
        """Whether what this version says can be compared with the version before it: not a
        failed capture, another document, a flip back or a repeat (a re-reading is, as the new
        baseline)."""
        return self.capture not in NOT_A_CHANGE

    def discloses(self, purpose: str, recipients: frozenset[str] = frozenset()) -> bool:
        """Whether the version states ``purpose`` for a setting whose data goes to
        ``recipients``: a setting sharing with third parties (or affiliates) needs a statement
        of that, where the version says who carries its purposes out."""
        if purpose not in self.purposes:
            return False
        needed = recipients & {"third_parties", "affiliates"}
        if not needed or self.purpose_recipients is None:
            return True
        said = {r for p, r in self.purpose_recipients if p == purpose}
        if "third_parties" in needed:
            return "third_parties" in said
        return bool(said & {"third_parties", "affiliates"})

    @property
    def all_statements(self) -> frozenset[str]:
        """Statements, with ``opt_out`` added when the version describes an opt-out,
        ``opt_out_of_ai_training`` when a version about AI training does, and what a broader
        statement includes (``STATEMENT_INCLUDES``)."""
        extra: tuple[str, ...] = ("opt_out",) if self.describes_opt_out else ()
        for said in self.statements:
            extra += STATEMENT_INCLUDES.get(said, ())
        if (self.describes_opt_out or "opt_out" in self.statements) and (
            "ai_training" in self.purposes
        ):
            extra += ("opt_out_of_ai_training",)
        return frozenset((*self.statements, *extra))


#: Statements that include narrower ones: an opt-out of "sale or sharing" (California since
#: 2023) is also an opt-out of sale (California before 2023, the other states).
STATEMENT_INCLUDES: dict[str, tuple[str, ...]] = {
    "opt_out_of_sale_sharing": ("opt_out_of_sale",),
}


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
    #: (region term, number of users) pairs the snapshot gives, for "who is affected".
    users: tuple[tuple[str, int], ...] = ()
    #: What the adapter wants every report to say about this file ("3 flags had no purpose
    #: metadata"), as :class:`consentrules.model.findings.Notice` objects.
    notices: tuple[Any, ...] = ()
