"""A small reader for the JavaScript literals found in ``gtag(...)`` calls.

It reads objects (quoted or bare keys), arrays, strings in either quote, numbers, ``true``,
``false``, ``null`` and ``undefined``, with comments and trailing commas. Anything else (a
variable, a function call) is an error that says where it is: the adapter never guesses.
"""

from __future__ import annotations

import re
from typing import Any

_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_SPACE = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)+", re.DOTALL)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


class LiteralError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        self.offset = offset
        super().__init__(message)


class Reader:
    def __init__(self, text: str, pos: int = 0) -> None:
        self.text = text
        self.pos = pos

    def skip(self) -> None:
        match = _SPACE.match(self.text, self.pos)
        if match:
            self.pos = match.end()

    def peek(self) -> str:
        self.skip()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            found = self.text[self.pos : self.pos + 10] or "the end"
            raise LiteralError(f"expected {char!r}, found {found!r}", self.pos)
        self.pos += 1

    def value(self) -> Any:
        char = self.peek()
        if char == "{":
            return self._object()
        if char == "[":
            return self._array()
        if char in "'\"":
            return self._string()
        number = _NUMBER.match(self.text, self.pos)
        if number and char in "-.0123456789":
            self.pos = number.end()
            text = number.group()
            return float(text) if any(c in text for c in ".eE") else int(text)
        ident = _IDENT.match(self.text, self.pos)
        if ident:
            word = ident.group()
            constants = {"true": True, "false": False, "null": None, "undefined": None}
            if word in constants:
                self.pos = ident.end()
                return constants[word]
            raise LiteralError(
                f"{word!r} is a variable or expression, not a literal value", self.pos
            )
        raise LiteralError(f"unexpected {char or 'end of text'!r}", self.pos)

    def _string(self) -> str:
        quote = self.text[self.pos]
        self.pos += 1
        out = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == quote:
                self.pos += 1
                return "".join(out)
            if char == "\\" and self.pos + 1 < len(self.text):
                nxt = self.text[self.pos + 1]
                out.append(_ESCAPES.get(nxt, nxt))
                self.pos += 2
                continue
            if char == "\n":
                break
            out.append(char)
            self.pos += 1
        raise LiteralError("unterminated string", self.pos)

    def _array(self) -> list[Any]:
        self.expect("[")
        items = []
        while self.peek() != "]":
            items.append(self.value())
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "]":
                raise LiteralError("expected ',' or ']' in an array", self.pos)
        self.pos += 1
        return items

    def _object(self) -> dict[str, Any]:
        self.expect("{")
        out: dict[str, Any] = {}
        while self.peek() != "}":
            char = self.peek()
            if char in "'\"":
                key = self._string()
            else:
                ident = _IDENT.match(self.text, self.pos)
                if not ident:
                    raise LiteralError("expected a property name", self.pos)
                key = ident.group()
                self.pos = ident.end()
            self.expect(":")
            out[key] = self.value()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "}":
                raise LiteralError("expected ',' or '}' in an object", self.pos)
        self.pos += 1
        return out
