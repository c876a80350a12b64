"""Google Tag Manager container exports (issue 17, point 4), written as Tag Manager writes them
(Admin > Export Container): Google's reference consent template with a region table, a CMP
template whose defaults are fixed in its code, a Custom HTML snippet with commented-out
defaults, an update that fires on the banner's event, and a paused tag."""

from __future__ import annotations

import json
from pathlib import Path

import consentrules_consent_mode as plugin
import pytest

from consentrules.testing import make_config
from consentrules.testing import run

EXPORT = Path(__file__).parent / "data" / "GTM-K7Q2ZXM_workspace.json"


@pytest.fixture(scope="module")
def settings():
    snapshot = plugin.ConsentModeAdapter().load(EXPORT, make_config([plugin]))
    return snapshot, {s.id: s for s in snapshot.settings}


def test_the_export_is_recognised_and_names_the_container(settings):
    snapshot, _ = settings
    head = EXPORT.read_text()[:2048]
    assert plugin.ConsentModeAdapter().recognizes(EXPORT, head)
    assert snapshot.platform == "shop.example" and snapshot.taken_at.text == "2025-03-14"


def test_the_template_region_table_gives_the_defaults(settings):
    _, by_id = settings
    ad = by_id["ad_storage"]
    overrides = dict(ad.region_defaults)
    assert ad.default is True  # the table's first row: every region granted
    assert overrides["DE"] is False and overrides["NO"] is False and overrides["CH"] is False
    # "UK" is not a code Google reads: GB stays granted, and the entry is reported
    assert "GB" not in overrides and "UK" not in overrides
    assert ad.metadata["ignored_region_codes"] == ["UK"]


def test_defaults_fixed_in_a_templates_code_are_read(settings):
    _, by_id = settings
    # the Acme CMP template calls setDefaultConsentState({... region: ['US-CA']}) itself
    assert dict(by_id["ad_user_data"].region_defaults)["US-CA"] is False


def test_what_does_not_run_on_load_is_not_applied(settings):
    _, by_id = settings
    # the paused tag would deny everything; the update on the CMP's event needs a click;
    # the CMP's callback update runs only when the visitor changes consent
    assert by_id["ad_personalization"].default is True
    assert by_id["ad_storage"].default is True
    # the snippet's commented-out defaults are not read; its update on load is
    assert by_id["analytics_storage"].default is False
    assert not dict(by_id["analytics_storage"].region_defaults or {})


def test_check_reports_the_uk_left_open(tmp_path):
    result = run("check", str(EXPORT), "--format", "json", plugins=[plugin])
    assert result.exit_code == 1, result.stderr
    fired = {(f["rule_id"], f["target"]["id"]): f for f in result.findings}
    eea = fired[("CM-ADS-EEA-UK", "ad_storage")]
    # GB, and the EU's territories the export's list of member states leaves out
    assert eea["status"] == "violation"
    assert eea["regions"] == ["AX", "GB", "GF", "GP", "MF", "MQ", "RE", "YT"]
    assert ("CM-REGION-CODES", "ad_storage") in fired


def _export(tmp_path, tags, triggers=(), templates=()):
    data = {
        "exportFormatVersion": 2,
        "exportTime": "2025-05-01 10:00:00",
        "containerVersion": {
            "container": {"name": "t.example", "publicId": "GTM-T"},
            "tag": list(tags),
            "trigger": list(triggers),
            "customTemplate": list(templates),
        },
    }
    path = tmp_path / "container.json"
    path.write_text(json.dumps(data, indent=2))
    return path


def _param(key, value):
    return {"type": "TEMPLATE", "key": key, "value": value}


TEMPLATE = {"templateId": "5", "templateData": "setDefaultConsentState(x); updateConsentState(y);"}


def test_a_value_from_a_variable_cannot_be_told(tmp_path):
    tag = {
        "name": "Consent default", "type": "cvt_1_5", "firingTriggerId": ["2147479572"],
        "parameter": [_param("command", "default"), _param("ad_storage", "{{Region default}}"),
                      _param("analytics_storage", "denied")],
    }  # fmt: skip
    snapshot = plugin.ConsentModeAdapter().load(
        _export(tmp_path, [tag], templates=[TEMPLATE]), make_config([plugin])
    )
    ad = next(s for s in snapshot.settings if s.id == "ad_storage")
    assert ad.default is None and "{{Region default}}" in ad.default_note


def test_a_default_on_some_pages_only_is_uncertain(tmp_path):
    trigger = {"triggerId": "30", "name": "Shop pages", "type": "PAGEVIEW",
               "filter": [{"type": "CONTAINS", "parameter": [_param("arg0", "{{Page URL}}"),
                                                            _param("arg1", "/shop")]}]}  # fmt: skip
    tag = {"name": "Consent default", "type": "cvt_1_5", "firingTriggerId": ["30"],
           "parameter": [_param("command", "default"), _param("adStorage", "denied")]}  # fmt: skip
    snapshot = plugin.ConsentModeAdapter().load(
        _export(tmp_path, [tag], [trigger], [TEMPLATE]), make_config([plugin])
    )
    ad = next(s for s in snapshot.settings if s.id == "ad_storage")
    assert ad.default is None and "Shop pages" in ad.default_note


def test_a_container_without_a_consent_default_grants_everything(tmp_path):
    tag = {"name": "GA4", "type": "googtag", "firingTriggerId": ["2147479573"],
           "parameter": [_param("tagId", "G-1")]}  # fmt: skip
    result = run("check", str(_export(tmp_path, [tag])), "--format", "json", plugins=[plugin])
    fired = {(f["rule_id"], f["target"]["id"]) for f in result.findings}
    assert ("CM-ADS-EEA-UK", "ad_storage") in fired


def test_a_broken_export_is_an_input_error_with_a_line(tmp_path):
    path = tmp_path / "container.json"
    path.write_text('{"exportFormatVersion": 2,\n "containerVersion": {"tag": [}\n}')
    result = run("check", str(path), plugins=[plugin])
    assert result.exit_code == 2 and "container.json:2" in result.stderr
    assert "Traceback" not in result.stderr


def test_one_gap_is_reported_once_with_every_pack_that_judges_it():
    # Issue 17 point 7: one default gap broke several rules of several packs, reported each time.
    # The export leaves two gaps on ad_storage: GB, and the EU's territories coded on their own.
    text = run("check", str(EXPORT), "--color", "never", plugins=[plugin]).stdout
    entries = [e for e in text.split("\n  HIGH     setting ") if e.startswith("ad_storage ")]
    # Issue 28: one entry for the problem (ad_storage granted by default where it must not
    # be), naming every rule and the regions each judges, not one entry per region set.
    territories = [e for e in entries if "EPRIVACY-STORAGE-CONSENT" in e]
    assert len(territories) == 1
    assert "breaks: GDPR-CONSENT-OPT-IN [gdpr]" in territories[0]
    assert "breaks: UK-PECR-STORAGE-CONSENT [uk-gdpr]" in territories[0]
    # A storage permission is not sharing (issue 28): no third-party sharing rule judges it.
    assert "GDPR-BY-DEFAULT-SHARING" not in territories[0]
    found = run("check", str(EXPORT), "--format", "json", plugins=[plugin]).findings
    sharing = {f["target"]["id"] for f in found if f["rule_id"].endswith("BY-DEFAULT-SHARING")}
    assert sharing and not sharing & {"ad_storage", "analytics_storage"}
    assert "where EU law applies" in " ".join(territories[0].split())
    uk = [e for e in entries if "UK-PECR-STORAGE-CONSENT" in e]
    assert uk == territories
    assert "\n        in GB\n" in uk[0]  # the UK rule's own region, under it
    assert "breaks: UKGDPR-CONSENT-OPT-IN [uk-gdpr]" in uk[0]


def test_a_template_whose_defaults_the_export_does_not_show_cannot_be_told(tmp_path):
    # A CMP template that computes its defaults from fields of its own naming: no verdict,
    # neither "no default, so granted" nor "denied".
    template = {"templateId": "9", "templateData": (
        "___SANDBOXED_JS_FOR_WEB_TEMPLATE___\n"
        "const setDefaultConsentState = require('setDefaultConsentState');\n"
        "setDefaultConsentState({ad_storage: data.marketingMode, analytics_storage: data.stats});\n"
    )}  # fmt: skip
    tag = {"name": "CMP", "type": "cvt_1_9", "firingTriggerId": ["2147479572"],
           "parameter": [_param("marketingMode", "strict"), _param("stats", "off")]}  # fmt: skip
    path = _export(tmp_path, [tag], templates=[template])
    snapshot = plugin.ConsentModeAdapter().load(path, make_config([plugin]))
    ad = next(s for s in snapshot.settings if s.id == "ad_storage")
    assert ad.default is None and "export does not show" in ad.default_note
    result = run("check", str(path), "--format", "json", plugins=[plugin])
    statuses = {f["status"] for f in result.findings if f["target"]["id"] == "ad_storage"}
    assert "violation" not in statuses and "not_evaluable" in statuses


#: A consent manager's official template as Tag Manager exports it: a region settings table
#: whose columns are the manager's own categories, turned into consent types by its code.
CMP_TEMPLATE = {
    "templateId": "77",
    "name": "Consent manager (official)",
    "templateData": "___INFO___\n\n{\"type\": \"TAG\", \"displayName\": \"Consent manager\"}\n\n"
    "___TEMPLATE_PARAMETERS___\n\n"
    + json.dumps([
        {"type": "TEXT", "name": "cbid", "displayName": "Domain group ID"},
        {"type": "PARAM_TABLE", "name": "regionSettings", "paramTableColumns": [
            {"param": {"type": "TEXT", "name": "region", "displayName": "Region"}},
            {"param": {"type": "SELECT", "name": "consentPreferences", "defaultValue": "denied"}},
            {"param": {"type": "SELECT", "name": "consentStatistics", "defaultValue": "denied"}},
            {"param": {"type": "SELECT", "name": "consentMarketing", "defaultValue": "denied"}},
        ]},
        {"type": "CHECKBOX", "name": "urlPassthrough", "defaultValue": False},
    ])
    + "\n\n___SANDBOXED_JS_FOR_WEB_TEMPLATE___\n\n"
    "const setDefaultConsentState = require('setDefaultConsentState');\n"
    "const splitInput = (input) => input.split(',').map(e => e.trim()).filter(e => e.length !== 0);\n"
    "(data.regionSettings || []).forEach(settings => {\n"
    "  const regions = splitInput(settings.region || '');\n"
    "  setDefaultConsentState({\n"
    "    ad_storage: settings.consentMarketing,\n"
    "    ad_user_data: settings.consentMarketing,\n"
    "    ad_personalization: settings.consentMarketing,\n"
    "    analytics_storage: settings.consentStatistics,\n"
    "    functionality_storage: settings.consentPreferences,\n"
    "    personalization_storage: settings.consentPreferences,\n"
    "    security_storage: 'granted',\n"
    "    region: splitInput(settings.region),\n"
    "  });\n"
    "});\n"
    "data.gtmOnSuccess();\n",
}  # fmt: skip
EEA_AND_CH = (
    "AT,BE,BG,HR,CY,CZ,DK,EE,FI,FR,DE,GR,HU,IE,IT,LV,LT,LU,MT,NL,PL,PT,RO,SK,SI,ES,SE,IS,LI,NO,CH"
)


def _row(region, preferences, statistics, marketing):
    return {"type": "MAP", "map": [_param("region", region), _param("consentPreferences", preferences),
            _param("consentStatistics", statistics), _param("consentMarketing", marketing)]}  # fmt: skip


def test_a_consent_managers_region_table_is_read_through_its_own_code(tmp_path):
    """Issue 31: the columns are the manager's categories; the template's code says which
    consent type each one sets. EEA and CH denied, the US granted, everyone else analytics
    granted, and a row written 'UK', which Google does not read: the UK gets the everyone-else
    row, analytics granted."""
    table = {"type": "LIST", "key": "regionSettings", "list": [
        _row("", "granted", "granted", "denied"),
        _row(EEA_AND_CH, "denied", "denied", "denied"),
        _row("US", "granted", "granted", "granted"),
        _row("UK", "denied", "denied", "denied"),
    ]}  # fmt: skip
    tag = {"name": "CMP", "type": "cvt_1_77", "firingTriggerId": ["2147479572"],
           "parameter": [_param("cbid", "abc"), table]}  # fmt: skip
    path = _export(tmp_path, [tag], templates=[CMP_TEMPLATE])
    snapshot = plugin.ConsentModeAdapter().load(path, make_config([plugin]))
    by_id = {s.id: s for s in snapshot.settings}
    analytics = by_id["analytics_storage"]
    assert analytics.default is True  # everyone else
    overrides = dict(analytics.region_defaults)
    assert overrides["DE"] is False and overrides["CH"] is False and overrides["US"] is True
    assert "GB" not in overrides and analytics.metadata["ignored_region_codes"] == ["UK"]
    assert by_id["ad_storage"].default is False
    result = run("check", str(path), "--pack", "consent-mode", "--format", "json", plugins=[plugin])
    assert result.exit_code == 1
    fired = {
        (f["rule_id"], f["target"]["id"]) for f in result.findings if f["status"] == "violation"
    }
    assert ("CM-REGION-CODES", "analytics_storage") in fired
    assert ("CM-ANALYTICS-UK", "analytics_storage") in fired
    assert not any(rule == "CM-ADS-EEA-UK" and target == "ad_storage" for rule, target in fired)
    located = next(f for f in result.findings if f["rule_id"] == "CM-REGION-CODES")
    text = path.read_text()
    assert located["location"]["line"] == text[: text.index('"name": "CMP"')].count("\n")


#: The community Consent Mode template's fields, as its published template.tpl declares them
#: (abridged): an "Include EEA regions" checkbox, its regionsEEA field ("eea": the template's
#: code expands it to the EEA's countries) and its regions field.
COMMUNITY_TEMPLATE = {
    "templateId": "88",
    "templateData": "___TEMPLATE_PARAMETERS___\n\n"
    + json.dumps([
        {"type": "SELECT", "name": "command", "defaultValue": "default"},
        {"type": "CHECKBOX", "name": "eea", "checkboxText": "Include EEA regions", "defaultValue": True},
        {"type": "TEXT", "name": "regions", "defaultValue": "all"},
        {"type": "TEXT", "name": "regionsEEA", "defaultValue": "eea"},
        {"type": "GROUP", "name": "settings", "subParams": [
            {"type": "SELECT", "name": "ad_storage", "defaultValue": "denied"},
            {"type": "SELECT", "name": "analytics_storage", "defaultValue": "denied"},
            {"type": "SELECT", "name": "ad_user_data", "defaultValue": "denied"},
            {"type": "SELECT", "name": "ad_personalization", "defaultValue": "denied"},
        ]},
    ])
    + "\n\n___SANDBOXED_JS_FOR_WEB_TEMPLATE___\n\n"
    "const setDefaultConsentState = require('setDefaultConsentState');\n"
    "const updateConsentState = require('updateConsentState');\n"
    "if (data.command === 'default') { setDefaultConsentState(buildSettings()); }\n"
    "else { updateConsentState(buildSettings()); }\n",
}  # fmt: skip


def test_the_community_templates_eea_checkbox_and_defaults_are_applied(tmp_path):
    """Issue 31: the EEA row keeps its regions. The tag leaves the checkbox at its default
    (on), so its regions are the template's regionsEEA, 'eea', all the EEA's countries; the
    everyone-else tag grants everything."""
    eea = {"name": "Consent Mode - EEA", "type": "cvt_1_88", "firingTriggerId": ["2147479572"],
           "parameter": [_param("ad_storage", "denied"), _param("analytics_storage", "denied"),
                         _param("ad_user_data", "denied"), _param("ad_personalization", "denied")]}  # fmt: skip
    everyone = {"name": "Consent Mode - all", "type": "cvt_1_88", "firingTriggerId": ["2147479572"],
                "parameter": [{"type": "BOOLEAN", "key": "eea", "value": "false"},
                              _param("regions", "all"), _param("ad_storage", "granted"),
                              _param("analytics_storage", "granted"), _param("ad_user_data", "granted"),
                              _param("ad_personalization", "granted")]}  # fmt: skip
    path = _export(tmp_path, [everyone, eea], templates=[COMMUNITY_TEMPLATE])
    snapshot = plugin.ConsentModeAdapter().load(path, make_config([plugin]))
    ad = next(s for s in snapshot.settings if s.id == "ad_storage")
    overrides = dict(ad.region_defaults)
    assert ad.default is True
    assert (
        all(overrides[c] is False for c in ("DE", "FR", "NO", "IS", "LI")) and len(overrides) == 30
    )
    result = run("check", str(path), "--pack", "consent-mode", "--format", "json", plugins=[plugin])
    eea_findings = [
        f for f in result.findings if "EEA" in f.get("regions", []) or "DE" in f.get("regions", [])
    ]
    assert not [f for f in eea_findings if f["status"] == "violation"]


def test_a_problem_in_a_custom_html_tag_points_at_the_tags_line_in_the_export(tmp_path):
    html = "<script>\n\n\ngtag('consent', 'default');\n</script>"
    tag = {"name": "Snippet", "type": "html", "firingTriggerId": ["2147479572"],
           "parameter": [_param("html", html)]}  # fmt: skip
    path = _export(tmp_path, [tag])
    result = run("check", str(path), plugins=[plugin])
    assert result.exit_code == 2
    text = path.read_text()
    tag_line = text[: text.index('"name": "Snippet"')].count("\n")  # the tag object's line
    assert f"{path}:{tag_line}:" in result.stderr
    assert "tag 'Snippet', line 4 of its HTML" in result.stderr


def test_each_template_is_parsed_once_however_many_tags_use_it(tmp_path):
    """A container's tags share a few templates: the template's code is parsed once each."""
    from consentrules_consent_mode.gtmtemplate import consent_fields

    data = json.loads(EXPORT.read_text())
    tags = data["containerVersion"]["tag"]
    templated = [tag for tag in tags if tag["type"].startswith("cvt_")]
    tags.extend(json.loads(json.dumps(templated)) * 20)  # sixty more tags, the same templates
    path = tmp_path / "many.json"
    path.write_text(json.dumps(data))
    consent_fields.cache_clear()
    plugin.ConsentModeAdapter().load(path, make_config([plugin]))
    used = {tag["type"].rsplit("_", 1)[-1] for tag in templated}
    assert consent_fields.cache_info().misses <= len(used) < len(templated)
