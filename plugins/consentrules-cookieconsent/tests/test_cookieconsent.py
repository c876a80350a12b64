"""vanilla-cookieconsent v3 configurations read as the library runs them on a first visit."""

from __future__ import annotations

import json
from pathlib import Path

import consentrules_cookieconsent
import pytest

from consentrules.testing import run

DATA = Path(__file__).parent / "data"


def shown(path: Path) -> dict[str, dict]:
    result = run(
        "snapshot", "show", str(path), "--format", "json", plugins=[consentrules_cookieconsent]
    )
    assert result.exit_code == 0, result.stderr
    return {s["id"]: s for s in json.loads(result.stdout)["settings"]}


def check(path: Path, *args: str):
    return run("check", str(path), "--format", "json", *args, plugins=[consentrules_cookieconsent])


def test_categories_start_as_the_library_starts_them():
    found = shown(DATA / "store.html")
    assert list(found) == ["necessary", "analytics", "ads", "functionality"]  # not the comment
    assert found["necessary"]["default"] is True and found["necessary"]["purposes"] == [
        "functional"
    ]
    assert found["analytics"]["default"] is True  # enabled: ticked, not consent
    assert found["ads"]["default"] is False
    assert found["functionality"]["default"] is False
    assert found["ads"]["metadata"]["services"] == ["gads", "meta"]


def test_titles_come_from_the_preferences_modal_and_say_what_the_mode_leaves_open():
    found = shown(DATA / "store.html")
    assert found["ads"]["title"] == "Targeted advertising"
    analytics = found["analytics"]["title"]
    assert analytics.startswith("Performance and analytics [ticked in the preferences modal;")
    assert "depends on the mode (mode is set by expression" in analytics
    assert found["necessary"]["title"].endswith("[necessary (read-only, always on)]")


def test_opt_out_mode_runs_ticked_categories_before_the_choice():
    found = shown(DATA / "us-opt-out.js")  # the object is passed through a variable
    assert found["marketing"]["default"] is True
    assert "runs before the visitor chooses (opt-out mode)" in found["marketing"]["title"]
    assert found["surveys"]["default"] is False


def test_the_findings_judge_the_ticked_analytics_category():
    result = check(DATA / "store.html")
    assert result.exit_code == 1
    fired = {(f["rule_id"], f["target"]["id"], f["status"]) for f in result.report["findings"]}
    assert ("EPRIVACY-STORAGE-CONSENT", "analytics", "violation") in fired
    assert not any(
        target in ("ads", "necessary") for _, target, status in fired if status == "violation"
    )
    analytics = next(f for f in result.report["findings"] if f["target"]["id"] == "analytics")
    assert analytics["location"]["line"] == 45


def test_a_category_name_no_rule_knows_is_said(tmp_path):
    result = check(DATA / "us-opt-out.js")
    (notice,) = [n for n in result.report["notices"] if n["category"] == "unmapped"]
    assert "surveys" in notice["message"]
    assert check(DATA / "us-opt-out.js", "--strict").exit_code == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<script>CookieConsent.run({mode: 'opt-in'});</script>", "has no 'categories' object"),
        (
            "<script>CookieConsent.run(window.ccConfig);</script>",
            "not an object literal in this file",
        ),
        (
            "<script>var cc = initCookieConsent();\ncc.run({page_scripts: true});</script>",
            "v2 configuration",
        ),
        ("<p>vanilla-cookieconsent</p>", "no CookieConsent.run({...}) call"),
    ],
)
def test_bad_configs_are_the_users_error(tmp_path, text, message):
    page = tmp_path / "page.html"
    page.write_text(text)
    result = run(
        "check", str(page), "--adapter", "cookieconsent", plugins=[consentrules_cookieconsent]
    )
    assert result.exit_code == 2, result.stdout
    assert str(page) in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_page_is_recognised_without_naming_the_adapter():
    result = check(DATA / "store.html")
    assert result.report["snapshots"][0]["adapter"] == "cookieconsent"


def test_the_librarys_own_demo_configuration_reads_as_it_runs():
    """The library's demo: necessary read-only, analytics not ticked: nothing on by default
    but what is necessary, so no rule finds a violation."""
    found = shown(DATA / "demo-basic-cookieconsent-init.js")
    assert found["necessary"]["default"] is True and found["analytics"]["default"] is False
    assert found["analytics"]["title"] == "Performance and analytics cookies"
    result = check(DATA / "demo-basic-cookieconsent-init.js")
    assert result.exit_code == 0
    assert not [f for f in result.report["findings"] if f["status"] == "violation"]
