"""Reading JSON: duplicate keys, NaN, infinity and overflowing numbers are errors, and the depth
and text-length limits hold as they do for YAML."""

from __future__ import annotations

import json
import re
from typing import Any

from consentrules.model.errors import InputError
from consentrules.model.errors import Problem
from consentrules.sources import limits
from consentrules.sources.printable import may_hold_surrogates
from consentrules.sources.printable import printable
from consentrules.sources.sourcemaps import Document
from consentrules.sources.sourcemaps import JsonSourceMap


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _JsonDuplicate(key)
            seen.add(key)
    return result


class _JsonDuplicate(ValueError):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (_INF, -_INF):  # 1e999 overflows to infinity
        raise _JsonConstant(text)
    return value


_INF = float("inf")


def json_decoder() -> json.JSONDecoder:
    """The JSON decoder of snapshots and rules: a duplicate key, NaN, infinity or a number too
    large to hold (``1e999``) is an error."""
    return json.JSONDecoder(
        object_pairs_hook=_no_duplicates, parse_constant=_no_constant, parse_float=_finite_float
    )


#: Documents up to this size are measured exactly after parsing; larger ones by a scan of the
#: text first (a large snapshot is measured in a few milliseconds, not a walk of its values).
EXACT_GUARD_SIZE = 4 * 2**20


def guard_json(text: str, name: str, data: Any = None, *, parsed: bool = True) -> None:
    """The ``depth`` and ``string-length`` limits for a JSON document, as YAML has them.

    :raises InputError: naming the limit and how to raise it.
    """
    limit = limits.current()
    if len(text) <= EXACT_GUARD_SIZE:
        if parsed:
            _walk_limits(data, name, text)
        return
    if (
        _may_hold_long_string(text, limit.string_length)
        or _bracket_depth(text, limit.depth) > limit.depth
    ):
        if parsed:
            _walk_limits(data, name, text)
        else:
            raise InputError([Problem(name, "the document may exceed a limit")])


def _may_hold_long_string(text: str, longest: int) -> bool:
    """False when no text value can be longer than ``longest`` characters: no stretch of the
    document that long lacks a quote (an escaped quote counts as a character of the value)."""
    if len(text) <= longest:
        return False
    if "\\" in text and '\\"' in text:  # (one character is found ten times faster)
        text = text.replace('\\"', "x")
    block = max(1, longest // 2)  # a longer value holds a whole aligned block of this size
    return any(text.find('"', i, i + block) == -1 for i in range(0, len(text) - block + 1, block))


SMALL_TEXT = 1 << 20
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))


def _bracket_depth(text: str, stop: int) -> int:
    """An upper bound of the document's nesting (brackets inside strings count too)."""
    if len(text) <= stop or (len(text) < SMALL_TEXT and text.count("[") + text.count("{") <= stop):
        return 0  # (counting a large text's brackets costs as much as the measure itself)
    brackets = text.encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKETS)
    depth = 0
    while brackets and depth <= stop:
        shorter = brackets.replace(b"[]", b"").replace(b"{}", b"")
        if shorter == brackets:
            return stop + 1  # unbalanced: cannot tell, measure exactly
        brackets, depth = shorter, depth + 1
    return depth


def _walk_limits(data: Any, name: str, text: str) -> None:
    limit = limits.current()
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if len(value) > limit.string_length:
                raise InputError(
                    [
                        Problem(
                            name,
                            f"a text value is {len(value):,} characters long, more than the "
                            f"limit of {limit.string_length:,}",
                            line=_find_line(text, json.dumps(value[:40])[1:-1]),
                            hint=limits.hint("string-length"),
                        )
                    ]
                )
            continue
        if isinstance(value, dict):
            children: Any = [*value.keys(), *value.values()]
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit.depth:
            raise InputError(
                [
                    Problem(
                        name,
                        f"nested more than {limit.depth} levels deep",
                        hint=limits.hint("depth"),
                    )
                ]
            )
        stack.extend((child, depth + 1) for child in children)


def load_json_text(text: str, name: str) -> Document:
    if not text.strip():
        raise InputError([Problem(name, "the file is empty", hint="a JSON object is expected")])
    try:
        data = json_decoder().decode(text)
    except _JsonConstant as exc:
        line = _find_line(text, exc.constant)
        raise InputError(
            [
                Problem(
                    name,
                    f"{exc.constant} is not a usable number",
                    line=line,
                    hint="JSON has no NaN or infinity, and a number must fit a double "
                    "(about 1.8e308); write null or a number",
                )
            ]
        ) from None
    except _JsonDuplicate as exc:
        found = find_json_duplicate(text)
        line, column, first = found if found else (None, None, None)
        where = f" (first defined on line {first})" if first else ""
        raise InputError(
            [
                Problem(
                    name,
                    f"duplicate key {exc.key!r}{where}",
                    line=line,
                    column=column,
                    hint="each key may appear once per object; merge or rename the entries",
                )
            ]
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            [Problem(name, f"invalid JSON: {exc.msg}", line=exc.lineno, column=exc.colno)]
        ) from None
    except RecursionError:
        raise InputError(
            [Problem(name, "nested too deeply to read", hint=limits.hint("depth"))]
        ) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise InputError([Problem(name, f"invalid JSON: {exc}")]) from None
    guard_json(text, name, data)
    if may_hold_surrogates(text):
        data = printable(data)
    return Document(name, data, JsonSourceMap(text))


class _JsonConstant(ValueError):
    def __init__(self, constant: str) -> None:
        self.constant = constant
        super().__init__(constant)


def _no_constant(constant: str) -> Any:
    raise _JsonConstant(constant)


def _find_line(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]')


def find_json_duplicate(text: str) -> tuple[int, int, int] | None:
    """``(line, column, line of the first)`` of the first key given twice in one object.

    Only called once the parser has said there is one: a walk of the text's tokens that
    tracks which keys each open object has, so that the same key in two different objects
    (every setting has an ``id``) is not mistaken for a duplicate.
    """
    stack: list[dict[str, int] | None] = []  # per open container: its keys (None: an array)
    expect_key = False
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token == "{":
            stack.append({})
            expect_key = True
        elif token == "[":
            stack.append(None)
            expect_key = False
        elif token in "]}":
            if stack:
                stack.pop()
            expect_key = False
        elif token == ",":
            expect_key = bool(stack) and stack[-1] is not None
        elif token == ":":
            expect_key = False
        elif expect_key and stack and stack[-1] is not None:
            key = json.loads(token)
            keys = stack[-1]
            line = text.count("\n", 0, match.start()) + 1
            if key in keys:
                column = match.start() - text.rfind("\n", 0, match.start())
                return line, column, keys[key]
            keys[key] = line
            expect_key = False
    return None
