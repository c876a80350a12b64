"""When the law behind a rule applies: ``in_force_from`` (the earliest date), ``in_force_in``
(later dates for some regions, where the rule rests on several laws) and ``existing_from`` (a
transitional period for practices that began before), each checked against the others."""

from __future__ import annotations

from typing import Any

from consentrules.model.dates import DateFormatError
from consentrules.model.dates import parse_date
from consentrules.model.errors import Problem


def rule_dates(
    loader: Any, doc: Any, raw: Any, rule_ptr: str, rule_id: str, problems: list[Problem]
) -> dict[str, Any] | None:
    """The rule's date fields as :class:`consentrules.model.Rule` takes them; None (with the
    problems recorded) when one cannot be used."""

    def refuse(ptr: str, text: str) -> None:
        problems.append(loader._problem(doc, ptr, text, None, rule_id))

    dates: dict[str, Any] = {}
    for name in ("in_force_from", "existing_from", "in_force_until"):
        if raw.get(name):
            try:
                dates[name] = parse_date(raw[name])
            except DateFormatError as exc:
                refuse(f"{rule_ptr}/{name}", str(exc))
                return None
    start = dates.get("in_force_from")
    later = dates.get("existing_from")
    if later is not None and (start is None or later.first <= start.last):
        refuse(
            f"{rule_ptr}/existing_from",
            "existing_from must come after in_force_from (it gives practices that began before "
            "the law applied until a later date)",
        )
        return None
    until = dates.get("in_force_until")
    if until is not None and start is not None and until.first <= start.last:
        refuse(f"{rule_ptr}/in_force_until", "in_force_until must come after in_force_from")
        return None
    regional = []
    for term, value in (raw.get("in_force_in") or {}).items():
        ptr = f"{rule_ptr}/in_force_in/{term}"
        if not loader._regions(doc, [term], ptr, rule_id, problems):
            return None
        try:
            day = parse_date(value)
        except DateFormatError as exc:
            refuse(ptr, str(exc))
            return None
        if start is None or day.first <= start.last:
            refuse(
                ptr,
                f"{term}'s date must come after in_force_from (the earliest date of the laws "
                "behind the rule)",
            )
            return None
        regional.append((str(term), day))
    dates["in_force_in"] = tuple(regional)
    return dates
