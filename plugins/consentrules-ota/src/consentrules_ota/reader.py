"""The ``ota`` disclosure reader: an Open Terms Archive history as one disclosure document.

``consentrules check platform.yaml --disclosures ota:PATH --service NAME [--document TYPE]``
adds the document to every snapshot; ``consentrules disclosures scan|diff`` shows it.

Each recorded version becomes a disclosure version with its recording time, its source (file,
or commit), the SHA-256 of its text, the dates it states, and the purposes and statements the
claim matcher finds in it, each with its sentence and section heading.

**When was a version published?** OTA records a version when it sees it, so the text was
published at or before the recording, and after the previous recording (which saw the text
before it). ``published_at`` is that range of days, never the recording day alone, so that a
timing rule does not call a disclosure late that may have been on time. Where the text states a
"last updated" date inside that range, it is the publication day. A stated date outside it is
kept in the evidence but not used: the text the previous recording saw was different, so the
stated date is not when this text appeared. An "effective" date is ``effective_at``, not the
publication: services announce changes ahead of the day they take effect.
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


def _day(value: dt.date) -> PartialDate:
    return PartialDate(value, value, value.isoformat())


def published(
    stated: list[tuple[str, str]], previous: dt.date | None, recorded: dt.date
) -> tuple[PartialDate, PartialDate | None]:
    """(published_at, effective_at) of a version recorded on ``recorded``, the one before on
    ``previous`` (None: the first), stating ``stated`` ((kind, YYYY-MM-DD) pairs)."""
    first = previous or _EARLIEST
    if previous is None:
        text = f"on or before {recorded.isoformat()}"
    elif previous == recorded:
        text = recorded.isoformat()
    else:
        text = f"{first.isoformat()}..{recorded.isoformat()}"
    window = PartialDate(first, recorded, text)
    effective = next((dt.date.fromisoformat(d) for k, d in stated if k == "effective"), None)
    effective_at = _day(effective) if effective else None
    for kind, text in stated:
        day = dt.date.fromisoformat(text)
        if kind == "updated" and first <= day <= recorded:
            return _day(day), effective_at
    return window, effective_at


class OtaReader:
    name = "ota"
    description = "Open Terms Archive policy histories (dataset folder or zip, versions repo)"

    def read(self, location: str, config: Any) -> list[Disclosure]:
        from consentrules_ota import stated_dates
        from consentrules_ota.layouts import LayoutError
        from consentrules_ota.layouts import read_versions

        service = config.getoption("service")
        if not service:
            raise UsageError(
                "the ota disclosure reader needs --service NAME (the service's folder in the "
                "archive, such as Pinterest)"
            )
        document = config.getoption("document") or "Privacy Policy"
        try:
            recorded = read_versions(Path(location), service, document)
        except LayoutError as exc:
            raise InputError([Problem(location, str(exc))]) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError([Problem(location, f"cannot read the history: {exc}")]) from None
        matcher = config.claim_matcher()
        purposes_known = VOCABULARY["purposes"]
        versions = []
        previous: dt.date | None = None
        for item in recorded:
            day = item.recorded_at.date()
            stated = [(d.kind, d.date) for d in stated_dates(item.text)]
            published_at, effective_at = published(stated, previous, day)
            previous = day
            claims = tuple(matcher.claims(item.text))
            tokens = list(dict.fromkeys(claim.token for claim in claims))
            stamp = item.recorded_at.strftime("%Y-%m-%dT%H:%M:%SZ")
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
                    stated_dates=tuple(stated),
                    claims=claims,
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
        return [Claim(c.purpose, c.sentence, c.heading) for c in self._matcher.claims(text)]
