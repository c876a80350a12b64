"""The installed ``consentrules`` entry points, read straight from the distributions' metadata.

``importlib.metadata.entry_points`` is the standard way, and for one group it costs about as
much as a whole check of a small snapshot: importing it pulls in ``email``, ``zipfile``,
``csv``, ``socket`` and more (20 to 40 ms here), and it reads every distribution. Plugins are
looked for on every run, so this reads what it reads for the one group: each folder on
``sys.path`` is listed once, and only the ``entry_points.txt`` of each ``*.dist-info`` and
``*.egg-info`` folder is opened. The order and the choice are importlib.metadata's: folders in
``sys.path`` order, distributions in the order the folder lists them, the first distribution of
a name shadowing later ones, and of two entry points with one name the last one read.

Where ``sys.path`` holds something this cannot list (a zip file, an import hook's path), it
falls back to ``importlib.metadata`` itself, so no entry point is ever missed. A test compares
the two on the test environment's own plugins.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from dataclasses import dataclass
from typing import Any

_NORMAL = re.compile(r"[-_.]+")
_SECTION = re.compile(r"^\s*\[(?P<name>[^\]]+)\]\s*$")


@dataclass(frozen=True)
class Distribution:
    """The distribution an entry point comes from; its name and version are read from its
    metadata file when asked for (most runs never ask)."""

    folder: str

    def _field(self, key: str) -> str:
        for name in ("METADATA", "PKG-INFO"):
            try:
                with open(os.path.join(self.folder, name), encoding="utf-8") as f:
                    for line in f:
                        if not line.strip():
                            break  # the headers end at the first empty line
                        field, _, value = line.partition(":")
                        if field.strip().lower() == key:
                            return value.strip()
            except OSError:
                continue
        stem = os.path.basename(self.folder).rpartition(".")[0]
        name, _, version = stem.partition("-")
        return name if key == "name" else version

    @property
    def name(self) -> str:
        return self._field("name")

    @property
    def version(self) -> str:
        return self._field("version")


@dataclass(frozen=True)
class EntryPoint:
    """One entry point: ``name = module:attribute`` in a group, as importlib.metadata has it."""

    name: str
    value: str
    group: str
    dist: Distribution | None = None

    def load(self) -> Any:
        module, _, attribute = self.value.partition(":")
        found: Any = importlib.import_module(module.strip())
        attribute = attribute.split("[")[0].strip()  # (extras are not this reader's concern)
        for part in attribute.split(".") if attribute else ():
            found = getattr(found, part)
        return found


def entry_points(group: str, path: list[str] | None = None) -> dict[str, Any]:
    """The entry points of ``group``, by name."""
    found = _read(group, sys.path if path is None else path)
    return found if found is not None else _standard(group, path)


def _standard(group: str, path: list[str] | None) -> dict[str, Any]:
    """importlib.metadata's reading, the same choices made."""
    from importlib.metadata import distributions

    seen: set[str] = set()
    found: dict[str, Any] = {}
    for dist in distributions(path=sys.path if path is None else path):
        normal = _NORMAL.sub("_", str(dist.metadata["Name"] or "").lower())
        if normal in seen:
            continue
        seen.add(normal)
        for ep in dist.entry_points:
            if ep.group == group:
                found[ep.name] = ep
    return found


def _read(group: str, path: list[str]) -> dict[str, Any] | None:
    """None where a folder of ``path`` cannot be listed here (the standard reader can)."""
    seen: set[str] = set()
    found: dict[str, Any] = {}
    for entry in path:
        folder = entry or "."
        try:
            names = os.listdir(folder)
        except NotADirectoryError:
            return None  # a zip file on the path
        except OSError:
            if os.path.exists(folder):
                return None
            continue  # a folder that is not there (python311.zip, often) holds nothing
        for name in names:
            low = name.lower()
            if not low.endswith((".dist-info", ".egg-info")):
                continue
            normal = _NORMAL.sub("_", low.rpartition(".")[0].partition("-")[0])
            if normal in seen:
                continue  # shadowed by the same distribution earlier on the path
            seen.add(normal)
            meta = os.path.join(folder, name)
            for ep_name, value in _group(os.path.join(meta, "entry_points.txt"), group):
                found[ep_name] = EntryPoint(ep_name, value, group, Distribution(meta))
    return found


def _group(file: str, group: str) -> list[tuple[str, str]]:
    try:
        with open(file, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return []
    if f"[{group}]" not in text:
        return []
    pairs, inside = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        section = _SECTION.match(line)
        if section:
            inside = section["name"].strip() == group
            continue
        if inside and "=" in stripped:
            name, _, value = stripped.partition("=")
            pairs.append((name.strip(), value.strip()))
    return pairs
