"""A split check's JSON report joins the findings' JSON written by the processes that found them
(issue 19): the file must be byte for byte the one a single process writes, whatever later
changes a finding (waivers, a baseline, who is affected, --max-findings)."""

from __future__ import annotations

import json

import pytest

from consentrules import report as report_package
from consentrules.model import Finding
from consentrules.model import Severity
from consentrules.model import Status
from consentrules.report import fragments
from consentrules.report import json_reporter
from test_split import BENCH_RULES
from test_split import SOON
from test_split import snapshot
from test_split import write


@pytest.fixture
def compact(monkeypatch):
    """Write reports of more than five findings compact (as reports of thousands are)."""
    monkeypatch.setattr(report_package, "INDENT_UP_TO", 5)
    monkeypatch.setattr(json_reporter, "INDENT_UP_TO", 5)


def _extras(tmp_path, variant: str, data: dict) -> tuple[str, ...]:
    if variant == "waivers and baseline":
        path = write(tmp_path, data, name="for-baseline.json")
        baseline = tmp_path / "baseline.json"
        from consentrules.testing import run

        created = run("baseline", "create", str(path), "--rules", BENCH_RULES, "-o", str(baseline))
        assert created.exit_code == 0, created.stderr
        recorded = json.loads(baseline.read_text())
        del recorded["findings"][::2]
        baseline.write_text(json.dumps(recorded))
        waivers = tmp_path / "waivers.yaml"
        waivers.write_text(
            "consentrules: waivers/v1\nwaivers:\n"
            + "".join(
                f"  - {{rule: P1, target: {s['id']}, justification: j, owner: o, "
                f"expires: {SOON}}}\n"
                for s in data["settings"][:5]
            )
        )
        return ("--baseline", str(baseline), "--waivers", str(waivers))
    if variant == "max findings":
        return ("--max-findings", "40")
    return ()


@pytest.mark.parametrize("variant", ["plain", "waivers and baseline", "users", "max findings"])
def test_the_joined_report_is_the_one_process_report(
    tmp_path, consentrules_run, splits, compact, variant, monkeypatch
):
    remembered: list[int] = []
    original = fragments.remember

    def counting(findings, texts):
        remembered.append(len(texts))
        original(findings, texts)

    monkeypatch.setattr(fragments, "remember", counting)
    data = snapshot(300, seed=21)
    if variant == "users":
        data["users"] = {"DE": 1000, "US": 250_000, "FR": 42}
    extra = ("--rules", BENCH_RULES, *_extras(tmp_path, variant, data))
    path = write(tmp_path, data)
    one, many = tmp_path / "one.json", tmp_path / "many.json"
    common = ("check", str(path), "--fail-on", "never", "--format", "json")
    first = consentrules_run(*common, "-o", str(one), "--jobs", "1", *extra)
    assert remembered == []  # one process: nothing written ahead
    second = consentrules_run(*common, "-o", str(many), "--jobs", "3", *extra)
    assert first.exit_code == second.exit_code == 0, second.stderr
    assert splits[-1:] == [3], "the snapshot was not checked in runs"
    assert len(remembered) == 3 and sum(remembered) > 5, "no finding was written ahead"
    assert not fragments._texts  # kept only while the reporters write
    written = json.loads(many.read_text())
    assert len(written["findings"]) > 5  # compact: the joined path
    assert many.read_bytes() == one.read_bytes()
    if variant == "waivers and baseline":
        assert any(f["suppression"] for f in written["findings"])
    if variant == "users":
        assert any("affected" in f for f in written["findings"])


def _finding(target: str) -> Finding:
    return Finding("R1", Severity.HIGH, Status.VIOLATION, "m", "s.json", "p", "setting", target)


def test_a_text_belongs_to_its_very_finding_object():
    fragments.forget()
    kept, other = _finding("a"), _finding("a")  # equal, but not the same object
    fragments.remember([kept], ['{"x": 1}'])
    assert fragments.text_of(kept) == '{"x": 1}'
    assert fragments.text_of(other) is None
    fragments.forget()
    assert fragments.text_of(kept) is None


def test_finding_texts_are_the_elements_of_the_whole_report():
    items = [_finding("a"), _finding('é \u2028 "quoted"')]
    texts = json_reporter.finding_texts(items)
    whole = json.dumps([json_reporter.finding_dict(f) for f in items], ensure_ascii=False)
    assert whole == "[" + ", ".join(texts) + "]"
