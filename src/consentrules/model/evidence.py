"""The evidence a disclosure version gives, as JSON-ready facts: which document, which version,
its dates (ISO 8601), where its text came from, its hash, and the sentence a claim rests on.

Findings that rest on a disclosure carry this in their ``evidence``; every report format shows
it (JSON and SARIF as fields, text and Markdown as a line).
"""

from __future__ import annotations

from typing import Any

from consentrules.model.dates import PartialDate
from consentrules.model.snapshot import Disclosure
from consentrules.model.snapshot import DisclosureVersion


def date_facts(day: PartialDate | None) -> dict[str, str] | None:
    """A day or a range of days: ``{"first": ..., "last": ..., "text": ...}`` (ISO 8601)."""
    if day is None:
        return None
    return {"first": day.first.isoformat(), "last": day.last.isoformat(), "text": day.text}


def version_facts(
    document: Disclosure,
    version: DisclosureVersion,
    token: str | None = None,
    recipient: str | None = None,
) -> dict[str, Any]:
    """What a finding resting on ``version`` of ``document`` should show; with ``token``, the
    sentence (and its section) that states it, where a claim matcher found one."""
    facts: dict[str, Any] = {
        "document": document.id,
        "kind": document.kind,
        "title": document.title,
        "version": version.version,
        "published_at": date_facts(version.published_at),
        "effective_at": date_facts(version.effective_at),
    }
    url = version.url or document.url
    if url:
        facts["url"] = url
    if version.source:
        facts["source"] = version.source
    if version.sha256:
        facts["sha256"] = version.sha256
    if version.recorded_at:
        facts["recorded_at"] = version.recorded_at
    if version.stated_dates:
        facts["stated_dates"] = [
            {"kind": k, "date": d, **({"text": t} if t else {})} for k, d, t in version.stated_dates
        ]
    if version.dated_by:
        facts["dated_by"] = version.dated_by
    if version.capture:
        facts["capture"] = {"kind": version.capture, "note": version.capture_note}
    claim = None
    if token and recipient:
        claim = version.claim_for(token, recipient)
    if claim is None and token:
        claim = version.claim_for(token)  # the first, as the matcher ranks its claims
    if claim is not None:
        facts["excerpt"] = claim.excerpt
        if claim.heading:
            facts["heading"] = claim.heading
        if claim.recipient:
            facts["recipient"] = claim.recipient
    elif version.excerpts:
        facts["excerpt"] = version.excerpts[0]
    return facts


def evidence_line(facts: dict[str, Any]) -> str:
    """One line for people: ``privacy policy 'X' version V, published P (recorded R),
    sha256 H, source S: "excerpt" [heading]``."""
    kind = str(facts.get("kind", "document")).replace("_", " ")
    text = f"{kind} {facts.get('document')!r} version {facts.get('version')}"
    published = facts.get("published_at")
    if published:
        text += f", published {published['text']}"
    if facts.get("recorded_at"):
        text += f" (recorded {facts['recorded_at']})"
    if facts.get("sha256"):
        text += f", sha256 {str(facts['sha256'])[:12]}"
    where = facts.get("url") or facts.get("source")
    if where:
        text += f", {where}"
    if facts.get("excerpt"):
        excerpt = str(facts["excerpt"])
        excerpt = excerpt if len(excerpt) <= 240 else excerpt[:237] + "..."
        text += f': "{excerpt}"'
        if facts.get("heading"):
            text += f" [{facts['heading']}]"
    return text


def disclosure_facts(evidence: Any) -> list[tuple[str, dict[str, Any]]]:
    """The disclosure versions a finding's evidence rests on, with what each is to the finding
    (``first disclosed ai_training``, ``stated``, ``dropped``)."""
    out: list[tuple[str, dict[str, Any]]] = []
    if not isinstance(evidence, dict):
        return out
    if isinstance(evidence.get("disclosure"), dict):
        out.append(("current version", evidence["disclosure"]))
    purposes = evidence.get("purposes")
    if isinstance(purposes, dict):
        for purpose, facts in purposes.items():
            if isinstance(facts, dict) and isinstance(facts.get("disclosure"), dict):
                out.append((f"first disclosed {purpose}", facts["disclosure"]))
    for key, label in (("stated_in", "last stated"), ("dropped_in", "dropped")):
        if isinstance(evidence.get(key), dict):
            out.append((label, evidence[key]))
    return out
