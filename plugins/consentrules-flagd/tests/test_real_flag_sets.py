"""Flag sets written the way real teams write them (issue 17, points 8 to 11): purposes
declared once for the set, flags with no purposes, lowercase codes, prefixes and lists in
$evaluators, boolean flags in every form the schema allows."""

from __future__ import annotations

import json
from pathlib import Path

import consentrules_flagd as plugin
import pytest

from consentrules.testing import make_config
from consentrules.testing import run


@pytest.fixture(scope="module")
def config():
    return make_config()


def write(tmp_path, flags, metadata=None, evaluators=None, name="flags.flagd.json"):
    data = {"$schema": "https://flagd.dev/schema/v0/flags.json", "flags": flags}
    if metadata is not None:
        data["metadata"] = metadata
    if evaluators is not None:
        data["$evaluators"] = evaluators
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2))
    return path


def settings(path, config):
    return {s.id: s for s in plugin.FlagdAdapter().load(Path(path), config).settings}


BOOL = {"state": "ENABLED", "variants": {"on": True, "off": False}, "defaultVariant": "on"}


def test_set_level_metadata_is_merged_into_each_flag(tmp_path, config):
    path = write(
        tmp_path,
        {
            "train": {**BOOL, "metadata": {"dataCategories": "posts"}},
            "share": {**BOOL, "metadata": {"purposes": "third_party_sharing"}},
        },
        metadata={"flagSetId": "acme", "purposes": "ai_training", "recipients": "first_party"},
    )
    got = settings(path, config)
    assert got["train"].purposes == ("ai_training",)  # from the set
    assert got["train"].data_categories == ("posts",)
    assert got["share"].purposes == ("third_party_sharing",)  # the flag's own wins
    assert got["share"].recipients == ("first_party",)


def test_a_flag_without_purposes_is_listed_never_a_silent_pass(tmp_path):
    path = write(
        tmp_path,
        {
            "mystery": {**BOOL},
            "theme": {**BOOL, "metadata": {"purposes": "none"}},
            "train": {**BOOL, "metadata": {"purposes": "ai_training"}},
        },
    )
    result = run("check", str(path), "--format", "json", plugins=[plugin])
    (warning,) = [n for n in result.report["notices"] if n["category"] == "unmapped"]
    assert "mystery" in warning["message"] and "theme" not in warning["message"]
    strict = run("check", str(path), "--strict", "--format", "json", plugins=[plugin])
    assert strict.exit_code == 1
    refused = run("check", str(path), "--flagd-unmapped", "error", plugins=[plugin])
    assert refused.exit_code == 2
    assert "flag 'mystery' has no purposes metadata" in refused.stderr
    assert "'theme'" not in refused.stderr


def _eea_targeting(codes):
    return {"if": [{"in": [{"var": "region"}, codes]}, "off", "on"]}


def test_lowercase_codes_are_read_in_the_case_the_targeting_uses(tmp_path, config):
    path = write(
        tmp_path,
        {"t": {**BOOL, "targeting": _eea_targeting(["de", "fr"]),
               "metadata": {"purposes": "ai_training"}}},
    )  # fmt: skip
    region_defaults = dict(settings(path, config)["t"].region_defaults)
    assert region_defaults == {"DE": False, "FR": False}


def test_both_cases_cannot_be_told_and_say_so(tmp_path, config):
    targeting = {"if": [{"in": [{"var": "region"}, ["de", "FR"]]}, "off", "on"]}
    path = write(
        tmp_path, {"t": {**BOOL, "targeting": targeting, "metadata": {"purposes": "ai_training"}}}
    )
    setting = settings(path, config)["t"]
    assert setting.default is None and "both letter cases" in setting.default_note


def test_starts_with_a_country_prefix_reads_every_subdivision(tmp_path, config):
    targeting = {"if": [{"starts_with": [{"var": "region"}, "US-"]}, "off", "on"]}
    path = write(
        tmp_path, {"t": {**BOOL, "targeting": targeting, "metadata": {"purposes": "ai_training"}}}
    )
    setting = settings(path, config)["t"]
    assert setting.default is True
    assert dict(setting.region_defaults) == {"US": False}


def test_in_over_a_list_in_evaluators(tmp_path, config):
    path = write(
        tmp_path,
        {"t": {**BOOL, "targeting": {"if": [{"in": [{"var": "region"}, {"$ref": "eu"}]}, "off", "on"]},
               "metadata": {"purposes": "ai_training"}}},
        evaluators={"eu": {"var": "unused"}},
    )  # fmt: skip
    # an evaluator that is not a list of codes: the targeting depends on something else
    setting = settings(path, config)["t"]
    assert setting.default is None or setting.default_note
    listed = write(
        tmp_path,
        {"t": {**BOOL, "targeting": {"if": [{"in": [{"var": "region"}, {"$ref": "eu"}]}, "off", "on"]},
               "metadata": {"purposes": "ai_training"}}},
        evaluators={"eu": {"if": [True, ["DE", "FR"]]}},
        name="listed.flagd.json",
    )  # fmt: skip
    assert dict(settings(listed, config)["t"].region_defaults) == {"DE": False, "FR": False}


@pytest.mark.parametrize(
    ("variants", "default_variant", "expected"),
    [
        ({"on": True, "off": False}, "on", True),
        ({"true": True, "false": False}, "false", False),
        ({"enabled": True}, "enabled", True),
        ({"on": True, "off": False}, None, None),
    ],
)
def test_boolean_flags_in_every_form(tmp_path, config, variants, default_variant, expected):
    flag = {"state": "ENABLED", "variants": variants, "metadata": {"purposes": "ai_training"}}
    if default_variant is not None:
        flag["defaultVariant"] = default_variant
    path = write(tmp_path, {"t": flag})
    assert settings(path, config)["t"].default is expected


def test_iso_3166_2_subdivisions_of_any_country_and_their_divisions(tmp_path, config):
    # Quebec (Law 25) and Catalonia held back: CA-QC is a province, ES-CT a division whose
    # four provinces (ES-B, ES-GI, ES-L, ES-T) a user's region attribute may carry instead.
    targeting = {"if": [{"in": [{"var": "region"}, ["ca-qc", "es-ct", "gb-sct"]]}, "off", "on"]}
    path = write(
        tmp_path, {"t": {**BOOL, "targeting": targeting, "metadata": {"purposes": "ai_training"}}}
    )
    setting = settings(path, config)["t"]
    assert setting.default is True
    assert dict(setting.region_defaults) == {"CA-QC": False, "ES-CT": False, "GB-SCT": False}
    result = run(
        "check", str(path), "--format", "json", "--disable-plugin-autoload", plugins=[plugin]
    )
    (held_back,) = [f for f in result.findings if f["rule_id"] == "AI-TRAIN-002"]
    # on in the rest of Spain and the UK, not in Catalonia or Scotland
    assert {"ES-M", "GB-ENG", "DE"} <= set(held_back["regions"])
    assert not {"ES-CT", "ES-B", "GB-SCT", "ES"} & set(held_back["regions"])
