from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["consentrules.testing"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True)
def _no_plugin_autoload(monkeypatch: pytest.MonkeyPatch) -> None:
    """Installed third-party plugins must not leak into the project's own tests."""
    monkeypatch.setenv("CONSENTRULES_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.delenv("CONSENTRULES_PLUGINS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def regions():
    from consentrules.regions import default_registry

    return default_registry()
