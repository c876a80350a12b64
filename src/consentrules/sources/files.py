"""Reading input files: regular files only, within the size limit, as UTF-8."""

from __future__ import annotations

import os
from pathlib import Path

from consentrules.model.errors import InputError
from consentrules.model.errors import Problem
from consentrules.sources import limits


def open_regular(path: Path | str) -> int:
    """A read-only descriptor of a regular file. Anything else (a FIFO, a device such as
    ``/dev/zero``, a folder) is an :class:`InputError` before a byte is read, so that no input
    can block the run or fill its memory; the open is non-blocking, so that a FIFO swapped in
    after the check cannot block it either."""
    import stat

    from consentrules.sources.walk import file_kind

    name = str(path)
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISREG(mode):
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            mode = os.fstat(fd).st_mode
            if stat.S_ISREG(mode):
                return fd
            os.close(fd)
    except FileNotFoundError:
        raise InputError([Problem(name, "file not found")]) from None
    except OSError as exc:
        raise InputError([Problem(name, f"cannot read file: {exc.strerror or exc}")]) from None
    raise InputError(
        [
            Problem(
                name,
                f"{file_kind(mode)}: only regular files are read",
                hint="save the input to a file first",
            )
        ]
    )


def read_head(path: Path | str, size: int = 4096) -> str:
    """The first ``size`` bytes of a regular file as text, for adapters to recognise it ('' for
    anything that cannot be read)."""
    try:
        fd = open_regular(path)
    except InputError:
        return ""
    try:
        return os.read(fd, size).decode("utf-8", errors="replace")
    except OSError:
        return ""
    finally:
        os.close(fd)


def read_bytes(path: Path | str) -> bytes:
    """A regular file's bytes (:func:`open_regular`), within the ``file-size`` limit."""
    name = str(path)
    maximum = limits.current().file_size
    fd = open_regular(path)
    try:
        size = os.fstat(fd).st_size
        if size > maximum:
            raise _too_large(name, size, maximum)
        with os.fdopen(fd, "rb", closefd=False) as stream:
            raw = stream.read(maximum + 1)
    except OSError as exc:
        raise InputError([Problem(name, f"cannot read file: {exc.strerror or exc}")]) from None
    finally:
        os.close(fd)
    if len(raw) > maximum:  # it grew while being read
        raise _too_large(name, len(raw), maximum)
    return raw


def _too_large(name: str, size: int, maximum: int) -> InputError:
    return InputError(
        [
            Problem(
                name,
                f"the file is {limits.human_size(size)}, larger than the limit of "
                f"{limits.human_size(maximum)}",
                hint=limits.hint("file-size"),
            )
        ]
    )


def read_text(path: Path | str) -> str:
    """Read a regular file as UTF-8 (a BOM is allowed); problems become an :class:`InputError`."""
    name = str(path)
    raw = read_bytes(path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(
            [
                Problem(
                    name,
                    f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                    line=line,
                    hint="save the file as UTF-8",
                )
            ]
        ) from None


def file_day(path: str) -> str:
    """The UTC day a file was last modified (today when it cannot be read)."""
    import datetime as dt

    try:
        stamp = os.stat(path).st_mtime
    except OSError:
        return dt.date.today().isoformat()
    return dt.datetime.fromtimestamp(stamp, dt.timezone.utc).date().isoformat()
