"""Read YAML and JSON input safely (JSON in ``jsonread``, files in ``files``, positions in
``sourcemaps``, YAML nesting limits in ``nesting``), keeping a way back from data to file positions.

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

import contextlib
import importlib
import re
from pathlib import Path
from typing import Any

from consentrules.model import NoSourceMap
from consentrules.model.errors import InputError
from consentrules.model.errors import Problem
from consentrules.sources import limits
from consentrules.sources.files import read_bytes
from consentrules.sources.files import read_text
from consentrules.sources.jsonread import find_json_duplicate
from consentrules.sources.jsonread import guard_json
from consentrules.sources.jsonread import json_decoder
from consentrules.sources.jsonread import load_json_text
from consentrules.sources.nesting import DuplicateKeyError
from consentrules.sources.nesting import LimitError
from consentrules.sources.nesting import ValueMarkError
from consentrules.sources.nesting import check_tree
from consentrules.sources.nesting import guard_depth
from consentrules.sources.nesting import may_nest_deeper
from consentrules.sources.printable import may_hold_surrogates
from consentrules.sources.printable import printable
from consentrules.sources.sourcemaps import Document
from consentrules.sources.sourcemaps import JsonSourceMap
from consentrules.sources.sourcemaps import YamlSourceMap
from consentrules.sources.sourcemaps import pointer
from consentrules.sources.sourcemaps import split_pointer

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
    guard_depth(text, name)
    loader = loader_cls(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError(
                [Problem(name, "the file is empty", hint="a document (a mapping) is expected")]
            )
        if "&" in text or may_nest_deeper(text, limits.current().depth):
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
    if may_hold_surrogates(text):
        data = printable(data)
    return Document(name, data, YamlSourceMap(node))


def _marked(name: str, message: str, mark: Any, hint: str | None = None) -> Problem:
    if mark is None:
        return Problem(name, message, hint=hint)
    return Problem(name, message, line=mark.line + 1, column=mark.column + 1, hint=hint)


__all__ = [
    "Document",
    "JsonSourceMap",
    "NoSourceMap",
    "YamlSourceMap",
    "check_yaml_size",
    "find_json_duplicate",
    "guard_json",
    "json_decoder",
    "json_pointer",
    "load_document",
    "load_json_text",
    "load_yaml_text",
    "pointer",
    "read_bytes",
    "read_document",
    "read_text",
    "split_pointer",
]
