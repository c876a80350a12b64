"""Finding rule files: files as given, folders searched for every ``.yaml``, ``.yml`` and
``.json`` file but the claim patterns a pack may keep beside its rules."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from consentrules.model.errors import InputError
from consentrules.model.errors import Problem

#: Endings of rule files in a folder, in any letter case (JSON is read as JSON).
RULE_SUFFIXES = (".yaml", ".yml", ".json")


#: Files a rule folder may hold that are not rules: ``claims.yaml`` says what a pack's purposes
#: look like in a policy's text, for a claim matcher (consentrules-ota reads it).
NOT_RULE_FILES = frozenset({"claims.yaml", "claims.yml"})


def find_rule_files(paths: Iterable[Path]) -> list[Path]:
    """Rule files named by ``paths``: files as given, folders searched recursively (links
    followed, each folder once), sorted. A folder with no rule file is an error: a run must
    not check against nothing."""
    from consentrules.sources.walk import walk

    files: list[Path] = []
    problems = []
    for path in paths:
        if path.is_dir():
            found = walk(path)
            problems.extend(found.problems)
            rule_files = [
                p
                for p in found.files
                if p.suffix.lower() in RULE_SUFFIXES and p.name not in NOT_RULE_FILES
            ]
            if not rule_files and not found.problems:
                problems.append(
                    Problem(
                        str(path),
                        "the folder holds no rule files",
                        hint="rule files end in .yaml, .yml or .json",
                    )
                )
            files.extend(rule_files)
        elif path.is_file():
            files.append(path)
        elif path.exists():
            from consentrules.sources.walk import file_kind

            problems.append(
                Problem(str(path), f"{file_kind(path.stat().st_mode)}: only regular files are read")
            )
        else:
            problems.append(Problem(str(path), "no such rule file or folder"))
    if problems:
        raise InputError(problems)
    unique: dict[Path, None] = dict.fromkeys(files)
    return list(unique)
