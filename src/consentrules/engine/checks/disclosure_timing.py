"""``disclosure_timing``: practices must be disclosed in time, and statements must not vanish.

Parameters
    ``document_kind`` (required)
        The kind of disclosure that counts (``privacy_policy``), or a list of kinds.
    ``min_days_before`` (optional)
        Every purpose of a selected setting must be disclosed by a version of such a document
        published at least this many days before the setting's activation; ``0`` means no later
        than the day of activation.
    ``purposes`` (optional)
        Only these purposes must be disclosed (default: every purpose of the setting).
    ``date`` (optional)
        Which date of a version counts: ``published_at`` (default) or ``effective_at``.
    ``require`` (optional)
        Statements (as for ``retain``) that the document's current version, the latest one
        published by the evaluation date, must make; with no document of the kind at all,
        that is a finding too. Checked when the selector picks at least one setting.
    ``retain`` (optional)
        Statements that, once a document of the kind makes them, no later version may drop:
        ``opt_out`` (the version describes an opt-out), ``purpose:NAME``, or any token a
        version lists under ``statements``. Checked per document, when the rule's selector
        picks at least one setting of the snapshot.

At least one of ``min_days_before``, ``require`` and ``retain`` is required. Versions published
after the evaluation date do not count.

Findings give the gap in days or say "never disclosed"; a dropped statement names both
versions and their dates (and a later version that restored it). With month-only dates a
verdict is given only if it holds for every day allowed; otherwise the setting is not evaluable
and the finding says which range was tried. A setting without an activation date is not
evaluable.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from consentrules import hookimpl
from consentrules.engine.checks.first_disclosed import addressed
from consentrules.engine.checks.first_disclosed import basis
from consentrules.engine.checks.first_disclosed import first_disclosures
from consentrules.engine.checks.first_disclosed import last_first
from consentrules.engine.checks.first_disclosed import need_of
from consentrules.engine.checks.first_disclosed import what as purpose_words
from consentrules.engine.checks.first_disclosed import when_text
from consentrules.engine.checks.statements import DATE_FIELDS
from consentrules.engine.checks.statements import Prepared
from consentrules.engine.checks.statements import StatementChecks
from consentrules.engine.checks.statements import _days
from consentrules.engine.checks.statements import _days_delta
from consentrules.engine.checks.statements import _kind_text
from consentrules.engine.evaluation import EvalContext
from consentrules.model import Disclosure
from consentrules.model import DisclosureVersion
from consentrules.model import Finding
from consentrules.model import Rule
from consentrules.model import Setting
from consentrules.model import Status
from consentrules.model.dates import PartialDate
from consentrules.model.dates import days_between
from consentrules.model.dates import parse_date
from consentrules.model.evidence import version_facts
from consentrules.model.regions import RegionRegistry
from consentrules.plugin.registry import CheckKindRegistry
from consentrules.plugin.registry import ParamError

_UNSEEN = object()
#: A stand-in date for undated versions (only their regions are looked at).
_EPOCH = parse_date("1970-01-01")


class DisclosureTiming(StatementChecks):
    name = "disclosure_timing"
    # Timing findings are about one setting each; retention and required statements are about
    # the disclosures and come once a setting is selected.
    per_setting = True
    description = (
        "Every purpose must be disclosed N days before activation; stated facts must not be "
        "silently dropped."
    )
    params_schema: Mapping[str, Any] = {
        "type": "object",
        "required": ["document_kind"],
        "anyOf": [
            {"required": ["min_days_before"]},
            {"required": ["retain"]},
            {"required": ["require"]},
        ],
        "properties": {
            "document_kind": {
                "anyOf": [
                    {"type": "string", "minLength": 1},
                    {"type": "array", "items": {"type": "string"}, "minItems": 1},
                ]
            },
            "min_days_before": {"type": "integer", "minimum": 0, "maximum": 3650},
            "purposes": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "date": {"enum": list(DATE_FIELDS)},
            "retain": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "require": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        },
    }

    def prepare(self, params: Mapping[str, Any], regions: RegionRegistry) -> Prepared:
        kinds = params["document_kind"]
        kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
        retain = tuple(params.get("retain") or ())
        require = tuple(params.get("require") or ())
        for key, tokens in (("retain", retain), ("require", require)):
            for index, token in enumerate(tokens):
                if token.startswith("purpose:") and not token[len("purpose:") :]:
                    raise ParamError("'purpose:' needs a purpose name", (key, index))
        purposes = params.get("purposes")
        return Prepared(
            kinds=kinds,
            min_days=params.get("min_days_before"),
            purposes=tuple(purposes) if purposes else None,
            date_field=params.get("date", "published_at"),
            retain=retain,
            require=require,
        )

    def evaluate(
        self, rule: Rule, settings: Sequence[Setting], ctx: EvalContext
    ) -> Iterator[Finding]:
        prepared: Prepared = rule.prepared
        if prepared.min_days is not None and not ctx.snapshot.has_disclosures:
            yield from self._without_disclosures(rule, prepared, settings, ctx)
        elif prepared.min_days is not None:
            versions = self._versions(prepared, ctx)
            everyone = [item for item in versions if item[1].regions is None]
            # Whether any version says who carries its purposes out (a derived history does):
            # only then is a setting's recipient part of what must be disclosed, and said.
            aware = any(item[1].purpose_recipients is not None for item in versions)
            bases: dict[str, Any] = {}
            regional = len(everyone) < len(versions)
            # Per list of purposes and recipients: the last day by which all were certainly
            # disclosed.
            latest: dict[tuple[tuple[str, ...], str], Any] = {}
            margin = _days_delta(prepared.min_days or 0)
            for setting in settings:
                # The purpose must be disclosed at all; where the data goes to third parties
                # (or affiliates) and the versions say who, that must be disclosed too.
                need = need_of(setting) if aware else ""
                needs = ("", need) if need else ("",)
                checks = []
                quick = True
                for each in needs:
                    base = bases.get(each)
                    if base is None:
                        base = bases[each] = first_disclosures(everyone, each)
                    firsts = base
                    if regional:  # a notice to some regions counts where it reaches every user
                        reach = addressed(versions, setting, ctx)
                        if len(reach) > len(everyone):
                            firsts = first_disclosures(reach, each)
                    checks.append((each, firsts))
                    if firsts is not base or setting.activated_at is None:
                        quick = False
                        continue
                    key = (setting.purposes, each)
                    worst = latest.get(key, _UNSEEN)
                    if worst is _UNSEEN:
                        worst = latest[key] = last_first(prepared, setting, firsts)
                    if worst is None or worst > setting.activated_at.first - margin:
                        quick = False
                if quick:
                    continue  # every purpose certainly disclosed in time: the usual case
                finding = self._timing(rule, prepared, setting, checks, ctx)
                if finding is not None:
                    yield finding
        if prepared.retain and settings:
            for document in ctx.snapshot.disclosures:
                if document.kind in prepared.kinds:
                    yield from self._retention(rule, prepared, document, ctx)
        if prepared.require and settings:
            yield from self._required(rule, prepared, ctx)

    # Timing -----------------------------------------------------------------------------------
    def _versions(
        self, prepared: Prepared, ctx: EvalContext
    ) -> list[tuple[Disclosure, DisclosureVersion, PartialDate]]:
        out = []
        for document in ctx.snapshot.disclosures:
            if document.kind not in prepared.kinds:
                continue
            for version in document.versions:
                if not version.usable:  # a failed capture or another document says nothing
                    continue
                day = self._date(version, prepared)
                if day is not None and day.first <= ctx.as_of.last:
                    out.append((document, version, day))
        return out

    def _undated(
        self, prepared: Prepared, ctx: EvalContext, purpose: str, setting: Setting
    ) -> DisclosureVersion | None:
        """A version of the counted kinds that discloses ``purpose`` but has no date, and that
        reaches the setting's users (addressed to everyone or to every region it applies in)."""
        found = [
            (document, version, _EPOCH)
            for document in ctx.snapshot.disclosures
            if document.kind in prepared.kinds
            for version in document.versions
            if self._date(version, prepared) is None and purpose in version.purposes
        ]
        reach = addressed(found, setting, ctx) if found else []
        return reach[0][1] if reach else None

    def _timing(
        self,
        rule: Rule,
        prepared: Prepared,
        setting: Setting,
        checks: list[tuple[str, dict[str, Any]]],
        ctx: EvalContext,
    ) -> Finding | None:
        if prepared.purposes is None:
            purposes = setting.purposes
            if not purposes:
                return ctx.setting_finding(
                    rule,
                    setting,
                    "not evaluable: the setting lists no purposes to check for disclosure",
                    status=Status.NOT_EVALUABLE,
                )
        else:
            purposes = tuple(p for p in setting.purposes if p in prepared.purposes)
            if not purposes:
                return None
        activated = setting.activated_at
        if activated is None:
            return ctx.setting_finding(
                rule,
                setting,
                "not evaluable: the snapshot gives no activation date (activated_at) for the "
                "setting",
                status=Status.NOT_EVALUABLE,
            )
        n = prepared.min_days or 0
        limit = activated.first - _days_delta(n)
        if all(
            (known := firsts.get(purpose)) is not None and known[1] <= limit
            for _, firsts in checks
            for purpose in purposes
        ):
            return None  # every purpose certainly disclosed in time: the usual case, cheaply
        deadline = activated.shift(-n)
        kind_text = _kind_text(prepared.kinds)
        late: list[tuple[str, str]] = []  # (evidence key, text)
        unsure: list[str] = []
        began = setting.began_at
        evidence: dict[str, Any] = {"activated_at": str(began or activated), "purposes": {}}
        if began is not None:  # a rule in force from a later date judges from that date
            evidence["judged_from"] = str(activated)
        plain_first: dict[str, Any] = {}
        for need, firsts, purpose in (
            (need, firsts, purpose) for need, firsts in checks for purpose in purposes
        ):
            what = purpose_words(purpose, need)
            known = firsts.get(purpose)
            key = f"{purpose}:{need}" if need else purpose
            if not need:
                plain_first[purpose] = known
            elif plain_first.get(purpose, _UNSEEN) is None:
                continue  # never disclosed at all: said once, without who
            elif (
                known is not None
                and plain_first.get(purpose) is not None
                and known[2][1] is plain_first[purpose][2][1]
            ):  # the version that first said it said who: one statement, said once
                late[:] = [item for item in late if item[0] != purpose]
                evidence["purposes"].pop(purpose, None)
            if known is None:
                undated = self._undated(prepared, ctx, purpose, setting)
                if undated is not None:  # it may have been disclosed in time: no verdict
                    unsure.append(
                        f"{what}: only version {undated.version} of the {kind_text} discloses "
                        f"it, and it has no {prepared.date_field} date"
                    )
                    evidence["purposes"][key] = {"status": "not_evaluable"}
                    continue
                article = "an" if kind_text[:1] in "aeiou" else "a"
                late.append((key, f"{what} was never disclosed in {article} {kind_text}"))
                evidence["purposes"][key] = {"status": "never_disclosed"}
                if need:
                    evidence["purposes"][key]["recipient"] = need
                continue
            earliest_first, earliest_last, first = known
            if earliest_last <= deadline.first:
                continue
            day = first[2]
            facts = version_facts(first[0], first[1], purpose, need or None)
            undated = self._undated(prepared, ctx, purpose, setting)
            if undated is not None:  # an undated version may have disclosed it in time
                unsure.append(
                    f"{what}: the first dated version of the {kind_text} to disclose it is "
                    f"version {first[1].version} ({day}), but version {undated.version} also "
                    f"discloses it and has no {prepared.date_field} date: its date decides "
                    "whether the purpose was disclosed in time"
                )
                evidence["purposes"][key] = {
                    "status": "not_evaluable",
                    "undated_version": undated.version,
                    "disclosure": facts,
                }
                continue
            if earliest_first > deadline.last:
                low, high = days_between(activated, day)
                gap = _days(low) if low == high else f"{low} to {high} days"
                if low >= 0:
                    relation = f"{gap} later"
                elif high < 0:
                    relation = (
                        f"{_days(-high) if low == high else f'{-high} to {-low} days'} before"
                    )
                else:
                    relation = f"{gap} from activation"
                when = when_text(day)
                text = f"the {kind_text} first disclosed {what} {when}, {relation}"
                if n:
                    text += f" (it had to be published by {deadline}, {_days(n)} before activation)"
                late.append((key, text + basis(first[1])))
                evidence["purposes"][key] = {
                    "status": "late",
                    "first_disclosed": str(day),
                    "document": first[0].id,
                    "version": first[1].version,
                    "days_after_activation": low if low == high else [low, high],
                    "disclosure": facts,
                }
            else:
                when = when_text(day)
                due = (
                    f"activated {activated.describe_range()}"
                    if not n
                    else f"due by {deadline.describe_range()}, {_days(n)} before activation "
                    f"{activated.describe_range()}"
                )
                unsure.append(
                    f"{what}: the {kind_text} first disclosed it {when}, {due}; the verdict "
                    f"depends on the day{basis(first[1])}"
                )
                evidence["purposes"][key] = {"status": "not_evaluable", "disclosure": facts}
        if late:
            lead = (
                f"activated {activated}"
                if began is None
                else f"in use since {began}, under the law from {activated}"
            )
            message = f"{lead}, but " + "; ".join(text for _, text in late)
            if unsure:
                message += "; not evaluable: " + "; ".join(unsure)
            return ctx.setting_finding(rule, setting, message, evidence=evidence)
        if unsure:
            return ctx.setting_finding(
                rule,
                setting,
                "not evaluable: " + "; ".join(unsure),
                status=Status.NOT_EVALUABLE,
                evidence=evidence,
            )
        return None

    # Retention --------------------------------------------------------------------------------


@hookimpl
def consentrules_register_check_kinds(registry: CheckKindRegistry) -> None:
    registry.add(DisclosureTiming())
