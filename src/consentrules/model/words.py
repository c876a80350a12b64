"""Counts in words: "1 rule", "2 rules", never "1 rules" or "rule(s)"."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """``count`` and ``word``, in the plural unless the count is one (``many`` for an
    irregular plural: ``plural(n, "entry", "entries")``)."""
    return f"{count} {word if count == 1 else (many or word + 's')}"
