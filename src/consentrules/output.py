"""Writing outputs atomically: a failed or interrupted run never leaves a half-written file."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from consentrules.errors import UsageError


def ensure_not_input(output: Path, inputs: Iterable[Path]) -> None:
    """Refuse to write a report over one of the run's input files."""
    try:
        target = output.resolve()
    except OSError:
        return
    for path in inputs:
        try:
            if path.resolve() == target:
                raise UsageError(f"refusing to write the report over the input file {path}")
        except OSError:
            continue


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[IO[str]]:
    """Write to a temporary file beside ``path`` and move it into place only on success."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise UsageError(f"cannot write {path}: the folder {directory} does not exist")
    import tempfile  # (2 ms of start-up: only when a file is written)

    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
