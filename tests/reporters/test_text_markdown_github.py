from __future__ import annotations

import json

import jsonschema

from conftest import ROOT
from reporters.conftest import assert_golden


def test_text_golden(render):
    assert_golden("violating.txt", render("text", "--color", "never"))


def test_markdown_golden(render):
    text = render("markdown")
    assert_golden("violating.md", text)
    assert text.startswith("## consentrules: FAILED: 4 violations at or above low")
    assert "<details><summary>1 suppressed" in text


def test_github_annotations(render):
    lines = render("github").splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == 1  # (SCA-DIVULGE-CONTENTS is medium: a disputed point)
    first = errors[0]
    assert first.startswith(
        "::error file=examples/ai-training-2024/violating.yaml,line=12,col=5,title=AI-TRAIN-003%3A "
    )
    assert "::setting data-for-generative-ai-improvement: activated 2024-08-01" in first
    # 2 notices and SCA-DIVULGE-CONTENTS, with SCA-NO-DEFAULT-SHARING, which restates it
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert len(warnings) == 3
    (sca,) = [line for line in warnings if "SCA-DIVULGE-CONTENTS" in line]
    assert "SCA-NO-DEFAULT-SHARING" in sca  # one annotation for the two
    (past,) = [line for line in lines if line.startswith("::notice ")]  # info: resolved
    assert "resolved, in the past: enrolls users by default in GB" in past
    assert not any("AI-TRAIN-004" in line for line in lines if line.startswith("::"))


def test_github_escapes_data_and_properties():
    from consentrules.report.github import command

    assert command("error", "a%b\nc", file="x,y:z.yaml", line=3) == (
        "::error file=x%2Cy%3Az.yaml,line=3::a%25b%0Ac"
    )


def test_json_matches_its_schema(render):
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text())
    report = json.loads(render("json"))
    jsonschema.Draft202012Validator(schema).validate(report)
    waived = [f for f in report["findings"] if f["suppression"]]
    assert [f["rule_id"] for f in waived] == ["AI-TRAIN-004"]
    assert report["summary"]["suppressed"] == 1 and report["summary"]["failing"] == 4
    assert len(report["notices"]) == 2


def test_joined_rules_of_other_places_say_where_they_apply():
    """A row or annotation joining Quebec's s. 9.1 and California's secondary use on one
    default names where the Californian rule applies, in Markdown and in GitHub annotations."""
    from consentrules.testing import run

    example = str(ROOT / "examples" / "ai-training-2024" / "violating.yaml")
    markdown = run("check", example, "--format", "markdown").stdout
    row = next(line for line in markdown.splitlines() if "CCPA-SECONDARY-USE" in line)
    assert "(in US-CA)" in row and "| CA-QC |" in row
    github = run("check", example, "--format", "github").stdout
    note = next(line for line in github.splitlines() if "also breaks CCPA-SECONDARY-USE" in line)
    assert "CCPA-SECONDARY-USE (in US-CA)" in note
