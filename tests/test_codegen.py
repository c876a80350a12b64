"""The compiled validators match the schemas, and agree with jsonschema on every input."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import settings

from consentrules.sources import _validators
from consentrules.sources.codegen import generate
from consentrules.sources.codegen import schemas_to_compile
from consentrules.sources.schema import compiled_validator
from consentrules.sources.schema import load_schema
from test_fuzz import snapshots

pytest.importorskip("fastjsonschema")


def test_generated_module_is_current():
    current = Path(_validators.__file__).read_text(encoding="utf-8")
    assert generate(schemas_to_compile()) == current, "run: python -m consentrules.sources.codegen"


def test_every_builtin_schema_has_a_compiled_validator():
    for name, schema in schemas_to_compile():
        assert compiled_validator(schema) is not None, name


def _agree(schema, data):
    fast = compiled_validator(schema)
    try:
        fast(data)
        fast_ok = True
    except _validators.JsonSchemaValueException:
        fast_ok = False
    slow_ok = not list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert fast_ok == slow_ok, json.dumps(data, default=str)[:500]


@settings(max_examples=300, deadline=None)
@given(snapshots())
def test_compiled_snapshot_validator_agrees_with_jsonschema(data):
    _agree(load_schema("snapshot"), json.loads(json.dumps(data, allow_nan=True)))


@pytest.mark.parametrize(
    "data",
    [
        {"rules": []},
        {"rules": [{"id": "x", "title": "t", "severity": "low", "check": {"kind": "a"}}]},
        {"rules": [{"id": "x y", "title": "t", "severity": "low", "check": {}}]},
        {
            "rules": [
                {
                    "id": "x",
                    "title": "",
                    "severity": "low",
                    "check": {"kind": "a"},
                    "selector": {"purposes": []},
                }
            ]
        },
        {
            "waivers": [
                {
                    "rule": "x",
                    "target": "y",
                    "justification": "j",
                    "owner": "o",
                    "expires": "2025-01-01",
                }
            ]
        },
    ],
)
def test_compiled_validators_agree_on_samples(data):
    name = "rules" if "rules" in data else "waivers"
    _agree(load_schema(name), data)


@settings(max_examples=200, deadline=None)
@given(snapshots())
def test_rust_validator_agrees_with_jsonschema_when_installed(data):
    rust = pytest.importorskip("jsonschema_rs")
    schema = load_schema("snapshot")
    document = json.loads(json.dumps(data, allow_nan=True))
    expected = not list(jsonschema.Draft202012Validator(schema).iter_errors(document))
    assert rust.validator_for(schema).is_valid(document) == expected


def test_checking_the_bundled_example_imports_no_jsonschema_or_template_engine():
    """Start-up stays small (issue 19): a valid snapshot under the bundled packs is validated by
    the compiled validators alone (review conditions included), and nothing imports
    jsonschema (a third of start-up) or Jinja2 (only for the HTML report)."""
    import subprocess
    import sys

    from conftest import ROOT

    code = (
        "import sys\n"
        "from consentrules.cli.main import main\n"
        f"main(['check', {str(ROOT / 'examples/ai-training-2024/violating.yaml')!r}, "
        "'--disable-plugin-autoload', '-o', '/dev/null'])\n"
        "heavy = [m for m in ('jsonschema', 'jinja2', 'jsonschema_rs', 're2') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert "HEAVY=\n" in result.stdout + "\n", result.stdout
    assert result.stdout.rstrip().splitlines()[-1] == "HEAVY=", result.stdout
