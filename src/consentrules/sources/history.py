"""A setting's history: its dated changes, read from a snapshot and checked."""

from __future__ import annotations

import json
from typing import Any

from consentrules.model import HistoryEntry
from consentrules.model.dates import PartialDate
from consentrules.sources.yamlsource import pointer


def build_history(
    builder: Any, entries: Any, index: int, activated: PartialDate | None = None
) -> tuple[HistoryEntry, ...]:
    """A setting's history entries, checked: in date order, none before the activation, and
    no two on one date that contradict each other (problems go to ``builder``)."""
    history = []
    previous: PartialDate | None = None
    for h_index, entry in enumerate(entries):
        h_ptr = pointer("settings", index, "history", h_index)
        day = builder.date(entry.get("date"), h_ptr, "date")
        if day is None:
            continue
        if activated is not None and day.last < activated.first:
            builder.problem(
                h_ptr + "/date",
                f"history entry dated {day} is before the setting's activation "
                f"(activated_at {activated}): a change cannot precede the start",
                "correct the date, or move activated_at back to when the setting first existed",
            )
        if previous is not None and day.first < previous.first:
            builder.problem(
                h_ptr + "/date",
                f"history entry dated {day} comes after one dated {previous}",
                "list history entries in date order, oldest first",
            )
        if previous is not None and day == previous:
            _same_day(builder, entries[h_index - 1], entry, day, h_ptr)
        previous = day
        history.append(
            HistoryEntry(
                date=day,
                default=entry.get("default"),
                region_defaults=(
                    builder.region_defaults(entry["region_defaults"], h_ptr + "/region_defaults")
                    if "region_defaults" in entry
                    else None
                ),
                regions=builder.scope(entry.get("regions"), h_ptr),
                note=entry.get("note"),
                pointer=h_ptr,
                status=entry.get("status"),
            )
        )
    return tuple(history)


def _same_day(builder: Any, first: Any, second: Any, day: PartialDate, ptr: str) -> None:
    """Two history entries on one date that set a field to different values contradict
    each other: which came last cannot be told, so neither may silently win."""
    for key in ("default", "region_defaults", "regions", "status"):
        if key in first and key in second and first[key] != second[key]:
            builder.problem(
                f"{ptr}/{key}",
                f"two history entries dated {day} contradict each other: one sets {key} "
                f"to {json.dumps(first[key])}, the other to {json.dumps(second[key])}",
                "keep one entry per date, or date the later change on the day it took effect",
            )
            return
