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
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from consentrules.engine.evaluate import Engine
from consentrules.hookspecs import hookimpl
from consentrules.model import Finding
from consentrules.model import NoSourceMap
from consentrules.model import Report
from consentrules.model import Rule
from consentrules.model import Snapshot
from consentrules.model.dates import parse_date
from consentrules.model.regions import RegionRegistry
from consentrules.model.regions import default_registry
from consentrules.plugin.registry import CheckKindRegistry
from consentrules.sources.loading import RuleLoader
from consentrules.sources.snapshots import snapshot_from_document
from consentrules.sources.yamlsource import Document


def builtin_check_kinds() -> CheckKindRegistry:
    """A registry holding the four built-in check kinds, without loading any plugin."""
    from consentrules.engine.checks import builtin_check_kinds as kinds

    return kinds()


def make_config(plugins: Sequence[Any] = (), *, autoload: bool = False) -> Any:
    """A run's configuration with the built-in plugins, ``plugins`` (objects or ``-p`` names)
    and, with ``autoload``, the installed ones: what an adapter's ``load(path, config)`` and a
    reporter's ``render`` are given."""
    from consentrules.plugin.config import make_config as _make

    names = [p for p in plugins if isinstance(p, str)]
    objects = [p for p in plugins if not isinstance(p, str)]
    return _make(names, autoload=autoload, extra_plugins=objects)


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


def write_snapshot(
    folder: Path | str, data: Mapping[str, Any], name: str = "snapshot.yaml"
) -> Path:
    """Write a snapshot file (YAML, or JSON when ``name`` ends in .json) with defaults filled."""
    full = {"platform": "Test platform", "taken_at": "2025-01-01", "settings": [], **data}
    return _write(Path(folder) / name, full)


def write_rules(
    folder: Path | str,
    rules: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    name: str = "rules.yaml",
) -> Path:
    """Write a rule file; missing titles and severities are filled as in :func:`make_rules`."""
    items = [rules] if isinstance(rules, Mapping) else list(rules)
    filled = [{"title": f"rule {r.get('id', '?')}", "severity": "high", **r} for r in items]
    return _write(Path(folder) / name, {"rules": filled})


def _write(path: Path, data: Mapping[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".json":
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    else:
        import yaml

        path.write_text(yaml.safe_dump(dict(data), sort_keys=False), encoding="utf-8")
    return path


@dataclass
class RunResult:
    """What one in-process run of the command line produced."""

    exit_code: int
    stdout: str
    stderr: str
    #: For ``check``: the JSON report, captured whatever formats the run wrote.
    report: dict[str, Any] | None = None

    @property
    def json(self) -> Any:
        """Standard output parsed as JSON (for ``--format json``)."""
        return json.loads(self.stdout)

    @property
    def findings(self) -> list[dict[str, Any]]:
        if self.report is None:
            raise AssertionError(f"no report (exit {self.exit_code}): {self.stderr}")
        return list(self.report["findings"])

    def assert_findings(
        self, expected: Sequence[tuple[str, ...]], *, include_suppressed: bool = False
    ) -> None:
        """Assert the findings, as ``(rule_id, target_kind, target_id[, status])`` tuples.

        The order does not matter; the lists are compared whole and the difference is shown.
        """
        actual = []
        for f in self.findings:
            if f["suppression"] and not include_suppressed:
                continue
            item = (f["rule_id"], f["target"]["kind"], f["target"]["id"], f["status"])
            actual.append(item)
        wanted = [tuple(e) if len(e) == 4 else (*e, "violation") for e in expected]
        missing = sorted(set(wanted) - set(actual))
        unexpected = sorted(set(actual) - set(wanted))
        if missing or unexpected:
            lines = ["findings differ:"]
            lines += [f"  missing:    {m}" for m in missing]
            lines += [f"  unexpected: {u}" for u in unexpected]
            raise AssertionError("\n".join(lines))


class _ReportCapture:
    """A plugin that keeps the final report of a run, as the JSON reporter would write it."""

    def __init__(self) -> None:
        self.report: dict[str, Any] | None = None

    @hookimpl
    def consentrules_sessionfinish(self, report: Report) -> None:
        from consentrules.report.json_reporter import report_dict

        self.report = json.loads(json.dumps(report_dict(report), default=str))


def run(*args: str, plugins: Sequence[Any] = ()) -> RunResult:
    """Run ``consentrules ARGS`` in this process and capture its output.

    ``plugins`` are plugin objects (modules or instances) registered for this run only. For
    ``check``, the final report is captured too (``RunResult.report``, in the JSON format).
    """
    from consentrules.cli.main import main

    capture = _ReportCapture()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args), plugins=[*plugins, capture])
    return RunResult(code, out.getvalue(), err.getvalue(), capture.report)


try:  # the pytest fixture, only when pytest is there
    import pytest
except ImportError:  # pragma: no cover
    pass
else:

    @pytest.fixture
    def consentrules_run(
        monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
    ) -> Iterator[Any]:
        """Run the CLI in process. Entry-point autoload is off, so that other installed
        plugins stay out of the tests, but the plugin under test is loaded: the entry points
        of the distribution whose ``pyproject.toml`` is at pytest's root folder."""
        import os

        monkeypatch.setenv("CONSENTRULES_DISABLE_PLUGIN_AUTOLOAD", "1")
        names = plugins_under_test(Path(request.config.rootpath))
        if names:
            given = [n for n in os.environ.get("CONSENTRULES_PLUGINS", "").split(",") if n]
            monkeypatch.setenv("CONSENTRULES_PLUGINS", ",".join([*given, *names]))
        yield run


def plugins_under_test(root: Path) -> list[str]:
    """The ``consentrules`` entry points of the distribution whose ``pyproject.toml`` is in
    ``root`` (installed, as ``pip install -e .`` or a tox environment installs it)."""
    import re
    from importlib.metadata import entry_points

    try:
        text = (root / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return []
    project = re.search(r"(?ms)^\[project\]\s*$(.*?)(?=^\[|\Z)", text)
    found = project and re.search(r"""(?m)^name\s*=\s*["']([^"']+)["']""", project.group(1))
    if not found:
        return []

    def normal(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    wanted = normal(found.group(1))
    return sorted(
        ep.name
        for ep in entry_points(group="consentrules")
        if ep.dist is not None and normal(ep.dist.name) == wanted
    )


def modules_imported_by_registering(plugin: str) -> set[str]:
    """The modules a fresh Python process has imported once ``plugin`` (an entry-point name
    or a module, as with ``-p``) is registered beside the built-in plugins, before any of
    its hooks runs. consentrules loads every installed plugin on every run, so a plugin
    should import its heavy dependencies when its adapter or reporter is used, not here::

        assert "fideslang" not in modules_imported_by_registering("fides")
    """
    import json
    import subprocess
    import sys

    code = (
        "import json, sys\n"
        "from consentrules.plugin.config import make_config\n"
        f"make_config([{plugin!r}], autoload=False)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(result.stdout))


def assert_registers_without(plugin: str, heavy: Iterable[str]) -> None:
    """Fail unless registering ``plugin`` (as with ``-p``) leaves every module of ``heavy``
    unimported: the test each plugin's own suite runs (see
    :func:`modules_imported_by_registering`)."""
    loaded = modules_imported_by_registering(plugin)
    found = sorted(set(heavy) & loaded)
    assert not found, f"registering {plugin!r} imports {', '.join(found)}"
