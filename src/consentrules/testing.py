"""Helpers for testing rules, check kinds and plugins (also used by consentrules' own tests).

Use them from any test framework; with pytest, ``pytest_plugins = ["consentrules.testing"]``
also gives the ``consentrules_run`` fixture::

    def test_my_adapter(consentrules_run, tmp_path):
        result = consentrules_run("check", str(tmp_path / "export.acme"), "-p", "my_plugin")
        assert result.exit_code == 1
        assert result.json["summary"]["violations"] == 2
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from consentrules.dates import parse_date
from consentrules.engine import Engine
from consentrules.loading import RuleLoader
from consentrules.model import Finding
from consentrules.model import NoSourceMap
from consentrules.model import Rule
from consentrules.model import Snapshot
from consentrules.regions import RegionRegistry
from consentrules.regions import default_registry
from consentrules.registry import CheckKindRegistry
from consentrules.snapshots import snapshot_from_document
from consentrules.yamlsource import Document


def builtin_check_kinds() -> CheckKindRegistry:
    """A registry holding the four built-in check kinds, without loading any plugin."""
    from consentrules.checks import condition
    from consentrules.checks import disclosure_timing
    from consentrules.checks import opt_in_default
    from consentrules.checks import regional_exclusion

    registry = CheckKindRegistry()
    for module in (opt_in_default, regional_exclusion, disclosure_timing, condition):
        registry.current_plugin = module.__name__.rsplit(".", 1)[-1]
        module.consentrules_register_check_kinds(registry)
    return registry


def make_snapshot(data: Mapping[str, Any], path: str = "snapshot.yaml") -> Snapshot:
    """Build a snapshot from plain data; ``platform``, ``taken_at`` and lists get defaults."""
    full = {"platform": "Test platform", "taken_at": "2025-01-01", "settings": [], **data}
    return snapshot_from_document(Document(path, full, NoSourceMap()))


def make_rules(
    rules: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    kinds: CheckKindRegistry | None = None,
    regions: RegionRegistry | None = None,
    path: str = "rules.yaml",
) -> list[Rule]:
    """Build rules from plain data (one rule mapping, or a list); missing titles are filled."""
    items = [rules] if isinstance(rules, Mapping) else list(rules)
    filled = [{"title": f"rule {r.get('id', '?')}", "severity": "high", **r} for r in items]
    loader = RuleLoader(kinds or builtin_check_kinds(), regions or default_registry())
    return loader.load_document(Document(path, {"rules": filled}, NoSourceMap()))


def evaluate(
    rules: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    snapshot: Mapping[str, Any] | Snapshot,
    *,
    as_of: str | None = None,
    kinds: CheckKindRegistry | None = None,
) -> list[Finding]:
    """Evaluate rules given as data against a snapshot given as data."""
    kinds = kinds or builtin_check_kinds()
    built = snapshot if isinstance(snapshot, Snapshot) else make_snapshot(snapshot)
    engine = Engine(kinds, default_registry())
    return engine.evaluate(
        make_rules(rules, kinds), built, as_of=parse_date(as_of) if as_of else None
    )


@dataclass
class RunResult:
    """What one in-process run of the command line produced."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)


def run(*args: str) -> RunResult:
    """Run ``consentrules ARGS`` in this process and capture its output."""
    from consentrules.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return RunResult(code, out.getvalue(), err.getvalue())


try:  # the pytest fixture, only when pytest is there
    import pytest
except ImportError:  # pragma: no cover
    pass
else:

    @pytest.fixture
    def consentrules_run(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
        """Run the CLI in process, with entry-point autoload off so tests stay isolated."""
        monkeypatch.setenv("CONSENTRULES_DISABLE_PLUGIN_AUTOLOAD", "1")
        yield run
