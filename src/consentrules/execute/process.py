"""The process around a run: what it may leave undone when the process ends right after it,
the garbage collector paused while it runs, and how a worker process treats signals.

The ``consentrules`` script ends its process as soon as a command is over (see
:func:`consentrules.cli.main.console_main`). Then there is no point in freeing a large snapshot's
objects one by one, or in letting the cyclic garbage collector walk them once more: both cost
more than the check itself does at 100,000 settings. Called as a library, nothing here changes
how memory is managed.
"""

from __future__ import annotations

import contextlib
import gc
import signal

# Not typing's: the script imports this module before ``--version`` is answered.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

#: Set by the command-line entry point: the process ends when the command returns.
ends_after_run = False

_kept: list[Any] = []


def keep_until_exit(value: Any) -> None:
    """Keep ``value`` alive until the process ends, where it ends right after the run (one value
    at a time: keeping another lets the previous one go)."""
    if ends_after_run:
        _kept[:] = [value]


def resume_collector() -> bool:
    """Whether a paused garbage collector should be turned back on after a check."""
    return not ends_after_run


def worker_signals() -> None:
    """In a worker: SIGTERM ends it at once and Ctrl-C is left to the main process. The pool
    stops its workers with SIGTERM; the main process's own handler (which unwinds to remove
    partial outputs) would be a Python-level one, and a signal that arrives just before a
    worker blocks waiting for work is then never acted on: the pool would wait forever."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: a large snapshot makes millions of objects and
    no cycles, and the collector's passes over them would triple the time of a run. (When the
    process ends after the run, it stays paused: its first pass would walk them all again.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled and resume_collector():
            gc.enable()
