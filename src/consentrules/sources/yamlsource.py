"""Read YAML and JSON input safely, keeping a way back from data to file positions.

* YAML is read with PyYAML's C parser when it is available, and only ever builds plain data
  (dicts, lists, strings, numbers, booleans, None): no object construction.
* Scalars are resolved the YAML 1.2 way: only ``true``/``false`` are booleans (so the region
  code ``NO`` stays the string ``"NO"``, not ``False``) and dates stay strings (the model parses
  them, accepting month-only dates).
* A key that occurs twice in one mapping is an error, in YAML and in JSON alike: silently
  keeping the last one could hide a setting.
* Positions cost nothing until they are asked for: a :class:`YamlSourceMap` walks the composed
  node tree, a :class:`JsonSourceMap` re-scans the text lazily along one JSON pointer.
"""

from __future__ import annotations

import bisect
import contextlib
import importlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from consentrules.model import NoSourceMap
from consentrules.model import SourceMap
from consentrules.model.errors import InputError
from consentrules.model.errors import Problem
from consentrules.sources import limits

_yaml: Any = None
_loader_cls: Any = None


def _loader() -> Any:
    """Build the loader class on first use (importing yaml costs start-up time)."""
    global _yaml, _loader_cls
    if _loader_cls is not None:
        return _loader_cls
    import yaml

    _yaml = yaml

    class Resolver(yaml.resolver.BaseResolver):
        pass

    Resolver.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    Resolver.add_implicit_resolver(
        "tag:yaml.org,2002:int",
        re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
        list("-+0123456789"),
    )
    Resolver.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        list("-+0123456789."),
    )
    Resolver.add_implicit_resolver(
        "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
    )

    class Constructor(yaml.constructor.SafeConstructor):
        def construct_scalar(self, node: Any) -> Any:
            value = super().construct_scalar(node)
            if isinstance(value, str) and len(value) > limits.current().string_length:
                raise LimitError(
                    f"a text value of {len(value):,} characters is longer than the limit of "
                    f"{limits.current().string_length:,}",
                    node.start_mark,
                    "string-length",
                )
            return value

        def construct_yaml_float(self, node: Any) -> Any:
            value = super().construct_yaml_float(node)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueMarkError(
                    f"{node.value!r} is not a usable number (NaN and infinity are not allowed)",
                    node.start_mark,
                )
            return value

        def construct_yaml_int(self, node: Any) -> Any:
            try:
                return super().construct_yaml_int(node)
            except ValueError:
                raise ValueMarkError(
                    f"the number {node.value[:40]!r}... is too long", node.start_mark
                ) from None

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            if not isinstance(node, yaml.MappingNode):
                raise yaml.constructor.ConstructorError(
                    None, None, f"expected a mapping, found {node.id}", node.start_mark
                )
            mapping: dict[Any, Any] = {}
            seen: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    hash(key)
                except TypeError:
                    raise yaml.constructor.ConstructorError(
                        "while reading a mapping",
                        node.start_mark,
                        "a mapping key must be a plain value, not a list or mapping",
                        key_node.start_mark,
                    ) from None
                if key in mapping:
                    first = seen[key]
                    raise DuplicateKeyError(key, key_node.start_mark, first)
                seen[key] = key_node.start_mark
                mapping[key] = self.construct_object(value_node, deep=deep)
            return mapping

    Constructor.add_constructor(  # type: ignore[type-var]
        "tag:yaml.org,2002:float", Constructor.construct_yaml_float
    )
    Constructor.add_constructor(  # type: ignore[type-var]
        "tag:yaml.org,2002:int", Constructor.construct_yaml_int
    )

    # Only the safe tags: no python/object construction of any kind.
    c_parser: Any = None
    # libyaml's parser and composer (yaml.cyaml does not export it by name); None when PyYAML
    # was built without libyaml.
    with contextlib.suppress(ImportError, AttributeError):
        c_parser = importlib.import_module("yaml._yaml").CParser
    if c_parser is not None:

        class Loader(c_parser, Constructor, Resolver):  # type: ignore[misc]
            def __init__(self, stream: str) -> None:
                c_parser.__init__(self, stream)
                Constructor.__init__(self)
                Resolver.__init__(self)

        _loader_cls = Loader
    else:  # PyYAML built without libyaml: the pure-Python stages

        class PyLoader(
            yaml.reader.Reader,
            yaml.scanner.Scanner,
            yaml.parser.Parser,
            yaml.composer.Composer,
            Constructor,
            Resolver,
        ):
            def __init__(self, stream: str) -> None:
                yaml.reader.Reader.__init__(self, stream)
                yaml.scanner.Scanner.__init__(self)
                yaml.parser.Parser.__init__(self)
                yaml.composer.Composer.__init__(self)
                Constructor.__init__(self)
                Resolver.__init__(self)

        _loader_cls = PyLoader
    return _loader_cls


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


@dataclass
class Document:
    """Plain data read from one file, with a way to locate any part of it."""

    path: str
    data: Any
    source_map: SourceMap


def read_bytes(path: Path | str) -> bytes:
    """A regular file's bytes, within the ``file-size`` limit; anything else (a FIFO, a device
    such as ``/dev/zero``, a folder) is an :class:`InputError` before a byte is read, so that
    no input can block the run or fill its memory."""
    import stat

    from consentrules.sources.walk import file_kind

    name = str(path)
    maximum = limits.current().file_size
    try:
        before = os.stat(path)
        if not stat.S_ISREG(before.st_mode):
            raise InputError(
                [
                    Problem(
                        name,
                        f"{file_kind(before.st_mode)}: only regular files are read",
                        hint="save the input to a file first",
                    )
                ]
            )
        if before.st_size > maximum:
            raise _too_large(name, before.st_size, maximum)
        # Non-blocking, so that a FIFO swapped in after the check cannot block the open.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise InputError([Problem(name, f"{file_kind(info.st_mode)}: not read")])
            with os.fdopen(fd, "rb", closefd=False) as stream:
                raw = stream.read(maximum + 1)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise InputError([Problem(name, "file not found")]) from None
    except IsADirectoryError:
        raise InputError([Problem(name, "is a directory, not a file")]) from None
    except OSError as exc:
        raise InputError([Problem(name, f"cannot read file: {exc.strerror or exc}")]) from None
    if len(raw) > maximum:  # it grew while being read
        raise _too_large(name, len(raw), maximum)
    return raw


def _too_large(name: str, size: int, maximum: int) -> InputError:
    return InputError(
        [
            Problem(
                name,
                f"the file is {limits.human_size(size)}, larger than the limit of "
                f"{limits.human_size(maximum)}",
                hint=limits.hint("file-size"),
            )
        ]
    )


def read_text(path: Path | str) -> str:
    """Read a regular file as UTF-8 (a BOM is allowed); problems become an :class:`InputError`."""
    name = str(path)
    raw = read_bytes(path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(
            [
                Problem(
                    name,
                    f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                    line=line,
                    hint="save the file as UTF-8",
                )
            ]
        ) from None


def read_document(path: Path | str) -> Document:
    """A YAML or JSON file (by its ending) as data with a source map, within every limit;
    problems are an :class:`InputError` naming the file and line (public API)."""
    return load_document(path)


def json_pointer(*parts: str | int) -> str:
    """A JSON pointer (RFC 6901) from its parts, escaping ``~`` and ``/`` (public API)."""
    return pointer(*parts)


def load_document(path: Path | str, text: str | None = None) -> Document:
    """Read a YAML or JSON file (by suffix; ``.json`` is JSON, anything else YAML)."""
    name = str(path)
    if text is None:
        text = read_text(path)
    if name.lower().endswith(".json"):
        return load_json_text(text, name)
    check_yaml_size(text, name)
    return load_yaml_text(text, name)


#: Memory a YAML file needs to be read, as a multiple of its size (measured: PyYAML builds a
#: node tree, then the data, then consentrules' model).
YAML_MEMORY_FACTOR = 70


def check_yaml_size(text: str, name: str) -> None:
    """Refuse a YAML file larger than the ``yaml-size`` limit, before any parsing: its memory
    grows with its size far faster than JSON's."""
    maximum = limits.current().yaml_size
    if len(text) > maximum:
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > maximum:
            raise InputError(
                [
                    Problem(
                        name,
                        f"the YAML file is {limits.human_size(size)}, larger than the YAML limit "
                        f"of {limits.human_size(maximum)}: reading YAML takes about "
                        f"{YAML_MEMORY_FACTOR} times the file's size in memory (here about "
                        f"{limits.human_size(size * YAML_MEMORY_FACTOR)})",
                        hint="write large snapshots as JSON (read in a fraction of the memory), "
                        "or raise the limit: --limit yaml-size=VALUE",
                    )
                ]
            )


def load_yaml_text(text: str, name: str) -> Document:
    loader_cls = _loader()
    yaml = _yaml
    _guard_depth(text, name)
    loader = loader_cls(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError(
                [Problem(name, "the file is empty", hint="a document (a mapping) is expected")]
            )
        if "&" in text or _may_nest_deeper(text, limits.current().depth):
            check_tree(node, name)
        data = loader.construct_document(node)
    except LimitError as exc:
        raise InputError([_marked(name, str(exc), exc.mark, limits.hint(exc.limit))]) from None
    except ValueMarkError as exc:
        raise InputError([_marked(name, str(exc), exc.mark)]) from None
    except DuplicateKeyError as exc:
        raise InputError(
            [
                Problem(
                    name,
                    f"duplicate key {exc.key!r} (first defined on line {exc.first_mark.line + 1})",
                    line=exc.mark.line + 1,
                    column=exc.mark.column + 1,
                    hint="each key may appear once per mapping; merge or rename the entries",
                )
            ]
        ) from None
    except yaml.composer.ComposerError as exc:
        mark = exc.problem_mark
        message = str(exc.problem or exc)
        hint = None
        if "expected a single document" in str(exc):
            message = "the file holds more than one YAML document"
            hint = "put one document per file (remove the extra '---' separators)"
        raise InputError([_marked(name, message, mark, hint)]) from None
    except yaml.MarkedYAMLError as exc:
        message = str(exc.problem or exc.context or "invalid YAML")
        raise InputError([_marked(name, f"invalid YAML: {message}", exc.problem_mark)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(name, f"invalid YAML: {exc}")]) from None
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose:
            dispose()
    return Document(name, data, YamlSourceMap(node))


def _marked(name: str, message: str, mark: Any, hint: str | None = None) -> Problem:
    if mark is None:
        return Problem(name, message, hint=hint)
    return Problem(name, message, line=mark.line + 1, column=mark.column + 1, hint=hint)


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
    if '\\"' in text:
        text = text.replace('\\"', "x")
    block = max(1, longest // 2)  # a longer value holds a whole aligned block of this size
    return any(text.find('"', i, i + block) == -1 for i in range(0, len(text) - block + 1, block))


_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))


def _bracket_depth(text: str, stop: int) -> int:
    """An upper bound of the document's nesting (brackets inside strings count too)."""
    if text.count("[") + text.count("{") <= stop:
        return 0
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


def _may_nest_deeper(text: str, limit: int) -> bool:
    """A cheap test: False means the document certainly nests no deeper than ``limit``."""
    openers = text.count("[") + text.count("{")
    flow = openers if openers <= limit else _flow_depth(text, limit)[0]
    block_run = limit // 4
    if re.search(rf"(?m)^[ \t-]{{{block_run},}}", text):
        return True
    return flow + 2 * (block_run + 1) > limit


def _guard_depth(text: str, name: str) -> None:
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


# Pointers --------------------------------------------------------------------------------------
def pointer(*parts: str | int) -> str:
    """Build a JSON pointer from parts (escaping ``~`` and ``/``)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def split_pointer(ptr: str) -> list[str]:
    if not ptr:
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in ptr.lstrip("/").split("/")]


class YamlSourceMap:
    """Locates a JSON pointer by walking PyYAML's composed node tree."""

    def __init__(self, root: Any) -> None:
        self._root = root

    def locate(self, ptr: str) -> tuple[int, int] | None:
        node = self._root
        for part in split_pointer(ptr):
            node = _yaml_child(node, part)
            if node is None:
                return None
        mark = node.start_mark
        return mark.line + 1, mark.column + 1

    def locate_key(self, ptr: str) -> tuple[int, int] | None:
        """The position of the *key* of the last pointer part (better for "unknown key")."""
        parts = split_pointer(ptr)
        if not parts:
            return self.locate(ptr)
        node = self._root
        for part in parts[:-1]:
            node = _yaml_child(node, part)
            if node is None:
                return None
        if getattr(node, "id", None) == "mapping":
            for key_node, _ in node.value:
                if str(key_node.value) == parts[-1]:
                    return key_node.start_mark.line + 1, key_node.start_mark.column + 1
        return self.locate(ptr)


def _yaml_child(node: Any, part: str) -> Any:
    kind = getattr(node, "id", None)
    if kind == "mapping":
        for key_node, value_node in node.value:
            if str(key_node.value) == part:
                return value_node
        return None
    if kind == "sequence":
        try:
            return node.value[int(part)]
        except (ValueError, IndexError):
            return None
    return None


_WS = re.compile(r"[ \t\n\r]*")
_SEPARATOR = re.compile(r"[ \t\n\r]*,?[ \t\n\r]*")
_ID_KEY = re.compile(r'"id"[ \t\n\r]*:[ \t\n\r]*\Z')


class JsonSourceMap:
    """Locates a JSON pointer by re-scanning the text along that pointer only.

    Values off the path are skipped with the C decoder; the start offsets of array elements are
    cached, so locating many findings in one large array scans that array once. For a
    top-level array whose elements' ids are registered (the snapshot's settings), an element is
    found faster still, at its ``"id"`` key, by a plain text search.
    """

    def __init__(self, text: str, *, ids_from: int = 0) -> None:
        self._text = text
        self._ids_from = ids_from  # where the registered elements start in the text
        self._decoder = json.JSONDecoder()
        self._array_offsets: dict[int, list[int]] = {}
        self._members: dict[tuple[int, str], int] = {}
        self._newlines: list[int] | None = None
        self._ids: dict[str, list[str]] = {}
        self._first: dict[str, int] = {}
        self._id_offsets: dict[str, dict[int, int | None]] = {}
        self._offsets: dict[str, int | None] = {}  # by pointer
        self._lines: dict[int, tuple[int, int]] = {}  # line and column by offset

    def register_ids(self, array: str, ids: list[str], first: int = 0) -> None:
        """The ids of the elements of the top-level array ``array``, in order, from element
        ``first`` on (a part of a snapshot read on its own holds a run of its settings)."""
        self._ids[array] = ids
        self._first[array] = first

    def prepare(self, pointers: list[str]) -> None:
        """Locate these pointers together (optional: it makes locating many findings cheaper;
        any other pointer is found when asked): the elements named by id in one ordered search,
        then the lines of all of them in one ordered count."""
        wanted: dict[str, set[int]] = {}
        for ptr in pointers:
            parts = split_pointer(ptr)
            if len(parts) == 2 and parts[0] in self._ids and parts[1].isdigit():
                wanted.setdefault(parts[0], set()).add(int(parts[1]))
        for array, indexes in wanted.items():
            known = self._id_offsets.setdefault(array, {})
            todo = sorted(i for i in indexes if i not in known)
            known.update(self._find_ids(array, todo))
        offsets = {self._pointer_offset(ptr) for ptr in pointers}
        self._count_lines(sorted(o for o in offsets if o is not None and o not in self._lines))

    def _count_lines(self, offsets: list[int]) -> None:
        """Line and column of each offset (ascending), counting newlines from one to the next:
        one pass over the text, where a table of every line of a large file would cost more."""
        text, lines = self._text, self._lines
        line, line_start, previous = 1, 0, 0
        for offset in offsets:
            newlines = text.count("\n", previous, offset)
            if newlines:
                line += newlines
                line_start = text.rfind("\n", previous, offset) + 1
            lines[offset] = (line, offset - line_start + 1)
            previous = offset

    def _by_id(self, parts: list[str]) -> int | None:
        if len(parts) != 2 or parts[0] not in self._ids or not parts[1].isdigit():
            return None
        index = int(parts[1])
        known = self._id_offsets.setdefault(parts[0], {})
        if index not in known:
            known.update(self._find_ids(parts[0], [index]))
        return known.get(index)

    def _find_ids(self, array: str, indexes: list[int]) -> dict[int, int | None]:
        """The offsets of some elements' ``"id": "..."`` values, searched in element order;
        None where the text escapes an id differently (that element is then found by parsing,
        as any other)."""
        text, pos = self._text, self._ids_from
        ids, first = self._ids[array], self._first[array]
        out: dict[int, int | None] = {}
        find, key = text.find, _ID_KEY.search
        for index in indexes:
            if not first <= index < first + len(ids):
                out[index] = None
                continue
            value = ids[index - first]
            if '"' in value or "\\" in value or not value.isprintable():
                needle = json.dumps(value, ensure_ascii=False)
            else:
                needle = f'"{value}"'
            found = None
            start = pos
            while (at := find(needle, start)) >= 0:
                if key(text, max(0, at - 64), at):
                    found = at
                    break
                start = at + 1
            out[index] = found
            if found is not None:
                pos = found + len(needle)
        return out

    def locate(self, ptr: str) -> tuple[int, int] | None:
        offset = self._pointer_offset(ptr)
        if offset is None:
            return None
        return self._lines.get(offset) or self._line_col(offset)

    def _pointer_offset(self, ptr: str) -> int | None:
        if ptr in self._offsets:
            return self._offsets[ptr]
        parts = split_pointer(ptr)
        offset = self._by_id(parts) if self._ids else None
        if offset is None:
            try:
                offset = self._offset(parts)
            except (ValueError, IndexError):
                offset = None
        self._offsets[ptr] = offset
        return offset

    locate_key = locate

    def _line_col(self, offset: int) -> tuple[int, int]:
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self._text)]
        index = bisect.bisect_right(self._newlines, offset - 1)
        line_start = self._newlines[index - 1] + 1 if index else 0
        return index + 1, offset - line_start + 1

    def _skip_ws(self, pos: int) -> int:
        match = _WS.match(self._text, pos)
        return match.end() if match else pos

    def _offset(self, parts: list[str]) -> int | None:
        text = self._text
        pos = self._skip_ws(0)
        for part in parts:
            char = text[pos]
            if char == "{":
                pos = self._object_member(pos, part)
            elif char == "[":
                pos = self._array_element(pos, int(part))
            else:
                return None
            if pos < 0:
                return None
        return pos

    def _object_member(self, start: int, wanted: str) -> int:
        key = (start, wanted)
        found = self._members.get(key)
        if found is None:
            found = self._members[key] = self._find_member(start, wanted)
        return found

    def _find_member(self, start: int, wanted: str) -> int:
        text, decode = self._text, self._decoder.raw_decode
        pos = self._skip_ws(start + 1)
        while pos < len(text) and text[pos] != "}":
            key, pos = decode(text, pos)
            pos = self._skip_ws(pos)
            pos = self._skip_ws(pos + 1)  # the colon
            if key == wanted:
                return pos
            _, pos = decode(text, pos)
            pos = self._skip_ws(pos)
            if text[pos] == ",":
                pos = self._skip_ws(pos + 1)
        return -1

    def _array_element(self, start: int, index: int) -> int:
        offsets = self._array_offsets.get(start)
        if offsets is None:
            offsets = list(self._scan_array(start))
            self._array_offsets[start] = offsets
        return offsets[index] if 0 <= index < len(offsets) else -1

    def _scan_array(self, start: int) -> Iterator[int]:
        text, decode, separator = self._text, self._decoder.raw_decode, _SEPARATOR.match
        pos = self._skip_ws(start + 1)
        end = len(text)
        while pos < end and text[pos] != "]":
            yield pos
            _, pos = decode(text, pos)
            match = separator(text, pos)
            if match is not None:
                pos = match.end()


__all__ = [
    "Document",
    "JsonSourceMap",
    "NoSourceMap",
    "YamlSourceMap",
    "json_decoder",
    "load_document",
    "load_json_text",
    "load_yaml_text",
    "pointer",
    "read_text",
    "split_pointer",
]
