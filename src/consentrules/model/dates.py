"""Dates that may be precise (``2024-08-14``) or only a month (``2024-08``).

A :class:`PartialDate` stands for every day it allows: ``2024-08`` is 2024-08-01 .. 2024-08-31.
Comparisons are three-valued: :data:`True` or :data:`False` when they hold for every day allowed,
:data:`None` when the answer depends on the day. Rules give a verdict only when it does not.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache

_DATE_RE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
#: Datetimes are accepted (exporters write them); only the calendar date in their own zone counts.
#: The time and offset are checked (hours 00-23, minutes 00-59, seconds 00-60; an offset of
#: at most 14 hours, as in every zone in use) although only the date counts.
_DATETIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ]"
    r"(?:[01]\d|2[0-3]):[0-5]\d(?::(?:[0-5]\d|60)(?:[.,]\d+)?)?"
    r"(?:Z|[+-](?:0\d|1[0-4]):?[0-5]\d)?$"
)


class DateFormatError(ValueError):
    """A value that is not a date of the accepted forms."""


#: Years outside this range are treated as an exporter's placeholder (0001-01-01, 9999-12-31)
#: rather than a real date, so that they are reported instead of silently skewing a verdict.
YEARS = (1900, 2199)


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A closed range of days ``[first, last]``, written either as a day or as a month."""

    first: _dt.date
    last: _dt.date
    text: str

    @property
    def precise(self) -> bool:
        return self.first == self.last

    def __str__(self) -> str:
        return self.text

    def describe_range(self) -> str:
        """The date as written, with the days it allows where the text does not show them."""
        span = f"{self.first.isoformat()}..{self.last.isoformat()}"
        if self.precise or span in self.text:
            return self.text
        return f"{self.text} ({span})"

    def shift(self, days: int) -> PartialDate:
        """The same range moved by ``days`` (negative: earlier)."""
        delta = _dt.timedelta(days=days)
        first, last = self.first + delta, self.last + delta
        text = first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
        return PartialDate(first, last, text)

    # Three-valued comparisons -----------------------------------------------------------------
    def is_before(self, other: PartialDate) -> bool | None:
        """Strictly before, for every pair of days allowed."""
        if self.last < other.first:
            return True
        if self.first >= other.last:
            return False
        return None

    def is_after(self, other: PartialDate) -> bool | None:
        return other.is_before(self)

    def is_on_or_before(self, other: PartialDate) -> bool | None:
        if self.last <= other.first:
            return True
        if self.first > other.last:
            return False
        return None


def parse_date(value: object) -> PartialDate:
    """Parse ``YYYY-MM-DD``, ``YYYY-MM``, an ISO datetime (its date part is used), or an ISO
    8601 interval of two of them, ``2023-02-15/2023-08-02``: a day known only to lie in it.

    :raises DateFormatError: with a message that names the value and the accepted forms.
    """
    if isinstance(value, (_dt.datetime, _dt.date)):
        value = value.isoformat()
    if not isinstance(value, str):
        raise DateFormatError(f"{value!r} is not a date; write YYYY-MM-DD or YYYY-MM")
    if "/" in value:
        start, _, end = value.strip().partition("/")
        first, last = _parse_one(start), _parse_one(end)
        if last.last < first.first:
            raise DateFormatError(f"{value!r}: the interval ends before it starts")
        return PartialDate(first.first, last.last, f"{first.text}/{last.text}")
    return _parse_one(value)


# Remembered (a date is immutable): a large snapshot checked a run at a time, or many
# snapshots in one run, then parse each date text once.
@lru_cache(maxsize=1 << 14)
def _parse_one(value: str) -> PartialDate:
    text = value.strip()
    match = _DATE_RE.match(text) or _DATETIME_RE.match(text)
    if not match:
        if _DATE_RE.match(text[:10]) and len(text) > 10 and text[10] in "T ":
            raise DateFormatError(
                f"{value!r} has an impossible time or offset (hours 00-23, minutes 00-59, an "
                "offset of at most 14 hours); write a real time, or the date alone"
            )
        raise DateFormatError(f"{value!r} is not a date; write YYYY-MM-DD or YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    if not YEARS[0] <= year <= YEARS[1]:
        raise DateFormatError(
            f"{value!r} is outside the years {YEARS[0]}..{YEARS[1]} (a placeholder date?)"
        )
    day_text = match.group(3)
    try:
        if day_text is None:
            if not 1 <= month <= 12:
                raise ValueError("month must be in 1..12")
            first = _dt.date(year, month, 1)
            last = _dt.date(year + month // 12, month % 12 + 1, 1) - _dt.timedelta(days=1)
            return PartialDate(first, last, f"{year:04d}-{month:02d}")
        day = _dt.date(year, month, int(day_text))
    except ValueError as exc:
        raise DateFormatError(f"{value!r} is not a valid calendar date ({exc})") from None
    return PartialDate(day, day, day.isoformat())


def exact(day: _dt.date) -> PartialDate:
    return PartialDate(day, day, day.isoformat())


def days_between(earlier: PartialDate, later: PartialDate) -> tuple[int, int]:
    """The smallest and largest number of days from ``earlier`` to ``later``."""
    return (later.first - earlier.last).days, (later.last - earlier.first).days
