"""Disclosures read by a disclosure reader (``--disclosures NAME:LOCATION``), added to snapshots.

A platform's snapshot may type its disclosures by hand; a policy history (an Open Terms Archive
dataset, a company's own policy in git) gives them with the text each version said. Each
``--disclosures`` source is read once per process and its documents are added to every
snapshot of the run, which then counts as carrying disclosures.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from consentrules.model import Disclosure
from consentrules.model import Snapshot
from consentrules.model.errors import PluginError
from consentrules.model.errors import UsageError

if TYPE_CHECKING:
    from consentrules.plugin.config import Config

_read: dict[tuple[Any, ...], tuple[Disclosure, ...]] = {}


def reader_for(spec: str, config: Config) -> tuple[Any, str]:
    """The reader and location a ``NAME:LOCATION`` source names."""
    name, sep, location = spec.partition(":")
    readers = sorted(config.disclosure_readers.names())
    installed = ", ".join(readers) if readers else "none (install consentrules-ota for ota)"
    if not sep or not name or not location:
        raise UsageError(
            f"--disclosures {spec!r}: expected READER:LOCATION, such as ota:path/to/dataset; "
            f"installed readers: {installed}"
        )
    if name not in config.disclosure_readers:
        raise UsageError(f"unknown disclosure reader {name!r}; installed readers: {installed}")
    return config.disclosure_readers.get(name), location


def read_source(spec: str, config: Config) -> tuple[Disclosure, ...]:
    """What one source holds, read once per process for the same options."""
    key = (spec, config.getoption("service"), config.getoption("document"), id(config))
    if key not in _read:
        reader, location = reader_for(spec, config)
        with config.disclosure_readers.blame(reader.name, f"failed to read {location}"):
            documents = tuple(reader.read(location, config))
        for document in documents:
            if not isinstance(document, Disclosure):
                raise PluginError(
                    f"disclosure reader {reader.name!r} returned {type(document).__name__}, "
                    "not a Disclosure",
                    plugin=config.disclosure_readers.provider(reader.name),
                )
        _read[key] = documents
    return _read[key]


def read_sources(config: Config) -> tuple[Disclosure, ...]:
    """Every document of the run's ``--disclosures`` sources."""
    specs: Sequence[str] = config.getoption("disclosures") or ()
    out: list[Disclosure] = []
    for spec in specs:
        out.extend(read_source(spec, config))
    return tuple(out)


def with_disclosures(snapshot: Snapshot, extra: Sequence[Disclosure]) -> Snapshot:
    """The snapshot with ``extra`` documents added; an id the snapshot already uses gets a
    suffix, so that both documents stay apart in findings."""
    if not extra:
        return snapshot
    taken = {document.id for document in snapshot.disclosures}
    added = []
    for document in extra:
        unique, n = document.id, 2
        while unique in taken:
            unique, n = f"{document.id}-{n}", n + 1
        taken.add(unique)
        added.append(
            document if unique == document.id else dataclasses.replace(document, id=unique)
        )
    return dataclasses.replace(
        snapshot, disclosures=(*snapshot.disclosures, *added), has_disclosures=True
    )
