"""Fides privacy notices: what a first visit gets, per region, for each data use.

A Fides privacy notice (``privacy_notices:`` in a YAML export, as in Fides'
``src/fides/data/privacy_notices/privacy_notice_templates.yml``) names data uses, the regions
it applies in (``us_ca``, ``gb_eng``, ``eea``, ``fr``...) and a ``consent_mechanism``:

* ``opt_in``: the data uses are off until the visitor opts in;
* ``opt_out``: they are on until the visitor opts out (``has_gpc_flag``: the Global Privacy
  Control signal opts out too);
* ``notice_only``: they are on, with notice and no choice.

A ``disabled`` notice is not shown and decides nothing. A notice covers its data uses and
every more specific one (``marketing.advertising`` covers
``marketing.advertising.third_party.targeted``), as Fides applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from consentrules import Document
from consentrules import Notice
from consentrules import Problem
from consentrules import json_pointer

#: consent_mechanism -> whether the data uses are on for a first visit.
MECHANISMS = {"opt_in": False, "opt_out": True, "notice_only": True}
_NOTICES = re.compile(r"^privacy_notices\s*:", re.MULTILINE)


def is_notices_file(head: str) -> bool:
    return _NOTICES.search(head) is not None


@dataclass(frozen=True)
class PrivacyNotice:
    key: str
    name: str
    mechanism: str
    regions: tuple[str, ...]  # consentrules region codes
    data_uses: tuple[str, ...]
    gpc: bool
    pointer: str

    def covers(self, use: str) -> bool:
        return any(use == du or use.startswith(du + ".") for du in self.data_uses)


def region_code(code: str, registry: Any) -> str | None:
    """The consentrules region of a Fides region (``us_ca`` -> ``US-CA``, ``eea`` -> EEA)."""
    upper = str(code).strip().upper().replace("_", "-")
    if upper in registry.groups or registry.is_known(upper):
        return upper
    return None


def read_notices(
    doc: Document, registry: Any
) -> tuple[list[PrivacyNotice], list[Problem], list[Notice]]:
    """The enabled notices of a notices file, the file's problems, and what to tell the user
    (disabled notices, regions that are none)."""
    data = doc.data
    raw = data.get("privacy_notices") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        return (
            [],
            [
                Problem(
                    doc.path, "a Fides privacy notices file has a 'privacy_notices' list", line=1
                )
            ],
            [],
        )
    out: list[PrivacyNotice] = []
    problems: list[Problem] = []
    disabled: list[str] = []
    unknown_regions: list[str] = []
    for index, item in enumerate(raw):
        pointer = json_pointer("privacy_notices", index)
        position = doc.source_map.locate(pointer)
        line = position[0] if position else None
        if not isinstance(item, dict):
            problems.append(Problem(doc.path, "a privacy notice is a mapping", line=line))
            continue
        key = str(item.get("notice_key") or item.get("name") or f"notice-{index}")
        mechanism = item.get("consent_mechanism")
        if mechanism not in MECHANISMS:
            problems.append(
                Problem(
                    doc.path,
                    f"privacy notice {key!r}: consent_mechanism {mechanism!r} is not one of "
                    + ", ".join(MECHANISMS),
                    line=line,
                )
            )
            continue
        if item.get("disabled") is True:
            disabled.append(key)
            continue
        regions = []
        for code in item.get("regions") or ():
            found = region_code(code, registry)
            if found is None:
                unknown_regions.append(f"{code!r} ({key})")
            elif found not in regions:
                regions.append(found)
        uses = tuple(str(u) for u in item.get("data_uses") or ())
        out.append(
            PrivacyNotice(
                key, str(item.get("name") or key), mechanism, tuple(regions), uses,
                bool(item.get("has_gpc_flag")), pointer,
            )
        )  # fmt: skip
    told = []
    if disabled:
        told.append(
            Notice(
                "note",
                f"{len(disabled)} privacy notice(s) are disabled and decide nothing: "
                + ", ".join(disabled[:8])
                + (", ..." if len(disabled) > 8 else ""),
                path=doc.path,
            )
        )
    if unknown_regions:
        told.append(
            Notice(
                "warning",
                "region(s) that name no region, not applied: " + ", ".join(unknown_regions[:8]),
                path=doc.path,
                category="incomplete",
            )
        )
    return out, problems, told


def defaults_for(
    use: str, notices: list[PrivacyNotice]
) -> tuple[dict[str, bool | None], list[str]]:
    """Per region, whether the data use is on for a first visit under the notices that cover
    it (None where two notices disagree), and the keys of those notices."""
    by_region: dict[str, bool | None] = {}
    keys: list[str] = []
    for notice in notices:
        if not notice.covers(use):
            continue
        keys.append(notice.key)
        value = MECHANISMS[notice.mechanism]
        for region in notice.regions:
            if region in by_region and by_region[region] != value:
                by_region[region] = None
            else:
                by_region[region] = value
    return by_region, keys


def notice_settings(
    notices: list[PrivacyNotice], purposes_of: Any
) -> list[tuple[dict[str, Any], str]]:
    """A setting per notice (a notices file checked on its own), with its pointer."""
    out = []
    for notice in notices:
        purposes: list[str] = []
        for use in notice.data_uses:
            purposes.extend(p for p in purposes_of(use) or () if p not in purposes)
        setting: dict[str, Any] = {
            "id": notice.key,
            "title": f"{notice.name} [{notice.mechanism.replace('_', '-')}]",
            "data_categories": [],
            "default": MECHANISMS[notice.mechanism],
            "regions": {"include": list(notice.regions)},
            "metadata": {
                "fides_notice": notice.key,
                "consent_mechanism": notice.mechanism,
                "data_uses": list(notice.data_uses),
                "honors_gpc": notice.gpc,
            },
        }
        if purposes:
            setting["purposes"] = purposes
        if notice.mechanism == "notice_only":
            setting["practice"] = "policy_practice"
        out.append((setting, notice.pointer))
    return out
