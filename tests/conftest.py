from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["consentrules.testing"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True)
def _no_plugin_autoload(monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> None:
    """Installed third-party plugins must not leak into the project's own tests, and the
    rule cache stays out of the user's home."""
    monkeypatch.setenv("CONSENTRULES_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.setenv("CONSENTRULES_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.delenv("CONSENTRULES_PLUGINS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def regions():
    from consentrules.model.regions import default_registry

    return default_registry()


def kind_plugin(tmp_path: Path, name: str, evaluate, *, per_setting: bool = False):
    """A plugin registering a check kind ``name`` that judges with ``evaluate(rule, settings,
    ctx)``, and a rule file with one rule (id ``R``) of that kind: ``(plugin, rules_path)``."""
    from types import SimpleNamespace

    from consentrules import hookimpl

    kind = SimpleNamespace(
        name=name,
        description=f"a test kind: {name}",
        params_schema={"type": "object"},
        prepare=lambda params, regions: None,
        evaluate=evaluate,
    )
    if per_setting:
        kind.per_setting = True

    class Plugin:
        @hookimpl
        def consentrules_register_check_kinds(self, registry):
            registry.add(kind)

    rules = tmp_path / f"{name}-rules.yaml"
    rules.write_text(f"rules:\n  - {{id: R, title: t, severity: low, check: {{kind: {name}}}}}\n")
    return Plugin(), rules


@pytest.fixture
def splits(monkeypatch):
    """Split even small JSON snapshots into runs (several processes), and count the checks that
    really ran in runs (test_split, test_fragments)."""
    from consentrules.execute import cuts
    from consentrules.execute import split

    monkeypatch.setattr(cuts, "MIN_BYTES", 0)
    done: list[int] = []
    original = split.check_split

    def counting(job, path, parts):
        result = original(job, path, parts)
        if result is not None:
            done.append(parts)
        return result

    monkeypatch.setattr(split, "check_split", counting)
    return done
