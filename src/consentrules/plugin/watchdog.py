"""Guarding the code plugins provide: hooks, imports, adapters, reporters and check kinds.

While plugin code runs (:func:`plugin_code`):

- standard output is standard error, so that a plugin's ``print`` cannot corrupt a JSON or
  SARIF report written to standard output;
- it has ``--plugin-timeout`` seconds (default 300). Then :class:`PluginTimeout` is raised in
  it, and raised again every second while it keeps running (a bare ``except`` that swallows it
  once does not defeat it). If the plugin is still running a grace period later (it ignored or
  replaced the ``SIGALRM`` handler, or it is stuck in C code), a watchdog thread ends the whole
  process with exit code 2 and a message naming the plugin, after removing any half-written
  output file. The timer uses ``SIGALRM``, so it applies on POSIX systems in the main thread;
  the watchdog thread applies everywhere.

``SystemExit`` from plugin code is not an exit: callers turn it into a :class:`PluginError`.

The time limit of a run is put in force with :func:`applied` for the length of a ``with`` block
(a context variable: nothing is left behind when the run is over).
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

DEFAULT_SECONDS = 300.0
#: How long past its time a plugin may keep running before the process is ended.
GRACE_SECONDS = 5.0
_limit: ContextVar[float | None] = ContextVar(
    "consentrules_plugin_timeout", default=DEFAULT_SECONDS
)


class PluginTimeout(BaseException):
    """Raised inside a plugin's call when its time is up."""


def parse_seconds(value: Any) -> float | None:
    """``--plugin-timeout``: a positive number of seconds, or 0 for no limit.

    :raises ValueError: for a negative, infinite or not-a-number value.
    """
    number = float(value)
    if math.isnan(number) or math.isinf(number) or number < 0:
        raise ValueError(
            f"{value!r} is not a usable time limit: give a positive number of seconds "
            "(0 turns the limit off)"
        )
    return None if number == 0 else number


def parse(value: Any) -> float | None:
    """The limit a ``--plugin-timeout`` value gives: None (not given) is the default."""
    return DEFAULT_SECONDS if value is None else parse_seconds(value)


@contextlib.contextmanager
def applied(seconds: float | None) -> Iterator[None]:
    """Put the limit ``seconds`` (None: no limit) in force for the block."""
    token = _limit.set(seconds)
    try:
        yield
    finally:
        _limit.reset(token)


def use(seconds: float | None) -> None:
    """Put the limit in force for the rest of this context: for a worker process."""
    _limit.set(seconds)


def seconds() -> float | None:
    """The limit in force (None: none)."""
    return _limit.get()


# The watchdog thread: one per process, watching the deadline of the plugin call under way.
_watch: dict[str, Any] = {"pid": None, "expiry": None, "label": "", "limit": DEFAULT_SECONDS}
_cleanups: list[Callable[[], None]] = []


def on_hard_exit(cleanup: Callable[[], None]) -> Callable[[], None]:
    """Register a clean-up the watchdog runs before it ends the process (outputs remove their
    temporary files); returns a function that unregisters it."""
    _cleanups.append(cleanup)
    return lambda: _cleanups.remove(cleanup) if cleanup in _cleanups else None


def _watcher() -> None:
    while True:
        time.sleep(0.25)
        expiry = _watch["expiry"]
        if expiry is not None and time.monotonic() > expiry + GRACE_SECONDS:
            for cleanup in list(_cleanups):
                with contextlib.suppress(Exception):
                    cleanup()
            with contextlib.suppress(Exception):
                sys.__stderr__.write(  # type: ignore[union-attr]
                    f"error: {_watch['label']} did not stop within {_watch['limit']:g} seconds "
                    f"(--plugin-timeout) and ignored the request to stop: the run was ended\n"
                )
                sys.__stderr__.flush()  # type: ignore[union-attr]
            os._exit(2)


def _ensure_watcher() -> None:
    if _watch["pid"] != os.getpid():  # none yet, or this is a forked worker
        _watch["pid"] = os.getpid()
        threading.Thread(target=_watcher, name="consentrules-watchdog", daemon=True).start()


def _expired(signum: int, frame: Any) -> None:
    raise PluginTimeout()


@contextlib.contextmanager
def deadline(label: str = "a plugin") -> Iterator[None]:
    """Interrupt the block with :class:`PluginTimeout` when it runs past the time limit, and
    end the process if it will not stop (see the module's description)."""
    limit = _limit.get()
    if limit is None or _watch["expiry"] is not None:  # no limit, or inside another deadline
        yield
        return
    usable = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )
    _ensure_watcher()
    _watch["label"], _watch["limit"] = label, limit
    _watch["expiry"] = time.monotonic() + limit
    previous = None
    if usable:
        previous = signal.signal(signal.SIGALRM, _expired)
        signal.setitimer(signal.ITIMER_REAL, limit, 1.0)  # again every second until it stops
    try:
        yield
    finally:
        _watch["expiry"] = None
        if usable:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)


@contextlib.contextmanager
def guarded(
    label: str, plugin: str, *, hook: str | None = None, prefix: str = ""
) -> Iterator[None]:
    """Run plugin code (:func:`plugin_code`) and blame it: ``sys.exit``, the time limit and any
    unexpected exception become a :class:`PluginError` naming ``plugin`` (and ``hook``), its
    message led by ``prefix``. The project's own errors pass through (a plugin error raised in
    a hook learns the plugin and hook), and so does a closed standard output."""
    from consentrules.model.errors import ConsentrulesError
    from consentrules.model.errors import PluginError
    from consentrules.model.errors import Terminated

    try:
        with plugin_code(label):
            yield
    except PluginError as exc:
        if hook is not None:
            exc.plugin = exc.plugin or plugin
            exc.hook = exc.hook or hook
        raise
    except (ConsentrulesError, BrokenPipeError):
        raise
    except SystemExit as exc:
        raise PluginError(
            f"{prefix}called sys.exit({exc.code!r}): a plugin must raise an error, not end the run",
            plugin=plugin,
            hook=hook,
        ) from None
    except PluginTimeout:
        raise PluginError(
            f"{prefix}did not finish within {seconds():g} seconds (--plugin-timeout)",
            plugin=plugin,
            hook=hook,
        ) from None
    except (KeyboardInterrupt, Terminated, GeneratorExit):
        raise  # the user or the system ends the run, not the plugin
    except BaseException as exc:  # also a bare BaseException subclass a plugin raised
        raise PluginError(f"{prefix}{type(exc).__name__}: {exc}", plugin=plugin, hook=hook) from exc


@contextlib.contextmanager
def plugin_code(label: str = "a plugin") -> Iterator[None]:
    """Run plugin code: under :func:`deadline`, with its prints sent to standard error."""
    with contextlib.redirect_stdout(sys.stderr), deadline(label):
        yield
