from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import consentrules_flagd as plugin
import pytest
from consentrules_flagd.jsonlogic import ANY
from consentrules_flagd.jsonlogic import Evaluation

from consentrules import InputError
from consentrules.testing import make_config
from consentrules.testing import run
from consentrules.testing import write_rules

DATA = Path(__file__).parent / "data"
SCHEMA_TESTS = DATA / "schema-tests"
WORKWISE = DATA / "workwise.flagd.json"


@pytest.fixture(scope="module")
def config():
    return make_config()


def load(path, config):
    return plugin.FlagdAdapter().load(Path(path), config)


def by_id(snapshot):
    return {s.id: s for s in snapshot.settings}


# The flagd schema's own test files ---------------------------------------------------------------
def schema_cases(sign, *, flag_files_only=False):
    return [
        pytest.param(path, id=f"{path.parent.parent.name}/{path.name}")
        for path in sorted(SCHEMA_TESTS.glob(f"*/{sign}/*.json"))
        if not (flag_files_only and path.parent.parent.name == "targeting")
    ]


def own_schema(path):
    data = json.loads(path.read_text())
    declared = os.path.basename(str(data.get("$schema", "")))
    return declared.removesuffix(".json") or path.parent.parent.name


@pytest.mark.parametrize("path", schema_cases("positive"))
def test_schema_positive_files_validate(path):
    data = json.loads(path.read_text())
    assert list(plugin.validator(own_schema(path)).iter_errors(data)) == []


@pytest.mark.parametrize("path", schema_cases("negative"))
def test_schema_negative_files_fail(path):
    data = json.loads(path.read_text())
    assert list(plugin.validator(own_schema(path)).iter_errors(data)) != []


@pytest.mark.parametrize("path", schema_cases("positive", flag_files_only=True))
def test_adapter_reads_every_positive_flag_file(path, config):
    assert load(path, config).settings


@pytest.mark.parametrize("path", schema_cases("negative", flag_files_only=True))
def test_adapter_rejects_every_negative_flag_file(path, config):
    with pytest.raises(InputError) as info:
        load(path, config)
    problem = info.value.problems[0]
    assert problem.message.startswith("not a valid flagd file")
    assert problem.line is not None


def test_schema_examples(config):
    assert load(DATA / "schema-examples" / "minimal.json", config).settings
    # Upstream's full example uses a number as an ends_with argument, which its own schema
    # forbids (see targeting/negative/invalid-ends-with-param.json): rejected, precisely.
    with pytest.raises(InputError) as info:
        load(DATA / "schema-examples" / "full.json", config)
    messages = [p.message for p in info.value.problems]
    assert any("flags.starts-ends-flag.targeting" in m for m in messages)
    assert all(p.line for p in info.value.problems)


# Mapping ---------------------------------------------------------------------------------------
def test_metadata_gives_the_data_use_facts(config):
    snapshot = load(WORKWISE, config)
    assert (snapshot.platform, str(snapshot.taken_at)) == ("Workwise", "2024-11-20")
    ai = by_id(snapshot)["ai-training-data"]
    assert ai.purposes == ("ai_training",)
    assert ai.data_categories == ("profile", "posts", "private_messages")
    assert str(ai.activated_at) == "2024-08-01" and ai.title.startswith("Use my data")
    assert snapshot.source_map.locate(ai.pointer)[0] == 12


def test_targeting_by_region_gives_region_defaults(config):
    ai = by_id(load(WORKWISE, config))["ai-training-data"]
    assert ai.default is True
    overrides = dict(ai.region_defaults)
    assert overrides["DE"] is False and overrides["CH"] is False and "GB" not in overrides
    assert len(overrides) == 31


def test_disabled_flag_is_off_and_non_boolean_needs_on_variants(config):
    settings = by_id(load(WORKWISE, config))
    assert settings["ad-partners"].default is False
    theme = settings["theme"]
    assert theme.default is None and "onVariants" in theme.default_note


def test_subdivisions_fractional_and_possibly_on(config):
    smart = by_id(load(WORKWISE, config))["smart-compose"]
    overrides = dict(smart.region_defaults)
    assert smart.default is False
    # US is on, except California (a subdivision named in the targeting)
    assert overrides["US-NY"] is True and "US-CA" not in overrides and "US" not in overrides
    assert overrides["CA"] is None and overrides["AU"] is None
    assert "fractional rollout" in smart.default_note


def test_check_reports_possibly_on_with_the_reason(tmp_path):
    result = run("check", str(WORKWISE), "--disable-plugin-autoload", plugins=[plugin])
    assert result.exit_code == 1
    findings = {(f["rule_id"], f["target"]["id"]): f for f in result.findings}
    # an opt-in rule over every region sees the fractional rollout and says why it cannot tell
    rules = write_rules(
        tmp_path,
        {"id": "OPT-IN", "selector": {"purposes": ["ai_training"]},
         "check": {"kind": "opt_in_default"}},
    )  # fmt: skip
    opt_in = run(
        "check", str(WORKWISE), "--rules", str(rules), "--disable-plugin-autoload",
        plugins=[plugin],
    )  # fmt: skip
    smart = next(f for f in opt_in.findings if f["target"]["id"] == "smart-compose")
    assert smart["status"] == "violation" and smart["regions"][0].startswith("US-")
    assert "possibly enrolled by default in AU and CA" in smart["message"]
    assert "fractional rollout" in smart["message"]
    # flags carry no disclosures: timing rules cannot be judged, and say so
    # (said once for the rule, about the disclosures, not once per setting)
    timing = findings[("AI-TRAIN-003", "privacy_policy")]
    assert timing["status"] == "not_evaluable" and "carries no disclosures" in timing["message"]
    assert ("AI-TRAIN-003", "ai-training-data") not in findings
    # the EEA/CH exclusion holds for the countries it lists, but the UK was forgotten, and so
    # were the EU's territories with codes of their own (Réunion is RE, not FR)
    region = findings[("AI-TRAIN-002", "ai-training-data")]
    assert region["regions"] == ["AX", "GB", "GF", "GP", "MF", "MQ", "RE", "YT"]


def test_region_attribute_is_configurable(tmp_path):
    text = WORKWISE.read_text().replace('"var": "region"', '"var": "user.country"')
    path = tmp_path / "flags.flagd.json"
    path.write_text(text)
    default = run("check", str(path), "--disable-plugin-autoload", plugins=[plugin])
    configured = run(
        "check",
        str(path),
        "--disable-plugin-autoload",
        "--flagd-region-attribute",
        "user.country",
        plugins=[plugin],
    )

    def region_finding(result):
        return next(
            f
            for f in result.findings
            if (f["rule_id"], f["target"]["id"]) == ("AI-TRAIN-002", "ai-training-data")
        )

    assert region_finding(configured)["regions"] == ["AX", "GB", "GF", "GP", "MF", "MQ", "RE", "YT"]
    # read with the wrong attribute, the targeting cannot be decided: possibly on everywhere
    assert region_finding(default)["status"] == "not_evaluable"


def test_evaluation_three_valued():
    rule = {"if": [{"==": [{"var": "email"}, "a@b.c"]}, "on", "off"]}
    evaluation = Evaluation("region", "DE")
    assert evaluation.run(rule) == {"on", "off"}
    assert "the attribute 'email'" in evaluation.reasons
    known = Evaluation("region", "DE").run({"if": [{"in": [{"var": "region"}, ["DE"]]}, "x", "y"]})
    assert known == {"x"}
    assert Evaluation("region", "DE").run({"max": [1, 2]}) == {ANY}
    starts = {"if": [{"starts_with": [{"var": "region"}, "US-"]}, "s", "n"]}
    assert Evaluation("region", "US-CA").run(starts) == {"s"}


def test_bad_json_has_a_line(tmp_path, config):
    path = tmp_path / "broken.flagd.json"
    path.write_text('{\n  "flags": {\n    "x": {\n  }\n')
    with pytest.raises(InputError) as info:
        load(path, config)
    assert info.value.problems[0].line is not None


def test_recognises_flag_files_not_snapshots(tmp_path):
    adapter = plugin.FlagdAdapter()
    assert adapter.recognizes(WORKWISE, WORKWISE.read_text()[:4096])
    snapshot = tmp_path / "s.json"
    snapshot.write_text('{"platform": "x", "taken_at": "2024-01-01", "settings": []}')
    assert not adapter.recognizes(snapshot, snapshot.read_text())


def test_installed_plugin_is_discovered():
    try:
        dist = metadata.distribution("consentrules-flagd")
    except metadata.PackageNotFoundError:
        pytest.skip("consentrules-flagd is not installed")
    listing = subprocess.run(
        [sys.executable, "-m", "consentrules", "plugins"], capture_output=True, text=True
    )
    assert f"consentrules-flagd {dist.version}" in listing.stdout
    checked = subprocess.run(
        [sys.executable, "-m", "consentrules", "check", str(WORKWISE)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 1 and "(flagd format) carries no disclosures" in checked.stdout


def _country_flags(tmp_path):
    path = tmp_path / "flags.flagd.json"
    path.write_text(
        json.dumps(
            {
                "$schema": "https://flagd.dev/schema/v0/flags.json",
                "flags": {
                    "ai-training": {
                        "state": "ENABLED",
                        "variants": {"on": True, "off": False},
                        "defaultVariant": "on",
                        "targeting": {
                            "if": [{"in": [{"var": "country"}, ["DE", "FR", "IT"]]}, "off", "on"]
                        },
                        "metadata": {"purposes": "ai_training"},
                    }
                },
            }
        )
    )
    return path


def test_targeting_by_another_attribute_says_which_option_to_pass(tmp_path):
    """Issue 31: a file whose targeting reads `country` is "cannot tell" everywhere unless the
    user knows to pass --flagd-region-attribute; the run says so, and --strict fails on it."""
    path = _country_flags(tmp_path)
    result = run("check", str(path), "--format", "json", plugins=[plugin])
    incomplete = [n for n in result.report["notices"] if n["category"] == "incomplete"]
    (notice,) = [n for n in incomplete if "--flagd-region-attribute" in n["message"]]
    assert "--flagd-region-attribute country" in notice["message"]
    # and nothing else in the file could be judged either, which the run says too
    assert any("nothing in the file could be judged" in n["message"] for n in incomplete)
    assert "'region'" in notice["message"] and "DE, FR, IT" in notice["message"]
    assert run("check", str(path), "--strict", plugins=[plugin]).exit_code == 1
    fixed = run(
        "check", str(path), "--format", "json", "--flagd-region-attribute", "country",
        plugins=[plugin],
    )  # fmt: skip
    assert not [n for n in fixed.report["notices"] if n["category"] == "incomplete"]
    violations = [f for f in fixed.report["findings"] if f["status"] == "violation"]
    assert violations and "DE" not in {r for f in violations for r in f["regions"]}
