"""Errors and exit codes.

The exception tree::

    ConsentrulesError                 anything consentrules reports to the user without a traceback
     +-- UsageError                   bad command line or configuration          -> exit 2
     +-- InputError                   a bad input file; carries one or more Problems -> exit 2
     +-- PluginError                  a plugin failed to import, register or run -> exit 2

Only :mod:`consentrules.cli.main` turns these into exit codes; nothing else calls ``sys.exit``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

#: Characters that must not reach a terminal or a CI log as they are: C0 and C1 controls
#: (newline, carriage return, escape...), line and paragraph separators, and the bidirectional
#: overrides that reorder what a reader sees.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control character written as an escape (``\\n``, ``\\x1b``)."""
    if not CONTROL.search(text):
        return text
    if keep_newlines:
        return "\n".join(CONTROL.sub(_escape, line) for line in text.split("\n"))
    return CONTROL.sub(_escape, text)


class ExitCode(enum.IntEnum):
    """Process exit codes; the README has the same table."""

    #: No violation at or above the ``--fail-on`` threshold.
    OK = 0
    #: At least one violation at or above the threshold (or a gap, with ``--strict``).
    FINDINGS = 1
    #: Usage or input error: bad arguments, a snapshot, rule, config or plugin that cannot be used.
    INPUT_ERROR = 2
    #: An unexpected error inside consentrules itself (a bug: please report it).
    INTERNAL_ERROR = 3
    #: Interrupted by SIGINT (Ctrl-C); no output file was left half-written.
    INTERRUPTED = 130
    #: Standard output was closed by its reader (``| head``): stopped quietly, as a Unix tool
    #: ended by SIGPIPE does (128 + 13).
    BROKEN_PIPE = 141
    #: The terminal hung up (SIGHUP, 128 + 1); no output file was left half-written.
    HANGUP = 129
    #: Terminated by SIGTERM; no output file was left half-written.
    TERMINATED = 143


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file, pointing at where it is."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    rule_id: str | None = None

    def format(self) -> str:
        where = printable(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: error: {printable(self.message)}"
        if self.rule_id:
            text += f" [rule {printable(self.rule_id)}]"
        if self.hint:
            text += f"\n    hint: {printable(self.hint)}"
        return text


class Terminated(BaseException):
    """SIGTERM (or SIGHUP) arrived: unwind (atomic outputs remove their temporary files) and
    exit with 143."""

    def __init__(self, signal_name: str = "") -> None:
        super().__init__(signal_name)
        self.signal_name = signal_name


class ConsentrulesError(Exception):
    """Base of every error consentrules reports to its user."""

    exit_code: ExitCode = ExitCode.INPUT_ERROR

    def format(self) -> str:
        return f"error: {printable(str(self))}"


class UsageError(ConsentrulesError):
    """The command line or the project configuration cannot be used."""


class OutputError(ConsentrulesError):
    """An output could not be written (a full disk, a closed standard output): the user's
    environment, not a bug and not a plugin's fault."""


class InputError(ConsentrulesError):
    """One or more input files are invalid; every problem found is kept, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(p.message for p in self.problems) or "invalid input")

    def format(self) -> str:
        return "\n".join(p.format() for p in self.problems)


class PluginError(ConsentrulesError):
    """A plugin could not be imported or registered, or failed inside a hook."""

    def __init__(self, message: str, *, plugin: str | None = None, hook: str | None = None):
        self.plugin = plugin
        self.hook = hook
        super().__init__(message)

    def format(self) -> str:
        parts = []
        if self.plugin:
            parts.append(f"plugin {self.plugin!r}")
        if self.hook:
            parts.append(f"hook {self.hook}")
        prefix = f" ({', '.join(parts)})" if parts else ""
        return f"error{prefix}: {printable(str(self))}"
