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
    from consentrules.regions import default_registry

    return default_registry()
