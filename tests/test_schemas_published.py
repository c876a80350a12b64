"""schemas/ holds what editors use; it must say exactly what consentrules enforces."""

from __future__ import annotations

import json

import jsonschema
import pytest

from conftest import EXAMPLES
from conftest import ROOT
from consentrules.sources.yamlsource import load_document

PUBLISHED = ROOT / "schemas"


@pytest.mark.parametrize("name", ["snapshot", "waivers", "config", "report", "mapping"])
def test_published_copy_is_the_packaged_schema(name, consentrules_run):
    result = consentrules_run("schema", name)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json.loads((PUBLISHED / f"{name}.schema.json").read_text())


def test_published_rules_schema_is_the_generated_one(consentrules_run):
    result = consentrules_run("schema", "rules")
    published = json.loads((PUBLISHED / "rules.schema.json").read_text())
    assert json.loads(result.stdout) == published, (
        "regenerate with: consentrules schema rules > schemas/rules.schema.json"
    )


def test_every_bundled_rule_file_validates_for_editors():
    validator = jsonschema.Draft202012Validator(
        json.loads((PUBLISHED / "rules.schema.json").read_text())
    )
    files = sorted((ROOT / "rules").rglob("*.yaml"))
    assert len(files) == 14
    for path in files:
        assert list(validator.iter_errors(load_document(path).data)) == [], path


def test_editor_schema_catches_bad_check_parameters():
    validator = jsonschema.Draft202012Validator(
        json.loads((PUBLISHED / "rules.schema.json").read_text())
    )
    bad = {
        "rules": [
            {
                "id": "X",
                "title": "t",
                "severity": "low",
                "check": {"kind": "regional_exclusion", "mode": "sometimes"},
            }
        ]
    }
    messages = [e.message for e in validator.iter_errors(bad)]
    assert messages, "a wrong mode and a missing 'regions' must be caught"
    unknown_kind = {
        "rules": [{"id": "X", "title": "t", "severity": "low", "check": {"kind": "nope"}}]
    }
    assert list(validator.iter_errors(unknown_kind))


def test_examples_validate_against_the_snapshot_schema():
    validator = jsonschema.Draft202012Validator(
        json.loads((PUBLISHED / "snapshot.schema.json").read_text())
    )
    for name in ("violating.yaml", "compliant.yaml"):
        data = load_document(EXAMPLES / "ai-training-2024" / name).data
        assert list(validator.iter_errors(data)) == []


def test_modelines_point_at_the_published_schemas():
    for path in [*sorted((ROOT / "rules").rglob("*.yaml")), *sorted(EXAMPLES.rglob("*.yaml"))]:
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1].strip()).resolve()
        assert target.parent == PUBLISHED.resolve() and target.exists(), path
