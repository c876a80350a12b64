"""Configuration objects in a page's scripts, read as data: the reader the consent-manager
adapters share (Klaro's ``klaroConfig``, vanilla-cookieconsent's ``CookieConsent.run({...})``).

A consent manager is configured with a JavaScript object literal. :func:`value_of` turns one
into Python values: strings, numbers, booleans, ``null``, arrays and objects; anything it
cannot evaluate (a function, a variable, an expression) becomes a :class:`Code` that says what
it is and where, so an adapter can say "cannot tell" with the reason instead of guessing.
Objects and arrays keep the position of each entry (:class:`JsObject`, :class:`JsArray`), so a
message can point at the line of the file.

The scripts are those a browser runs (:func:`consentrules_consent_mode.jscalls.scripts_of`):
commented-out code and ``type="text/plain"`` scripts are not read; comments inside an object
(a commented-out service) are comments, not entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from consentrules_consent_mode.jscalls import Script
from consentrules_consent_mode.jscalls import _parser
from consentrules_consent_mode.jscalls import _position
from consentrules_consent_mode.jscalls import _string
from consentrules_consent_mode.jscalls import _text


@dataclass(frozen=True)
class Code:
    """A value that is code, not data: what it is, its text (shortened) and where it is."""

    kind: str  # "function", "variable", "expression"
    text: str
    line: int
    column: int

    def describe(self) -> str:
        return f"{self.kind} {self.text!r} (line {self.line})"


class JsObject(dict):  # type: ignore[type-arg]
    """An object literal's entries, with the position of the object and of each key."""

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line, self.column = line, column
        self.positions: dict[str, tuple[int, int]] = {}

    def line_of(self, key: str) -> int:
        return self.positions.get(key, (self.line, self.column))[0]


class JsArray(list):  # type: ignore[type-arg]
    """An array literal's items, with the position of the array and of each item."""

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line, self.column = line, column
        self.positions: list[tuple[int, int]] = []


_FUNCTIONS = {"function_expression", "arrow_function", "function", "generator_function"}


def value_of(node: Any, script: Script) -> Any:
    """The Python value of a literal; :class:`Code` for anything that is not one."""
    kind = node.type
    line, column = _position(node, script)
    if kind in ("string", "template_string") and _string(node) is not None:
        return _string(node)
    if kind == "number":
        text = _text(node)
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return Code("expression", text, line, column)
    if kind in ("true", "false"):
        return kind == "true"
    if kind in ("null", "undefined"):
        return None
    if kind == "unary_expression" and _text(node).replace(" ", "") in ("!0", "!1"):
        return _text(node).replace(" ", "") == "!0"  # minified true and false
    if kind == "parenthesized_expression" and node.named_children:
        return value_of(node.named_children[0], script)
    if kind == "array":
        items = JsArray(line, column)
        for child in node.named_children:
            if child.type == "comment":
                continue
            items.append(value_of(child, script))
            items.positions.append(_position(child, script))
        return items
    if kind == "object":
        out = JsObject(line, column)
        for pair in node.named_children:
            if pair.type == "comment":
                continue
            if pair.type == "shorthand_property_identifier":
                name = _text(pair)
                out[name] = Code("variable", name, *_position(pair, script))
                out.positions[name] = _position(pair, script)
                continue
            if pair.type == "method_definition":
                name = _text(pair.child_by_field_name("name"))
                out[name] = Code("function", _short(pair), *_position(pair, script))
                out.positions[name] = _position(pair, script)
                continue
            if pair.type != "pair":
                continue  # a spread (...defaults): its entries cannot be known here
            key_node = pair.child_by_field_name("key")
            key = _string(key_node) if key_node.type != "property_identifier" else _text(key_node)
            if key is None:
                key = _text(key_node)
            out[key] = value_of(pair.child_by_field_name("value"), script)
            out.positions[key] = _position(key_node, script)
        return out
    if kind in _FUNCTIONS:
        return Code("function", _short(node), line, column)
    if kind in ("identifier", "member_expression"):
        return Code("variable", _short(node), line, column)
    return Code("expression", _short(node), line, column)


def _short(node: Any) -> str:
    text = " ".join(_text(node).split())
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class Found:
    """An object literal found in a script, and how it was found."""

    value: Any
    script: Script
    line: int
    how: str  # e.g. "var klaroConfig = {...}"


def assigned(scripts: list[Script], names: set[str]) -> dict[str, Found]:
    """The object literals assigned to ``names``: ``var|let|const NAME = {...}``,
    ``window.NAME = {...}`` and ``NAME = {...}`` (the last assignment wins, as it does when
    the page runs)."""
    parser = _parser()
    out: dict[str, Found] = {}
    for script in scripts:
        tree = parser.parse(script.text.encode("utf-8"))
        stack = [tree.root_node]
        while stack:
            node = stack.pop()
            stack.extend(reversed(node.children))
            target = value = None
            if node.type == "variable_declarator":
                target, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            elif node.type == "assignment_expression":
                target, value = node.child_by_field_name("left"), node.child_by_field_name("right")
            if target is None or value is None:
                continue
            name = _text(target).replace(" ", "").removeprefix("window.")
            if name in names:
                line = _position(node, script)[0]
                how = f"{name} = {{...}}" if value.type == "object" else f"{name} = {_short(value)}"
                out[name] = Found(value_of(value, script), script, line, how)
    return out


def call_arguments(scripts: list[Script], callees: set[str]) -> list[Found]:
    """The first argument of each call to one of ``callees`` (``CookieConsent.run``), in the
    order of the page; an argument that names a variable holding an object literal is that
    object."""
    parser = _parser()
    found: list[tuple[Any, Script, int, str]] = []
    for script in scripts:
        tree = parser.parse(script.text.encode("utf-8"))
        stack = [tree.root_node]
        while stack:
            node = stack.pop()
            stack.extend(reversed(node.children))
            if node.type != "call_expression":
                continue
            function = node.child_by_field_name("function")
            name = _text(function).replace(" ", "").removeprefix("window.")
            arguments = node.child_by_field_name("arguments")
            if name not in callees or arguments is None or not arguments.named_children:
                continue
            first = arguments.named_children[0]
            found.append((first, script, _position(node, script)[0], name))
    variables = {_text(first) for first, *_ in found if first.type == "identifier"}
    named = assigned(scripts, variables) if variables else {}
    out: list[Found] = []
    for first, script, line, name in found:
        if first.type == "identifier" and _text(first) in named:
            held = named[_text(first)]
            out.append(Found(held.value, held.script, line, f"{name}({_text(first)})"))
        else:
            out.append(Found(value_of(first, script), script, line, f"{name}({{...}})"))
    return out


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[dict[str, str], int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.tags.append(({k: v or "" for k, v in attrs}, self.getpos()[0]))


def script_tags(text: str) -> list[tuple[dict[str, str], int]]:
    """The attributes of each ``<script>`` tag of a page, with its line (HTML comments are not
    read: a commented-out tag is not there)."""
    parser = _Tags()
    parser.feed(text)
    parser.close()
    return parser.tags
