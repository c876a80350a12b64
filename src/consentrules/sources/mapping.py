"""Mapping files: how a vendor's flags map to purposes, data categories and recipients.

A vendor ships one with an adapter (``docs/mapping.md``); a customer may give their own. The
first mapping whose ``match`` fits a flag gives its facts; a flag no mapping fits is
"unmapped", and the file says what an adapter should do about it (``unmapped: warn``, the
default, makes a notice; ``error`` refuses the file; ``ignore``).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from collections.abc import Mapping as MappingType
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from consentrules.model.errors import InputError
from consentrules.sources.schema import load_schema
from consentrules.sources.schema import validate
from consentrules.sources.yamlsource import load_document


@dataclass(frozen=True)
class Facts:
    """What a mapping says about a flag, and which mapping (its 0-based index) said it."""

    purposes: tuple[str, ...]
    data_categories: tuple[str, ...]
    recipients: tuple[str, ...]
    index: int


@dataclass(frozen=True)
class Mapping:
    path: str
    entries: tuple[MappingType[str, Any], ...]
    unmapped: str = "warn"

    def lookup(
        self,
        key: str,
        tags: Iterable[str] = (),
        metadata: MappingType[str, Any] | None = None,
    ) -> Facts | None:
        """The facts of the first mapping that matches the flag, or None (unmapped)."""
        tags = set(tags)
        metadata = metadata or {}
        for index, entry in enumerate(self.entries):
            match = entry["match"]
            if "key" in match and not fnmatch.fnmatchcase(key, match["key"]):
                continue
            if "tag" in match and match["tag"] not in tags:
                continue
            wanted = match.get("metadata") or {}
            if any(metadata.get(field) != value for field, value in wanted.items()):
                continue
            return Facts(
                tuple(entry.get("purposes") or ()),
                tuple(entry.get("data_categories") or ()),
                tuple(entry.get("recipients") or ()),
                index,
            )
        return None


def load_mapping(path: Path | str) -> Mapping:
    """Read and validate a mapping file; problems name the file and line.

    :raises InputError: a file that cannot be read or does not follow the format.
    """
    document = load_document(path)
    problems = validate(
        document.data, load_schema("mapping"), path=str(path), source_map=document.source_map
    )
    if problems:
        raise InputError(problems)
    data = document.data
    return Mapping(str(path), tuple(data["mappings"]), data.get("unmapped", "warn"))
