"""Statements a disclosure must make, and keep making: the ``require`` and ``retain`` parts of
``disclosure_timing``, with what the kind shares (its prepared parameters, dates and wording)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from consentrules.engine.evaluation import EvalContext
from consentrules.model import Disclosure
from consentrules.model import DisclosureVersion
from consentrules.model import Finding
from consentrules.model import Rule
from consentrules.model import Setting
from consentrules.model import Status
from consentrules.model.dates import PartialDate
from consentrules.model.evidence import version_facts

DATE_FIELDS = ("published_at", "effective_at")


def no_disclosures(ctx: EvalContext) -> str:
    """What every disclosure rule says of a snapshot that carries no disclosures (one message,
    so that reports name it once, with all the rules it holds up)."""
    return (
        f"not evaluable: the snapshot ({ctx.snapshot.adapter} format) carries no disclosures "
        "(no privacy policy or notice, nor their dates): add them, e.g. with --disclosures "
        "READER:LOCATION"
    )


def _no_disclosures_finding(rule: Rule, prepared: Any, ctx: EvalContext) -> Finding:
    return ctx.finding(
        rule,
        target_kind="disclosure",
        target_id=prepared.kinds[0],
        pointer="",
        message=no_disclosures(ctx),
        status=Status.NOT_EVALUABLE,
    )


@dataclass(frozen=True)
class Prepared:
    kinds: tuple[str, ...]
    min_days: int | None
    purposes: tuple[str, ...] | None
    date_field: str
    retain: tuple[str, ...]
    require: tuple[str, ...] = ()


@lru_cache(maxsize=64)
def _days_delta(days: int) -> dt.timedelta:
    return dt.timedelta(days=days)


def _kind_text(kinds: Sequence[str]) -> str:
    return " or ".join(kind.replace("_", " ") for kind in kinds)


def _days(n: int) -> str:
    return f"{n} day" if abs(n) == 1 else f"{n} days"


class StatementChecks:
    """Required statements (in the current version) and retained ones (never silently dropped)."""

    def _required(self, rule: Rule, prepared: Prepared, ctx: EvalContext) -> Iterator[Finding]:
        # The current version is the latest that shows the document's text.
        kind_text = _kind_text(prepared.kinds)
        if not ctx.snapshot.has_disclosures:
            yield _no_disclosures_finding(rule, prepared, ctx)
            return
        documents = [d for d in ctx.snapshot.disclosures if d.kind in prepared.kinds]
        if not documents:
            wanted = ", ".join(_token_text(t) for t in prepared.require)
            yield ctx.finding(
                rule,
                target_kind="disclosure",
                target_id=prepared.kinds[0],
                pointer="/disclosures" if ctx.snapshot.disclosures else "",
                message=f"there is no {kind_text} to state {wanted}",
            )
            return
        for document in documents:
            dated = [
                (day, index, version)
                for index, version in enumerate(document.versions)
                if version.usable
                and (day := self._date(version, prepared)) is not None
                and day.first <= ctx.as_of.last
            ]
            undated = [v for v in document.versions if v.usable and self._date(v, prepared) is None]
            if not dated:
                if undated:  # which version is current cannot be told at all
                    yield from self._undated_only(rule, prepared, document, undated, ctx)
                continue
            top, _, current = max(dated, key=lambda item: (item[0].first, item[0].last, item[1]))
            lacking = [t for t in prepared.require if not _states(current, t)]
            rivals = [  # versions that may be the latest too: a month leaves the order open
                version
                for day, _, version in dated
                if version is not current
                and day.last >= top.first
                and not (day.precise and top.precise)
                and all(_states(version, t) for t in lacking)
            ]
            # An undated version may be the latest too, whatever the dates of the others.
            rivals += [v for v in undated if all(_states(v, t) for t in lacking)]
            if not lacking:
                unsaid = [(v, t) for v in undated for t in prepared.require if not _states(v, t)]
                if unsaid:
                    version, token = unsaid[0]
                    yield ctx.finding(
                        rule,
                        target_kind="disclosure",
                        target_id=document.id,
                        pointer=version.pointer,
                        message=f"not evaluable: version {version.version} of "
                        f"{document.kind.replace('_', ' ')} {document.id!r} has no "
                        f"{prepared.date_field} date and does not state {_token_text(token)}: "
                        f"if it is the current one, the rule is broken (version "
                        f"{current.version}, {top}, states it)",
                        status=Status.NOT_EVALUABLE,
                        evidence={"undated_version": version.version},
                    )
                continue
            kind, missing = document.kind.replace("_", " "), " or ".join(map(_token_text, lacking))
            vague = _states(current, "opt_out") and all(t.startswith("opt_out_") for t in lacking)
            if vague:  # "describes an opt-out", but not of what: it may or may not be this one
                status = Status.NOT_EVALUABLE
                message = (
                    f"not evaluable: {kind} {document.id!r} version {current.version} ({top}) "
                    f"describes an opt-out without saying of what; the rule needs {missing} "
                    "(list it in the version's statements once the text says it)"
                )
            elif rivals:
                status = Status.NOT_EVALUABLE
                message = (
                    f"not evaluable: which version of {kind} {document.id!r} is the current one "
                    f"depends on the day: version {current.version} ({top}) does not state "
                    f"{missing}, version {rivals[0].version} "
                    f"({self._date(rivals[0], prepared) or 'undated'}) does"
                )
            else:
                status = Status.VIOLATION
                message = (
                    f"{kind} {document.id!r} version {current.version} ({top}, the current one) "
                    f"does not state {missing}"
                )
            yield ctx.finding(
                rule,
                target_kind="disclosure",
                target_id=document.id,
                pointer=current.pointer,
                message=message,
                status=status,
                evidence={
                    "missing_statements": lacking,
                    "disclosure": version_facts(document, current),
                },
            )

    def _undated_only(
        self,
        rule: Rule,
        prepared: Prepared,
        document: Disclosure,
        undated: list[DisclosureVersion],
        ctx: EvalContext,
    ) -> Iterator[Finding]:
        """A document whose versions have no date: whichever is current, a statement none of
        them makes is missing; one that only some make leaves the verdict open."""
        kind = document.kind.replace("_", " ")
        never = [t for t in prepared.require if not any(_states(v, t) for v in undated)]
        some = [
            t
            for t in prepared.require
            if t not in never and not all(_states(v, t) for v in undated)
        ]
        if not never and not some:
            return
        if never:
            status, message = (
                Status.VIOLATION,
                f"no version of {kind} {document.id!r} states "
                f"{' or '.join(map(_token_text, never))} (its versions have no "
                f"{prepared.date_field} date, so which one is current is not known)",
            )
        else:
            status, message = (
                Status.NOT_EVALUABLE,
                f"not evaluable: the versions of {kind} {document.id!r} have no "
                f"{prepared.date_field} date, so which one is current is not known, and only "
                f"some state {' or '.join(map(_token_text, some))}",
            )
        yield ctx.finding(
            rule,
            target_kind="disclosure",
            target_id=document.id,
            pointer=undated[0].pointer,
            message=message,
            status=status,
            evidence={"missing_statements": never or some},
        )

    def _without_disclosures(
        self, rule: Rule, prepared: Prepared, settings: Sequence[Setting], ctx: EvalContext
    ) -> Iterator[Finding]:
        """Timing on a snapshot that carries no disclosures at all (a feature-flag file): said
        once for the rule, not once per setting; a setting without purposes is its own gap."""
        wanted = set(prepared.purposes or ())
        if any(s.purposes and (not wanted or wanted & set(s.purposes)) for s in settings):
            yield _no_disclosures_finding(rule, prepared, ctx)
        if prepared.purposes is None:
            for setting in settings:
                if not setting.purposes:
                    yield ctx.setting_finding(
                        rule,
                        setting,
                        "not evaluable: the setting lists no purposes to check for disclosure",
                        status=Status.NOT_EVALUABLE,
                    )

    def _date(self, version: DisclosureVersion, prepared: Prepared) -> PartialDate | None:
        return getattr(version, prepared.date_field)  # type: ignore[no-any-return]

    def _retention(
        self, rule: Rule, prepared: Prepared, document: Disclosure, ctx: EvalContext
    ) -> Iterator[Finding]:
        # A failed capture, another document at the address or a flip back to a text shown
        # before says nothing about what the service dropped.
        dated = [
            (day, index, version)
            for index, version in enumerate(document.versions)
            if version.comparable
            and (day := self._date(version, prepared)) is not None
            and day.first <= ctx.as_of.last
        ]
        dated.sort(key=lambda item: (item[0].first, item[0].last, item[1]))
        for token in prepared.retain:
            drops: list[str] = []
            unsure: list[str] = []
            dropping: DisclosureVersion | None = None
            stated_before: DisclosureVersion | None = None
            last_with: DisclosureVersion | None = None
            missing_since: DisclosureVersion | None = None
            for _, _, version in dated:
                if version.capture == "reread" and not _states(version, token):
                    # The archive read the page differently: what it no longer shows was not
                    # dropped by the service; the statement is followed again once shown.
                    last_with = missing_since = None
                    continue
                if _states(version, token):
                    if missing_since is not None and last_with is not None:
                        self._record_drop(
                            drops, unsure, last_with, missing_since, prepared, version
                        )
                    last_with, missing_since = version, None
                elif last_with is not None and missing_since is None:
                    missing_since = version
                    if dropping is None:
                        dropping, stated_before = version, last_with
            if missing_since is not None and last_with is not None:
                self._record_drop(drops, unsure, last_with, missing_since, prepared, None)
            if drops or unsure:
                what = _token_text(token)
                assert dropping is not None
                kind = document.kind.replace("_", " ")
                if drops:
                    message = f"{kind} {document.id!r} stopped stating {what}: " + "; ".join(drops)
                    if unsure:
                        message += "; possibly also: " + "; ".join(unsure)
                    status = Status.VIOLATION
                else:
                    message = (
                        f"not evaluable: {kind} {document.id!r} possibly stopped stating {what}: "
                        + "; ".join(unsure)
                    )
                    status = Status.NOT_EVALUABLE
                yield ctx.finding(
                    rule,
                    target_kind="disclosure",
                    target_id=document.id,
                    pointer=dropping.pointer,
                    message=message,
                    status=status,
                    evidence={
                        "statement": token,
                        "stated_in": version_facts(document, stated_before or dropping, token),
                        "dropped_in": version_facts(document, dropping),
                    },
                )

    def _record_drop(
        self,
        drops: list[str],
        unsure: list[str],
        before: DisclosureVersion,
        after: DisclosureVersion,
        prepared: Prepared,
        restored: DisclosureVersion | None,
    ) -> None:
        """A drop is certain only when the dropping version certainly came after the one that
        stated it: two month-only dates in the same month leave the order open."""
        text = self._drop_text(before, after, prepared, restored)
        first, then = self._date(before, prepared), self._date(after, prepared)
        ordered = (
            first is None
            or then is None
            or first.last < then.first
            or (first.precise and then.precise)  # the same day: the file's order
        )
        if ordered:
            drops.append(text)
        else:
            unsure.append(f"{text} (the order of {first} and {then} depends on the day)")

    def _drop_text(
        self,
        before: DisclosureVersion,
        after: DisclosureVersion,
        prepared: Prepared,
        restored: DisclosureVersion | None,
    ) -> str:
        field = prepared.date_field.replace("_at", "")
        text = (
            f"version {before.version} ({field} {self._date(before, prepared)}) stated it, "
            f"version {after.version} ({field} {self._date(after, prepared)}) dropped it"
        )
        if restored is not None:
            text += f" (restored in version {restored.version}, {self._date(restored, prepared)})"
        return text


def _states(version: DisclosureVersion, token: str) -> bool:
    if token.startswith("purpose:"):
        return token[len("purpose:") :] in version.purposes
    return token in version.all_statements


def _token_text(token: str) -> str:
    if token == "opt_out":
        return "how to opt out"
    if token == "opt_out_of_ai_training":
        return "how to opt out of AI training"
    if token.startswith("purpose:"):
        return f"the purpose {token[len('purpose:') :]}"
    return repr(token)
