"""A setting's story over time, for a report's picture: when it was on by default in each
region group, and when its disclosures appeared."""

from __future__ import annotations

from dataclasses import dataclass

#: The region groups a timeline has a bar for: (key, label, region terms; None: the rest).
REGION_GROUPS: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("eea", "EEA", ("EEA",)),
    ("uk", "UK", ("GB",)),
    ("ch", "Switzerland", ("CH",)),
    ("us", "United States", ("US",)),
    ("row", "Rest of world", None),
)


@dataclass(frozen=True)
class Segment:
    """A period of a bar: ``start`` and ``end`` are ISO days (``end`` None: until the
    evaluation date); ``state`` is ``on`` (enrolled by default everywhere in the group),
    ``partly`` (somewhere in it), ``unknown``, ``off`` or ``absent`` (not offered there)."""

    start: str
    end: str | None
    state: str


@dataclass(frozen=True)
class Bar:
    group: str
    label: str
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Mark:
    """A dated event on the timeline: a disclosure version (``day`` is its first possible
    publication day, ``last`` the last one)."""

    day: str
    last: str
    label: str
    kind: str


@dataclass(frozen=True)
class Timeline:
    setting_id: str
    title: str
    #: The first day drawn (activation) and the last (the evaluation date), ISO days.
    start: str
    end: str
    bars: tuple[Bar, ...]
    marks: tuple[Mark, ...]
