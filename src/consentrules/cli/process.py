"""What a run may leave undone when the process ends right after it.

The ``consentrules`` script ends its process as soon as a command is over (see
:func:`consentrules.cli.main.console_main`). Then there is no point in freeing a large snapshot's
objects one by one, or in letting the cyclic garbage collector walk them once more: both cost
more than the check itself does at 100,000 settings. Called as a library, nothing here changes
how memory is managed. Also here: how a worker process of a run treats signals.
"""

from __future__ import annotations

import signal
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
