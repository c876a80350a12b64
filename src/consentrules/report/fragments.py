"""Findings written as JSON ahead of the report, by the process that found them.

A large snapshot checked on several cores (see :mod:`consentrules.execute.split`) gives tens of
thousands of findings; writing them into the JSON report was most of what the main process
did alone after the workers had finished. Each process now writes its own findings' JSON as
it goes (:func:`~consentrules.report.json_reporter.finding_texts`), and the main process :func:`remember` s the text with the very
finding object it belongs to. The JSON reporter then joins these texts instead of writing
those findings again.

The text of a finding is used only for that same object, unchanged: a finding a plugin
replaces (a waiver suppressing it, say) is a new object and is written as usual, and so is
one the report adds facts to (who is affected). Texts are compact JSON, as a report of more
than :data:`~consentrules.report.INDENT_UP_TO` findings is written; an indented report
writes every finding itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from consentrules.model import Finding

_texts: dict[int, tuple[Finding, str]] = {}


def remember(findings: Sequence[Finding], texts: Sequence[str]) -> None:
    """Keep each text with its finding (for the run's report)."""
    for finding, text in zip(findings, texts, strict=True):
        _texts[id(finding)] = (finding, text)


def text_of(finding: Finding) -> str | None:
    """The JSON written ahead for this very finding object, or None."""
    entry = _texts.get(id(finding))
    return entry[1] if entry is not None and entry[0] is finding else None


def forget() -> None:
    """Drop the texts (a new run starts)."""
    _texts.clear()
