"""Conditions and facts in words, for the messages people read.

A rule's condition is data (``{field: notice.before_start, equals: true}``); a finding says
what it means ("notice to these users before the start"). A condition part may say it itself
(``says:``); otherwise it is put in words from the field's name. The expression stays in the
finding's evidence (``condition``) and in ``rules explain``.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

#: The fields conditions test, as a requirement reads in words.
FIELD_WORDS: dict[str, str] = {
    "notice.before_start": "notice to these users before the start",
    "notice.first_at": "the first notice to these users",
    "objection.before_start": "a way to object from the start",
    "objection.route": "the way to object",
    "objection.available_at": "when objecting became possible",
    "objection.covers_past_data": "an objection that also covers data collected earlier",
    "legal_basis": "the legal basis recorded",
    "legal_basis_here": "the legal basis recorded for these regions",
    "legal_basis_in": "the legal basis recorded for",
    "data_categories": "the data used",
    "recipients": "who receives the data",
    "purposes": "the purposes",
    "default": "the default",
    "region_defaults": "the default in",
    "regions.include": "the regions offered",
    "regions.exclude": "the regions left out",
    "activated_at": "the start",
    "disputed_categories": "the data alleged to be used",
    "group_defaults": "the default for",
    "excluded_groups": "the users it never reaches",
    "uses_existing_data": "whether it uses data collected before it began",
    "assessments": "the assessments made",
    "planned_at": "when it was announced",
    "control_available_at": "when the control became available",
    "practice": "the kind of practice",
    "status": "the practice's status",
    "describes_opt_out": "a description of how to opt out",
    "statements": "what the version states",
    "published_at": "the publication date",
    "effective_at": "the date it takes effect",
}
_OPS = {
    "equals": "is",
    "not_equals": "is not",
    "in": "is one of",
    "contains": "include",
    "matches": "match",
    "before": "is before",
    "after": "is after",
    "lt": "is fewer than",
    "le": "is at most",
    "gt": "is more than",
    "ge": "is at least",
}


def field_words(path: tuple[str, ...]) -> str:
    name = ".".join(path)
    if name in FIELD_WORDS:
        return FIELD_WORDS[name]
    head = FIELD_WORDS.get(path[0])
    if head is not None and len(path) > 1:
        return f"{head} {'.'.join(path[1:])}"  # legal_basis_in.EEA: "... recorded for EEA"
    return name.replace(".", " ").replace("_", " ")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v).replace("_", " ") for v in value)
    pattern = getattr(value, "pattern", None)
    return str(pattern if pattern is not None else value).replace("_", " ")


def condition_words(node: Any) -> str:
    """A condition (a compiled ``Node`` or ``Test``) in words."""
    if node.says:
        return str(node.says)
    if hasattr(node, "field"):
        subject = field_words(node.field)
        if node.op == "equals" and node.value is True:
            return subject
        if node.op == "equals" and node.value is False:
            return (
                f"no {subject}"
                if not subject.startswith(("the ", "a ", "an "))
                else (f"not {subject}")
            )
        if node.op == "exists":
            return f"{subject} stated" if node.value else f"{subject} not stated"
        return f"{subject} {_OPS.get(node.op, node.op)} {_value(node.value)}"
    parts = [condition_words(child) for child in node.children]
    if node.op == "not":
        inner = node.children[0]
        if not getattr(inner, "says", "") and getattr(inner, "op", "") == "any":
            return "none of: " + "; ".join(condition_words(c) for c in inner.children)
        return f"not ({parts[0]})"
    joiner = " and " if node.op == "all" else " or "
    return joiner.join(parts)


def join_words(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


class _Facts(string.Formatter):
    def get_value(self, key: Any, args: Any, kwargs: Mapping[str, Any]) -> Any:
        value = kwargs.get(key) if isinstance(key, str) else None
        if value is None or value == [] or value == "":
            return "not stated"
        return value


#: Facts whose values are vocabulary tokens, shown as words ("third_parties": "third parties").
_TOKENS = {"purposes", "data_categories", "recipients", "legal_basis", "statements"}


def _shown(key: str, value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return join_words([str(_token(key, v)) for v in value])
    if isinstance(value, Mapping):  # metadata: {metadata[owner]}
        return {k: _shown("", v) for k, v in value.items()}
    return _token(key, value)


def _token(key: str, value: Any) -> Any:
    return str(value).replace("_", " ") if key in _TOKENS and value is not None else value


def fill(template: str, facts: Mapping[str, Any]) -> str:
    """A rule's ``message`` with the facts of the setting or version filled in; a fact the
    snapshot does not state reads "not stated", and an unknown name is left as written."""
    shown = {key: _shown(key, value) for key, value in facts.items()}
    try:
        return _Facts().vformat(template, (), shown)
    except (IndexError, KeyError, ValueError, AttributeError):
        return template
