"""What a ledger's columns and values say about it, whichever engine read them: the same
errors (a missing column, a value of the wrong type, naming the file and column) and the same
counted warnings (events that count nowhere) from DuckDB and from Spark."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from consentrules.model import Notice
from consentrules.model.errors import InputError
from consentrules.model.errors import Problem

COLUMNS = ("user_id", "setting_id", "region", "value", "source", "at")
#: ISO 3166-1 alpha-2 or 3166-2 (a regular expression both engines read).
ISO_REGION = r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$"


def require_columns(shown: str, columns: Sequence[str]) -> None:
    """An input error naming the columns the ledger lacks."""
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise InputError(
            [
                Problem(
                    shown,
                    f"the ledger has no column {', '.join(repr(c) for c in missing)} "
                    f"(it has: {', '.join(columns)})",
                    hint="a ledger has the columns " + ", ".join(COLUMNS),
                )
            ]
        )


def judge(shown: str, bad_value: Any, bad_at: Any, uncounted: Any, bad_region: Any) -> list[Notice]:
    """From the engine's counts (each ``(count, example)``): errors for values of the wrong
    type, counted warnings for events that cannot count."""
    problems = []
    if bad_value and bad_value[0]:
        problems.append(
            Problem(
                shown,
                f"column 'value': {bad_value[0]} value(s) are not booleans "
                f"(for example {bad_value[1]!r})",
                hint="write value as true or false",
            )
        )
    if bad_at and bad_at[0]:
        problems.append(
            Problem(
                shown,
                f"column 'at': {bad_at[0]} value(s) are not timestamps (for example {bad_at[1]!r})",
                hint="write at as 2024-08-01T12:34:56Z (UTC)",
            )
        )
    if problems:
        raise InputError(problems)
    notices = []
    if uncounted and uncounted[0]:
        notices.append(
            Notice(
                "warning",
                f"{uncounted[0]} ledger event(s) have no timestamp, value or user and count "
                "nowhere",
                path=shown,
                category="incomplete",
            )
        )
    if bad_region and bad_region[0]:
        notices.append(
            Notice(
                "warning",
                f"{bad_region[0]} ledger event(s) have a region that is not an ISO 3166 code "
                f"(for example {bad_region[1]!r}) and count under no region",
                path=shown,
                category="incomplete",
            )
        )
    return notices


def events_by_setting(rows: Any) -> dict[str, int]:
    """``(setting_id, count)`` rows of a ``GROUP BY setting_id`` as a mapping (an event with no
    setting id names no setting)."""
    return {str(sid): int(n) for sid, n in rows if sid is not None}


def settings_outside(counts: dict[str, int], known: set[str]) -> list[tuple[str, int]]:
    """The settings of ``counts`` not in ``known``, the most events first."""
    return sorted(
        ((sid, n) for sid, n in counts.items() if sid not in known),
        key=lambda item: (-item[1], item[0]),
    )


def drift_rows(rows: Any, total: int, examples: int) -> list[dict[str, Any]]:
    """A drift query's rows (region, users, first, last, user ids) as the engine's answer."""
    return [
        {
            "region": region,
            "users": int(users),
            "first": first.strftime("%Y-%m-%d %H:%M"),
            "last": last.strftime("%Y-%m-%d %H:%M"),
            "examples": list(ids)[:examples],
            "total": total,
        }
        for region, users, first, last, ids in rows
    ]
