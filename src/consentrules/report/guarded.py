"""Streams whose write failures are the user's to fix, said as such.

A reporter writes into a stream; when the disk is full, the device refuses, or standard output
was closed before the run, the failure is the output's, not the reporter's and not a bug in
consentrules. :class:`GuardedStream` turns such an :class:`OSError` into an
:class:`OutputError` that names the output and what went wrong (exit 2). A closed pipe
(``| head``) stays a :class:`BrokenPipeError`: the run then ends quietly.
"""

from __future__ import annotations

from typing import Any

from consentrules.model.errors import OutputError


class GuardedStream:
    """``stream`` with its writes' failures said as :class:`OutputError` about ``name``.

    A plain object, not an ``io`` class: the wrapped stream is closed by its owner, and an
    ``io`` object would flush it again when it is collected (Python 3.13 reports that)."""

    def __init__(self, stream: Any, name: str) -> None:
        self._stream = stream
        self._name = name

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise output_failed(self._name, exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise output_failed(self._name, exc) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def output_failed(name: str, exc: OSError) -> OutputError:
    """The error for an output that could not be written, with what to do about it."""
    reason = exc.strerror or str(exc)
    return OutputError(
        f"could not write {name}: {reason}; free space or choose another output (-o FORMAT=PATH)"
    )


class ClosedStdout:
    """Standard output when the process was started with it closed (``>&-``)."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, text: str) -> int:
        raise OutputError(
            "standard output is closed, so the report cannot be written there; "
            "write it to a file with -o FORMAT=PATH, or run with standard output open"
        )

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return False
