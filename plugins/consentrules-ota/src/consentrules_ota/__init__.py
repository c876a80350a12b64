"""consentrules-ota: read Open Terms Archive policy histories and find what each version says.

The plugin reads both OTA layouts into recorded versions (:mod:`consentrules_ota.layouts`),
finds the purposes and statements each version makes with the sentence and section heading
they rest on (:mod:`consentrules_ota.claims`, patterns in ``patterns.yaml``), extracts the
dates a text states for itself, and gives the result to consentrules as a disclosure reader
(``ota``, :mod:`consentrules_ota.reader`) and as the default claim matcher:

    consentrules check platform.yaml --disclosures ota:path/to/dataset --service Pinterest
    consentrules disclosures scan path/to/dataset --service Pinterest
    consentrules disclosures diff path/to/dataset --service Pinterest --to 2023-08-02

``python -m consentrules_ota scan`` is the same scan without consentrules' options.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from consentrules import hookimpl
from consentrules_ota.claims import Claim
from consentrules_ota.claims import Matcher
from consentrules_ota.layouts import RecordedVersion

__version__ = "0.1.0"

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
_LABEL = r"(effective(?: date)?(?: as of| on| from)?|last (?:updated|modified|revised)(?: on)?|updated(?: on)?)"
_DATE = r"((?:[A-Za-z]+\.? \d{1,2},? \d{4})|(?:\d{1,2} [A-Za-z]+\.? \d{4})|(?:\d{4}-\d{2}-\d{2}))"
_STATED = re.compile(_LABEL + r"\s*[:\-\u2013]?\s*\**\s*" + _DATE, re.IGNORECASE)


@dataclass(frozen=True)
class StatedDate:
    kind: str  # "effective" or "updated"
    date: str  # YYYY-MM-DD
    text: str  # as written


@dataclass(frozen=True)
class ScannedVersion:
    version: RecordedVersion
    stated: tuple[StatedDate, ...]
    claims: tuple[Claim, ...]

    @property
    def purposes(self) -> list[str]:
        return sorted({claim.purpose for claim in self.claims})


def stated_dates(text: str) -> tuple[StatedDate, ...]:
    """The "effective" and "last updated" dates a text states for itself (first 40 lines)."""
    head = "\n".join(text.splitlines()[:40])
    found = []
    for match in _STATED.finditer(head):
        day = _parse(match.group(2))
        if day is not None:
            kind = "effective" if match.group(1).lower().startswith("effective") else "updated"
            found.append(StatedDate(kind, day, match.group(0).strip("* ")))
    return tuple(found)


def _parse(text: str) -> str | None:
    import datetime as dt

    text = text.replace(",", " ").replace(".", " ")
    parts = text.split()
    try:
        if len(parts) == 1:
            return dt.date.fromisoformat(parts[0]).isoformat()
        if parts[0].isdigit():
            day, month, year = int(parts[0]), _MONTHS[parts[1].lower()], int(parts[2])
        else:
            month, day, year = _MONTHS[parts[0].lower()], int(parts[1]), int(parts[2])
        return dt.date(year, month, day).isoformat()
    except (KeyError, ValueError, IndexError):
        return None


def scan(versions: list[RecordedVersion], matcher: Matcher) -> list[ScannedVersion]:
    """Each version with the dates it states and the purposes it claims."""
    return [
        ScannedVersion(version, stated_dates(version.text), tuple(matcher.claims(version.text)))
        for version in versions
    ]


def changes(scanned: list[ScannedVersion]) -> list[tuple[list[str], list[str]]]:
    """Per version: the purposes it claims first (added) and those it no longer claims."""
    out = []
    before: set[str] = set()
    for item in scanned:
        now = set(item.purposes)
        out.append((sorted(now - before), sorted(before - now)))
        before = now
    return out


def as_json(scanned: list[ScannedVersion]) -> list[dict[str, Any]]:
    out = []
    for item, (added, dropped) in zip(scanned, changes(scanned), strict=True):
        out.append(
            {
                "recorded_at": item.version.recorded_at.isoformat().replace("+00:00", "Z"),
                "source": item.version.source,
                "sha256": item.version.sha256,
                "stated_dates": [vars(d) for d in item.stated],
                "purposes": item.purposes,
                "added": added,
                "dropped": dropped,
                "claims": [vars(c) for c in item.claims],
            }
        )
    return out


@hookimpl
def consentrules_addoption(parser: Any) -> None:
    group = parser.add_argument_group("ota")
    group.add_argument(
        "--ota-patterns",
        metavar="FILE",
        help="the phrase patterns the claim matcher uses (default: the plugin's patterns.yaml)",
    )


def pack_patterns(config: Any) -> list[Any]:
    """``claims.yaml`` files next to the rules in use: a pack says what its purposes look like
    in a policy, and a consultant extends that without code."""
    from pathlib import Path

    places = {path.parent for path in config.rule_files}
    if not places:  # no rules loaded yet (disclosures scan): the rules a check would load
        places = {*config.plugin_rule_paths(), *(Path(p) for p in config.getoption("rules") or ())}
    found: set[Path] = set()
    for place in places:
        if place.is_file():
            place = place.parent
        if place.is_dir():
            found.update(place.glob("claims.yaml"))
            found.update(place.glob("*/claims.yaml"))
    return sorted(found)


@hookimpl
def consentrules_register_disclosure_readers(registry: Any) -> None:
    from consentrules_ota.reader import OtaReader

    registry.add(OtaReader())


@hookimpl(trylast=True)
def consentrules_claim_matcher(config: Any) -> Any:
    from pathlib import Path

    from consentrules import UsageError
    from consentrules_ota.claims import PatternError
    from consentrules_ota.reader import PatternMatcher

    path = config.getoption("ota_patterns")
    try:
        return PatternMatcher(Path(path) if path else None, pack_patterns(config))
    except PatternError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"--ota-patterns: cannot read {path}: {exc.strerror}") from None
