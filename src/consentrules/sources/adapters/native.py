"""``native``: the consentrules snapshot format, version 1, as YAML or JSON.

The format is defined by ``schemas/snapshot.schema.json``; see the README for an example.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from consentrules import hookimpl
from consentrules.model import Snapshot
from consentrules.model.errors import InputError
from consentrules.model.errors import Problem
from consentrules.plugin.registry import AdapterRegistry
from consentrules.sources.snapshots import snapshot_from_document
from consentrules.sources.yamlsource import load_document

if TYPE_CHECKING:
    from consentrules.plugin.config import Config


# A marker counts only at the top level of the document: a YAML key in the first column, or a
# key of the outermost JSON object. (A ``consentrules:`` key nested in a setting's metadata
# says nothing about the file.)
_YAML_MARKER = re.compile(
    r"""^(?:consentrules|"consentrules"|'consentrules')[ \t]*:[ \t]*["']?([\w/.-]+)""",
    re.MULTILINE,
)
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]')
SUPPORTED = "snapshot/v1"


def top_level_marker(head: str) -> str | None:
    """The format marker of a document from its first bytes: ``consentrules: snapshot/v1``
    (YAML or JSON) or ``"format": "consentrules-baseline"`` (JSON); None if there is none
    at the top level of what ``head`` holds."""
    text = head.lstrip("\ufeff \t\r\n")
    if not text.startswith("{"):
        match = _YAML_MARKER.search(text)
        return match.group(1) if match else None
    depth = 0
    key: str | None = None
    expect_key = False
    for token in _JSON_TOKEN.finditer(text):
        value = token.group()
        if value in "{[":
            depth += 1
            expect_key = value == "{" and depth == 1
        elif value in "}]":
            depth -= 1
        elif value == ",":
            expect_key = depth == 1
        elif value == ":":
            continue
        elif depth == 1 and expect_key:
            key, expect_key = value[1:-1], False
        elif depth == 1 and key is not None:
            found = value[1:-1]
            if key == "consentrules" or (key == "format" and found.startswith("consentrules-")):
                return found
            key = None
    return None


def marker_problem(marker: str | None) -> str | None:
    """Why a file with this marker is not a snapshot this version reads, or None."""
    if marker is None or marker == SUPPORTED:
        return None
    if marker.startswith("snapshot/"):
        return (
            f"the snapshot format {marker!r} is not supported: this consentrules reads {SUPPORTED}"
        )
    kind = marker.split("/")[0].removeprefix("consentrules-")
    return f"it is a consentrules {kind} file ({marker}), not a snapshot"


class NativeAdapter:
    name = "native"
    description = "consentrules snapshot format v1 (YAML or JSON)"
    suffixes: tuple[str, ...] = (".yaml", ".yml", ".json")

    def recognizes(self, path: Path, head: str) -> bool:
        """Any YAML or JSON file, and a file of any name that says it is a snapshot at its top
        level; not consentrules' own other files (rules, waivers, baselines, reports), which
        say what they are."""
        marker = top_level_marker(head)
        if path.suffix.lower() not in self.suffixes:
            return marker is not None and marker.startswith("snapshot/")
        return marker is None or marker.startswith("snapshot/")

    def load(self, path: Path, config: Config) -> Snapshot:
        document = load_document(path)
        data = document.data
        if isinstance(data, dict):
            marker = data.get("consentrules")
            if marker is None and isinstance(data.get("format"), str):
                marker = data["format"] if data["format"].startswith("consentrules-") else None
            problem = marker_problem(marker) if isinstance(marker, str) else None
            if problem is not None and isinstance(marker, str):
                position = document.source_map.locate("/consentrules")
                raise InputError(
                    [
                        Problem(
                            document.path,
                            problem,
                            line=position[0] if position else None,
                            hint="give rule files with --rules, waivers with --waivers and a "
                            "baseline with --baseline"
                            if not marker.startswith("snapshot/")
                            else "convert the file, or upgrade consentrules",
                        )
                    ]
                )
        return snapshot_from_document(document, config.regions, adapter=self.name)


@hookimpl(trylast=True)
def consentrules_register_adapters(registry: AdapterRegistry) -> None:
    """Registered after every other plugin's adapters (pluggy's ``trylast``), so that a
    plugin's adapter that recognises a file is asked first."""
    registry.add(NativeAdapter())
