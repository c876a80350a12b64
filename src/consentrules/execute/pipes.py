"""Talking to a forked worker of a split check: length-prefixed pickled messages over a pair of
pipes, and reaping workers that have finished without waiting for the kernel to free them."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import signal
import struct
from typing import Any


def _send(fd: int, message: Any) -> None:
    data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    view = memoryview(struct.pack("<Q", len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _read(fd: int, size: int) -> bytearray:
    """Exactly ``size`` bytes, read into one buffer (a worker's findings are tens of MB)."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    done = 0
    while done < size:
        count = os.readv(fd, [view[done:]])
        if not count:
            raise EOFError("the other process ended")
        done += count
    return buffer


def widen(fd: int) -> None:
    """Let a pipe hold 1 MiB at a time, where the system allows (Linux): a worker's findings
    then cross in a few dozen writes instead of hundreds of 64 KiB ones."""
    try:
        import fcntl
    except ImportError:  # (not on Windows, where nothing is split)
        return
    setsize = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux only
    if setsize is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, setsize, 1 << 20)


def _receive(fd: int) -> Any:
    (size,) = struct.unpack("<Q", _read(fd, 8))
    return pickle.loads(_read(fd, size))


@dataclasses.dataclass
class _Worker:
    pid: int
    to_worker: int
    from_worker: int

    def send(self, message: Any) -> None:
        with contextlib.suppress(OSError):  # it has ended already (and is reported as failed)
            _send(self.to_worker, message)

    def receive(self) -> Any:
        try:
            return _receive(self.from_worker)
        except (EOFError, OSError, pickle.UnpicklingError):
            return None

    def close(self, finished: bool) -> None:
        """Close the pipes; stop the worker unless it has ``finished`` (then it is ending by
        itself: it is reaped later rather than waited for while its memory is released)."""
        for fd in (self.to_worker, self.from_worker):
            with contextlib.suppress(OSError):
                os.close(fd)
        if finished:
            _ending.append(self.pid)
            return
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(self.pid, os.WNOHANG) == (0, 0):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)


# Workers that sent everything and are ending: reaped (without waiting) at the next check.
_ending: list[int] = []


def _reap() -> None:
    for pid in list(_ending):
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(pid, os.WNOHANG) == (0, 0):
                continue
        _ending.remove(pid)
