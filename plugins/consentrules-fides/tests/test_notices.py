"""Fides privacy notices: read on their own, joined with a manifest, and the traps of real
manifests (issue 31, point 3)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import consentrules_fides as plugin

from consentrules.testing import run

DATA = Path(__file__).parent / "data"
TEMPLATES = DATA / "fides-privacy-notice-templates.yml"


def shown(path: Path, *args: str) -> dict[str, dict]:
    result = run("snapshot", "show", str(path), "--format", "json", *args, plugins=[plugin])
    assert result.exit_code == 0, result.stderr
    return {s["id"]: s for s in json.loads(result.stdout)["settings"]}


def test_fides_own_templates_are_read_and_disabled_ones_decide_nothing():
    result = run("check", str(TEMPLATES), "--format", "json", plugins=[plugin])
    assert result.exit_code == 0 and "Traceback" not in result.stderr
    notes = [n["message"] for n in result.report["notices"]]
    assert any("5 privacy notice(s) are disabled and decide nothing" in n for n in notes)
    incomplete = [n for n in result.report["notices"] if n["category"] == "incomplete"]
    assert any("it holds no settings" in n["message"] for n in incomplete)


def test_enabled_notices_give_each_region_its_mechanism(tmp_path):
    enabled = tmp_path / "notices.yml"
    enabled.write_text(TEMPLATES.read_text().replace("disabled: True", "disabled: False"))
    found = shown(enabled)
    assert found["analytics"]["default"] is False  # opt_in
    assert found["data_sales_and_sharing"]["default"] is True  # opt_out
    assert found["essential"]["practice"] == "policy_practice"  # notice_only: no choice
    regions = found["marketing"]["regions"]["include"]
    assert "GB-ENG" in regions and "NO" in regions and "DE" in regions
    assert found["data_sales_and_sharing"]["regions"]["include"][:2] == ["US-CA", "US-CO"]
    assert found["data_sales_and_sharing"]["metadata"]["honors_gpc"] is True
    result = run("check", str(enabled), "--format", "json", plugins=[plugin])
    assert not [f for f in result.report["findings"] if f["status"] == "violation"]
    # the trap: marketing made opt-out in the EEA and the UK
    text = enabled.read_text()
    at = text.index("consent_mechanism: opt_in", text.index("notice_key: marketing"))
    enabled.write_text(text[:at] + "consent_mechanism: opt_out" + text[at + 25 :])
    result = run("check", str(enabled), "--format", "json", plugins=[plugin])
    fired = {
        (f["rule_id"], f["target"]["id"])
        for f in result.report["findings"]
        if f["status"] == "violation"
    }
    assert fired == {("GDPR-CONSENT-OPT-IN", "marketing"), ("UKGDPR-CONSENT-OPT-IN", "marketing")}


def test_a_manifest_beside_its_notices_needs_no_overlay_for_what_they_state(tmp_path):
    shutil.copy(DATA / "fides.yml", tmp_path / "fides.yml")
    notices = TEMPLATES.read_text().replace("disabled: True", "disabled: False")
    (tmp_path / "privacy_notices.yml").write_text(notices)
    found = shown(tmp_path / "fides.yml")
    covered = [s for s in found.values() if s["metadata"].get("fides_notices")]
    assert covered, "the declarations whose data uses a notice covers take its defaults"
    for setting in covered:
        assert setting["region_defaults"], setting["id"]
        assert "do not apply here" in setting["default_note"]


def test_a_notices_file_with_a_bad_mechanism_is_the_users_error(tmp_path):
    bad = tmp_path / "notices.yml"
    bad.write_text("privacy_notices:\n  - notice_key: x\n    consent_mechanism: maybe\n")
    result = run("check", str(bad), plugins=[plugin])
    assert result.exit_code == 2
    assert (
        f"{bad}:2" in result.stderr and "consent_mechanism 'maybe' is not one of" in result.stderr
    )


MIXED = """\
system:
  - fides_key: shop
    name: Shop
    system_type: Service
    privacy_declarations:
      - name: Ads
        data_use: marketing.advertising.third_party.targeted
        data_categories: [user.device.cookie_id]
        data_subjects: [customer]
      - data_use: analytics.reporting.ad_performance
        data_categories: []
        data_subjects: [customer]
      - name: Profiles
        data_use: personalize.profiling
        data_categories: [user.behavior]
        data_subjects: [customer]
"""


def test_real_manifest_traps_are_said_not_crashed_on(tmp_path):
    """A mix of named and unnamed declarations (fideslang's own model sorts them by name and
    fails), a declaration with no data categories, a deprecated data use."""
    path = tmp_path / "fides.yml"
    path.write_text(MIXED)
    result = run("check", str(path), "--format", "json", plugins=[plugin])
    assert "Traceback" not in result.stderr and result.exit_code in (0, 1), result.stderr
    messages = [n["message"] for n in result.report["notices"]]
    assert any("list no data categories" in m and "shop/analytics.reporting" in m for m in messages)
    assert any(
        "'personalize.profiling' is deprecated" in m and "personalize.content.profiling" in m
        for m in messages
    )
