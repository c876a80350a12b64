"""Documents and their source maps: from a JSON pointer back to a line and column, computed
only when a finding or a problem is reported (YAML from the composed node tree, JSON by a lazy
scan of the text along one pointer)."""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from consentrules.model import SourceMap


@dataclass
class Document:
    """Plain data read from one file, with a way to locate any part of it."""

    path: str
    data: Any
    source_map: SourceMap


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

    def __init__(
        self, text: str, *, ids_from: int = 0, marks: dict[int, tuple[int, int]] | None = None
    ) -> None:
        self._text = text
        # Line and line start at offsets already counted to, shared by the source maps of the
        # runs of one large text (each run then counts from the last run's end, not the start).
        self._marks = marks if marks is not None else {}
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
        if offsets and self._marks:
            before = [mark for mark in self._marks if mark <= offsets[0]]
            if before:
                previous = max(before)
                line, line_start = self._marks[previous]
        for offset in offsets:
            newlines = text.count("\n", previous, offset)
            if newlines:
                line += newlines
                line_start = text.rfind("\n", previous, offset) + 1
            lines[offset] = (line, offset - line_start + 1)
            previous = offset
        if offsets:
            self._marks[previous] = (line, line_start)

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
