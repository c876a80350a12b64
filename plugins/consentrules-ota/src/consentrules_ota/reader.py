"""The ``ota`` disclosure reader: an Open Terms Archive history as one disclosure document.

``consentrules check platform.yaml --disclosures ota:PATH --service NAME [--document TYPE]``
adds the document to every snapshot; ``consentrules disclosures scan|diff`` shows it.

Each recorded version becomes a disclosure version with its recording time, its source (file,
or commit), the SHA-256 of its text, the dates it states, and the purposes and statements the
claim matcher finds in it, each with its sentence and section heading.

**When was a version published?** OTA records a version when one of its scheduled checks
sees new text: :mod:`consentrules_ota.dating` combines the check before the recording (from the
collection's schedule), the recording before it and the dates the text states, and says what
the range of days rests on (``dated_by``); ``--ota-dating strict`` keeps to the recording
window. :mod:`consentrules_ota.captures` marks captures that are not the service's text
changing (failed captures, another document at the address, a different reading, a flip back),
so that they are never read as removals.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from consentrules import VOCABULARY
from consentrules import Claim
from consentrules import Disclosure
from consentrules import DisclosureVersion
from consentrules import InputError
from consentrules import PartialDate
from consentrules import Problem
from consentrules import UsageError

#: OTA terms types and the disclosure kinds rules know them by.
KINDS = {
    "Privacy Policy": "privacy_policy",
    "Terms of Service": "terms",
    "Community Guidelines": "terms",
    "Cookies Policy": "cookie_policy",
    "Trackers Policy": "cookie_policy",
    "Commercial Terms": "terms",
    "Data Processor Agreement": "terms",
    "Developer Terms": "terms",
    "Generative AI Policy": "ai_policy",
}

#: Before the first recording, a version was published at some time no archive saw.
_EARLIEST = dt.date(1990, 1, 1)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "document"


def _range(first: dt.date, last: dt.date, recorded: dt.date) -> PartialDate:
    if first == last:
        return PartialDate(first, last, first.isoformat())
    if first == _EARLIEST:
        return PartialDate(first, last, f"on or before {recorded.isoformat()}")
    return PartialDate(first, last, f"{first.isoformat()}..{last.isoformat()}")


def schedule_for(config: Any, location: Path) -> Any:
    """A function giving the schedule in force at a recording: the one the user stated
    (``--ota-schedule``), the tracking periods of the collection's ``metadata.yml``
    (``--ota-metadata``, or next to the history), or the one the recordings show."""
    from consentrules_ota.dating import Schedule
    from consentrules_ota.dating import ScheduleError
    from consentrules_ota.dating import inferred_schedule
    from consentrules_ota.dating import metadata_schedules
    from consentrules_ota.dating import parse_schedule
    from consentrules_ota.layouts import collection_times

    stated = config.getoption("ota_schedule")
    if stated:
        try:
            fixed = Schedule(parse_schedule(stated), f"as --ota-schedule {stated} states")
        except ScheduleError as exc:
            raise UsageError(f"--ota-schedule: {exc}") from None
        return lambda moment: fixed
    metadata = config.getoption("ota_metadata")
    candidates = [Path(metadata)] if metadata else [location / "metadata.yml"]
    for path in candidates:
        if not path.is_file():
            if metadata:
                raise UsageError(f"--ota-metadata: {path} is not a file")
            continue
        try:
            periods = metadata_schedules(path.read_text("utf-8"))
        except (ScheduleError, ValueError, OSError) as exc:
            problem = Problem(str(path), f"cannot read the tracking periods: {exc}")
            raise InputError([problem]) from None
        if periods:
            return lambda moment: next(
                (
                    Schedule(hours, f"as {path.name} states ({cron!r} from {start})")
                    for start, end, hours, cron in reversed(periods)
                    if start <= moment.date() and (end is None or moment.date() <= end)
                ),
                None,
            )
    times = collection_times(location)
    return lambda moment: inferred_schedule(times, moment)


class OtaReader:
    name = "ota"
    description = "Open Terms Archive policy histories (dataset folder or zip, versions repo)"

    def read(self, location: str, config: Any) -> list[Disclosure]:
        from consentrules_ota.captures import classify
        from consentrules_ota.dating import date_version
        from consentrules_ota.dating import stated_dates
        from consentrules_ota.layouts import LayoutError
        from consentrules_ota.layouts import read_versions

        service = config.getoption("service")
        if not service:
            raise UsageError(
                "the ota disclosure reader needs --service NAME (the service's folder in the "
                "archive, such as Pinterest)"
            )
        document = config.getoption("document") or "Privacy Policy"
        reading = config.getoption("ota_dating") or "evidence"
        try:
            recorded = read_versions(Path(location), service, document)
            schedule = schedule_for(config, Path(location)) if reading != "strict" else None
        except LayoutError as exc:
            raise InputError([Problem(location, str(exc))]) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError([Problem(location, f"cannot read the history: {exc}")]) from None
        matcher = config.claim_matcher()
        purposes_known = VOCABULARY["purposes"]
        versions = []
        captures = classify(recorded, document)
        previous: Any = None  # the last capture that showed the document's text
        previous_stated: tuple[Any, ...] = ()  # the dates it stated
        blind_since: Any = None  # the first capture since then that did not
        for item, capture in zip(recorded, captures, strict=True):
            stamp = item.recorded_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            stated_items = stated_dates(item.text) if capture.usable else ()
            if capture.usable:
                since = previous.recorded_at if previous is not None else None
                dating = date_version(
                    item.recorded_at,
                    since,
                    stated_items,
                    schedule(item.recorded_at) if schedule is not None else None,
                    reading,
                    previous_stated,
                    blind_since,
                )
                published_at = _range(dating.first, dating.last, item.recorded_at.date())
                dated_by = dating.basis + (
                    f"; {dating.open_question}" if dating.open_question else ""
                )
                effective_at = (
                    _range(dating.effective, dating.effective, dating.effective)
                    if dating.effective
                    else None
                )
                claims = tuple(matcher.claims(item.text))
                previous, previous_stated, blind_since = item, stated_items, None
            else:
                published_at = _range(
                    item.recorded_at.date(), item.recorded_at.date(), item.recorded_at.date()
                )
                dated_by, effective_at, claims = "", None, ()
                blind_since = blind_since or item.recorded_at
            tokens = list(dict.fromkeys(claim.token for claim in claims))
            shared = tuple(
                dict.fromkeys(
                    (claim.token, claim.recipient)
                    for claim in claims
                    if claim.recipient in ("third_parties", "affiliates")
                )
            )
            versions.append(
                DisclosureVersion(
                    version=stamp,
                    published_at=published_at,
                    effective_at=effective_at,
                    purposes=tuple(sorted(t for t in tokens if t in purposes_known)),
                    statements=tuple(sorted(tokens)),
                    describes_opt_out=("opt_out" in tokens) or None,
                    source=item.source,
                    sha256=item.sha256,
                    recorded_at=stamp,
                    stated_dates=tuple((d.kind, d.date, d.sentence) for d in stated_items),
                    claims=claims,
                    dated_by=dated_by,
                    capture=capture.kind,
                    capture_note=capture.note,
                    purpose_recipients=shared if capture.usable else None,
                )
            )
        return [
            Disclosure(
                id=_slug(f"{service} {document}"),
                kind=KINDS.get(document, _slug(document)),
                title=f"{service} {document}",
                versions=tuple(versions),
            )
        ]


class PatternMatcher:
    """The claim matcher of ``patterns.yaml`` (or ``--ota-patterns FILE``), extended by the
    ``claims.yaml`` files next to the rule packs in use, as the core asks for it: claims as
    :class:`consentrules.Claim`."""

    def __init__(self, path: Path | None = None, extra: list[Path] | None = None) -> None:
        from consentrules_ota.claims import load_matcher

        self._matcher = load_matcher(path, extra or ())

    def claims(self, text: str) -> list[Claim]:
        return [
            Claim(c.purpose, c.sentence, c.heading, c.recipient) for c in self._matcher.claims(text)
        ]
