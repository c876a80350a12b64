"""A small cache of rule files already read and validated, so that start-up stays short.

Parsing the bundled packs' YAML (with their fixtures) is most of the time a small check takes.
A rule file that loaded without a problem is stored as JSON with the positions consentrules
reports (rule and fixture lines), keyed by its path and checked against its size, modification
time and the consentrules version. JSON, not pickle: the cache never executes anything.

Location: ``$CONSENTRULES_CACHE_DIR``, else ``$XDG_CACHE_HOME/consentrules``, else
``~/.cache/consentrules``. ``CONSENTRULES_NO_CACHE=1`` turns it off; a cache that cannot be
read or written is ignored.
"""

from __future__ import annotations

import binascii
import contextlib
import json
import os
from pathlib import Path
from typing import Any

from consentrules.__about__ import __version__

FORMAT = 3


def directory() -> Path | None:
    if os.environ.get("CONSENTRULES_NO_CACHE", "").strip().lower() in ("1", "true", "yes"):
        return None
    explicit = os.environ.get("CONSENTRULES_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "consentrules"


def _entry(path: Path, schemas: str) -> tuple[Path, dict[str, Any]] | None:
    folder = directory()
    if folder is None:
        return None
    try:
        resolved = path.resolve()
        stat = resolved.stat()
    except OSError:
        return None
    # A short name for the path (the stamp holds the path itself, so two paths that share a
    # name only take turns in the cache). A checksum, not hashlib: its import costs 3 ms a run.
    text = str(resolved).encode("utf-8", "surrogateescape")
    key = f"{binascii.crc32(text):08x}{binascii.crc32(text[::-1]):08x}"
    stamp = {
        "format": FORMAT,
        "version": __version__,
        "path": str(resolved),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "schemas": schemas,
    }
    return folder / f"rules-{key}.json", stamp


class Positions:
    """A source map of the positions kept in the cache (exact pointers only)."""

    def __init__(self, table: dict[str, list[int]]) -> None:
        self.table = table

    def locate(self, pointer: str) -> tuple[int, int] | None:
        found = self.table.get(pointer)
        return (found[0], found[1]) if found else None

    locate_key = locate


def get(path: Path, schemas: str = "") -> tuple[Any, Positions] | None:
    """The data and positions of a rule file stored when it loaded without a problem under
    the rule schemas whose fingerprint is ``schemas`` (so valid under the same ones now)."""
    entry = _entry(path, schemas)
    if entry is None:
        return None
    file, stamp = entry
    try:
        stored = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("stamp") != stamp:
        return None
    return stored["data"], Positions(stored["positions"])


def put(path: Path, data: Any, positions: dict[str, tuple[int, int]], schemas: str = "") -> None:
    entry = _entry(path, schemas)
    if entry is None:
        return
    file, stamp = entry
    with contextlib.suppress(OSError, TypeError, ValueError):
        file.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"stamp": stamp, "data": data, "positions": positions})
        import tempfile

        descriptor, temporary = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temporary, file)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            if not isinstance(exc, Exception):
                raise  # an interrupt or SIGTERM must still end the run
            raise
