"""The snapshots of a run: files named or found in folders, the adapter that reads each, and
what a checked snapshot is summarised as."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from consentrules.model import Notice
from consentrules.model import Snapshot
from consentrules.model import SnapshotSummary
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


def load_snapshot(config: Config, path: Path) -> Snapshot:
    import os

    from consentrules.sources.files import open_regular

    os.close(open_regular(path))  # (a FIFO or a device is refused before any adapter sees it)
    forced = config.getoption("adapter")
    if forced:
        if forced not in config.adapters:
            raise UsageError(unknown_adapter(config, forced))
        adapter = config.adapters.get(forced)
    else:
        found = pick_adapter(config, path)
        if found is None:
            raise InputError(
                [
                    Problem(
                        str(path),
                        "no adapter recognises this file",
                        hint="name the format with --adapter NAME; installed adapters: "
                        + ", ".join(sorted(config.adapters.names())),
                    )
                ]
            )
        adapter = found
    return _call_adapter(config, adapter, path)


def pick_adapter(config: Config, path: Path, head: str | None = None) -> Any:
    """The first adapter, in the order they were registered, that recognises the file (the
    built-in native adapter registers last, as a ``trylast`` hook implementation)."""
    head = read_head(path) if head is None else head
    return next((a for a in config.adapters if _recognizes(config, a, path, head)), None)


def _recognizes(config: Config, adapter: Any, path: Path, head: str) -> bool:
    with config.adapters.blame(adapter.name, f"failed while sniffing {path}"):
        return bool(adapter.recognizes(path, head))


def _call_adapter(config: Config, adapter: Any, path: Path) -> Snapshot:
    from consentrules.model.errors import PluginError

    with config.adapters.blame(adapter.name, f"failed to read {path}"):
        snapshot = adapter.load(path, config)
    if not isinstance(snapshot, Snapshot):
        raise PluginError(
            f"adapter {adapter.name!r} returned {type(snapshot).__name__}, not a Snapshot",
            plugin=config.adapters.provider(adapter.name),
        )
    if config.getoption("disclosures"):
        from consentrules.sources.disclosures import read_sources
        from consentrules.sources.disclosures import with_disclosures

        snapshot = with_disclosures(snapshot, read_sources(config))
    return snapshot


def summarize(
    snapshot: Snapshot,
    as_of: PartialDate | None,
    known: Any = None,
    coverage: Any = None,
    timelines: Any = None,
) -> SnapshotSummary:
    """What was checked; with the ``known`` tokens of a run (``Config.known_tokens``), also the
    purposes, categories and recipients no loaded rule knows; with ``coverage`` (filled by
    ``Engine.evaluate``), what each rule evaluated and found compliant; with ``timelines`` (a
    region registry), each setting's timeline, for the reports that draw them."""
    from consentrules.engine.evaluation import inactive_settings
    from consentrules.model.vocabulary import unknown_tokens

    return SnapshotSummary(
        path=snapshot.path,
        platform=snapshot.platform,
        taken_at=str(snapshot.taken_at),
        as_of=str(as_of or snapshot.taken_at),
        settings=len(snapshot.settings),
        disclosures=len(snapshot.disclosures),
        adapter=snapshot.adapter,
        inactive=tuple(inactive_settings(snapshot.settings, as_of or snapshot.taken_at)),
        unknown_tokens=unknown_tokens(snapshot.settings, known) if known else (),
        coverage=coverage or {},
        unmapped=tuple(unmapped_settings(snapshot.settings)),
        undecided=tuple(undecided_settings(snapshot.settings)),
        setting_ids=tuple(s.id for s in snapshot.settings),
        users=snapshot.users,
        timelines=_timelines(snapshot, as_of, timelines),
        notices=tuple(snapshot.notices),
    )


def _timelines(snapshot: Snapshot, as_of: PartialDate | None, registry: Any) -> tuple[Any, ...]:
    if registry is None:
        return ()
    from consentrules.engine.timeline import timelines

    return timelines(snapshot, as_of or snapshot.taken_at, registry)


def unmapped_settings(settings: Any) -> list[str]:
    """Ids of the settings that do not state their purposes (an adapter found none to map)."""
    return [s.id for s in settings if s.stated is not None and "purposes" not in s.stated]


def undecided_settings(settings: Any) -> list[str]:
    """Ids of the settings whose default is unknown in every region and at every time."""
    return [
        s.id
        for s in settings
        if s.default is None
        and all(value is None for _, value in s.region_defaults)
        and all(
            entry.default is None and all(v is None for _, v in entry.region_defaults or ())
            for entry in s.history
        )
    ]


def load_snapshots(config: Config, files: Iterable[Path]) -> list[Snapshot]:
    """Every snapshot, or one InputError listing the problems of every bad file."""
    snapshots = []
    problems: list[Problem] = []
    for path in files:
        try:
            snapshots.append(load_snapshot(config, path))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return snapshots


def parse_as_of(text: str | None) -> PartialDate | None:
    if text is None:
        return None
    try:
        return parse_date(text)
    except DateFormatError as exc:
        raise UsageError(f"--as-of: {exc}") from None


def unknown_adapter(config: Config, name: str) -> str:
    """Why ``--adapter NAME`` finds nothing: the adapters loaded, and the installed plugins
    that were not loaded (entry-point loading off, or blocked), with how to load them."""
    known = ", ".join(sorted(config.adapters.names()))
    text = f"unknown adapter {name!r}; adapters loaded: {known}"
    idle = config.pluginmanager.unloaded_entry_points()
    if idle:
        text += (
            f"; installed but not loaded: {', '.join(idle)} (plugin loading from entry points "
            f"is off or blocked here: load one with -p NAME, e.g. -p {idle[0]})"
        )
    return text
