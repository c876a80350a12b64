"""Walking a folder of inputs: every file found, every file passed over, and why.

A folder walk never drops a file silently. It follows symbolic links to files and folders
(a folder reached twice, as through a link loop, is walked once), and it reports what it
passes over: dangling links, link loops, files that are not regular files (FIFOs, devices,
sockets) and hidden files and folders (a name starting with a dot, such as ``.git``). A
sub-folder it cannot read is a problem, not a skip: it may hold inputs. Paths come back
sorted by their text, so a walk gives the same order on every operating system.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from consentrules.model.errors import Problem


@dataclass(frozen=True)
class Skipped:
    """A path a walk (or a later look at the file) passed over, with the reason."""

    path: str
    reason: str


@dataclass
class Walk:
    files: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    hidden: int = 0


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def walk(root: Path) -> Walk:
    """Every regular file below ``root``, and what was passed over."""
    result = Walk()
    seen: set[tuple[int, int]] = set()
    try:
        info = root.stat()
        seen.add((info.st_dev, info.st_ino))
    except OSError as exc:
        result.problems.append(Problem(str(root), f"cannot read the folder: {exc.strerror}"))
        return result
    _walk(root, result, seen)
    result.files.sort(key=lambda p: p.as_posix())
    return result


def _walk(folder: Path, result: Walk, seen: set[tuple[int, int]]) -> None:
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError as exc:
        result.problems.append(
            Problem(
                str(folder),
                f"cannot read the folder: {exc.strerror or exc}",
                hint="it may hold inputs: make it readable, or leave it out of the paths given",
            )
        )
        return
    for entry in entries:
        path = folder / entry.name
        if entry.name.startswith("."):
            result.hidden += 1
            continue
        try:
            info = path.stat()  # follows links
        except FileNotFoundError:
            target = _link_target(path)
            result.skipped.append(Skipped(str(path), f"a dangling symbolic link (to {target})"))
            continue
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                result.skipped.append(Skipped(str(path), "a symbolic link loop"))
            else:
                result.problems.append(Problem(str(path), f"cannot read: {exc.strerror}"))
            continue
        if stat.S_ISDIR(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if key in seen:
                result.skipped.append(
                    Skipped(str(path), "a folder already walked (a symbolic link loop)")
                )
                continue
            seen.add(key)
            _walk(path, result, seen)
        elif stat.S_ISREG(info.st_mode):
            result.files.append(path)
        else:
            result.skipped.append(Skipped(str(path), f"{file_kind(info.st_mode)}, not a file"))


def _link_target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"
