"""Consent managers a page may load: where one is there and the page's own code sets no
Consent Mode default, the manager's script may set it, so the default cannot be told from the
page (never "no default, so granted")."""

from __future__ import annotations

import re

#: Consent managers that may set Consent Mode defaults from their own script: what marks each
#: in a page (its script's address or its configuration call).
CONSENT_MANAGERS: dict[str, re.Pattern[str]] = {
    "Klaro!": re.compile(r"klaro(\.min)?\.js|data-klaro-config|klaroConfig"),
    "vanilla-cookieconsent": re.compile(
        r"CookieConsent\.run\s*\(|cookieconsent(\.umd)?(\.min)?\.js"
    ),
    "Cookiebot": re.compile(r"consent\.cookiebot\.(com|eu)"),
    "OneTrust": re.compile(r"cdn\.cookielaw\.org|otSDKStub\.js|optanon", re.IGNORECASE),
    "Usercentrics": re.compile(r"usercentrics\.eu"),
    "Didomi": re.compile(r"privacy-center\.org|didomiConfig"),
    "iubenda": re.compile(r"iubenda\.com/cs"),
    "CookieYes": re.compile(r"cdn-cookieyes\.com"),
    "Osano": re.compile(r"cmp\.osano\.com"),
    "Termly": re.compile(r"app\.termly\.io"),
}


def consent_manager(text: str) -> str:
    """The consent manager the page loads (or configures), if one is known, else ""."""
    return next((name for name, mark in CONSENT_MANAGERS.items() if mark.search(text)), "")


#: The words consent managers' configurations use for purposes and categories (Klaro's
#: ``purposes``, vanilla-cookieconsent's category names) -> consentrules purposes.
PURPOSE_WORDS: dict[str, str] = {
    "analytics": "analytics",
    "statistics": "analytics",
    "performance": "analytics",
    "measurement": "analytics",
    "marketing": "advertising",
    "advertising": "advertising",
    "ads": "advertising",
    "targeting": "advertising",
    "retargeting": "advertising",
    "personalization": "personalization",
    "personalisation": "personalization",
    "functional": "functional",
    "functionality": "functional",
    "preferences": "functional",
    "necessary": "functional",
    "essential": "functional",
    "required": "functional",
    "styling": "functional",
    "livechat": "functional",
    "security": "security",
}


def purposes_of(words: list[object]) -> tuple[list[str], list[str]]:
    """The consentrules purposes the words name, and the words that name none."""
    known = sorted(
        {
            PURPOSE_WORDS[w.lower()]
            for w in words
            if isinstance(w, str) and w.lower() in PURPOSE_WORDS
        }
    )
    unknown = [str(w) for w in words if not (isinstance(w, str) and w.lower() in PURPOSE_WORDS)]
    return known, unknown


def storage_categories(purposes: list[str]) -> list[str]:
    """The data categories of a consent manager's service or category: storage on the device,
    and identifiers and usage where it serves advertising or analytics."""
    categories = ["cookies"]
    if {"advertising", "analytics"} & set(purposes):
        categories += ["device_identifiers", "usage"]
    return categories


class Positions:
    """Lines of the file for a snapshot's pointers (a setting: the line it was read from)."""

    def __init__(self, positions: dict[str, tuple[int, int]] | None = None) -> None:
        self.positions = positions if positions is not None else {}

    def locate(self, pointer: str) -> tuple[int, int] | None:
        while pointer:
            if pointer in self.positions:
                return self.positions[pointer]
            pointer = pointer.rsplit("/", 1)[0]
        return None
