"""``consentrules disclosures scan|diff``: what a policy history says, version by version.

``scan`` prints each version with when it was recorded, the dates it states, the purposes and
statements it makes, each with the sentence it rests on, and marks what a version adds and what
it drops. ``diff`` compares two versions as claims added and removed, with excerpts.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from consentrules.model import Claim
from consentrules.model import Disclosure
from consentrules.model import DisclosureVersion
from consentrules.model.errors import UsageError
from consentrules.model.evidence import version_facts
from consentrules.plugin.config import Config


def _documents(config: Config, options: dict[str, Any]) -> list[Disclosure]:
    from consentrules.cli.commands import setup
    from consentrules.sources.disclosures import read_source

    setup(config, options)
    documents = list(read_source(f"{options['reader']}:{options['location']}", config))
    if not documents:
        raise UsageError(f"no document found at {options['location']}")
    return documents


def _tokens(version: DisclosureVersion) -> dict[str, Claim | None]:
    """Every purpose and statement of a version, with the claim it rests on where known."""
    tokens = sorted({*version.purposes, *version.all_statements})
    return {token: version.claim_for(token) for token in tokens}


def _changes(
    versions: tuple[DisclosureVersion, ...],
) -> list[tuple[DisclosureVersion, list[str], list[str]]]:
    """Per version, what it adds and drops against the last version the service changed: a
    capture that is not a change by the service (failed, another document, a flip back) adds
    and drops nothing, and one the archive re-read drops nothing but sets what follows."""
    out: list[tuple[DisclosureVersion, list[str], list[str]]] = []
    before: set[str] = set()
    for version in versions:
        if not version.comparable:
            out.append((version, [], []))
            continue
        now = set(_tokens(version))
        dropped = [] if version.capture == "reread" else sorted(before - now)
        out.append((version, sorted(now - before), dropped))
        before = now
    return out


def _claim_text(token: str, claim: Claim | None) -> str:
    if claim is None:
        return token
    excerpt = claim.excerpt if len(claim.excerpt) <= 200 else claim.excerpt[:197] + "..."
    return f'{token}: "{excerpt}"' + (f" [{claim.heading}]" if claim.heading else "")


def _version_json(document: Disclosure, version: DisclosureVersion) -> dict[str, Any]:
    facts = version_facts(document, version)
    facts.pop("excerpt", None)
    facts["purposes"] = list(version.purposes)
    facts["statements"] = sorted(version.all_statements)
    facts["claims"] = [
        {"token": c.token, "excerpt": c.excerpt, "heading": c.heading}
        | ({"recipient": c.recipient} if c.recipient else {})
        for c in version.claims
    ]
    return facts


def cmd_scan(config: Config, options: dict[str, Any]) -> int:
    documents = _documents(config, options)
    if options.get("disclosures_format") == "json":
        data = []
        for document in documents:
            versions = []
            for version, added, dropped in _changes(document.versions):
                entry = _version_json(document, version)
                entry["added"], entry["dropped"] = added, dropped
                versions.append(entry)
            data.append({"id": document.id, "kind": document.kind, "title": document.title,
                         "versions": versions})  # fmt: skip
        json.dump({"documents": data}, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    lines: list[str] = []
    for document in documents:
        lines.append(f"{document.title} ({document.kind}): {len(document.versions)} versions")
        for version, added, dropped in _changes(document.versions):
            if not version.usable:
                what = "FAILED CAPTURE" if version.capture == "failed" else "ANOTHER DOCUMENT"
                lines.append(f"  {version.recorded_at or version.version}  {what}")
                lines.append(f"      {version.capture_note}")
                continue
            published = version.published_at.text if version.published_at else "unknown"
            stated = ", ".join(f"{kind} {day}" for kind, day, _ in version.stated_dates)
            tokens = _tokens(version)
            line = f"  {version.recorded_at or version.version}  published {published}"
            line += f" ({'states ' + stated if stated else 'no date stated'})"
            line += f"  {', '.join(tokens) or '-'}"
            if added and version is not document.versions[0]:
                line += f"  NEW: {', '.join(added)}"
            if dropped:
                line += f"  DROPPED: {', '.join(dropped)}"
            lines.append(line)
            if version.capture:
                lines.append(f"      ({version.capture_note})")
            for token in added:
                lines.append(f"      + {_claim_text(token, tokens[token])}")
            previous = _previous(document.versions, version)
            for token in dropped:
                was = previous.claim_for(token) if previous is not None else None
                lines.append(f"      - {_claim_text(token, was)}")
        lines.append("")
    sys.stdout.write("\n".join(lines))
    return 0


def _previous(
    versions: tuple[DisclosureVersion, ...], version: DisclosureVersion
) -> DisclosureVersion | None:
    index = versions.index(version)
    return versions[index - 1] if index else None


def _pick(versions: tuple[DisclosureVersion, ...], wanted: str | None, what: str) -> int:
    """The index of the version a ``--from``/``--to`` value names: its version id, its
    recording time, or a day (the last version recorded on or before it)."""
    if wanted is None:  # the latest capture that shows the document's text
        usable = [index for index, version in enumerate(versions) if version.usable]
        return usable[-1] if usable else len(versions) - 1
    for index, version in enumerate(versions):
        if wanted in (version.version, version.recorded_at):
            if not version.usable:
                raise UsageError(
                    f"{what} {wanted!r} is not the document's text ({version.capture_note}): "
                    "name a version before or after it"
                )
            return index
    on_or_before = [
        index
        for index, version in enumerate(versions)
        if (version.recorded_at or version.version)[:10] <= wanted and version.usable
    ]
    if on_or_before and len(wanted) == 10:
        return on_or_before[-1]
    known = ", ".join(v.version for v in versions[:3])
    raise UsageError(
        f"{what} {wanted!r}: no such version (give a version id such as {known}, or a day "
        "YYYY-MM-DD for the last version recorded by then)"
    )


def cmd_diff(config: Config, options: dict[str, Any]) -> int:
    document = _documents(config, options)[0]
    versions = document.versions
    if len(versions) < 2:
        raise UsageError(f"{document.title} has only {len(versions)} version: nothing to diff")
    newer = _pick(versions, options.get("to_version"), "--to")
    earlier = [i for i in range(newer) if versions[i].usable]
    older = (
        _pick(versions, options["from_version"], "--from")
        if options.get("from_version")
        else (earlier[-1] if earlier else max(newer - 1, 0))
    )
    before, after = versions[older], versions[newer]
    old, new = _tokens(before), _tokens(after)
    added = [t for t in new if t not in old]
    removed = [t for t in old if t not in new]
    kept = [t for t in new if t in old]
    if options.get("disclosures_format") == "json":

        def claims(tokens: list[str], source: dict[str, Claim | None]) -> list[dict[str, Any]]:
            return [
                {
                    "token": t,
                    "excerpt": c.excerpt if c else None,
                    "heading": c.heading if c else None,
                }
                for t in tokens
                for c in [source[t]]
            ]

        data = {
            "document": document.id,
            "from": _version_json(document, before),
            "to": _version_json(document, after),
            "added": claims(added, new),
            "removed": claims(removed, old),
            "unchanged": kept,
            "text_changed": before.sha256 != after.sha256 if before.sha256 else None,
        }
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    lines = [
        f"{document.title}: {before.recorded_at or before.version} -> "
        f"{after.recorded_at or after.version}"
    ]
    lines += [f"  + added   {_claim_text(t, new[t])}" for t in added]
    lines += [f"  - removed {_claim_text(t, old[t])}" for t in removed]
    if kept:
        lines.append(f"    unchanged: {', '.join(kept)}")
    if not added and not removed:
        same_text = before.sha256 is not None and before.sha256 == after.sha256
        lines.append(
            "  no claim added or removed" + ("" if same_text else " (the text changed otherwise)")
        )
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
