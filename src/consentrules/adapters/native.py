"""``native``: the consentrules snapshot format, version 1, as YAML or JSON.

The format is defined by ``schemas/snapshot.schema.json``; see the README for an example.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from consentrules import hookimpl
from consentrules.model import Snapshot
from consentrules.registry import AdapterRegistry
from consentrules.snapshots import snapshot_from_document
from consentrules.yamlsource import load_document

if TYPE_CHECKING:
    from consentrules.config import Config


_MARKER = re.compile(
    r"^\s*[\"']?consentrules[\"']?\s*:\s*[\"']?([\w/.-]+)"
    r'|"format"\s*:\s*"(consentrules-[\w-]+)"',
    re.MULTILINE,
)


class NativeAdapter:
    name = "native"
    description = "consentrules snapshot format v1 (YAML or JSON)"
    suffixes: tuple[str, ...] = (".yaml", ".yml", ".json")

    def recognizes(self, path: Path, head: str) -> bool:
        """Any YAML or JSON file, except consentrules' own other files (rules, waivers,
        baselines, reports), which say what they are near the top."""
        if path.suffix.lower() not in self.suffixes:
            return False
        marker = _MARKER.search(head)
        return marker is None or marker.group(1) == "snapshot/v1"

    def load(self, path: Path, config: Config) -> Snapshot:
        document = load_document(path)
        return snapshot_from_document(document, config.regions, adapter=self.name)


@hookimpl
def consentrules_register_adapters(registry: AdapterRegistry) -> None:
    registry.add(NativeAdapter())
