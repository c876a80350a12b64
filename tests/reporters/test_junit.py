from __future__ import annotations

import junitparser


def test_parses_with_a_real_junit_parser(render, tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(render("junit"))
    xml = junitparser.JUnitXml.fromfile(str(path))
    suites = list(xml)
    assert len(suites) == 1
    suite = suites[0]
    assert suite.name == "examples/ai-training-2024/violating.yaml"
    assert (suite.tests, suite.failures, suite.skipped, suite.errors) == (13, 5, 0, 0)
    cases = {case.name.split(":")[0]: case for case in suite}
    failing = cases["AI-TRAIN-003"]
    (failure,) = failing.result
    assert isinstance(failure, junitparser.Failure)
    assert failure.type == "high" and "48 days later" in failure.text
    assert "violating.yaml:12" in failure.text
    assert cases["AI-TRAIN-004"].is_passed  # waived
    assert "suppressed (waiver" in cases["AI-TRAIN-004"].system_out
    assert failing.classname == "consentrules.ai-training"
    assert cases["AI-TRAIN-001"].is_passed  # consent is not the recorded basis: not selected


def test_not_evaluable_only_is_skipped(tmp_path, in_root, consentrules_run):
    snapshot = tmp_path / "s.yaml"
    snapshot.write_text(
        "platform: X\ntaken_at: 2024-01-01\nsettings:\n"
        "  - {id: a, purposes: [ai_training], default: false, regions: {include: [US]}}\n"
    )
    out = tmp_path / "r.xml"
    result = consentrules_run("check", str(snapshot), "--pack", "ai-training", "-o", f"junit={out}")
    assert result.exit_code == 0
    (suite,) = list(junitparser.JUnitXml.fromfile(str(out)))
    skipped = [c for c in suite if c.is_skipped]
    assert [c.name.split(":")[0] for c in skipped] == ["AI-TRAIN-003"]
    assert "carries no disclosures" in skipped[0].result[0].message
