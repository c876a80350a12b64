"""The malformed-input corpus: every file gets a clear message at its line, never a traceback."""

from __future__ import annotations

import pytest
import yaml

from conftest import ROOT

CORPUS = ROOT / "tests" / "corpus"
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text())


def test_every_corpus_file_has_an_expectation():
    files = {p.name for p in CORPUS.iterdir() if p.name != "expected.yaml"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name, consentrules_run):
    path = CORPUS / name
    result = consentrules_run("snapshot", "validate", str(path))
    expected = EXPECTED[name]
    assert "Traceback" not in result.stderr
    if expected == "ok":
        assert result.exit_code == 0, result.stderr
        return
    assert result.exit_code == 2, result.stdout
    where = f"{path}:{expected['line']}" if "line" in expected else f"{path}:"
    assert where in result.stderr, result.stderr
    assert expected["message"] in result.stderr, result.stderr
