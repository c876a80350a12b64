"""Reading OTA histories in both layouts, the dates a text states, and claims from text."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from consentrules_ota import scan
from consentrules_ota import stated_dates
from consentrules_ota.__main__ import main
from consentrules_ota.claims import load_matcher
from consentrules_ota.claims import sentences
from consentrules_ota.layouts import LayoutError
from consentrules_ota.layouts import read_versions

DATA = Path(__file__).parent / "data"
DATASET = DATA / "dataset"
BUNDLE = DATA / "reddit-pinterest-versions.bundle"


def test_the_dataset_layout_gives_every_version_oldest_first():
    versions = read_versions(DATASET, "Pinterest", "Privacy Policy")
    assert len(versions) == 22
    assert versions[0].recorded_day == "2022-07-11" and versions[-1].recorded_day == "2025-10-03"
    assert all(a.recorded_at < b.recorded_at for a, b in itertools.pairwise(versions))
    assert len(versions[0].sha256) == 64 and versions[0].source.endswith("2022-07-11T14-59-45Z.md")


def test_a_zip_release_reads_the_same(tmp_path):
    archive = tmp_path / "release.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in (DATASET / "Reddit" / "Privacy Policy").glob("*.md"):
            zipped.write(file, f"dataset/Reddit/Privacy Policy/{file.name}")
    from_zip = read_versions(archive, "Reddit", "Privacy Policy")
    from_folder = read_versions(DATASET, "Reddit", "Privacy Policy")
    assert [v.sha256 for v in from_zip] == [v.sha256 for v in from_folder]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")
def test_the_versions_repository_marks_changes_that_are_not_the_services():
    versions = read_versions(BUNDLE, "Pinterest", "Privacy Policy")
    assert versions and all(v.source.startswith("commit ") for v in versions)
    clone = Path(subprocess.run(["mktemp", "-d"], capture_output=True, text=True).stdout.strip())
    subprocess.run(["git", "clone", "--quiet", str(BUNDLE), str(clone / "r")], check=True)
    log = subprocess.run(
        ["git", "-C", str(clone / "r"), "log", "--all", "--format=%s", "--",
         "Pinterest/Privacy Policy.md"],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    skipped = [s for s in log if s.lower().startswith(("refilter", "apply technical"))]
    # Kept (the text as re-read is the baseline after them) and marked as the archive's.
    assert len(versions) == len(log)
    assert sorted(v.reread for v in versions if v.reread) == sorted(skipped)
    # the same texts as the dataset's, where the two layouts recorded the same version
    dataset = {v.sha256 for v in read_versions(DATASET, "Pinterest", "Privacy Policy")}
    assert sum(v.sha256 in dataset for v in versions) >= len(versions) // 2


def test_an_unknown_service_names_what_there_is():
    with pytest.raises(LayoutError) as info:
        read_versions(DATASET, "Pintrest", "Privacy Policy")
    assert "Pinterest / Privacy Policy" in str(info.value)


def test_stated_dates_are_extracted():
    text = "# Privacy Policy\n\nEffective September 12, 2021. Last Updated: 12 August 2021\n"
    assert [(d.kind, d.date) for d in stated_dates(text)] == [
        ("effective", "2021-09-12"),
        ("updated", "2021-08-12"),
    ]
    assert stated_dates("Nothing dated here.") == ()


def test_claims_respect_negation_ambiguity_and_headings():
    matcher = load_matcher()
    text = """What we do
==========

*   We use your posts to train our machine learning models. We share information with advertisers.

Your choices
------------

We do not use your private messages to train our AI models.
Our course trains you to use the product.
We never share your messages with third parties.
"""
    claims = matcher.claims(text)
    assert [(c.purpose, c.heading) for c in claims] == [
        ("ai_training", "What we do"),
        ("third_party_sharing", "What we do"),
    ]
    assert claims[0].sentence == "We use your posts to train our machine learning models."
    assert sentences("## A\n\nOne. Two.")[1] == ("A", "Two.")


def test_the_scan_shows_when_a_purpose_first_appears():
    versions = read_versions(DATASET, "Pinterest", "Privacy Policy")
    scanned = scan(versions, load_matcher())
    first = next(item for item in scanned if "ai_training" in item.purposes)
    assert first.version.recorded_day == "2023-08-02"  # as the sample's README states
    claim = next(c for c in first.claims if c.purpose == "ai_training")
    assert "machine learning models" in claim.sentence
    reddit = scan(read_versions(DATASET, "Reddit", "Privacy Policy"), load_matcher())
    assert not any("ai_training" in item.purposes for item in reddit)


def test_the_command_prints_text_and_json(capsys):
    assert main(["scan", str(DATASET), "--service", "Pinterest"]) == 0
    out = capsys.readouterr().out
    assert "2023-08-02" in out and "NEW: ai_training" in out
    assert main(["scan", str(DATASET), "--service", "Pinterest", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    added = next(v for v in data if "ai_training" in v["added"])
    assert added["recorded_at"].startswith("2023-08-02T") and added["recorded_at"].endswith("Z")
    assert main(["scan", str(DATASET), "--service", "Nobody"]) == 2
    assert "error:" in capsys.readouterr().err


def test_patterns_can_be_replaced(tmp_path, capsys):
    patterns = tmp_path / "patterns.yaml"
    patterns.write_text("purposes:\n  pins:\n    phrases: ['\\bpins?\\b']\n")
    assert main(["scan", str(DATASET), "--service", "Pinterest", "--patterns", str(patterns)]) == 0
    assert "pins" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "purposes:\n  x:\n    phrases: ['(?=a)']\n",
            "purposes.x.phrases: '(?=a)' is not a pattern RE2 reads",
        ),
        ("purposes: [1\n", "not valid YAML"),
        ("purposes:\n  x: [a]\n", "purposes.x must give phrases"),
        ("- a\n", "expected 'purposes:'"),
    ],
)
def test_a_bad_patterns_file_is_a_clear_error(tmp_path, capsys, content, message):
    patterns = tmp_path / "patterns.yaml"
    patterns.write_text(content)
    assert main(["scan", str(DATASET), "--service", "Reddit", "--patterns", str(patterns)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
