"""Text every output can print: an escaped lone UTF-16 surrogate (``"\\ud800"`` in JSON or a
YAML double-quoted string) is not a character, and no UTF-8 output can write it. Such text is
kept as the escape the file wrote (``\\ud800``, a backslash and five characters), so that ids and
messages reach every reporter printable and still say what the file holds. Valid pairs of
surrogates (an emoji written as two escapes) become their character."""

from __future__ import annotations

import re
from typing import Any

#: An escape of a surrogate code point, the only way a lone surrogate gets into parsed text.
SURROGATE_ESCAPE = re.compile(r"\\(?:u[dD][89a-fA-F]|U0000[dD][89a-fA-F])")


def may_hold_surrogates(text: str) -> bool:
    """Whether the file's text escapes a surrogate (cheap: one search in C)."""
    return SURROGATE_ESCAPE.search(text) is not None


def printable(data: Any) -> Any:
    """``data`` with every string (keys too) made printable (see the module's description)."""
    if isinstance(data, str):
        return _text(data)
    if isinstance(data, dict):
        return {printable(key): printable(value) for key, value in data.items()}
    if isinstance(data, list):
        return [printable(item) for item in data]
    return data


def _text(value: str) -> str:
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        pass
    joined = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return joined.encode("utf-8", "backslashreplace").decode("utf-8")
