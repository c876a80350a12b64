"""YAML nesting, aliases and expansion: measured on the composed node tree before any data is
built, and a depth that would crash libyaml refused before composing."""

from __future__ import annotations

import re
from typing import Any

from consentrules.model.errors import InputError
from consentrules.model.errors import Problem
from consentrules.sources import limits


class ValueMarkError(Exception):
    """A value that cannot be used, at a YAML position."""

    def __init__(self, message: str, mark: Any) -> None:
        self.mark = mark
        super().__init__(message)


class LimitError(ValueMarkError):
    """An input beyond one of the :mod:`consentrules.sources.limits`."""

    def __init__(self, message: str, mark: Any, limit: str) -> None:
        self.limit = limit
        super().__init__(message, mark)


class DuplicateKeyError(Exception):
    def __init__(self, key: object, mark: Any, first_mark: Any) -> None:
        self.key = key
        self.mark = mark
        self.first_mark = first_mark
        super().__init__(f"duplicate key {key!r}")


# Depth, aliases and expansion ------------------------------------------------------------------
_OPENERS = re.compile(r"[\[\]{}]")


def _flow_depth(text: str, stop: int) -> tuple[int, int]:
    """The deepest bracket nesting (quotes ignored: an over-estimate) and where it is."""
    depth = deepest = where = 0
    for match in _OPENERS.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > deepest:
                deepest, where = depth, match.start()
                if deepest > stop:
                    break
        elif depth:
            depth -= 1
    return deepest, where


def may_nest_deeper(text: str, limit: int) -> bool:
    """A cheap test: False means the document certainly nests no deeper than ``limit``."""
    openers = text.count("[") + text.count("{")
    flow = openers if openers <= limit else _flow_depth(text, limit)[0]
    block_run = limit // 4
    if re.search(rf"(?m)^[ \t-]{{{block_run},}}", text):
        return True
    return flow + 2 * (block_run + 1) > limit


def guard_depth(text: str, name: str) -> None:
    """Refuse, before libyaml composes it, a document deep enough to crash its recursion."""
    ceiling = limits.MAX_DEPTH
    openers = text.count("[") + text.count("{")
    problem = None
    if openers > ceiling:
        deepest, where = _flow_depth(text, ceiling)
        if deepest > ceiling:
            problem = Problem(
                name, f"nested more than {ceiling} levels deep", line=text.count("\n", 0, where) + 1
            )
    if problem is None:
        match = re.search(rf"(?m)^[ \t-]{{{ceiling // 2},}}", text)
        if match:
            problem = Problem(
                name,
                f"indented or nested more than {ceiling // 2} levels deep",
                line=text.count("\n", 0, match.start()) + 1,
            )
    if problem is not None:
        raise InputError([problem])


def _children(node: Any) -> list[Any]:
    value = node.value
    if node.id == "mapping":
        return [item for pair in value for item in pair]
    if node.id == "sequence":
        return list(value)
    return []


def check_tree(root: Any, name: str) -> None:
    """Depth, alias count, recursive aliases and size after alias expansion, before building.

    Shared nodes are measured once (memoised), so a billion-laughs document is measured in
    time proportional to its text, not to its expansion.
    """
    limit = limits.current()
    state: dict[int, int] = {}
    height: dict[int, int] = {}
    size: dict[int, int] = {}
    aliases = 0
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            children = _children(node)
            node_height = 1 + max((height[id(c)] for c in children), default=0)
            if node_height > limit.depth:
                raise LimitError(
                    f"nested more than {limit.depth} levels deep", node.start_mark, "depth"
                )
            height[key] = node_height
            size[key] = 1 + sum(size[id(c)] for c in children)
            if size[key] > limit.nodes:
                raise LimitError(
                    f"expands to more than {limit.nodes:,} values once its aliases are "
                    "expanded (a 'billion laughs' document?)",
                    node.start_mark,
                    "nodes",
                )
            state[key] = 2
            continue
        seen = state.get(key)
        if seen == 2:
            aliases += 1
            if aliases > limit.aliases:
                raise LimitError(
                    f"uses more than {limit.aliases:,} alias references",
                    node.start_mark,
                    "aliases",
                )
            continue
        if seen == 1:
            raise ValueMarkError(
                "an alias refers to a node that contains it (a cycle)", node.start_mark
            )
        state[key] = 1
        children = _children(node)
        if not children:
            height[key], size[key], state[key] = 1, 1, 2
            continue
        stack.append((node, True))
        for child in children:
            if state.get(id(child)) == 1:
                raise ValueMarkError(
                    "an alias refers to a node that contains it (a cycle)", child.start_mark
                )
            stack.append((child, False))
