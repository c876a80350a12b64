"""A snapshot back as snapshot/v1 data: what an adapter handed the engine, to show or save
(``consentrules snapshot show`` and ``convert``). Reading the result gives the same snapshot."""

from __future__ import annotations

import re
from typing import Any

from consentrules.model import Disclosure
from consentrules.model import DisclosureVersion
from consentrules.model import HistoryEntry
from consentrules.model import RegionScope
from consentrules.model import Setting
from consentrules.model import Snapshot
from consentrules.model.dates import PartialDate

_WRITTEN = re.compile(r"^\d{4}-\d{2}(-\d{2})?(/\d{4}-\d{2}(-\d{2})?)?$")


def date_text(day: PartialDate | None) -> str | None:
    """The date as the snapshot format writes it: a day, a month, or an ISO interval."""
    if day is None:
        return None
    if day.precise:
        return day.first.isoformat()
    if _WRITTEN.match(day.text):
        return day.text
    return f"{day.first.isoformat()}/{day.last.isoformat()}"


def _scope(scope: RegionScope | None) -> dict[str, Any] | None:
    if scope is None:
        return None
    out: dict[str, Any] = {"include": list(scope.include)}
    if scope.exclude:
        out["exclude"] = list(scope.exclude)
    return out


def _pairs(pairs: Any) -> dict[str, Any]:
    return {key: value for key, value in pairs}


def _history(entry: HistoryEntry) -> dict[str, Any]:
    out: dict[str, Any] = {"date": date_text(entry.date)}
    if entry.default is not None:
        out["default"] = entry.default
    if entry.region_defaults is not None:
        out["region_defaults"] = _pairs(entry.region_defaults)
    if entry.regions is not None:
        out["regions"] = _scope(entry.regions)
    if entry.status is not None:
        out["status"] = entry.status
    if entry.note:
        out["note"] = entry.note
    return out


def setting_data(setting: Setting) -> dict[str, Any]:
    out: dict[str, Any] = {"id": setting.id}
    if setting.title and setting.title != setting.id:
        out["title"] = setting.title
    for name in ("purposes", "data_categories", "recipients", "disputed_categories"):
        value = getattr(setting, name)
        if value or setting.stated is None or name in setting.stated:
            out[name] = list(value)
    out["default"] = setting.default
    if setting.default_note:
        out["default_note"] = setting.default_note
    if setting.region_defaults:
        out["region_defaults"] = _pairs(setting.region_defaults)
    if setting.regions is not None:
        out["regions"] = _scope(setting.regions)
    for name in ("activated_at", "planned_at", "control_available_at"):
        text = date_text(getattr(setting, name))
        if text is not None:
            out[name] = text
    if setting.practice != "user_setting":
        out["practice"] = setting.practice
    if setting.legal_basis:
        out["legal_basis"] = _pairs(setting.legal_basis)
    if setting.objection is not None:
        objection: dict[str, Any] = {"route": setting.objection.route}
        if setting.objection.available_at is not None:
            objection["available_at"] = date_text(setting.objection.available_at)
        if setting.objection.covers_past_data is not None:
            objection["covers_past_data"] = setting.objection.covers_past_data
        out["objection"] = objection
    if setting.group_defaults:
        out["group_defaults"] = _pairs(setting.group_defaults)
    if setting.excluded_groups:
        out["excluded_groups"] = list(setting.excluded_groups)
    if setting.uses_existing_data is not None:
        out["uses_existing_data"] = setting.uses_existing_data
    if setting.assessments is not None:
        out["assessments"] = [_assessment(a) for a in setting.assessments]
    if setting.history:
        out["history"] = [_history(entry) for entry in setting.history]
    if setting.metadata:
        out["metadata"] = dict(setting.metadata)
    return out


def _assessment(assessment: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": assessment.kind}
    if assessment.completed_at is not None:
        out["completed_at"] = date_text(assessment.completed_at)
    if assessment.regions:
        out["regions"] = list(assessment.regions)
    return out


def version_data(version: DisclosureVersion) -> dict[str, Any]:
    out: dict[str, Any] = {"version": version.version}
    out["published_at"] = date_text(version.published_at)
    if version.effective_at is not None:
        out["effective_at"] = date_text(version.effective_at)
    if version.url:
        out["url"] = version.url
    out["purposes"] = list(version.purposes)
    if version.describes_opt_out is not None:
        out["describes_opt_out"] = version.describes_opt_out
    if version.statements:
        out["statements"] = list(version.statements)
    if version.excerpts:
        out["excerpts"] = list(version.excerpts)
    if version.regions is not None:
        out["regions"] = list(version.regions)
    for name in ("source", "sha256", "recorded_at"):
        if getattr(version, name):
            out[name] = getattr(version, name)
    if version.stated_dates:
        out["stated_dates"] = [
            {"kind": k, "date": d, **({"text": t} if t else {})} for k, d, t in version.stated_dates
        ]
    if version.claims:
        out["claims"] = [
            {
                "token": c.token,
                "excerpt": c.excerpt,
                **({"heading": c.heading} if c.heading else {}),
                **({"recipient": c.recipient} if c.recipient else {}),
            }
            for c in version.claims
        ]
    if version.dated_by:
        out["dated_by"] = version.dated_by
    if version.capture:
        out["capture"] = {"kind": version.capture, "note": version.capture_note}
    if version.purpose_recipients is not None:
        recipients: dict[str, list[str]] = {}
        for purpose, recipient in version.purpose_recipients:
            recipients.setdefault(purpose, []).append(recipient)
        out["recipients"] = recipients
    return out


def disclosure_data(document: Disclosure) -> dict[str, Any]:
    out: dict[str, Any] = {"id": document.id, "kind": document.kind}
    if document.title and document.title != document.id:
        out["title"] = document.title
    if document.url:
        out["url"] = document.url
    out["versions"] = [version_data(v) for v in document.versions]
    return out


def snapshot_data(snapshot: Snapshot) -> dict[str, Any]:
    """The snapshot as a snapshot/v1 document (``consentrules: snapshot/v1``)."""
    out: dict[str, Any] = {
        "consentrules": "snapshot/v1",
        "platform": snapshot.platform,
        "taken_at": date_text(snapshot.taken_at),
    }
    if snapshot.users:
        out["users"] = _pairs(snapshot.users)
    out["settings"] = [setting_data(s) for s in snapshot.settings]
    if snapshot.has_disclosures:
        out["disclosures"] = [disclosure_data(d) for d in snapshot.disclosures]
    return out
