"""The snapshot files a command names: files given, and in folders every file an adapter
recognises (what a folder walk passes over is said in a notice); and ``--as-of``.
Reading them is :mod:`consentrules.execute.snapshots`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from consentrules.execute.snapshots import pick_adapter
from consentrules.model import Notice
from consentrules.model.dates import DateFormatError
from consentrules.model.dates import PartialDate
from consentrules.model.dates import parse_date
from consentrules.model.errors import InputError
from consentrules.model.errors import Problem
from consentrules.model.errors import UsageError
from consentrules.model.words import plural
from consentrules.plugin.config import Config
from consentrules.sources.files import read_head


def snapshot_files(config: Config, args: Iterable[str]) -> list[Path]:
    """Files named on the command line; in folders, every file some adapter recognises.

    What a folder walk passes over is never dropped silently: each file is listed, with the
    reason, in a notice of the run (and a file that says it is a snapshot of a format this
    version cannot read is an input error).
    """
    from consentrules.sources.adapters.native import marker_problem
    from consentrules.sources.adapters.native import top_level_marker
    from consentrules.sources.walk import Skipped
    from consentrules.sources.walk import file_kind
    from consentrules.sources.walk import walk

    files: list[Path] = []
    problems: list[Problem] = []
    skipped: list[Skipped] = []
    hidden = 0
    forced = config.getoption("adapter")
    for arg in args:
        path = Path(arg)
        try:
            info = path.stat()
        except FileNotFoundError:
            problems.append(Problem(arg, "no such file or folder"))
            continue
        except OSError as exc:
            problems.append(Problem(arg, f"cannot read: {exc.strerror or exc}"))
            continue
        if path.is_dir():
            found = walk(path)
            problems.extend(found.problems)
            hidden += found.hidden
            skipped.extend(found.skipped)
            taken = 0
            for candidate in found.files:
                head = read_head(candidate)
                marker = top_level_marker(head)
                if marker is not None and marker.startswith("snapshot/"):
                    problem = marker_problem(marker)
                    if problem is not None:
                        problems.append(Problem(str(candidate), problem))
                        continue
                if forced or pick_adapter(config, candidate, head) is not None:
                    files.append(candidate)
                    taken += 1
                elif marker is not None:
                    skipped.append(Skipped(str(candidate), marker_problem(marker) or marker))
                else:
                    skipped.append(Skipped(str(candidate), "no installed adapter reads it"))
            if not taken and not found.problems:
                problems.append(
                    Problem(arg, "the folder holds no snapshot files", hint=_skip_hint(found))
                )
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(arg, f"{file_kind(info.st_mode)}: only regular files are read"))
    if problems:
        raise InputError(problems)
    if skipped or hidden:
        config.notices.append(skip_notice(skipped, hidden))
    return list(dict.fromkeys(files))


def _skip_hint(found: Any) -> str | None:
    if not found.skipped:
        return None
    first = found.skipped[0]
    return f"{plural(len(found.skipped), 'file')} passed over, e.g. {first.path}: {first.reason}"


def skip_notice(skipped: list[Any], hidden: int) -> Notice:
    """One note listing what folder walks passed over, and why."""
    parts = [f"{item.path} ({item.reason})" for item in skipped[:30]]
    if len(skipped) > 30:
        parts.append(f"and {len(skipped) - 30} more")
    text = (
        f"folder walk passed over {plural(len(skipped), 'file')}: " + "; ".join(parts)
        if parts
        else ""
    )
    if hidden:
        extra = f"{hidden} hidden {'file or folder' if hidden == 1 else 'files or folders'} (names starting with a dot) not walked"
        text = f"{text}; {extra}" if text else f"folder walk: {extra}"
    return Notice("note", text, category="skipped")


def parse_as_of(text: str | None) -> PartialDate | None:
    if text is None:
        return None
    try:
        return parse_date(text)
    except DateFormatError as exc:
        raise UsageError(f"--as-of: {exc}") from None
