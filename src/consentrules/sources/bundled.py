"""The rule packs that ship with consentrules, provided through ``consentrules_rule_paths``.

An installed package carries them in ``consentrules/bundled_rules``; a source checkout (or an
editable install) uses the repository's ``rules/`` folder.
"""

from __future__ import annotations

from pathlib import Path

from consentrules import hookimpl


def bundled_rules_path() -> Path:
    package = Path(__file__).resolve().parents[1]  # src/consentrules, or the installed package
    packaged = package / "bundled_rules"
    if packaged.is_dir():
        return packaged
    return package.parents[1] / "rules"


@hookimpl
def consentrules_rule_paths() -> list[Path]:
    path = bundled_rules_path()
    return [path] if path.is_dir() else []
