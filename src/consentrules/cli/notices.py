"""Notices of a run: what was not evaluated, or evaluated with a caveat, and why."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from consentrules.model import Notice
from consentrules.model import Rule
from consentrules.model import SnapshotSummary
from consentrules.model.dates import PartialDate
from consentrules.model.dates import parse_date
from consentrules.model.words import plural


def inactive_notices(summaries: Iterable[SnapshotSummary]) -> list[Notice]:
    """A note per snapshot that has settings activated after its evaluation date."""
    return _setting_notices(
        summaries,
        lambda summary: summary.inactive,
        lambda summary, count, shown: (
            f"{count} setting{'s were' if count != 1 else ' was'} not active on the evaluation "
            f"date {summary.as_of} (activated later) and not judged: {shown}"
        ),
        "note",
        "not_active",
    )


def _setting_notices(
    summaries: Iterable[SnapshotSummary], ids: Any, render: Any, level: str, category: str
) -> list[Notice]:
    """A notice per snapshot that has settings of a kind (``ids(summary)``), naming the first
    twenty."""
    notices = []
    for summary in summaries:
        found = ids(summary)
        if found:
            count = len(found)
            shown = ", ".join(found[:20]) + (f" and {count - 20} more" if count > 20 else "")
            message = render(summary, count, shown)
            notices.append(Notice(level, message, summary.path, category=category))
    return notices


def rule_token_notices(rules: Iterable[Rule]) -> list[Notice]:
    """A warning per rule that selects by a token close to, but not, a standard one."""
    from consentrules.model.vocabulary import rule_token_warnings

    return [
        Notice(
            "warning",
            f"rule {rule.id} selects by {phrase}: a misspelt token makes the rule select nothing",
            rule.path,
            rule.line,
            category="unknown_token",
        )
        for rule, phrase in rule_token_warnings(rules)
    ]


def extrapolation_notices(
    summaries: Iterable[SnapshotSummary], as_of: PartialDate | None
) -> list[Notice]:
    """A note per snapshot judged as of a date after it was taken: what happened after
    ``taken_at`` is not in it, so its last state is assumed to hold."""
    if as_of is None:
        return []
    notices = []
    for summary in summaries:
        taken = parse_date(summary.taken_at)
        if as_of.last > taken.last:
            notices.append(
                Notice(
                    "warning",
                    f"evaluated as of {as_of}, after the snapshot was taken ({summary.taken_at}): "
                    "the state it records is assumed to hold until then",
                    summary.path,
                    category="extrapolated",
                )
            )
    return notices


def token_notices(summaries: Iterable[SnapshotSummary], known: Any) -> list[Notice]:
    """A warning per snapshot using purpose, category or recipient tokens no rule knows."""
    from consentrules.model.vocabulary import describe

    notices = []
    for summary in summaries:
        if summary.unknown_tokens:
            phrases = describe(summary.unknown_tokens, known)
            notices.append(
                Notice(
                    "warning",
                    "no loaded rule or the standard vocabulary knows "
                    + "; ".join(phrases)
                    + ": a misspelt token makes rules skip the setting",
                    summary.path,
                    category="unknown_token",
                )
            )
    return notices


def not_in_force_notices(
    rules: Iterable[Rule], summaries: Iterable[SnapshotSummary]
) -> list[Notice]:
    """A note per rule whose law did not yet apply on a snapshot's evaluation date: the rule
    judged nothing there (not a pass)."""
    dated = [rule for rule in rules if rule.in_force_from is not None]
    return _dated_notices(
        summaries,
        dated,
        lambda rule, as_of: rule.in_force_from.is_on_or_before(as_of) is False,
        lambda summary, early: (
            f"{plural(len(early), 'rule')} not yet in force on the evaluation date "
            f"{summary.as_of}, so "
            "not applied: " + ", ".join(f"{r.id} (from {r.in_force_from})" for r in early)
        ),
        "note",
        "not_in_force",
    )


def _dated_notices(
    summaries: Iterable[SnapshotSummary],
    items: list[Any],
    too_early: Any,
    render: Any,
    level: str,
    category: str,
) -> list[Notice]:
    """A notice per snapshot for the items whose date its evaluation date comes before."""
    notices = []
    for summary in summaries:
        as_of = parse_date(summary.as_of)
        early = [item for item in items if too_early(item, as_of)]
        if early:
            notices.append(Notice(level, render(summary, early), summary.path, category=category))
    return notices


def unmapped_notices(summaries: Iterable[SnapshotSummary]) -> list[Notice]:
    """A warning per snapshot with settings that state no purposes: rules that select by
    purpose cannot judge them, which is not a pass (fails the run with --strict)."""
    return _setting_notices(
        summaries,
        lambda summary: summary.unmapped,
        lambda summary, count, shown: (
            f"{plural(count, 'setting')} state{'s' if count == 1 else ''} no purposes, so no "
            f"rule that selects by purpose judged {'it' if count == 1 else 'them'}: {shown} "
            "(state their purposes, or an empty list for none)"
        ),
        "warning",
        "unmapped",
    )


def nothing_judged_notices(summaries: Iterable[SnapshotSummary]) -> list[Notice]:
    """A warning per snapshot in which nothing could be judged: no settings at all, or none
    whose default is known anywhere (fails the run with --strict: a pass would say nothing)."""
    out = []
    for summary in summaries:
        if summary.settings == 0:
            why = "it holds no settings"
        elif len(summary.undecided) == summary.settings:
            shown = ", ".join(summary.undecided[:5]) + (", ..." if summary.settings > 5 else "")
            why = (
                f"the default of every setting is unknown ({shown}); each says why in its "
                "note (snapshot show), and the adapter's notices say what it needs"
            )
        else:
            continue
        out.append(
            Notice(
                "warning",
                f"nothing in the file could be judged: {why}",
                path=summary.path,
                category="incomplete",
            )
        )
    return out


def group_date_notices(
    rules: Iterable[Rule], summaries: Iterable[SnapshotSummary], registry: Any
) -> list[Notice]:
    """A warning per snapshot judged as of a date before the membership of a region group a
    rule names holds from (the EU before the United Kingdom left, say)."""
    named: set[str] = set()
    for rule in rules:
        terms = [*(rule.params.get("regions") or ()), *(rule.selector.regions or ())]
        named.update(t for t in [*terms, *rule.jurisdictions] if t in registry.groups)
    dated = [registry.groups[name] for name in sorted(named) if registry.groups[name].since]
    return _dated_notices(
        summaries,
        dated,
        lambda group, as_of: as_of.first < parse_date(group.since).first,
        lambda summary, early: (
            f"the evaluation date {summary.as_of} is before the region groups the rules name "
            "were defined as they are: "
            + "; ".join(f"{g.name} as of {g.since} ({g.note})" for g in early)
            + "; membership then may differ"
        ),
        "warning",
        "group_definition",
    )


def summary_notices(
    rules: Iterable[Rule],
    summaries: list[SnapshotSummary],
    as_of: Any,
    registry: Any,
    known: Any,
) -> list[Notice]:
    """Every notice about the snapshots of a run: the adapters' own, then what the run
    noticed (settings not yet active, extrapolated dates, laws not in force, unmapped settings,
    inputs nothing could be judged in, region groups not yet defined, unknown tokens)."""
    rules = list(rules)
    return [
        *(n for summary in summaries for n in summary.notices),
        *inactive_notices(summaries),
        *extrapolation_notices(summaries, as_of),
        *not_in_force_notices(rules, summaries),
        *unmapped_notices(summaries),
        *nothing_judged_notices(summaries),
        *group_date_notices(rules, summaries, registry),
        *token_notices(summaries, known),
    ]
