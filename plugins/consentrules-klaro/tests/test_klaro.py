"""Klaro! configurations read as Klaro runs them on a first visit (v0.7's consent-manager.js)."""

from __future__ import annotations

import shutil
from pathlib import Path

import consentrules_klaro
import pytest

from consentrules.testing import run

DATA = Path(__file__).parent / "data"


def check(path: Path, *args: str):
    return run("check", str(path), "--format", "json", *args, plugins=[consentrules_klaro])


def defaults(path: Path) -> dict[str, bool | None]:
    result = run("snapshot", "show", str(path), "--format", "json", plugins=[consentrules_klaro])
    assert result.exit_code == 0, result.stderr
    import json

    data = json.loads(result.stdout)
    return {s["id"]: s.get("default") for s in data["settings"]}


def test_the_config_the_script_tag_names_is_read_not_a_decoy():
    found = defaults(DATA / "shop.html")
    assert "legacy-tracker" not in found  # klaroConfig is not the config Klaro is told to read
    assert "hotjar" not in found  # commented out
    assert set(found) == {
        "matomo",
        "google-ads",
        "meta-pixel",
        "cloudflare",
        "intercom",
        "recommendations",
    }


def test_first_visit_states_follow_klaro():
    found = defaults(DATA / "shop.html")
    assert found["matomo"] is True  # pre-ticked: not consent, on by default
    assert found["google-ads"] is False  # optOut alone loads nothing that starts unconsented
    assert found["meta-pixel"] is True  # optOut and consented: loads before the choice
    assert found["cloudflare"] is True  # required
    assert found["intercom"] is False  # the config's default: false
    assert found["recommendations"] is None  # a variable: cannot tell


def test_the_global_default_fills_in_where_klaro_does():
    found = defaults(DATA / "config-default-true.js")
    assert found["plausible"] is True  # default: false || undefined -> the config's default
    assert found["newsletter-pixel"] is False  # default: false || required: false -> false
    assert found["ab-tests"] is True


def test_the_findings_name_the_service_and_why_it_is_on():
    result = check(DATA / "shop.html")
    assert result.exit_code == 1, result.stderr
    fired = {(f["rule_id"], f["target"]["id"]) for f in result.report["findings"]}
    assert ("EPRIVACY-STORAGE-CONSENT", "matomo") in fired
    assert ("EPRIVACY-STORAGE-CONSENT", "meta-pixel") in fired
    assert not any(target == "cloudflare" for _, target in fired)  # security: necessary
    assert not any(target == "google-ads" for _, target in fired)
    pixel = next(
        f for f in result.report["findings"]
        if f["target"]["id"] == "meta-pixel" and f["rule_id"] == "EPRIVACY-STORAGE-CONSENT"
    )  # fmt: skip
    assert pixel["location"]["line"] == 46  # the service's line in the page
    messages = [
        f["message"] for f in result.report["findings"] if f["target"]["id"] == "recommendations"
    ]
    assert messages and all(
        "cannot be told: it is set by variable 'returningVisitor' (line 73)" in m for m in messages
    )
    shown = run("snapshot", "show", str(DATA / "shop.html"), plugins=[consentrules_klaro]).stdout
    assert "title: Matomo [pre-ticked in the consent modal (its default is true)]" in shown
    assert "Meta Pixel [optOut and consented by default: it loads before the visitor" in shown


def test_unknown_purposes_are_said_and_fail_under_strict(tmp_path):
    result = check(DATA / "config-default-true.js")
    (notice,) = [n for n in result.report["notices"] if n["category"] == "unmapped"]
    assert "ab-tests (experiments)" in notice["message"]
    strict = check(DATA / "config-default-true.js", "--strict")
    assert strict.exit_code == 1


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("<script>var other = {};</script>", "no Klaro configuration object 'klaroConfig'", 1),
        (
            '<script src="/js/consent.js"></script>\n<script src="klaro.js"></script>',
            "it may be in a script the page loads (/js/consent.js)",
            1,
        ),
        ("<script>var klaroConfig = {default: true};</script>", "has no 'services'", 1),
        (
            "<script>\nvar klaroConfig = {services: [{title: 'x'}]};\n</script>",
            "services[0] has no 'name'",
            2,
        ),
        (
            '<p>klaro</p>\n<script data-klaro-id="abc123" src="https://cdn.kiprotect.com/klaro/v0.7/klaro.js"></script>',
            "hosted service (data-klaro-id='abc123')",
            2,
        ),
    ],
)
def test_bad_configs_are_the_users_error_with_the_line(tmp_path, text, message, line):
    page = tmp_path / "page.html"
    page.write_text(text)
    result = run("check", str(page), "--adapter", "klaro", plugins=[consentrules_klaro])
    assert result.exit_code == 2
    assert f"{page}:{line}" in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_page_is_recognised_without_naming_the_adapter(tmp_path):
    page = tmp_path / "shop.html"
    shutil.copy(DATA / "shop.html", page)
    result = run("check", str(page), "--format", "json", plugins=[consentrules_klaro])
    assert result.report["snapshots"][0]["adapter"] == "klaro"


def test_releases_before_0_7_name_the_config_with_data_config(tmp_path):
    page = tmp_path / "old.html"
    page.write_text(
        "<script>var myConfig = {apps: [{name: 'ga', purposes: ['analytics'], default: true}]};"
        "</script>\n"
        '<script src="https://cdn.kiprotect.com/klaro/v0.4/klaro.js" data-config="myConfig">'
        "</script>"
    )
    assert defaults(page) == {"ga": True}  # the old 'apps' list, the old attribute
