"""Reading the snapshots of a run: the adapter that recognises each file, the snapshot it
returns (checked to be one), and the summary of what was read that reports show."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from consentrules.model import Snapshot
from consentrules.model import SnapshotSummary
from consentrules.model.dates import PartialDate
from consentrules.model.errors import InputError
from consentrules.model.errors import Problem
from consentrules.model.errors import UsageError
from consentrules.plugin.config import Config
from consentrules.sources.files import read_head


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
