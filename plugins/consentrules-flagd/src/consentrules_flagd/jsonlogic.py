"""Evaluate flagd targeting (JsonLogic) for one region, as far as a region decides it.

Instead of one value, evaluation gives the set of values the rule *could* produce for users
of that region. A ``var`` on the region attribute is known; any other attribute (a user id,
an e-mail address) could be anything, so it is :data:`ANY`, and every operator combines the
possibilities of its operands. ``fractional`` rollouts, ``sem_ver`` on unknown versions and
operators this module does not know give every value they could, and say why in ``reasons``:
the adapter reports such settings as "possibly on" rather than guessing.

Supported: ``if`` (and ``?:``), ``==``, ``!=``, ``===``, ``!==``, ``!``, ``!!``, ``and``,
``or``, ``in``, ``var`` (dotted paths), ``$ref`` to the file's ``$evaluators``, and flagd's
``starts_with``, ``ends_with``, ``fractional``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any


@dataclass(frozen=True)
class Region:
    """The region attribute's value: a subdivision matches its own code and its country's."""

    aliases: tuple[str, ...]

    def __str__(self) -> str:
        return self.aliases[0]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Region):
        return any(_same(alias, b) for alias in a.aliases)
    if isinstance(b, Region):
        return _same(b, a)
    return bool(a == b)


def _text(value: Any) -> Any:
    return str(value) if isinstance(value, Region) else value


class _Any:
    """A value that could be anything."""

    def __repr__(self) -> str:
        return "ANY"


ANY = _Any()
MAX_DEPTH = 64


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value


def truthy(value: Any) -> bool:
    """JsonLogic truthiness: empty arrays, empty strings, 0 and null are false."""
    if isinstance(value, tuple):
        return len(value) > 0
    return bool(value)


@dataclass
class Evaluation:
    """The context of one evaluation: the region attribute, its value and shared evaluators."""

    attribute: str
    value: str | Region | None
    evaluators: Mapping[str, Any] = field(default_factory=dict)
    reasons: set[str] = field(default_factory=set)
    #: Why the region attribute's value cannot be known (it then could be anything).
    unknown_value: str = ""

    def run(self, rule: Any) -> frozenset[Any]:
        return self._eval(rule, 0)

    def _eval(self, rule: Any, depth: int) -> frozenset[Any]:
        if depth > MAX_DEPTH:
            self.reasons.add("targeting nested too deeply")
            return frozenset({ANY})
        if isinstance(rule, list):
            # A list literal: one possibility per combination is too many; keep it whole when
            # every element is known.
            parts = [self._eval(item, depth + 1) for item in rule]
            if all(len(p) == 1 and ANY not in p for p in parts):
                return frozenset({tuple(next(iter(p)) for p in parts)})
            return frozenset({ANY})
        if not isinstance(rule, dict):
            return frozenset({_freeze(rule)})
        if len(rule) != 1:
            self.reasons.add("a targeting object with more than one operator")
            return frozenset({ANY})
        ((op, args),) = rule.items()
        if op == "$ref":
            if not isinstance(args, str) or args not in self.evaluators:
                self.reasons.add(f"an unknown evaluator {args!r}")
                return frozenset({ANY})
            return self._eval(self.evaluators[args], depth + 1)
        if not isinstance(args, list):
            args = [args]
        handler = getattr(self, "_op_" + _OPS.get(op, ""), None)
        if handler is None:
            self.reasons.add(f"the operator {op!r}")
            return frozenset({ANY})
        result: frozenset[Any] = handler(args, depth + 1)
        return result

    # Operators --------------------------------------------------------------------------
    def _op_var(self, args: list[Any], depth: int) -> frozenset[Any]:
        name = args[0] if args else ""
        if name == self.attribute:
            if self.unknown_value:
                self.reasons.add(self.unknown_value)
                return frozenset({ANY})
            return frozenset({self.value})
        self.reasons.add(f"the attribute {name!r}" if name else "the whole context")
        return frozenset({ANY})

    def _op_if(self, args: list[Any], depth: int) -> frozenset[Any]:
        out: set[Any] = set()
        index = 0
        while index + 1 < len(args):
            condition = self._truth(args[index], depth)
            if True in condition:
                out |= self._eval(args[index + 1], depth)
            if False not in condition:
                return frozenset(out)
            index += 2
        out |= self._eval(args[index], depth) if index < len(args) else {None}
        return frozenset(out)

    def _truth(self, rule: Any, depth: int) -> set[bool]:
        values = self._eval(rule, depth)
        if ANY in values:
            return {True, False}
        return {truthy(v) for v in values}

    def _compare(self, args: list[Any], depth: int, negate: bool) -> frozenset[Any]:
        if len(args) != 2:
            return frozenset({ANY})
        left, right = self._eval(args[0], depth), self._eval(args[1], depth)
        if ANY in left or ANY in right:
            return frozenset({True, False})
        return frozenset(_same(a, b) != negate for a in left for b in right)

    def _op_eq(self, args: list[Any], depth: int) -> frozenset[Any]:
        return self._compare(args, depth, negate=False)

    def _op_ne(self, args: list[Any], depth: int) -> frozenset[Any]:
        return self._compare(args, depth, negate=True)

    def _op_not(self, args: list[Any], depth: int) -> frozenset[Any]:
        return frozenset(not t for t in self._truth(args[0] if args else None, depth))

    def _op_bool(self, args: list[Any], depth: int) -> frozenset[Any]:
        return frozenset(self._truth(args[0] if args else None, depth))

    def _op_and(self, args: list[Any], depth: int) -> frozenset[Any]:
        truths = [self._truth(a, depth) for a in args]
        if any(t == {False} for t in truths):
            return frozenset({False})
        if all(t == {True} for t in truths):
            return frozenset({True})
        return frozenset({True, False})

    def _op_or(self, args: list[Any], depth: int) -> frozenset[Any]:
        truths = [self._truth(a, depth) for a in args]
        if any(t == {True} for t in truths):
            return frozenset({True})
        if all(t == {False} for t in truths):
            return frozenset({False})
        return frozenset({True, False})

    def _op_in(self, args: list[Any], depth: int) -> frozenset[Any]:
        if len(args) != 2:
            return frozenset({ANY})
        needles, haystacks = self._eval(args[0], depth), self._eval(args[1], depth)
        if ANY in needles or ANY in haystacks:
            return frozenset({True, False})
        out = set()
        for needle in needles:
            for hay in haystacks:
                if isinstance(hay, tuple):
                    out.add(any(_same(needle, item) for item in hay))
                elif isinstance(hay, str) and isinstance(_text(needle), str):
                    out.add(_text(needle) in hay)
                else:
                    out.add(False)
        return frozenset(out)

    def _string_test(self, args: list[Any], depth: int, test: str) -> frozenset[Any]:
        if len(args) != 2:
            return frozenset({ANY})
        values, affixes = self._eval(args[0], depth), self._eval(args[1], depth)
        if ANY in values or ANY in affixes:
            return frozenset({True, False})
        return frozenset(
            isinstance(_text(v), str) and isinstance(a, str) and getattr(_text(v), test)(a)
            for v in values
            for a in affixes
        )

    def _op_starts(self, args: list[Any], depth: int) -> frozenset[Any]:
        return self._string_test(args, depth, "startswith")

    def _op_ends(self, args: list[Any], depth: int) -> frozenset[Any]:
        return self._string_test(args, depth, "endswith")

    def _op_fractional(self, args: list[Any], depth: int) -> frozenset[Any]:
        self.reasons.add("a fractional rollout (decided per user)")
        buckets = [a for a in args if isinstance(a, list) and a]
        names: set[Any] = set()
        for bucket in buckets:
            names |= self._eval(bucket[0], depth)
        return frozenset(names or {ANY})


_OPS = {
    "var": "var",
    "if": "if",
    "?:": "if",
    "==": "eq",
    "===": "eq",
    "!=": "ne",
    "!==": "ne",
    "!": "not",
    "!!": "bool",
    "and": "and",
    "or": "or",
    "in": "in",
    "starts_with": "starts",
    "ends_with": "ends",
    "fractional": "fractional",
}


def string_literals(rule: Any) -> set[str]:
    """Every string literal in a rule (to find the region codes it names)."""
    found: set[str] = set()
    if isinstance(rule, str):
        found.add(rule)
    elif isinstance(rule, list):
        for item in rule:
            found |= string_literals(item)
    elif isinstance(rule, dict):
        for value in rule.values():
            found |= string_literals(value)
    return found
