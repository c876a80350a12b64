"""consentrules test: the fixture runner, and every bundled rule passing its fixtures."""

from __future__ import annotations

import textwrap

import junitparser

from conftest import ROOT

RULE = """\
rules:
  - id: OPT
    title: opt-in
    severity: high
    selector: {purposes: [ai_training]}
    check: {kind: regional_exclusion, regions: [EEA, UK]}
    fixtures:
"""

SNAPSHOT = "{settings: [{id: ai, purposes: [ai_training], default: true, regions: {include: [ALL], exclude: [EEA]}}]}"


def write(tmp_path, fixtures):
    path = tmp_path / "rules.yaml"
    path.write_text(RULE + textwrap.indent(textwrap.dedent(fixtures), "      "))
    return path


def test_every_bundled_rule_passes_with_a_firing_and_a_quiet_fixture(consentrules_run):
    result = consentrules_run("test", str(ROOT / "rules"), "--require-fixtures")
    assert result.exit_code == 0, result.stdout
    assert "0 failed, 0 incomplete, 0 without fixtures" in result.stdout


def test_passing_fixtures(tmp_path, consentrules_run):
    path = write(
        tmp_path,
        f"""\
    - name: UK forgotten
      snapshot: {SNAPSHOT}
      expect: [{{target: ai, regions: [GB]}}]
    - name: both excluded
      snapshot: {{settings: [{{id: ai, purposes: [ai_training], default: true, regions: {{include: [US]}}}}]}}
      expect: []
    """,
    )
    result = consentrules_run("test", str(path))
    assert result.exit_code == 0
    assert "PASS         OPT  (2 fixtures)" in result.stdout


def test_expected_finding_missing_is_a_readable_diff(tmp_path, consentrules_run):
    path = write(
        tmp_path,
        """\
    - name: wrongly quiet
      snapshot: {settings: [{id: ai, purposes: [ai_training], default: true, regions: {include: [US]}}]}
      expect: [{target: ai}]
    """,
    )
    result = consentrules_run("test", str(path))
    assert result.exit_code == 1
    assert "FAIL         OPT" in result.stdout
    assert "fixture 'wrongly quiet' (line 8):" in result.stdout
    assert "- expected: violation on target ai" in result.stdout


def test_unexpected_finding(tmp_path, consentrules_run):
    path = write(
        tmp_path,
        f"""\
    - name: should be quiet
      snapshot: {SNAPSHOT}
      expect: []
    """,
    )
    result = consentrules_run("test", str(path))
    assert result.exit_code == 1
    assert "+ got:      violation on setting ai in [GB]: applies in GB" in result.stdout


def test_region_mismatch(tmp_path, consentrules_run):
    path = write(
        tmp_path,
        f"""\
    - name: wrong region
      snapshot: {SNAPSHOT}
      expect: [{{target: ai, regions: [CH]}}]
    """,
    )
    result = consentrules_run("test", str(path))
    assert result.exit_code == 1
    assert "- expected: violation on target ai in [CH]" in result.stdout
    assert "+ got:      violation on setting ai in [GB]" in result.stdout


def test_malformed_fixture_names_rule_file_and_line(tmp_path, consentrules_run):
    path = write(
        tmp_path,
        """\
    - name: bad snapshot
      snapshot: {settings: [{id: ai, defualt: true}]}
      expect: []
    """,
    )
    result = consentrules_run("test", str(path))
    assert result.exit_code == 1
    assert "malformed fixture:" in result.stdout
    assert "unknown key 'defualt'" in result.stdout and f"{path}" in result.stdout


def test_fixture_that_breaks_the_schema_is_an_input_error(tmp_path, consentrules_run):
    path = write(
        tmp_path,
        """\
    - name: no expectation
      snapshot: {}
    """,
    )
    result = consentrules_run("test", str(path))
    assert result.exit_code == 2
    assert f"{path}:8:" in result.stderr and "'expect'" in result.stderr


def test_rules_without_fixtures_and_incomplete_ones(tmp_path, consentrules_run):
    write(
        tmp_path,
        f"""\
    - name: fires
      snapshot: {SNAPSHOT}
      expect: [{{target: ai}}]
    """,
    )
    (tmp_path / "other.yaml").write_text(
        "rules:\n  - {id: BARE, title: t, severity: low, check: {kind: opt_in_default}}\n"
    )
    result = consentrules_run("test", str(tmp_path))
    assert result.exit_code == 0  # reported, not failing, by default
    assert "INCOMPLETE   OPT  (1 fixture) needs a fixture that expects no finding" in result.stdout
    assert "NO FIXTURES  BARE" in result.stdout
    strict = consentrules_run("test", str(tmp_path), "--require-fixtures")
    assert strict.exit_code == 1


def test_junit_output(tmp_path, consentrules_run):
    path = write(
        tmp_path,
        f"""\
    - name: UK forgotten
      snapshot: {SNAPSHOT}
      expect: [{{target: ai, regions: [CH]}}]
    - name: quiet
      snapshot: {{settings: []}}
      expect: []
    """,
    )
    out = tmp_path / "fixtures.xml"
    result = consentrules_run("test", str(path), "--format", "junit", "-o", str(out))
    assert result.exit_code == 1
    (suite,) = list(junitparser.JUnitXml.fromfile(str(out)))
    assert (suite.tests, suite.failures) == (2, 1)
    failed = next(case for case in suite if not case.is_passed)
    assert failed.classname == "OPT" and "in [CH]" in failed.result[0].text


def test_snapshot_file_and_as_of(tmp_path, consentrules_run):
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "ai.yaml").write_text(
        "platform: P\ntaken_at: 2024-12-01\nsettings:\n"
        "  - id: ai\n    purposes: [ai_training]\n    default: true\n"
        "    regions: {include: [ALL], exclude: [EEA]}\n    activated_at: 2024-10-01\n"
    )
    path = write(
        tmp_path,
        """\
    - name: from a file
      snapshot_file: fixtures/ai.yaml
      expect: [{target: ai, regions: [GB]}]
    - name: before activation it was the same config
      snapshot_file: fixtures/ai.yaml
      as_of: 2024-11-01
      expect: [{target: ai, regions: [GB]}]
    """,
    )
    result = consentrules_run("test", str(path))
    assert result.exit_code == 0, result.stdout
