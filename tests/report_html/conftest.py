"""The browser the HTML report's tests open it in: headless Chromium through Playwright.

``.ci/run`` installs Debian's chromium when it is missing and sets
``CONSENTRULES_REQUIRE_BROWSER=1``, so that in CI a missing browser fails instead of skipping.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CONSENTRULES_CHROMIUM") or shutil.which("chromium") or ""


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM or not Path(CHROMIUM).exists():
        if os.environ.get("CONSENTRULES_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is required (CONSENTRULES_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def _artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CONSENTRULES_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _open(browser, path: Path):
    page = browser.new_page(viewport={"width": 1024, "height": 1400})
    events: dict[str, list[str]] = {"errors": [], "requests": [], "dialogs": []}
    page.on("console", lambda m: events["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: events["errors"].append(str(e)))
    page.on("request", lambda r: events["requests"].append(r.url))
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, events
