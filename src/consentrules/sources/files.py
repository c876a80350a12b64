"""Reading input files: regular files only, within the size limit, as UTF-8."""

from __future__ import annotations

import os
from pathlib import Path

from consentrules.model.errors import InputError
from consentrules.model.errors import Problem
from consentrules.sources import limits


def read_bytes(path: Path | str) -> bytes:
    """A regular file's bytes, within the ``file-size`` limit; anything else (a FIFO, a device
    such as ``/dev/zero``, a folder) is an :class:`InputError` before a byte is read, so that
    no input can block the run or fill its memory."""
    import stat

    from consentrules.sources.walk import file_kind

    name = str(path)
    maximum = limits.current().file_size
    try:
        before = os.stat(path)
        if not stat.S_ISREG(before.st_mode):
            raise InputError(
                [
                    Problem(
                        name,
                        f"{file_kind(before.st_mode)}: only regular files are read",
                        hint="save the input to a file first",
                    )
                ]
            )
        if before.st_size > maximum:
            raise _too_large(name, before.st_size, maximum)
        # Non-blocking, so that a FIFO swapped in after the check cannot block the open.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise InputError([Problem(name, f"{file_kind(info.st_mode)}: not read")])
            with os.fdopen(fd, "rb", closefd=False) as stream:
                raw = stream.read(maximum + 1)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise InputError([Problem(name, "file not found")]) from None
    except IsADirectoryError:
        raise InputError([Problem(name, "is a directory, not a file")]) from None
    except OSError as exc:
        raise InputError([Problem(name, f"cannot read file: {exc.strerror or exc}")]) from None
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
