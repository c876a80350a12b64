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

from dataclasses import dataclass
from dataclasses import field
from typing import Any

from consentrules import hookimpl
from consentrules_ota.captures import NOT_A_CHANGE
from consentrules_ota.captures import Capture
from consentrules_ota.captures import classify
from consentrules_ota.claims import Claim
from consentrules_ota.claims import Matcher
from consentrules_ota.dating import StatedDate
from consentrules_ota.dating import stated_dates
from consentrules_ota.layouts import RecordedVersion

__all__ = ["Capture", "ScannedVersion", "StatedDate", "changes", "scan", "stated_dates"]

__version__ = "0.1.0"


@dataclass(frozen=True)
class ScannedVersion:
    version: RecordedVersion
    stated: tuple[StatedDate, ...]
    claims: tuple[Claim, ...]
    capture: Capture = field(default_factory=lambda: Capture(None))

    @property
    def purposes(self) -> list[str]:
        return sorted({claim.purpose for claim in self.claims})


def scan(
    versions: list[RecordedVersion], matcher: Matcher, document: str = "Privacy Policy"
) -> list[ScannedVersion]:
    """Each version with the dates it states, the purposes it claims and what its capture is
    (a failed capture or another document at the address claims nothing)."""
    out = []
    for version, capture in zip(versions, classify(versions, document), strict=True):
        if capture.usable:
            claims = tuple(matcher.claims(version.text))
            out.append(ScannedVersion(version, stated_dates(version.text), claims, capture))
        else:
            out.append(ScannedVersion(version, (), (), capture))
    return out


def changes(scanned: list[ScannedVersion]) -> list[tuple[list[str], list[str]]]:
    """Per version: the purposes it claims first (added) and those it no longer claims. Only a
    change by the service drops a purpose; a capture that is not one (failed, another document,
    a different reading, a flip back) adds or drops nothing, and the reading it brings is the
    new baseline where the archive re-read the page."""
    out: list[tuple[list[str], list[str]]] = []
    before: set[str] = set()
    for item in scanned:
        now = set(item.purposes)
        if item.capture.kind in NOT_A_CHANGE:
            out.append(([], []))
            continue
        added = sorted(now - before)
        dropped = [] if item.capture.kind == "reread" else sorted(before - now)
        out.append((added, dropped))
        before = now
    return out


def as_json(scanned: list[ScannedVersion]) -> list[dict[str, Any]]:
    out = []
    for item, (added, dropped) in zip(scanned, changes(scanned), strict=True):
        entry: dict[str, Any] = {
            "recorded_at": item.version.recorded_at.isoformat().replace("+00:00", "Z"),
            "source": item.version.source,
            "sha256": item.version.sha256,
            "stated_dates": [vars(d) for d in item.stated],
            "purposes": item.purposes,
            "added": added,
            "dropped": dropped,
            "claims": [vars(c) for c in item.claims],
        }
        if item.capture.kind:
            entry["capture"] = {"kind": item.capture.kind, "note": item.capture.note}
        out.append(entry)
    return out


@hookimpl
def consentrules_addoption(parser: Any) -> None:
    group = parser.add_argument_group("ota")
    group.add_argument(
        "--ota-patterns",
        metavar="FILE",
        help="the phrase patterns the claim matcher uses (default: the plugin's patterns.yaml)",
    )
    group.add_argument(
        "--ota-schedule",
        metavar="PERIOD",
        help="how often the collection checked the page: 6h, 12h, 1d or a cron expression "
        "('30 */12 * * *'); default: the collection's metadata.yml next to the history, else "
        "what its recording times show",
    )
    group.add_argument(
        "--ota-metadata",
        metavar="FILE",
        help="the collection's metadata.yml (its trackingPeriods give the schedule)",
    )
    group.add_argument(
        "--ota-dating",
        choices=("evidence", "strict"),
        default=None,
        help="how to date a version: 'evidence' (default) combines the schedule, the recordings "
        "and the dates the text states; 'strict' uses the recording window only",
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
