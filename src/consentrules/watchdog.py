"""A time limit for code that plugins provide: hooks, adapters, reporters and check kinds.

A plugin that hangs must not hang a CI job: after ``--plugin-timeout`` seconds (default 300)
its call is interrupted and the run ends with an error naming the plugin and the hook. The
limit uses ``SIGALRM``, so it applies on POSIX systems in the main thread, and it cannot
interrupt a single long call into C code that ignores signals.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any

DEFAULT_SECONDS = 300.0
_seconds: float | None = DEFAULT_SECONDS


class PluginTimeout(BaseException):
    """Raised inside a plugin's call when its time is up."""


def configure(seconds: float | None) -> None:
    global _seconds
    _seconds = DEFAULT_SECONDS if seconds is None else (seconds if seconds > 0 else None)


def seconds() -> float | None:
    return _seconds


def _expired(signum: int, frame: Any) -> None:
    raise PluginTimeout()


@contextlib.contextmanager
def deadline() -> Iterator[None]:
    """Interrupt the block with :class:`PluginTimeout` when it runs past the time limit."""
    limit = _seconds
    usable = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0  # not inside another deadline
    )
    if limit is None or not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
