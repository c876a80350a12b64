"""When was a recorded version published? The dates a text states for itself, and how often the
collection checked the page.

OTA records a version when one of its scheduled checks sees new text. So a version first
recorded at R was published at or before R, and, if the check before it saw the old text, after
that check. The checks run on a schedule (a collection's ``metadata.yml`` states it as a cron
expression under ``trackingPeriods``; the recording times show it, each run starting at the
same minutes past the scheduled hours). A careful analyst combines that window with the dates
the text states ("Effective September 18, 2024", "will go into effect on ...", "Last updated").

Two readings are offered:

``evidence`` (the default)
    The window since the check before the recording (one period earlier, where the schedule is
    known; otherwise since the previous recording), narrowed to a stated date inside it. A stated
    date after the recording is an upcoming version shown ahead of time (the text was available
    from its first capture); a stated date earlier than the window but after the previous
    recording widens the window back to it: the checks between may have failed, and an archived
    copy of the page between the two dates would decide.
``strict``
    The recording window only: between the previous recording and this one, narrowed to a
    "last updated" day inside it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace
from itertools import pairwise

_MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_EFFECTIVE = (
    r"effective(?:\s+date)?(?:\s+(?:as\s+of|on|from|since))?"
    r"|(?:will\s+)?(?:go(?:es)?|come(?:s)?|enter(?:s)?)\s+into\s+(?:effect|force)"
    r"(?:\s+(?:on|as\s+of|from))?"
    r"|(?:will\s+)?take(?:s)?\s+effect(?:\s+(?:on|as\s+of|from))?"
    r"|in\s+force\s+(?:from|since|as\s+of)"
)
_UPDATED = (
    r"(?:we\s+)?(?:have\s+)?(?:updated|revised|changed)\s+(?:our|this|the)\s+"
    r"(?:privacy\s+)?(?:policy|notice|statement|terms)(?:\s+(?:on|as\s+of))?"
    r"|last\s+(?:updated|modified|revised|changed|amended)(?:\s+(?:on|as\s+of))?"
    r"|(?:date\s+of\s+)?last\s+revision"
    r"|(?:updated|revised)(?:\s+(?:on|as\s+of))?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:[A-Za-z]{{3,9}}\.?\s+{_DAY},?\s+\d{{4}})"
    rf"|(?:{_DAY}\s+(?:of\s+)?[A-Za-z]{{3,9}}\.?,?\s+\d{{4}})"
    r"|(?:\d{4}-\d{2}-\d{2})"
    r"|(?:\d{1,2}\.\d{1,2}\.\d{4})"
)
_STATED = re.compile(
    rf"\b(?:(?P<effective>{_EFFECTIVE})|(?P<updated>{_UPDATED}))"
    rf"\s*[:\-\u2013\u2014]?\s*[*_]*\s*(?P<date>{_DATE})",
    re.IGNORECASE,
)
#: Words one of which every match of _STATED holds (case folded as _STATED folds them): a line
#: without any is passed over without running _STATED's many alternatives along it.
_CUE_WORDS = ("effect", "force", "updat", "revis", "chang", "modif", "amend")
_CUE = re.compile("|".join(_CUE_WORDS), re.IGNORECASE)
#: Where a policy states its own date: its first lines, and its last ones.
_HEAD_LINES = 80
_TAIL_LINES = 30


@dataclass(frozen=True)
class StatedDate:
    kind: str  # "effective" or "updated"
    date: str  # YYYY-MM-DD
    text: str  # as written ("Effective September 18, 2024")
    sentence: str = ""  # the line it came from
    #: Whether the date opens its line or table cell ("Effective April 7, 2025 | ..."), as a
    #: policy's own date does; a date inside a sentence may be about another version.
    leading: bool = False


def stated_dates(text: str) -> tuple[StatedDate, ...]:
    """The "effective" and "last updated" dates a text states for itself, in every common
    phrasing, each with the line it came from (the first and last lines of the text are read:
    a date in the body is usually about something else)."""
    lines = _head_and_tail(text)
    found: list[StatedDate] = []
    for line in lines:
        if not _cued(line):
            continue
        for match in _STATED.finditer(line):
            day = parse_written_date(match.group("date"))
            if day is None:
                continue
            kind = "effective" if match.group("effective") else "updated"
            sentence = re.sub(r"[*_`#]+", "", line).strip()
            before = re.sub(r"[*_`#>\s]+", "", line[: match.start()])
            leading = before == "" or before.endswith("|")
            item = StatedDate(
                kind, day, re.sub(r"[*_]+", "", match.group(0)).strip(), sentence, leading
            )
            if all((d.kind, d.date) != (item.kind, item.date) for d in found):
                found.append(item)
    return tuple(found)


def _cued(line: str) -> bool:
    """Whether the line holds a word every stated date comes with (for ASCII text, a plain
    search of the lower-cased line, which folds case exactly as _STATED does there)."""
    if line.isascii():
        low = line.lower()
        return any(word in low for word in _CUE_WORDS)
    return _CUE.search(line) is not None


def _head_and_tail(text: str) -> list[str]:
    """The first and last lines of ``text`` (all of them when there are few), as
    ``text.splitlines()`` gives them; a long text is not split whole, only its two ends."""
    window = 64 * 1024
    if len(text) > 2 * window:
        head, tail = text[:window].splitlines(), text[-window:].splitlines()
        # More lines than kept at each end: the kept ones are whole (a cut line is not kept).
        if len(head) > _HEAD_LINES and len(tail) > _TAIL_LINES:
            return head[:_HEAD_LINES] + tail[-_TAIL_LINES:]
    lines = text.splitlines()
    if len(lines) > _HEAD_LINES + _TAIL_LINES:
        lines = lines[:_HEAD_LINES] + lines[-_TAIL_LINES:]
    return lines


def parse_written_date(text: str) -> str | None:
    """``September 18, 2024``, ``Sept. 18th, 2024``, ``18 September 2024``, ``2024-09-18`` or
    ``18.09.2024`` as ``YYYY-MM-DD``; None for anything else."""
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip(), flags=re.IGNORECASE)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text).isoformat()
        dotted = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
        if dotted:
            day, month, year = (int(p) for p in dotted.groups())
            return dt.date(year, month, day).isoformat()
        parts = text.replace(",", " ").replace(".", " ").split()
        parts = [p for p in parts if p.lower() != "of"]
        if parts[0].isdigit():
            day, month, year = int(parts[0]), _MONTHS[parts[1].lower()], int(parts[2])
        else:
            month, day, year = _MONTHS[parts[0].lower()], int(parts[1]), int(parts[2])
        return dt.date(year, month, day).isoformat()
    except (KeyError, ValueError, IndexError):
        return None


# The collection's schedule ----------------------------------------------------------------------
@dataclass(frozen=True)
class Schedule:
    """How often the collection checked the page around a recording, and how we know."""

    hours: float
    basis: str  # "as --ota-schedule 6h states", "as its 40 runs in ... show"
    #: False where the scheduled hours are not evenly spaced: ``hours`` is then the time since
    #: the run before the recording.
    regular: bool = True

    @property
    def words(self) -> str:
        hours = self.hours
        if not self.regular:
            return f"whose run before was {hours:g} h earlier"
        if hours >= 24 and hours % 24 == 0:
            days = int(hours // 24)
            return "checking every day" if days == 1 else f"checking every {days} days"
        if hours < 1:
            return f"checking every {round(hours * 60)} min"
        return f"checking every {hours:g} h"


class ScheduleError(ValueError):
    """A schedule the user gave that cannot be read."""


def parse_schedule(text: str) -> float:
    """Hours between checks from ``6h``, ``30m``, ``1d`` or a cron expression such as
    ``30 */12 * * *`` (the form OTA's collection metadata uses)."""
    value = text.strip()
    simple = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(m|min|h|d)", value, re.IGNORECASE)
    if simple:
        number, unit = float(simple.group(1)), simple.group(2).lower()
        hours = number / 60 if unit.startswith("m") else number * (24 if unit == "d" else 1)
        if hours > 0:
            return hours
    fields = value.split()
    if len(fields) == 5:
        minute, hour = fields[0], fields[1]
        if hour == "*":
            step = re.fullmatch(r"\*/(\d+)", minute)
            if step and int(step.group(1)) > 0:
                return int(step.group(1)) / 60
            if re.fullmatch(r"\d+", minute):
                return 1.0
        step = re.fullmatch(r"\*/(\d+)", hour)
        if step and 0 < int(step.group(1)) <= 24:
            return float(int(step.group(1)))
        if re.fullmatch(r"\d+(,\d+)*", hour):
            return float(_longest_gap(sorted({int(h) % 24 for h in hour.split(",")})))
    raise ScheduleError(
        f"{text!r} is not a schedule: write a period (6h, 30m, 1d) or a cron expression "
        "such as '30 */12 * * *'"
    )


def _longest_gap(hours: Sequence[int]) -> int:
    """The longest time between checks at these hours of the day (one hour alone: a day), so
    that a schedule that skips hours is never read as a tighter one."""
    return max(b - a for a, b in pairwise([*hours, hours[0] + 24]))


def metadata_schedules(text: str) -> list[tuple[dt.date, dt.date | None, float, str]]:
    """(start, end, hours, cron) for each tracking period of an OTA collection's
    ``metadata.yml``."""
    import yaml

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise ScheduleError(f"{where}not valid YAML ({getattr(exc, 'problem', exc)})") from None
    periods = data.get("trackingPeriods") if isinstance(data, dict) else None
    out = []
    for period in periods or ():
        if not isinstance(period, dict) or "schedule" not in period:
            continue
        start = _as_date(period.get("startDate")) or dt.date.min
        end = _as_date(period.get("endDate"))
        out.append((start, end, parse_schedule(str(period["schedule"])), str(period["schedule"])))
    return out


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


#: How far back the recordings are read for the schedule in force at a recording: the months
#: before it, else the year before it, else the whole history.
_LOOKBACKS = (dt.timedelta(days=120), dt.timedelta(days=365), None)
#: A scheduled hour is one at which at least this many runs recorded something.
_MIN_RUNS = 2


def _offset(minutes: Sequence[int]) -> int:
    """The minute past the hour at which runs start: the one that puts the recordings in the
    fewest hours (runs take a while, so 00:30 and 01:01 belong to the same run)."""
    return min(
        range(0, 60, 5),
        key=lambda offset: (
            len({((m - offset) // 60) % 24 for m in minutes}),
            sum((m - offset) % 60 for m in minutes),  # runs record soon after they start
        ),
    )


def inferred_schedule(times: Sequence[dt.datetime], at: dt.datetime) -> Schedule | None:
    """The schedule in force before ``at``, read from the collection's recording times
    (``times``, sorted, every document of the collection): the hours at which runs recorded
    something at least twice are the scheduled hours, and the period is the largest that fits
    them all. The months before ``at`` are read first, then the year, then the whole history.
    None when fewer than two scheduled hours show."""
    from bisect import bisect_left
    from bisect import bisect_right

    for lookback in _LOOKBACKS:
        if lookback is None:
            chosen, span = list(times), "the collection's whole history"
        else:
            low, high = bisect_left(times, at - lookback), bisect_right(times, at)
            chosen, span = list(times[low:high]), f"the {lookback.days} days before"
        minutes = [t.hour * 60 + t.minute for t in chosen]
        if len(minutes) < 2 * _MIN_RUNS:
            continue
        offset = _offset(minutes)
        runs = {(t.date(), ((m - offset) // 60) % 24) for t, m in zip(chosen, minutes, strict=True)}
        counts = Counter(hour for _, hour in runs)
        hours = sorted(hour for hour, count in counts.items() if count >= _MIN_RUNS)
        if len(hours) >= 2:
            # The check before a run is the scheduled run before it: only hours seen to run
            # count, so a schedule that skips hours is never read as a tighter one.
            slot = ((at.hour * 60 + at.minute - offset) // 60) % 24
            before = max((h for h in hours if h < slot), default=hours[-1] - 24)
            slots = " and ".join(f"{h:02d}:{offset:02d}" for h in hours)
            return Schedule(
                float(slot - before),
                f"as its {len(runs)} runs in {span} show, at {slots} UTC",
                len({b - a for a, b in pairwise([*hours, hours[0] + 24])}) == 1,
            )
    return None


# Dating a version -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Dating:
    """When a version was published, as a range of days, and what the range rests on."""

    first: dt.date
    last: dt.date
    basis: str
    #: Set where the evidence does not converge: what would decide it.
    open_question: str | None = None
    effective: dt.date | None = None


def own_effective(stated: Sequence[StatedDate]) -> dt.date | None:
    """The text's own effective date: one that opens its line ("Effective April 7, 2025"),
    else the first stated."""
    effective = [d for d in stated if d.kind == "effective"]
    chosen = next((d for d in effective if d.leading), effective[0] if effective else None)
    return dt.date.fromisoformat(chosen.date) if chosen else None


def _utc(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def date_version(
    recorded: dt.datetime,
    previous: dt.datetime | None,
    stated: Iterable[StatedDate],
    schedule: Schedule | None,
    reading: str = "evidence",
    previous_stated: Iterable[StatedDate] = (),
    blind_since: dt.datetime | None = None,
) -> Dating:
    """The publication of a version first recorded at ``recorded``, the recording before it
    (of a text without this one's content) at ``previous`` (None: the first recording).

    A date the earlier text stated too is that text's, not this one's: it is kept in the basis
    but dates nothing. ``blind_since``: the captures from then until this one showed no usable
    text (failed, or another document), so the last check that saw the earlier text was before
    then."""
    stated = tuple(stated)
    effective = own_effective(stated)
    old = {(d.kind, d.date) for d in previous_stated}
    inherited = [d for d in stated if (d.kind, d.date) in old]
    stated = tuple(d for d in stated if (d.kind, d.date) not in old)
    dating = _window(recorded, previous, stated, schedule, reading, blind_since, effective)
    if inherited:
        note = f"{inherited[0].text!r} was stated by the earlier text too: it dates that text"
        dating = replace(dating, basis=f"{dating.basis}; {note}")
    return dating


def _window(
    recorded: dt.datetime,
    previous: dt.datetime | None,
    stated: tuple[StatedDate, ...],
    schedule: Schedule | None,
    reading: str,
    blind_since: dt.datetime | None,
    effective: dt.date | None,
) -> Dating:
    day = recorded.date()
    seen = f"first recorded {_utc(recorded)}"
    if previous is None:  # the first recording: the page may have said it for years
        return _first_recording(recorded, stated, effective, seen)
    if reading == "strict" or schedule is None:
        return _strict(recorded, previous, stated, effective, reading, seen)
    check = (blind_since or recorded) - dt.timedelta(hours=schedule.hours)
    if previous is not None and previous > check:
        check = previous
    start = check.date()
    basis = f"{seen} by a collection {schedule.words}, {schedule.basis}"
    if blind_since is not None:
        basis += (
            f"; the captures from {_utc(blind_since)} held no usable text, so the page was last "
            f"seen with the earlier text before then"
        )
    elif previous is not None and previous >= check:
        basis = f"{seen}; the recording before it, {_utc(previous)}, saw the earlier text"
    inside = [d for d in stated if start <= dt.date.fromisoformat(d.date) <= day]
    # A stated date settles the day where the window is short (the schedule's), or where the
    # text says it changed that day ("last updated"); in a long window (captures failed) an
    # "effective" date may have been announced ahead, so it only says what would decide.
    settling = [d for d in inside if (day - start).days <= _SHORT or d.kind == "updated"]
    if settling:
        chosen = settling[0]
        on = dt.date.fromisoformat(chosen.date)
        return Dating(
            on, on, f"{basis}; the text states {chosen.text!r}: published {on}", None, effective
        )
    if inside:
        return Dating(
            start,
            day,
            basis,
            f"the text states {inside[0].text!r}; a copy of the page from between {start} and "
            f"{day} would decide whether it appeared then",
            effective,
        )
    earlier = [d for d in stated if previous.date() <= dt.date.fromisoformat(d.date) < start]
    if earlier:
        since = min(dt.date.fromisoformat(d.date) for d in earlier)
        return Dating(
            since,
            day,
            f"{basis}; the text states {earlier[0].text!r}, earlier than the check before the "
            "recording",
            f"a copy of the page from between {since} and {start} would decide (the checks "
            "between may have failed)",
            effective,
        )
    later = [d for d in stated if dt.date.fromisoformat(d.date) > day]
    if later:
        basis += f"; the text states {later[0].text!r}, an upcoming version shown ahead of time"
    return Dating(start, day, basis, None, effective)


#: A window of at most this many days (a check every few hours, read by the day) is short
#: enough for a stated date in it to be the day.
_SHORT = 2
#: Before the first recording, a version was published at some time no archive saw.
_EARLIEST = dt.date(1990, 1, 1)


def _first_recording(
    recorded: dt.datetime, stated: tuple[StatedDate, ...], effective: dt.date | None, seen: str
) -> Dating:
    """The first capture of a page: published on or before it; a date the text states is the
    service's word, which no earlier capture confirms."""
    basis = f"{seen}, the first recording of the page"
    own = [d for d in stated if dt.date.fromisoformat(d.date) <= recorded.date()]
    if own:
        basis += f"; the text states {own[0].text!r}, which no earlier capture confirms"
    question = f"a copy of the page from before {recorded.date()} would decide"
    return Dating(_EARLIEST, recorded.date(), basis, question, effective)


def _strict(
    recorded: dt.datetime,
    previous: dt.datetime,
    stated: tuple[StatedDate, ...],
    effective: dt.date | None,
    reading: str,
    seen: str,
) -> Dating:
    day = recorded.date()
    first = previous.date()
    basis = f"{seen}; the recording before it, {_utc(previous)}, saw the earlier text"
    if reading != "strict":
        basis += " (the collection's schedule is unknown: --ota-schedule would narrow this)"
    for item in stated:
        on = dt.date.fromisoformat(item.date)
        if item.kind == "updated" and first <= on <= day:
            return Dating(
                on, on, f"{basis}; the text states {item.text!r}: published {on}", None, effective
            )
    question = None
    if (day - first).days > 1:
        question = (
            f"the day it appeared between {first} and {day} would decide (a copy of the page "
            "from between, or the collection's schedule)"
        )
        inside = [d for d in stated if first <= dt.date.fromisoformat(d.date) <= day]
        if inside and reading != "strict":
            question = (
                f"the text states {inside[0].text!r}; the collection's schedule (--ota-schedule "
                "or its metadata.yml) would settle whether that is the day it appeared"
            )
    return Dating(first, day, basis, question, effective)
