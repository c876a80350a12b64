"""The Fides adapter: manifests as teams write them, an overlay for what they do not say."""

from __future__ import annotations

import shutil
from pathlib import Path

import consentrules_fides as plugin
import pytest

from consentrules.testing import make_config
from consentrules.testing import run

DATA = Path(__file__).parent / "data"


@pytest.fixture
def project(tmp_path):
    for name in ("fides.yml", "consentrules-overlay.yml"):
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


def load(path):
    return plugin.FidesAdapter().load(Path(path), make_config([plugin]))


def test_declarations_become_settings_through_the_mapping(project):
    settings = {s.id: s for s in load(project / "fides.yml").settings}
    train = settings["chirp_feed.train-recommendation-models"]
    assert train.purposes == ("ai_training",)
    assert set(train.data_categories) == {"posts", "usage"}
    assert train.legal_basis == (("ALL", "legitimate_interest"),)
    assert train.default is True and str(train.activated_at) == "2025-05-27"
    ads = settings["chirp_feed.personalised-ads-with-partners"]
    assert ads.purposes == ("advertising", "third_party_sharing")
    assert ads.recipients == ("first_party", "third_parties")
    assert {"cookies", "device_identifiers", "usage"} <= set(ads.data_categories)


def test_the_check_runs_and_unmapped_uses_are_listed(project):
    result = run("check", str(project / "fides.yml"), "--format", "json", plugins=[plugin])
    assert result.report["snapshots"][0]["adapter"] == "fides"
    fired = {
        (f["rule_id"], f["target"]["id"]) for f in result.findings if f["status"] == "violation"
    }
    assert ("AI-TRAIN-002", "chirp_feed.train-recommendation-models") in fired
    (unmapped,) = [n for n in result.report["notices"] if n["category"] == "unmapped"]
    assert "chirp_feed.newsletter" in unmapped["message"]
    line = next(
        f["location"]["line"]
        for f in result.findings
        if f["target"]["id"] == "chirp_feed.train-recommendation-models"
    )
    assert line == 8  # the declaration in the manifest


def test_without_an_overlay_defaults_are_not_evaluable(tmp_path):
    shutil.copy(DATA / "fides.yml", tmp_path / "fides.yml")
    result = run("check", str(tmp_path / "fides.yml"), "--format", "json", plugins=[plugin])
    train = [f for f in result.findings if f["target"]["id"].startswith("chirp_feed.train")]
    assert train and all(f["status"] == "not_evaluable" for f in train)
    # the default is unknown, and the setting says what to add
    settings = {s.id: s for s in load(tmp_path / "fides.yml").settings}
    train_setting = settings["chirp_feed.train-recommendation-models"]
    assert train_setting.default is None and "give 'default'" in train_setting.default_note


def test_the_overlay_can_override_the_mapping(project):
    overlay = project / "consentrules-overlay.yml"
    overlay.write_text(
        overlay.read_text()
        + "mapping:\n  data_uses:\n    marketing.communications: [advertising]\n"
    )
    settings = {s.id: s for s in load(project / "fides.yml").settings}
    assert settings["chirp_feed.newsletter"].purposes == ("advertising",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("data_use: train_ai_system", "data_use: train_ai"), "'train_ai' is not a data use"),
        (("- user.behavior\n", "- user.behaviour\n"), "did you mean 'user.behavior'?"),
        (("fides_key: chirp_feed", "fides_key: chirp feed!"), "not a valid Fides system"),
    ],
)
def test_a_bad_manifest_is_an_input_error_at_its_line(project, change, message):
    manifest = project / "fides.yml"
    manifest.write_text(manifest.read_text().replace(*change))
    result = run("check", str(manifest), plugins=[plugin])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert message in result.stderr and f"{manifest}:" in result.stderr


def test_an_overlay_naming_nothing_or_a_wrong_field_is_refused(project):
    overlay = project / "consentrules-overlay.yml"
    overlay.write_text(overlay.read_text().replace("chirp_feed/Train", "chirp_fed/Train"))
    result = run("check", str(project / "fides.yml"), plugins=[plugin])
    assert result.exit_code == 2 and "no system or declaration" in result.stderr
    overlay.write_text(
        (DATA / "consentrules-overlay.yml").read_text().replace("default: true", "defualt: true", 1)
    )
    result = run("check", str(project / "fides.yml"), plugins=[plugin])
    assert result.exit_code == 2 and "did you mean 'default'?" in result.stderr


def test_the_overlay_is_an_input_and_can_be_named(project, tmp_path):
    elsewhere = tmp_path / "elsewhere.yml"
    shutil.move(project / "consentrules-overlay.yml", elsewhere)
    result = run(
        "check", str(project / "fides.yml"), "--fides-overlay", str(elsewhere),
        "--format", "json", plugins=[plugin],
    )  # fmt: skip
    assert any(f["rule_id"] == "AI-TRAIN-002" for f in result.findings)
    refused = run(
        "check", str(project / "fides.yml"), "--fides-overlay", str(elsewhere),
        "-o", f"json={elsewhere}", plugins=[plugin],
    )  # fmt: skip
    assert refused.exit_code == 2 and "refusing" in refused.stderr


def test_every_mapped_key_is_in_the_fideslang_taxonomy():
    uses, categories = plugin.taxonomy_keys()
    assert set(plugin.mapping.DATA_USES) <= uses
    assert set(plugin.mapping.DATA_CATEGORIES) <= categories


@pytest.mark.parametrize(
    ("overlay", "message"),
    [
        ("declarations: [a, b]\n", "'declarations' maps"),
        ("mapping: [1]\n", "'mapping' has data_uses"),
        ("mapping: {data_uses: {train_ai_system: ai_training}}\n", "must map to a list of tokens"),
        ("mapping: {data_categories: [user]}\n", "'data_categories' maps Fides keys"),
    ],
)
def test_an_overlay_of_the_wrong_shape_is_the_users_error(project, overlay, message):
    (project / "consentrules-overlay.yml").write_text(overlay)
    result = run("check", str(project / "fides.yml"), plugins=[plugin])
    assert result.exit_code == 2 and message in result.stderr
    assert "plugin 'fides'" not in result.stderr and "Traceback" not in result.stderr
    assert "consentrules-overlay.yml:1" in result.stderr
