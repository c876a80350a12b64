"""Issue 28: the HTML report as a reader sees it, in headless Chromium.

Not only that the page loads: which rows the per-region table has, which timeline rows carry
which marks, that the numbers over the timeline and the axis labels do not overlap or run off
the picture, what "Rules evaluated" says of a broken rule and of one not yet in force, and the
order of severities. Screenshots of each example are kept (``$CONSENTRULES_ARTIFACTS``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from consentrules.testing import run
from consentrules.testing import write_snapshot

from .conftest import _artifacts
from .conftest import _open

ROOT = Path(__file__).resolve().parents[2]
VIOLATING = ROOT / "examples/ai-training-2024/violating.yaml"
EXAMPLES = [
    VIOLATING,
    ROOT / "examples/ai-training-2024/compliant.yaml",
    *sorted((ROOT / "examples").glob("*/snapshot.yaml")),
]


@pytest.fixture
def violating(browser, tmp_path):
    report = tmp_path / "report.html"
    result = run("check", str(VIOLATING), "-o", f"html={report}")
    assert result.exit_code == 1, result.stderr
    page, _events = _open(browser, report)
    yield page
    page.close()


def _region_rows(page) -> list[tuple[str, str, str]]:
    return page.eval_on_selector_all(
        "table.regions tbody tr",
        "rows => rows.map(r => [...r.cells].slice(0, 3).map(c => c.innerText.trim()))",
    )


def test_region_rows_are_where_the_law_and_the_setting_meet(violating):
    rows = [tuple(r) for r in _region_rows(violating)]
    assert rows, "the example breaks rules in some regions"
    setting = "data-for-generative-ai-improvement"
    # The AI-training setting was never offered in the EEA or Switzerland: no row there.
    assert not [r for r in rows if r[0] in ("EEA", "Switzerland") and r[2] == setting]
    # California's law is not broken in Europe, nor the UK GDPR in the United States.
    assert not [r for r in rows if r[1].startswith("CCPA") and r[0] != "United States"]
    assert not [r for r in rows if r[1].startswith("UKGDPR") and r[0] != "UK"]
    # ... and the rows that belong are there.
    assert ("UK", "AI-TRAIN-003", setting) in rows
    assert ("United States", "CCPA-NOTICE-AT-COLLECTION", setting) in rows


def _rows_with(page, svg_index: int, css: str) -> set[str]:
    """The bar rows (region groups) a shade of class ``css`` lies on, in one timeline."""
    return set(
        page.eval_on_selector_all(
            "figure.timeline svg",
            """(svgs, [index, css]) => {
                const svg = svgs[index];
                const bars = [...svg.querySelectorAll('g.bar')].map(g => {
                    const r = g.querySelector('rect').getBoundingClientRect();
                    return [g.dataset.group, r.top, r.bottom];
                });
                const out = [];
                for (const s of svg.querySelectorAll('rect.' + css)) {
                    const b = s.getBoundingClientRect();
                    for (const [group, top, bottom] of bars) {
                        if (b.top < bottom && b.bottom > top) out.push(group);
                    }
                }
                return out;
            }""",
            [svg_index, css],
        )
    )


def test_timeline_marks_lie_on_the_regions_the_finding_is_about(violating):
    late = _rows_with(violating, 0, "late")
    broken = _rows_with(violating, 0, "broken")
    assert late, "the example's policy came seven weeks late"
    assert "eea" not in late and "ch" not in late  # never offered there
    assert late <= {"uk", "us"}  # where AI-TRAIN-003's laws apply and the setting ran
    assert "eea" not in broken and "ch" not in broken


def _boxes(page, selector: str) -> list[list[dict]]:
    return page.eval_on_selector_all(
        "figure.timeline svg",
        """(svgs, selector) => svgs.map(svg => {
            const frame = svg.getBoundingClientRect();
            return [...svg.querySelectorAll(selector)].map(t => {
                const b = t.getBoundingClientRect();
                return {text: t.textContent, left: b.left, right: b.right, top: b.top,
                        bottom: b.bottom, frameLeft: frame.left, frameRight: frame.right};
            });
        })""",
        selector,
    )


def _overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                a["left"] < b["right"]
                and b["left"] < a["right"]
                and a["top"] < b["bottom"]
                and (b["top"] < a["bottom"])
            ):
                out.append((a["text"], b["text"]))
    return out


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_labels_over_and_under_the_timeline_are_readable(browser, tmp_path, example):
    report = tmp_path / "report.html"
    run("check", str(example), "-o", f"html={report}")
    page, _ = _open(browser, report)
    try:
        for selector in ("g.mark text", "g.tick text"):
            for boxes in _boxes(page, selector):
                assert not _overlapping(boxes), (selector, _overlapping(boxes))
                for box in boxes:  # nothing cut at the picture's edges
                    assert box["left"] >= box["frameLeft"] - 0.5, box
                    assert box["right"] <= box["frameRight"] + 0.5, box
        page.screenshot(
            path=str(_artifacts(tmp_path) / f"reader-{example.parent.name}-{example.stem}.png"),
            full_page=True,
        )
    finally:
        page.close()


def test_versions_before_the_axis_and_on_one_day_are_shown_as_such(violating):
    numbers = violating.eval_on_selector_all(
        "figure.timeline svg",
        "svgs => [...svgs[0].querySelectorAll('g.mark')].map(g => g.dataset.numbers)",
    )
    # 2019-02 and 2023-06 came before the setting's timeline; the policy and the FAQ were
    # both published on 2024-09-18.
    assert "1, 2 earlier" in numbers
    assert "3, 4" in numbers
    assert len(numbers) == len(set(numbers))


def test_rules_evaluated_never_calls_a_broken_rule_compliant(violating):
    results = dict(
        violating.eval_on_selector_all(
            "tr[data-rule]", "rows => rows.map(r => [r.dataset.rule, r.cells[5].innerText])"
        )
    )
    # AI-TRAIN-004's finding is about the FAQ, not a setting: the rule is still broken.
    assert results["AI-TRAIN-004"] == "broken"
    assert results["AI-TRAIN-003"] == "broken"
    assert results["GPC-OR"].startswith("not in force")  # from 2026-01-01; judged 2024-11-20
    assert results["AI-TRAIN-001"] in ("compliant", "nothing to judge")


def test_the_summary_reads_as_words(violating):
    text = violating.inner_text("main")
    assert "5 high, 7 medium, 1 info" in text  # most severe first
    assert "7 problems breaking 12 rules" in text
    assert "(1 rules)" not in text and "1 violations" not in text
    assert "In short: what to fix first" in text
    wraps = violating.eval_on_selector_all(
        "td.date", "cells => cells.map(c => getComputedStyle(c).whiteSpace)"
    )
    assert wraps and set(wraps) == {"nowrap"}


def test_a_paused_period_has_its_own_colour_and_legend(browser, tmp_path):
    setting = {
        "id": "train",
        "purposes": ["ai_training"],
        "default": True,
        "regions": {"include": ["ALL"]},
        "activated_at": "2024-06-01",
        "history": [{"date": "2024-06-14", "status": "paused"}],
    }
    snapshot = write_snapshot(tmp_path, {"taken_at": "2024-12-01", "settings": [setting]})
    report = tmp_path / "report.html"
    run("check", str(snapshot), "-o", f"html={report}")
    page, _ = _open(browser, report)
    try:
        assert page.locator("rect.state-paused").count() >= 1
        assert page.locator("rect.state-off").count() == 0
        assert "paused (enrolling no one)" in page.inner_text(".legend")
    finally:
        page.close()


def test_run_metadata_lists_only_plugins_that_took_part(tmp_path):
    """A plugin that is loaded but neither reads, judges nor writes anything in the run is not
    listed among the tools the report was made with."""
    (tmp_path / "reader_idle_plugin.py").write_text("x = 1\n")
    (tmp_path / "reader_kind_plugin.py").write_text(
        "from consentrules import hookimpl\n"
        "class K:\n"
        "    name = 'mine'\n    description = 'x'\n    params_schema = {'type': 'object'}\n"
        "    def prepare(self, params, regions): return None\n"
        "    def evaluate(self, rule, settings, ctx): return []\n"
        "@hookimpl\n"
        "def consentrules_register_check_kinds(registry):\n    registry.add(K())\n"
    )
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        snapshot = write_snapshot(tmp_path, {"settings": []})
        rules = tmp_path / "rules.yaml"
        rules.write_text("rules:\n  - {id: M, title: t, severity: low, check: {kind: mine}}\n")
        result = run(
            "check",
            str(snapshot),
            "--rules",
            str(rules),
            "-p",
            "reader_idle_plugin",
            "-p",
            "reader_kind_plugin",
        )
        assert result.exit_code == 0, result.stderr
        names = (
            [name for name, _ in result.report["tool"]["plugins"]]
            if isinstance(result.report["tool"]["plugins"][0], list)
            else [p["name"] for p in result.report["tool"]["plugins"]]
        )
        assert "reader_kind_plugin" in names and "reader_idle_plugin" not in names
    finally:
        sys.path.remove(str(tmp_path))
        for name in ("reader_idle_plugin", "reader_kind_plugin"):
            sys.modules.pop(name, None)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_every_example_puts_rows_and_marks_where_law_and_setting_meet(browser, tmp_path, example):
    """For every worked example: each per-region row is in a region group where its rule's
    law applies, and each shade on a timeline lies on a bar where the setting was offered at
    some time."""
    from consentrules.engine.timeline import group_masks
    from consentrules.model.regions import default_registry

    registry = default_registry()
    groups = {label: mask for _, label, mask in group_masks(registry)}
    listed = run("rules", "list", "--format", "json").json
    listed = listed["rules"] if isinstance(listed, dict) else listed
    jurisdictions = {r["id"]: r.get("jurisdictions") or ["ALL"] for r in listed}
    report = tmp_path / "report.html"
    run("check", str(example), "-o", f"html={report}")
    page, _ = _open(browser, report)
    try:
        for group, rule_id, _setting in _region_rows(page):
            law = registry.mask_all(jurisdictions.get(rule_id, ["ALL"]))
            assert groups[group] & law, (group, rule_id)
        misplaced = page.eval_on_selector_all(
            "figure.timeline svg",
            """svgs => svgs.flatMap(svg => {
                const bars = [...svg.querySelectorAll('g.bar')].map(g => {
                    const first = g.querySelector('rect').getBoundingClientRect();
                    const offered = [...g.querySelectorAll('rect')]
                        .some(r => !r.classList.contains('state-absent'));
                    return [g.dataset.group, first.top, first.bottom, offered];
                });
                const out = [];
                for (const s of svg.querySelectorAll('rect.late, rect.broken')) {
                    const b = s.getBoundingClientRect();
                    for (const [group, top, bottom, offered] of bars) {
                        if (b.top < bottom && b.bottom > top && !offered) out.push(group);
                    }
                }
                return out;
            })""",
        )
        assert misplaced == []
    finally:
        page.close()


def test_a_notice_weeks_before_the_start_is_drawn_on_the_axis(browser, tmp_path):
    """The legitimate-interest example's notices came six weeks before the start (and the
    policy's previous version four months before): the reader sees them on the timeline,
    before the bars begin, not gathered at the edge."""
    example = ROOT / "examples/legitimate-interest-2025/snapshot.yaml"
    report = tmp_path / "report.html"
    run("check", str(example), "-o", f"html={report}")
    page, _ = _open(browser, report)
    try:
        numbers = page.eval_on_selector_all(
            "figure.timeline svg g.mark", "marks => marks.map(g => g.dataset.numbers)"
        )
        assert "2, 3" in numbers  # the policy update and the email, both 2025-04-14
        assert "1" in numbers and not [n for n in numbers if "earlier" in n]
        text = page.inner_text("main")
        assert "1 setting," in text and "1 settings" not in text
    finally:
        page.close()
