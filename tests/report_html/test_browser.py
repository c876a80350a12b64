"""The HTML report of each example, opened in headless Chromium (issue 16).

``.ci/run`` installs Debian's chromium when it is missing and sets
``CONSENTRULES_REQUIRE_BROWSER=1``, so that in CI a missing browser fails instead of skipping.
Screenshots go to ``$CONSENTRULES_ARTIFACTS`` (tox: ``build/screenshots``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from consentrules.testing import run
from consentrules.testing import write_snapshot

from .conftest import _artifacts
from .conftest import _open

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [
    ROOT / "examples/ai-training-2024/violating.yaml",
    ROOT / "examples/ai-training-2024/compliant.yaml",
    *sorted((ROOT / "examples").glob("*/snapshot.yaml")),
]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_each_example_report_renders_in_a_browser(browser, tmp_path, example):
    report = tmp_path / "report.html"
    result = run("check", str(example), "-o", f"html={report}")
    assert result.exit_code in (0, 1), result.stderr
    page, events = _open(browser, report)
    try:
        assert events["errors"] == []
        assert events["requests"] == [report.as_uri()]  # nothing but the page itself
        for heading in ("Summary", "By region", "Findings", "What was checked", "Run metadata"):
            assert page.get_by_role("heading", name=heading).first.is_visible(), heading
        pictures = page.locator("figure.timeline svg")
        assert pictures.count() >= 1
        first = pictures.first
        assert first.is_visible()
        box = first.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100
        for index in range(pictures.count()):
            bars = pictures.nth(index).locator("g.bar")
            assert bars.count() == 5  # EEA, UK, Switzerland, United States, rest of world
        assert (
            page.locator("table.regions").count()
            + page.get_by_text("No region is affected by a violation.").count()
            >= 1
        )
        name = f"{example.parent.name}-{example.stem}.png"
        page.screenshot(path=str(_artifacts(tmp_path) / name), full_page=True)
    finally:
        page.close()


def test_a_setting_id_holding_markup_shows_as_text_and_runs_nothing(browser, tmp_path):
    evil = "<img src=x onerror=alert(1)>"
    setting = {"id": evil, "purposes": ["ai_training"], "default": True,
               "regions": {"include": ["ALL"]}, "activated_at": "2024-01-01"}  # fmt: skip
    snapshot = write_snapshot(tmp_path, {"settings": [setting]})
    report = tmp_path / "report.html"
    run("check", str(snapshot), "-o", f"html={report}")
    page, events = _open(browser, report)
    try:
        assert events["dialogs"] == [] and events["errors"] == []
        assert events["requests"] == [report.as_uri()]  # no request for the image "x"
        assert page.locator("img").count() == 0
        assert evil in page.inner_text("body")
    finally:
        page.close()


def test_the_report_prints_to_pdf_with_a_page_per_platform(browser, tmp_path):
    report = tmp_path / "report.html"
    examples = [str(p) for p in EXAMPLES[:3]]
    run("check", *examples, "-o", f"html={report}")
    page, _events = _open(browser, report)
    try:
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF")
        pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
        assert pages >= 3  # the summary, then each platform from a new page
        page.emulate_media(media="print")
        breaks = page.eval_on_selector_all(
            "section.platform", "els => els.map(e => getComputedStyle(e).breakBefore)"
        )
        assert breaks.count("page") >= 2
    finally:
        page.close()
