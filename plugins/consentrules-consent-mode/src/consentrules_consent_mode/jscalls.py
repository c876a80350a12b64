"""The Consent Mode commands a page runs, read with a JavaScript parser (tree-sitter).

A regular expression cannot tell code from comments, strings or code that never runs on load.
The page is first split into its scripts the way a browser does: HTML comments are skipped,
and only scripts a browser executes are read (no ``type``, or a JavaScript type; a
``type="text/plain"`` script, as consent managers use for blocked tags, does not run). Each
script is parsed with tree-sitter's JavaScript grammar, which tolerates the syntax errors real
pages contain, and comments are nodes of their own, never calls.

The calls read, in the order they run:

* ``gtag('consent', 'default' | 'update', {...})``, and the same through any function whose
  body pushes its ``arguments`` to the data layer (a ``gtag`` under another name);
* ``dataLayer.push(['consent', 'default' | 'update', {...}])`` (also ``window.dataLayer``).

A call runs on load when it is at the top level of a script, inside an immediately invoked
function, inside a function declared in the page and called at its top level, or in a
callback that runs with no user action (``setTimeout``, a ``load`` or ``DOMContentLoaded``
listener). A call inside any other event handler or callback (a click, a consent banner's
callback) runs only after something happens: it is marked deferred and not applied. A call
under a condition (``if``, ``&&``, a loop) is marked conditional: it may or may not run.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from html.parser import HTMLParser
from typing import Any

#: Script types a browser runs.
_JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}


@dataclass
class Script:
    text: str
    line: int  # the 1-based line of the page where the script's text starts
    column: int  # its 1-based column


@dataclass
class Call:
    action: str  # "default" or "update"
    params: Any  # the parameters as Python values (a dict when well formed)
    line: int
    column: int
    on_load: bool
    #: Why it is not applied on load (empty when it is).
    deferred: str = ""
    #: Why it runs only when a condition holds (empty when it always runs).
    conditional: str = ""
    #: Problems reading the literal, as (message, line, column).
    problems: list[tuple[str, int, int]] = field(default_factory=list)


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[Script] = []
        self._in: tuple[int, int] | None = None
        self._parts: list[str] = []
        self._runs = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            kind = (dict(attrs).get("type") or "").strip().lower()
            self._runs = kind in _JS_TYPES and "src" not in dict(attrs)
            self._in = None
            self._parts = []

    def handle_data(self, data: str) -> None:
        if self.lasttag == "script" and self._runs:
            if self._in is None:
                line, offset = self.getpos()
                self._in = (line, offset + 1)
            self._parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            if self._runs and self._in is not None:
                self.scripts.append(Script("".join(self._parts), *self._in))
            self._in, self._parts, self._runs = None, [], False


def scripts_of(text: str, is_html: bool) -> list[Script]:
    """The scripts a browser would run, with where each starts in the file."""
    if not is_html:
        return [Script(text, 1, 1)]
    parser = _Scripts()
    parser.feed(text)
    if parser._runs and getattr(parser, "cdata_elem", None) == "script":
        # A page cut off inside a script (no </script>): the parser holds the rest back.
        line, offset = parser.getpos()
        if parser._in is None:
            parser._in = (line, offset + 1)
        parser._parts.append(parser.rawdata)
        parser.handle_endtag("script")
        return parser.scripts
    parser.close()
    return parser.scripts


def _parser() -> Any:
    import tree_sitter
    import tree_sitter_javascript

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_javascript.language()))


def consent_calls(scripts: list[Script]) -> list[Call]:
    """Every consent command of the scripts, in the order they run on load, with those that
    only run later (event handlers, callbacks) marked as deferred."""
    parser = _parser()
    trees = [(script, parser.parse(script.text.encode("utf-8"))) for script in scripts]
    aliases = {"gtag"}
    declared: dict[str, Any] = {}
    called_on_load: set[str] = set()
    for script, tree in trees:
        _collect(tree.root_node, script, aliases, declared, called_on_load)
    calls: list[Call] = []
    for script, tree in trees:
        _calls(tree.root_node, script, aliases, declared, called_on_load, calls)
    return calls


#: The sandboxed API of Tag Manager templates: call name -> consent action.
_TEMPLATE_APIS = {"setDefaultConsentState": "default", "updateConsentState": "update"}


def template_calls(script: Script) -> list[Call]:
    """The ``setDefaultConsentState({...})`` and ``updateConsentState({...})`` calls of a Tag
    Manager template's sandboxed code, with when each runs (as for a page's calls)."""
    tree = _parser().parse(script.text.encode("utf-8"))
    declared: dict[str, Any] = {}
    called: set[str] = set()
    _collect(tree.root_node, script, set(), declared, called)
    out: list[Call] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.children))
        action = _TEMPLATE_APIS.get(_callee_name(node)) if node.type == "call_expression" else None
        arguments = node.child_by_field_name("arguments") if action else None
        if action is None or arguments is None or not arguments.named_children:
            continue
        line, column = _position(node, script)
        on_load, why = _on_load(node, called, declared)
        problems: list[tuple[str, int, int]] = []
        params = _literal(arguments.named_children[0], script, problems)
        out.append(Call(action, params, line, column, on_load, why, _condition(node), problems))
    return out


def _text(node: Any) -> str:
    return node.text.decode("utf-8", errors="replace") if node is not None else ""


def _callee_name(node: Any) -> str:
    """``gtag`` for ``gtag(...)`` and ``window.gtag(...)``; ``dataLayer.push`` for the data
    layer (also through ``window``)."""
    function = node.child_by_field_name("function")
    if function is None:
        return ""
    name = _text(function).replace(" ", "")
    return name.removeprefix("window.")


def _collect(
    node: Any, script: Script, aliases: set[str], declared: dict[str, Any], called: set[str]
) -> None:
    """Functions that push their ``arguments`` to the data layer (gtag under any name), the
    functions declared in the page, and those called at the top level."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "function_declaration":
            name = _text(current.child_by_field_name("name"))
            declared[name] = current
            body = _text(current.child_by_field_name("body")).replace(" ", "")
            if "dataLayer.push(arguments)" in body:
                aliases.add(name)
        elif current.type == "call_expression" and _on_load(current, set(), {})[0]:
            called.add(_callee_name(current))
        stack.extend(reversed(current.children))


def _on_load(node: Any, called: set[str], declared: dict[str, Any]) -> tuple[bool, str]:
    """Whether the code at ``node`` runs when the page loads, and if not, why."""
    current = node.parent
    while current is not None:
        if current.type in ("function_declaration", "generator_function_declaration"):
            name = _text(current.child_by_field_name("name"))
            if name in called:
                return _on_load(current, called, declared)
            return False, f"inside function {name}(), which the page does not call on load"
        if current.type in (
            "function_expression",
            "arrow_function",
            "function",
            "method_definition",
        ):
            parent = current.parent
            while parent is not None and parent.type == "parenthesized_expression":
                parent = parent.parent
            if (
                parent is not None
                and parent.type == "call_expression"
                and (
                    parent.child_by_field_name("function") is not None
                    and _strip_parens(parent.child_by_field_name("function")) == current
                )
            ):
                current = parent.parent  # an immediately invoked function runs now
                continue
            owner = _enclosing_call(current)
            what = _callee_name(owner).rsplit(".", 1)[-1] if owner is not None else ""
            if what in _SOON or (what == "addEventListener" and _load_event(owner)):
                current = owner.parent  # runs on load without the user doing anything
                continue
            if what:
                return False, f"in a callback passed to {what}(), which runs later"
            return False, "inside a function that runs later (an event handler or a callback)"
        current = current.parent
    return True, ""


_CONDITIONAL = {
    "if_statement": "inside an if",
    "ternary_expression": "in a conditional (?:) expression",
    "switch_case": "in a switch case",
    "catch_clause": "in a catch block",
    "while_statement": "in a loop",
    "for_statement": "in a loop",
    "for_in_statement": "in a loop",
}


def _condition(node: Any) -> str:
    """Why the call runs only when a condition holds (an ``if``, ``&&``, a loop...), or ""."""
    current, child = node.parent, node
    while current is not None and current.type != "program":
        if current.type in _CONDITIONAL:
            test = current.child_by_field_name("condition")
            if test is None or child != test:
                return _CONDITIONAL[current.type]
        if current.type == "binary_expression":
            operator = current.child_by_field_name("operator")
            right = current.child_by_field_name("right")
            if _text(operator) in ("&&", "||", "??") and child == right:
                return f"after {_text(operator)}"
        current, child = current.parent, current
    return ""


#: Callbacks that run soon after load with no user action.
_SOON = {"setTimeout", "setInterval", "requestAnimationFrame", "queueMicrotask", "ready"}
#: Events that fire as the page loads.
_LOAD_EVENTS = {"load", "DOMContentLoaded", "pageshow", "readystatechange"}


def _load_event(call: Any) -> bool:
    arguments = call.child_by_field_name("arguments")
    first = arguments.named_children[0] if arguments and arguments.named_children else None
    return first is not None and _string(first) in _LOAD_EVENTS


def _strip_parens(node: Any) -> Any:
    while node is not None and node.type == "parenthesized_expression":
        node = node.named_children[0] if node.named_children else None
    return node


def _enclosing_call(node: Any) -> Any:
    current = node.parent
    while current is not None and current.type in ("arguments", "parenthesized_expression"):
        current = current.parent
    return current if current is not None and current.type == "call_expression" else None


def _calls(
    node: Any,
    script: Script,
    aliases: set[str],
    declared: dict[str, Any],
    called: set[str],
    out: list[Call],
) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "call_expression":
            call = _consent_call(current, script, aliases, declared, called)
            if call is not None:
                out.append(call)
        stack.extend(reversed(current.children))


def _position(node: Any, script: Script) -> tuple[int, int]:
    row, column = node.start_point
    line = script.line + row
    return line, (script.column + column) if row == 0 else column + 1


def _consent_call(
    node: Any, script: Script, aliases: set[str], declared: dict[str, Any], called: set[str]
) -> Call | None:
    name = _callee_name(node)
    arguments = node.child_by_field_name("arguments")
    if arguments is None:
        return None
    values = arguments.named_children
    if name in aliases:
        args = values
    elif name == "dataLayer.push" and len(values) == 1 and values[0].type == "array":
        args = values[0].named_children
    else:
        return None
    if len(args) < 2 or _string(args[0]) != "consent":
        return None
    action = _string(args[1])
    if action not in ("default", "update"):
        return None
    line, column = _position(node, script)
    on_load, why = _on_load(node, called, declared)
    condition = _condition(node)
    problems: list[tuple[str, int, int]] = []
    params: Any = None
    if len(args) < 3:
        problems.append(("the consent command has no parameters", line, column))
    else:
        params = _literal(args[2], script, problems)
    return Call(action, params, line, column, on_load, why, condition, problems)


def _string(node: Any) -> str | None:
    if node.type == "string":
        return _text(node)[1:-1]
    if node.type == "template_string" and "${" not in _text(node):
        return _text(node)[1:-1]
    return None


def _literal(node: Any, script: Script, problems: list[tuple[str, int, int]]) -> Any:
    """The Python value of a JavaScript literal; anything else is a problem at its position."""
    kind = node.type
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
                pass
    if kind in ("true", "false"):
        return kind == "true"
    if kind == "null":
        return None
    if kind == "array":
        return [_literal(child, script, problems) for child in node.named_children]
    if kind == "object":
        out: dict[str, Any] = {}
        for pair in node.named_children:
            if pair.type != "pair":
                line, column = _position(pair, script)
                problems.append(
                    (f"cannot read {_text(pair)!r}: not a literal key and value", line, column)
                )
                continue
            key_node = pair.child_by_field_name("key")
            key = _string(key_node) if key_node.type != "property_identifier" else _text(key_node)
            if key is None:
                line, column = _position(key_node, script)
                problems.append((f"cannot read the key {_text(key_node)!r}", line, column))
                continue
            out[key] = _literal(pair.child_by_field_name("value"), script, problems)
        return out
    if kind == "parenthesized_expression" and node.named_children:
        return _literal(node.named_children[0], script, problems)
    line, column = _position(node, script)
    problems.append(
        (f"cannot read {_text(node)[:40]!r}: only literal values are read", line, column)
    )
    return None
