"""Pages written the way real sites write them: commented-out code, updates on load and in
handlers, region lists Google ignores, the data layer form, pages without a default, values
of the wrong type (issue 17, points 1 to 6)."""

from __future__ import annotations

import json
import textwrap

import consentrules_consent_mode as plugin
import pytest

from consentrules.testing import run

HEAD = """<!doctype html>
<html><head><title>shop.example</title>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
"""
TAIL = """</script>
</head><body></body></html>
"""
ALL_DENIED = "{ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', analytics_storage: 'denied'}"


def page(tmp_path, script: str, *, before: str = "", after: str = "", name: str = "page.html"):
    path = tmp_path / name
    path.write_text(before + HEAD + textwrap.dedent(script) + TAIL + after)
    return path


def check(path, *extra):
    return run(
        "check", str(path), "--pack", "consent-mode", "--format", "json", *extra, plugins=[plugin]
    )


def test_commented_out_defaults_are_not_read(tmp_path):
    path = page(
        tmp_path,
        f"""
        // gtag('consent', 'default', {ALL_DENIED});
        /* gtag('consent', 'default', {ALL_DENIED}); */
        gtag('consent', 'default', {{ad_storage: 'granted', analytics_storage: 'granted'}});
        """,
        before=f"<!-- <script>gtag('consent', 'default', {ALL_DENIED});</script> -->\n",
    )
    result = check(path)
    fired = {f["target"]["id"] for f in result.findings if f["status"] == "violation"}
    assert {"ad_storage", "analytics_storage"} <= fired  # the live call grants them
    assert result.exit_code == 1


def test_a_script_the_browser_does_not_run_is_not_read(tmp_path):
    path = page(
        tmp_path,
        f"gtag('consent', 'default', {ALL_DENIED});\n",
        after=(
            '<script type="text/plain" data-cookieconsent="marketing">'
            "gtag('consent', 'default', {ad_storage: 'granted'});</script>\n"
        ),
    )
    assert check(path).exit_code == 0


def test_an_update_on_load_changes_the_default_one_in_a_handler_does_not(tmp_path):
    on_load = page(
        tmp_path,
        f"""
        gtag('consent', 'default', {ALL_DENIED});
        gtag('consent', 'update', {{analytics_storage: 'granted'}});
        """,
    )
    result = check(on_load)
    fired = {f["target"]["id"] for f in result.findings if f["status"] == "violation"}
    assert fired == {"analytics_storage"}
    lines = {
        f["location"]["line"] for f in result.findings if f["target"]["id"] == "analytics_storage"
    }
    assert lines == {8}  # the update, where it is in the page
    handler = page(
        tmp_path,
        f"""
        gtag('consent', 'default', {ALL_DENIED});
        document.querySelector('#accept').addEventListener('click', function () {{
          gtag('consent', 'update', {{analytics_storage: 'granted'}});
        }});
        if (localStorage.getItem('consent') === 'all') {{
          gtag('consent', 'update', {{ad_storage: 'granted'}});
        }}
        window.addEventListener('load', () => gtag('consent', 'update', {{ad_user_data: 'granted'}}));
        """,
        name="handler.html",
    )
    result = check(handler)
    fired = {f["target"]["id"] for f in result.findings if f["status"] == "violation"}
    assert fired == {"ad_user_data"}  # the load listener runs with no user action


@pytest.mark.parametrize("code", ["EU", "EEA", "UK", "eu", "US-ZZ", "XX"])
def test_region_groups_google_ignores_are_not_applied_and_are_reported(tmp_path, code):
    path = page(
        tmp_path,
        f"""
        gtag('consent', 'default', {{ad_storage: 'granted', ad_user_data: 'granted',
          ad_personalization: 'granted', analytics_storage: 'granted'}});
        gtag('consent', 'default', {{ad_storage: 'denied', region: ['{code}', 'CH']}});
        """,
    )
    result = check(path)
    ad = [f for f in result.findings if f["target"]["id"] == "ad_storage"]
    assert [f for f in ad if f["rule_id"] == "CM-REGION-CODES"]
    from consentrules.testing import make_config

    snapshot = plugin.ConsentModeAdapter().load(path, make_config([plugin]))
    (setting,) = [s for s in snapshot.settings if s.id == "ad_storage"]
    assert setting.metadata["ignored_region_codes"] == [code]
    eea = [f for f in ad if f["rule_id"] == "CM-ADS-EEA-UK"]
    assert eea, "the EEA stays granted: the browser ignores the group code"
    assert not [f for f in ad if f["rule_id"] == "CM-CH"]  # CH is an ISO code: applied


def test_the_data_layer_form_and_a_renamed_gtag_are_read(tmp_path):
    path = page(
        tmp_path,
        f"""
        function consentTag(){{window.dataLayer.push(arguments);}}
        consentTag('consent', 'default', {ALL_DENIED});
        window.dataLayer.push(['consent', 'update', {{ad_personalization: 'granted'}}]);
        """,
    )
    result = check(path)
    fired = {f["target"]["id"] for f in result.findings if f["status"] == "violation"}
    assert fired == {"ad_personalization"}


def test_a_page_with_google_tags_and_no_default_is_checked_and_fails(tmp_path):
    path = page(tmp_path, "gtag('js', new Date()); gtag('config', 'G-XXXX');\n")
    result = check(path)
    assert result.exit_code == 1
    unset = [f for f in result.findings if "no default set" in json.dumps(f)]
    assert result.findings and result.report["snapshots"][0]["adapter"] == "consent-mode"
    assert unset or all(f["status"] == "violation" for f in result.findings)


def test_a_folder_lists_the_pages_it_did_not_read(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    page(site, f"gtag('consent', 'default', {ALL_DENIED});\n", name="index.html")
    (site / "about.html").write_text("<html><body>No tags here</body></html>\n")
    result = check(site)
    skipped = [n for n in result.report["notices"] if n["category"] == "skipped"]
    assert skipped and "about.html" in skipped[0]["message"]


@pytest.mark.parametrize("value", ["['granted']", "{v: 'granted'}", "true", "1"])
def test_a_value_of_the_wrong_type_is_an_input_error_at_its_line(tmp_path, value):
    path = page(tmp_path, f"gtag('consent', 'default', {{ad_storage: {value}}});\n")
    result = check(path)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert f"{path}:6:" in result.stderr and "is not 'granted' or 'denied'" in result.stderr


@pytest.mark.parametrize("value", [["granted"], {"v": "granted"}])
def test_the_json_export_refuses_wrong_types_too(tmp_path, value):
    path = tmp_path / "consent.json"
    path.write_text(json.dumps({"commands": [["consent", "default", {"ad_storage": value}]]}))
    result = check(path)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "is not 'granted' or 'denied'" in result.stderr


def test_a_conditional_default_is_not_a_verdict(tmp_path):
    path = page(
        tmp_path,
        f"""
        gtag('consent', 'default', {ALL_DENIED});
        if (navigator.language === 'en-US') {{
          gtag('consent', 'default', {{analytics_storage: 'granted'}});
        }}
        """,
    )
    result = check(path)
    analytics = [f for f in result.findings if f["target"]["id"] == "analytics_storage"]
    assert analytics and all(f["status"] == "not_evaluable" for f in analytics)
    assert "condition" in analytics[0]["message"]


def test_a_region_name_google_ignores_is_a_finding_not_an_error(tmp_path):
    path = tmp_path / "consent.json"
    path.write_text(
        json.dumps(
            {
                "commands": [
                    {"ad_storage": "denied", "region": ["Germany"]},
                    {"ad_storage": "denied"},
                ]
            }
        )
    )
    result = check(path)
    flagged = {(f["rule_id"], f["target"]["id"]) for f in result.findings}
    assert ("CM-REGION-CODES", "ad_storage") in flagged
    assert result.exit_code == 1 and "Traceback" not in result.stderr


def test_subdivision_codes_google_reads_are_applied(tmp_path):
    # ISO 3166-2 codes of any country are what Google's region parameter takes: Quebec and
    # Catalonia denied, the rest of Canada and Spain granted.
    path = page(
        tmp_path,
        f"""
        gtag('consent', 'default', {ALL_DENIED});
        gtag('consent', 'default', {{ad_storage: 'granted', region: ['CA', 'ES']}});
        gtag('consent', 'default', {{ad_storage: 'denied', region: ['ca-qc', 'ES-CT']}});
        """,
    )
    from consentrules.testing import make_config

    snapshot = plugin.ConsentModeAdapter().load(path, make_config([plugin]))
    (setting,) = [s for s in snapshot.settings if s.id == "ad_storage"]
    assert dict(setting.region_defaults) == {"CA": True, "ES": True, "CA-QC": False, "ES-CT": False}
    assert "ignored_region_codes" not in setting.metadata


def test_a_default_a_consent_manager_sets_in_a_callback_is_cannot_tell_not_granted(tmp_path):
    """Issue 31: a page whose consent manager sets the Consent Mode default in its own
    callback (here vanilla-cookieconsent's onFirstConsent) must not read as "no default set,
    so granted"."""
    path = page(
        tmp_path,
        f"""
        CookieConsent.run({{
          onFirstConsent: function () {{ gtag('consent', 'default', {ALL_DENIED}); }},
          categories: {{necessary: {{enabled: true, readOnly: true}}}},
        }});
        """,
    )
    result = check(path, "--adapter", "consent-mode")
    assert result.exit_code == 0, result.stdout  # nothing decided: no violation
    ads = [f for f in result.findings if f["target"]["id"] == "ad_storage"]
    assert ads and all(f["status"] == "not_evaluable" for f in ads)
    assert "inside a function that runs later (an event handler or a callback)" in ads[0]["message"]
    assert "what a first visit gets before it runs cannot be told" in ads[0]["message"]


@pytest.mark.parametrize(
    ("loader", "manager"),
    [
        (
            '<script src="https://cdn.kiprotect.com/klaro/v0.7/klaro.js" data-klaro-config="k"></script>',
            "Klaro!",
        ),
        (
            '<script id="Cookiebot" src="https://consent.cookiebot.com/uc.js" data-cbid="x"></script>',
            "Cookiebot",
        ),
        (
            '<script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js"></script>',
            "OneTrust",
        ),
    ],
)
def test_a_page_whose_consent_manager_may_set_the_default_is_cannot_tell(tmp_path, loader, manager):
    path = page(tmp_path, "gtag('js', new Date()); gtag('config', 'G-XXXX');\n", before=loader)
    result = check(path, "--adapter", "consent-mode")
    assert result.exit_code == 0
    assert result.findings and all(f["status"] == "not_evaluable" for f in result.findings)
    assert any(f"consent manager ({manager})" in f["message"] for f in result.findings)
