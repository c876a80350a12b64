"""Scanning a history: each recorded version with the dates it states, the claims it makes and
what its capture is; what each version adds and drops."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

from consentrules_ota.captures import NOT_A_CHANGE
from consentrules_ota.captures import Capture
from consentrules_ota.captures import classify
from consentrules_ota.claims import Claim
from consentrules_ota.claims import Matcher
from consentrules_ota.dating import StatedDate
from consentrules_ota.dating import stated_dates
from consentrules_ota.layouts import RecordedVersion


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
