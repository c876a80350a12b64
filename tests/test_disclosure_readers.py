"""Disclosure readers and claim matchers (issue 15): the plumbing every reader shares, with a
reader and matchers written here the way a vendor would write them."""

from __future__ import annotations

import json
from pathlib import Path

from consentrules import Claim
from consentrules import Disclosure
from consentrules import DisclosureVersion
from consentrules import InputError
from consentrules import Problem
from consentrules import hookimpl
from consentrules import parse_date
from consentrules.testing import run
from consentrules.testing import write_snapshot


class FolderReader:
    """Policy texts in a folder, named by publication day (2024-09-18.md)."""

    name = "folder"
    description = "policy texts named by day"

    def read(self, location, config):
        folder = Path(location)
        if not folder.is_dir():
            raise InputError([Problem(location, "not a folder of policy texts")])
        matcher = config.claim_matcher()
        versions = []
        for path in sorted(folder.glob("*.md")):
            claims = tuple(matcher.claims(path.read_text()))
            versions.append(
                DisclosureVersion(
                    version=path.stem,
                    published_at=parse_date(path.stem),
                    source=str(path),
                    sha256="0" * 64,
                    purposes=tuple(sorted({c.token for c in claims})),
                    statements=tuple(sorted({c.token for c in claims})),
                    claims=claims,
                )
            )
        title = f"{config.getoption('service') or 'Acme'} privacy policy"
        return [Disclosure("policy", "privacy_policy", title, tuple(versions))]


class TrainMatcher:
    def claims(self, text):
        return [
            Claim("ai_training", s.strip() + ".", "Uses")
            for s in text.split(".")
            if "train" in s and "not" not in s
        ]


class Plugin:
    @hookimpl
    def consentrules_register_disclosure_readers(self, registry):
        registry.add(FolderReader())

    @hookimpl
    def consentrules_claim_matcher(self, config):
        return TrainMatcher()


class ShoutingMatcherPlugin:
    """A second matcher: the first that returns one wins (tryfirst puts it ahead)."""

    @hookimpl(tryfirst=True)
    def consentrules_claim_matcher(self, config):
        class Loud:
            def claims(self, text):
                return [Claim("ai_training", "LOUD", "")] if "TRAIN" in text.upper() else []

        return Loud()


def _history(tmp_path):
    folder = tmp_path / "policy"
    folder.mkdir()
    (folder / "2024-01-10.md").write_text("We use your data to run the service.")
    (folder / "2024-09-18.md").write_text("We use your posts to train AI models. We share.")
    (folder / "2024-11-01.md").write_text("We do not train on your posts.")
    return folder


def _snapshot(tmp_path, activated="2024-08-01"):
    setting = {"id": "gen-ai", "purposes": ["ai_training"], "default": False,
               "regions": {"include": ["US"]}, "activated_at": activated}  # fmt: skip
    return write_snapshot(tmp_path, {"taken_at": "2024-12-01", "settings": [setting]})


def test_check_adds_the_history_and_shows_the_evidence(tmp_path):
    folder = _history(tmp_path)
    args = ("check", str(_snapshot(tmp_path)), "--disclosures", f"folder:{folder}",
            "--rule", "AI-TRAIN-003")  # fmt: skip
    result = run(*args, "--format", "json", plugins=[Plugin()])
    assert result.exit_code == 1, result.stderr
    (late,) = result.findings
    facts = late["evidence"]["purposes"]["ai_training"]["disclosure"]
    assert facts["version"] == "2024-09-18" and facts["source"].endswith("2024-09-18.md")
    assert facts["published_at"] == {"first": "2024-09-18", "last": "2024-09-18",
                                     "text": "2024-09-18"}  # fmt: skip
    assert facts["excerpt"] == "We use your posts to train AI models." and facts["sha256"]
    text = " ".join(run(*args, "--color", "never", plugins=[Plugin()]).stdout.split())
    assert (
        "evidence: first disclosed ai_training: privacy policy 'policy' version 2024-09-18" in text
    )
    assert '"We use your posts to train AI models." [Uses]' in text
    sarif = json.loads(run(*args, "--format", "sarif", plugins=[Plugin()]).stdout)
    (result_entry,) = sarif["runs"][0]["results"]
    (shown,) = result_entry["properties"]["disclosures"]
    assert shown["role"] == "first disclosed ai_training" and shown["version"] == "2024-09-18"
    markdown = run(*args, "--format", "markdown", plugins=[Plugin()]).stdout
    assert "<br>Evidence, first disclosed ai_training: privacy policy 'policy'" in markdown


def test_a_removed_statement_is_a_silent_change_with_both_versions(tmp_path):
    from consentrules.testing import write_rules

    rules = write_rules(
        tmp_path,
        {"id": "KEEP", "selector": {"purposes": ["ai_training"]},
         "check": {"kind": "disclosure_timing", "document_kind": "privacy_policy",
                   "retain": ["ai_training"]}},
    )  # fmt: skip
    result = run("check", str(_snapshot(tmp_path)), "--rules", str(rules), "--disclosures",
                 f"folder:{_history(tmp_path)}", "--format", "json", plugins=[Plugin()])  # fmt: skip
    (dropped,) = result.findings
    assert dropped["status"] == "violation"
    evidence = dropped["evidence"]
    assert evidence["stated_in"]["version"] == "2024-09-18"
    assert evidence["stated_in"]["excerpt"] == "We use your posts to train AI models."
    assert evidence["dropped_in"]["version"] == "2024-11-01"


def test_the_first_matcher_a_plugin_returns_wins(tmp_path):
    folder = _history(tmp_path)
    result = run("disclosures", "scan", str(folder), "--reader", "folder", "--format", "json",
                 plugins=[Plugin(), ShoutingMatcherPlugin()])  # fmt: skip
    claims = json.loads(result.stdout)["documents"][0]["versions"][1]["claims"]
    assert claims == [{"token": "ai_training", "excerpt": "LOUD", "heading": ""}]


def test_scan_and_diff_show_what_each_version_adds_and_drops(tmp_path):
    folder = _history(tmp_path)
    scan = run("disclosures", "scan", str(folder), "--reader", "folder", "--service", "Acme",
               plugins=[Plugin()])  # fmt: skip
    assert scan.exit_code == 0, scan.stderr
    lines = scan.stdout.splitlines()
    assert lines[0] == "Acme privacy policy (privacy_policy): 3 versions"
    assert "NEW: ai_training" in lines[2]
    assert '+ ai_training: "We use your posts to train AI models." [Uses]' in scan.stdout
    assert "DROPPED: ai_training" in scan.stdout
    diff = run("disclosures", "diff", str(folder), "--reader", "folder", "--from", "2024-09-18",
               "--to", "2024-11-01", "--format", "json", plugins=[Plugin()])  # fmt: skip
    data = json.loads(diff.stdout)
    assert data["removed"] == [
        {"token": "ai_training", "excerpt": "We use your posts to train AI models.",
         "heading": "Uses"}
    ]  # fmt: skip
    assert data["added"] == [] and data["to"]["published_at"]["first"] == "2024-11-01"


def test_bad_sources_are_errors_that_say_what_to_do(tmp_path):
    snapshot = str(_snapshot(tmp_path))
    no_colon = run("check", snapshot, "--disclosures", "folder", plugins=[Plugin()])
    assert no_colon.exit_code == 2 and "expected READER:LOCATION" in no_colon.stderr
    unknown = run("check", snapshot, "--disclosures", "nope:x", plugins=[Plugin()])
    assert unknown.exit_code == 2 and "installed readers: folder" in unknown.stderr
    missing = run("check", snapshot, "--disclosures", f"folder:{tmp_path / 'none'}",
                  plugins=[Plugin()])  # fmt: skip
    assert missing.exit_code == 2 and "not a folder of policy texts" in missing.stderr
    assert "Traceback" not in missing.stderr + unknown.stderr + no_colon.stderr


def test_a_reader_that_returns_the_wrong_thing_is_the_plugins_fault(tmp_path):
    class Broken:
        name, description = "broken", "returns text"

        def read(self, location, config):
            return ["not a disclosure"]

    class BrokenPlugin:
        @hookimpl
        def consentrules_register_disclosure_readers(self, registry):
            registry.add(Broken())

    result = run("check", str(_snapshot(tmp_path)), "--disclosures", "broken:x",
                 plugins=[BrokenPlugin()])  # fmt: skip
    assert result.exit_code == 2, result.stderr
    assert "plugin 'BrokenPlugin'" in result.stderr
    assert "returned str, not a Disclosure" in result.stderr


def test_a_packs_claims_file_is_not_read_as_rules(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "rules.yaml").write_text(
        "rules:\n  - id: R\n    title: t\n    severity: low\n    selector: {purposes: [ads]}\n"
        "    check: {kind: opt_in_default}\n"
    )
    (pack / "claims.yaml").write_text("purposes:\n  ads:\n    phrases: ['advert']\n")
    result = run("rules", "list", "--rules", str(pack))
    assert result.exit_code == 0, result.stderr
    assert "R" in result.stdout.split()
