"""The rule packs that ship with consentrules, provided through ``consentrules_rule_paths``.

An installed package carries them in ``consentrules/bundled_rules``; a source checkout (or an
editable install) uses the repository's ``rules/`` folder.
"""

from __future__ import annotations

from pathlib import Path

from consentrules import hookimpl


def bundled_rules_path() -> Path:
    packaged = Path(__file__).parent / "bundled_rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"


@hookimpl
def consentrules_rule_paths() -> list[Path]:
    path = bundled_rules_path()
    return [path] if path.is_dir() else []
