from __future__ import annotations

import json

import junitparser

from conftest import EXAMPLES

VIOLATING = str(EXAMPLES / "ai-training-2024" / "violating.yaml")


def test_several_outputs_in_one_run(tmp_path, consentrules_run):
    sarif, junit, md = tmp_path / "r.sarif", tmp_path / "r.xml", tmp_path / "r.md"
    result = consentrules_run(
        "check",
        VIOLATING,
        "-o",
        f"sarif={sarif}",
        "--output",
        f"junit={junit}",
        "-o",
        f"markdown={md}",
    )
    assert result.exit_code == 1
    assert "FAILED" in result.stdout  # text still on standard output
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert list(junitparser.JUnitXml.fromfile(str(junit)))
    assert md.read_text().startswith("## consentrules")


def test_plain_output_path_takes_the_format(tmp_path, consentrules_run):
    out = tmp_path / "r.json"
    result = consentrules_run(
        "check", VIOLATING, "--format", "json", "-o", str(out), "-o", "text=-"
    )
    assert json.loads(out.read_text())["format"] == "consentrules-report"
    assert "FAILED" in result.stdout


def test_output_mistakes_are_usage_errors(tmp_path, consentrules_run):
    bad = consentrules_run("check", VIOLATING, "-o", "xml=out.xml")
    assert bad.exit_code == 2 and "unknown format 'xml'" in bad.stderr
    two = consentrules_run("check", VIOLATING, "-o", "a.txt", "-o", "b.txt")
    assert two.exit_code == 2 and "only one plain PATH" in two.stderr
    same = consentrules_run(
        "check", VIOLATING, "-o", f"json={tmp_path}/x", "-o", f"sarif={tmp_path}/x"
    )
    assert same.exit_code == 2 and "same file" in same.stderr
    stdout_twice = consentrules_run("check", VIOLATING, "-o", "json=-")
    assert stdout_twice.exit_code == 2 and "standard output" in stdout_twice.stderr
    missing_dir = consentrules_run("check", VIOLATING, "-o", f"json={tmp_path}/no/such/r.json")
    assert missing_dir.exit_code == 2 and "does not exist" in missing_dir.stderr


def test_a_failing_reporter_leaves_the_others_whole(tmp_path, monkeypatch, consentrules_run):
    from consentrules.report import markdown

    def explode(report):
        raise OSError("quota exceeded")

    monkeypatch.setattr(markdown, "render_markdown", explode)
    good, bad = tmp_path / "r.sarif", tmp_path / "r.md"
    bad.write_text("previous report\n")
    result = consentrules_run("check", VIOLATING, "-o", f"markdown={bad}", "-o", f"sarif={good}")
    assert result.exit_code == 2
    assert "reporter 'markdown' failed: OSError: quota exceeded" in result.stderr
    assert json.loads(good.read_text())["version"] == "2.1.0"
    assert bad.read_text() == "previous report\n"  # untouched, not half-written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.md", "r.sarif"]


def test_files_a_plugin_declares_are_never_written_over(tmp_path, consentrules_run, monkeypatch):
    from consentrules import hookimpl

    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("flags: {}\n")

    class MappingPlugin:
        @hookimpl
        def consentrules_input_files(self, config):
            return [str(mapping)]

    from consentrules.testing import run

    result = run(
        "check",
        str(EXAMPLES / "ai-training-2024" / "compliant.yaml"),
        "-o",
        f"json={mapping}",
        plugins=[MappingPlugin()],
    )
    assert result.exit_code == 2
    assert "refusing to write the report over the input file" in result.stderr
    assert mapping.read_text() == "flags: {}\n"
