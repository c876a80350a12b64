"""Writing outputs without damaging anything: checked before the run, atomic, never over an input.

Every output path is checked before any rule is evaluated (:func:`plan_target`): its folder
must exist and be writable, and it must not be a folder. How it is then written depends on
what is there:

- a regular file, or nothing yet: written to a temporary file beside it and moved into place
  only when complete, so a failed or interrupted run never leaves a half-written file. A file
  that was there keeps its permissions; a new one gets the usual ``0666`` less the umask;
- a symbolic link: the file it points to is written, as above; the link stays a link;
- a device (``/dev/null``), a FIFO or a pipe (``-o >(gzip > out.gz)``), and ``/dev/stdout``,
  ``/dev/stderr`` and ``/dev/fd/N``: written directly. Such a target is never replaced by a
  regular file.

:func:`ensure_not_input` refuses an output that is one of the run's inputs (compared by device
and inode, so that another spelling or a link is caught too).
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from consentrules.model.errors import UsageError

#: Paths that name a file descriptor of this process: written directly, never replaced.
_DESCRIPTOR_PATHS = ("/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/self/fd/")
#: The names of standard output among them.
_STDOUT_NAMES = ("/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


@dataclass(frozen=True)
class Target:
    """Where an output goes: ``path`` as given, ``real`` the file to write, and how."""

    path: Path
    real: Path
    direct: bool  # write straight into it (a device, FIFO or descriptor)
    mode: int | None  # the existing file's permissions to keep (None: a new file)


def plan_target(path: Path, option: str = "-o") -> Target:
    """Check an output path before the run; :class:`UsageError` says what to fix."""
    text = str(path)
    if text.startswith(_DESCRIPTOR_PATHS):
        return Target(path, path, True, None)
    try:
        info = os.stat(path)  # follows links
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot use it: {exc.strerror}") from None
    real = Path(os.path.realpath(path))
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise UsageError(f"{option} {path}: is a folder; name a file to write")
        if not stat.S_ISREG(info.st_mode):
            return Target(path, real, True, None)
        if not os.access(real, os.W_OK):
            raise UsageError(f"{option} {path}: the file is not writable")
    folder = real.parent
    if not folder.is_dir():
        raise UsageError(f"{option} {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {path}: the folder {folder} is not writable")
    return Target(path, real, False, stat.S_IMODE(info.st_mode) if info is not None else None)


def ensure_not_input(output: Path, inputs: Iterable[Path | str], option: str = "-o") -> None:
    """Refuse to write an output over one of the run's input files (same device and inode)."""
    try:
        target = os.stat(output)
    except OSError:
        return  # nothing there yet: it cannot be an input
    if not stat.S_ISREG(target.st_mode):
        return
    for path in inputs:
        try:
            info = os.stat(path)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) == (target.st_dev, target.st_ino):
            raise UsageError(
                f"{option} {output}: refusing to write the report over the input file {path}"
            )


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_writer(path: Path, target: Target | None = None) -> Iterator[IO[str]]:
    """Write an output as :func:`plan_target` decided (planning it now if not given)."""
    target = target or plan_target(path)
    if target.direct:
        opened: int | Path = target.real
        if str(target.path) in _STDOUT_NAMES:
            # (descriptor 1 is standard error while the run goes: see cli.main; standard
            # output itself is where sys.stdout writes)
            with contextlib.suppress(AttributeError, OSError, ValueError):
                sys.stdout.flush()
                opened = os.dup(sys.stdout.fileno())
        with open(opened, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
        return
    from consentrules.plugin import watchdog

    directory = target.real.parent
    import tempfile  # (2 ms of start-up: only when a file is written)

    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.real.name}.", suffix=".tmp", dir=directory
        )
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    forget = watchdog.on_hard_exit(lambda: os.unlink(tmp_name))
    try:
        os.fchmod(fd, target.mode if target.mode is not None else 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
        os.replace(tmp_name, target.real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    finally:
        forget()
