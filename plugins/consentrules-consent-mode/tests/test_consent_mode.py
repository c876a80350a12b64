from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import consentrules_consent_mode as plugin
import pytest

from consentrules.testing import run

DATA = Path(__file__).parent / "data"
EEA = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
    "IS",
    "LI",
    "NO",
]
# Territories of EU member states that ISO 3166-1 (and so geolocation) codes on their own: a
# list of the member states that says FR leaves Réunion (RE) out.
TERRITORIES = ["AX", "GF", "GP", "MF", "MQ", "RE", "YT"]
DENIED = {t: "denied" for t in plugin.V2_TYPES}
GRANTED = {t: "granted" for t in plugin.V2_TYPES}


def export(tmp_path, commands, name="consent.json"):
    path = tmp_path / name
    path.write_text(
        json.dumps(
            {"platform": "shop.example", "taken_at": "2025-01-10", "commands": commands}, indent=2
        )
    )
    return path


def check(path, *args):
    """Check with the plugin's own pack (the bundled packs would add their own findings)."""
    return run(
        "check",
        str(path),
        "--disable-plugin-autoload",
        "--pack",
        "consent-mode",
        *args,
        plugins=[plugin],
    )


def fired(result):
    return sorted(
        {(f["rule_id"], f["target"]["id"]) for f in result.findings if f["status"] == "violation"}
    )


def test_denied_in_eea_uk_and_ch_passes(tmp_path):
    path = export(
        tmp_path,
        [["consent", "default", {**DENIED, "region": [*EEA, *TERRITORIES, "GB", "CH"]}], GRANTED],
    )
    result = check(path)
    assert result.exit_code == 0, result.stdout
    assert result.report["snapshots"][0]["adapter"] == "consent-mode"


def test_the_member_states_alone_leave_their_own_coded_territories_open(tmp_path):
    path = export(
        tmp_path, [["consent", "default", {**DENIED, "region": [*EEA, "GB", "CH"]}], GRANTED]
    )
    result = check(path)
    ads = next(f for f in result.findings if f["rule_id"] == "CM-ADS-EEA-UK")
    assert ads["regions"] == TERRITORIES
    assert ads["message"].endswith(
        "in AX, GF, GP, MF, MQ, RE and YT (AX, GF, GP, MF, MQ, RE and YT: territories of EU "
        "member states with country codes of their own, where EU law applies)"
    )


def test_saved_page_with_the_uk_and_switzerland_forgotten(tmp_path):
    result = check(DATA / "eea-only.html")
    assert result.exit_code == 1
    assert fired(result) == [
        ("CM-ADS-EEA-UK", "ad_personalization"),
        ("CM-ADS-EEA-UK", "ad_storage"),
        ("CM-ADS-EEA-UK", "ad_user_data"),
        ("CM-ANALYTICS-EEA-UK", "analytics_storage"),
        # the UK's analytics needed consent until the 2025 Act's exception (2026-02-05)
        ("CM-ANALYTICS-UK", "analytics_storage"),
        ("CM-CH", "ad_personalization"),
        ("CM-CH", "ad_storage"),
        ("CM-CH", "ad_user_data"),
        ("CM-CH", "analytics_storage"),
    ]
    uk = next(f for f in result.findings if f["rule_id"] == "CM-ANALYTICS-UK")
    assert uk["regions"] == ["GB"] and "judged until 2026-02-05" in uk["message"]
    ads = next(f for f in result.findings if f["rule_id"] == "CM-ADS-EEA-UK")
    assert ads["regions"] == sorted(["GB", *TERRITORIES])  # the page lists the 30 states only
    assert ads["location"]["line"] == 18  # the global 'granted' command
    assert result.report["snapshots"][0]["platform"] == "shop.example"


def test_unset_v2_type_is_granted_and_says_so(tmp_path):
    denied = {"ad_storage": "denied", "ad_personalization": "denied", "analytics_storage": "denied"}
    path = export(tmp_path, [{**denied}])
    result = check(path)
    assert fired(result) == [("CM-ADS-EEA-UK", "ad_user_data"), ("CM-CH", "ad_user_data")]
    snapshot = plugin.ConsentModeAdapter().load(path, _config())
    (unset,) = [s for s in snapshot.settings if s.metadata.get("unset")]
    assert unset.id == "ad_user_data" and unset.default is True
    assert "no default set" in unset.title


def test_most_specific_region_wins(tmp_path):
    commands = [
        {**GRANTED},
        {**DENIED, "region": [*EEA, *TERRITORIES, "GB", "CH"]},
        {"ad_storage": "granted", "region": ["DE"]},  # a country over the group's entry
    ]
    result = check(export(tmp_path, commands))
    assert fired(result) == [("CM-ADS-EEA-UK", "ad_storage")]
    (finding,) = [f for f in result.findings if f["status"] == "violation"]
    assert finding["regions"] == ["DE"]


def test_us_state_overrides_country(tmp_path):
    commands = [
        {**DENIED},
        {"ad_storage": "granted", "region": ["US"]},
        {"ad_storage": "denied", "region": ["US-CA"]},
    ]
    snapshot = plugin.ConsentModeAdapter().load(export(tmp_path, commands), _config())
    (ad_storage,) = [s for s in snapshot.settings if s.id == "ad_storage"]
    assert dict(ad_storage.region_defaults) == {"US": True, "US-CA": False}


def _config():
    from consentrules.testing import make_config

    return make_config()


@pytest.mark.parametrize(
    ("commands", "message"),
    [
        ([{"ad_storage": "yes"}], "ad_storage: 'yes' is not 'granted' or 'denied'"),
        ([{"ad_storage": "denied", "region": "DE"}], "'region' must be a list"),
        ([["consent", "default"]], "a command array must be"),
        ([], "no gtag('consent', 'default', ...) command found"),
    ],
)
def test_bad_exports_are_input_errors(tmp_path, commands, message):
    result = check(export(tmp_path, commands), "--adapter", "consent-mode")
    assert result.exit_code == 2 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_value_set_by_code_is_cannot_tell_with_its_line(tmp_path):
    """Issue 31: a default the file sets with a variable is not an input error and not a
    guess: that type is "cannot tell", saying why and where."""
    page = tmp_path / "p.html"
    page.write_text("<script>\nvar d = 'denied';\ngtag('consent', 'default', {ad_storage: d});\n")
    result = check(page)
    assert "Traceback" not in result.stderr and result.exit_code in (0, 1)
    ads = [f for f in result.report["findings"] if f["target"]["id"] == "ad_storage"]
    assert ads and all(f["status"] == "not_evaluable" for f in ads)
    assert "set to code the file cannot evaluate (cannot read 'd' on line 3)" in ads[0]["message"]


def test_the_libraries_documented_update_pattern_is_read(tmp_path):
    """vanilla-cookieconsent's documented Consent Mode pattern: denied defaults on load, then
    updates computed from the accepted categories in its callbacks (never an input error)."""
    page = tmp_path / "p.html"
    page.write_text(
        "<script>\nwindow.dataLayer = window.dataLayer || [];\n"
        "function gtag(){dataLayer.push(arguments);}\n"
        "gtag('consent', 'default', {ad_storage: 'denied', ad_user_data: 'denied', "
        "ad_personalization: 'denied', analytics_storage: 'denied'});\n"
        "CookieConsent.run({onConsent: () => { gtag('consent', 'update', {analytics_storage: "
        "CookieConsent.acceptedCategory('analytics') ? 'granted' : 'denied'}); },\n"
        "  categories: {necessary: {readOnly: true}, analytics: {}}});\n</script>\n"
    )
    result = check(page, "--adapter", "consent-mode")
    assert result.exit_code == 0, result.stderr + result.stdout


def test_recognises_its_files_only(tmp_path):
    adapter = plugin.ConsentModeAdapter()
    path = export(tmp_path, [GRANTED])
    assert adapter.recognizes(path, path.read_text()[:4096])
    other = tmp_path / "snapshot.json"
    other.write_text('{"platform": "x", "settings": []}')
    assert not adapter.recognizes(other, other.read_text())
    assert adapter.recognizes(DATA / "eea-only.html", "")
    plain = tmp_path / "plain.html"
    plain.write_text("<html></html>")
    assert not adapter.recognizes(plain, "<html></html>")


def test_installed_plugin_is_discovered_with_its_rules(tmp_path):
    try:
        dist = metadata.distribution("consentrules-consent-mode")
    except metadata.PackageNotFoundError:
        pytest.skip("consentrules-consent-mode is not installed")
    listing = subprocess.run(
        [sys.executable, "-m", "consentrules", "plugins"], capture_output=True, text=True
    )
    assert f"consentrules-consent-mode {dist.version}" in listing.stdout
    rules = subprocess.run(
        [sys.executable, "-m", "consentrules", "rules", "list"], capture_output=True, text=True
    )
    assert "CM-ADS-EEA-UK" in rules.stdout and "consent-mode" in rules.stdout
    page = subprocess.run(
        [sys.executable, "-m", "consentrules", "check", str(DATA / "eea-only.html")],
        capture_output=True,
        text=True,
    )
    assert page.returncode == 1 and "CM-CH" in page.stdout


def test_the_shipped_pack_passes_its_fixtures():
    rules = Path(plugin.__file__).parent / "rules"
    result = run("test", str(rules), "--require-fixtures", plugins=[plugin])
    assert result.exit_code == 0, result.stdout
    assert "5 rules, 10 fixtures: 5 passed" in result.stdout
