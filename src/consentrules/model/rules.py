"""Rules as loaded: severity, legal references, selectors, fixtures and the rule itself."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from consentrules.model.dates import PartialDate


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
    #: True: settings on by default somewhere at some time; False: settings never on.
    default: bool | None = None
    practice: tuple[str, ...] | None = None
    legal_basis: tuple[str, ...] | None = None
    #: Alternatives: at least one of these selectors must match too ("sold or shared": a sale
    #: or sharing purpose, or advertising with third parties).
    any: tuple[Selector, ...] | None = None
    #: Exclusions: a setting that one of these selectors matches is not selected (Quebec's
    #: confidentiality by default leaves cookies' settings out).
    none: tuple[Selector, ...] | None = None

    #: The keys tested setting by setting (not through the index).
    UNINDEXED = ("ids", "regions", "default", "practice", "legal_basis", "any", "none")

    def values(self, name: str) -> tuple[str, ...]:
        """The tokens of ``name`` the selector or any of its alternatives names."""
        own = tuple(getattr(self, name) or ())
        for sub in self.any or ():
            own += sub.values(name)
        return own

    def describe(self) -> str:
        parts = []
        names = ("purposes", "data_categories", "recipients", "ids", "regions")
        for name in (*names, "practice", "legal_basis"):
            values = getattr(self, name)
            if values:
                parts.append(f"{name.replace('_', ' ')}: {', '.join(values)}")
        if self.default is not None:
            parts.append("on by default" if self.default else "never on by default")
        if self.any:
            parts.append("any of: " + " | ".join(sub.describe() for sub in self.any))
        if self.none:
            parts.append("none of: " + " | ".join(sub.describe() for sub in self.none))
        return "; ".join(parts) if parts else "every setting"

    def rest(self) -> Selector | None:
        """The part of the selector the index cannot answer; None when there is none."""
        if all(getattr(self, name) is None for name in self.UNINDEXED):
            return None
        return Selector(**{name: getattr(self, name) for name in self.UNINDEXED})


@dataclass(frozen=True)
class Review:
    """Where the law accepts a practice under conditions: a violation about a setting that
    meets ``condition`` becomes a finding to review, at ``severity``, naming ``reason``."""

    reason: str
    severity: Severity
    #: The compiled condition (the ``condition`` check kind's form).
    condition: Any = field(compare=False, repr=False)
    #: The condition in words, for the finding's message.
    described: str = ""
    #: Conditions that only some regions' laws ask for: (region term, its region bit mask,
    #: compiled condition), each judged for the part of a finding's regions it covers.
    in_regions: tuple[tuple[str, int, Any], ...] = field(default=(), compare=False, repr=False)


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
class Damages:
    """Statutory damages per person a law sets (18 U.S.C. 2707(c): at least $1,000)."""

    per_person_min: float
    currency: str
    law: str
    per_person_max: float | None = None
    note: str = ""


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
    review: Review | None = None
    #: The date the law behind the rule applies from; nothing before it is judged.
    in_force_from: PartialDate | None = None
    #: The day the law behind the rule changed so that it no longer applies (exclusive): the
    #: rule judges only the period before (the UK's Data (Use and Access) Act 2025 exempted
    #: analytics storage from consent from 2026-02-05).
    in_force_until: PartialDate | None = None
    #: (region term, date) pairs: where the rule rests on several laws, the regions whose law
    #: applies from a later date than ``in_force_from`` (the earliest).
    in_force_in: tuple[tuple[str, PartialDate], ...] = ()
    #: A transitional period: practices that began before ``in_force_from`` are judged only
    #: from this later date (the AI Act gives models placed on the market before 2025-08-02
    #: until 2027-08-02, Art. 111(3)).
    existing_from: PartialDate | None = None
    #: False: the rule runs only when named (its pack, its id or one of its tags).
    run_by_default: bool = True
    #: Statutory damages per person, where the law behind the rule sets them.
    damages: Damages | None = None
    #: What a finding of a condition rule says, with the facts filled in ({id}, {purposes}...).
    message: str = ""
    #: Rules whose finding on the same target this rule's finding restates: reports show them
    #: as one problem (the JSON and SARIF reports keep a result per rule).
    restates: tuple[str, ...] = ()
