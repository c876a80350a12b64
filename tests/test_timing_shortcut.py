"""disclosure_timing decides most settings by one comparison (every purpose certainly disclosed
in time); the full check must agree on every setting (issue 19)."""

from __future__ import annotations

import json
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate
import generate_traps

BENCH_RULES = str(ROOT / "benchmarks" / "policies" / "bench.yaml")


@pytest.mark.parametrize("maker", [generate, generate_traps], ids=["own", "traps"])
@pytest.mark.parametrize("as_of", [(), ("--as-of", "2021-06")])
@pytest.mark.parametrize("rules", [[], ["--rules", BENCH_RULES]], ids=["bundled", "bench"])
def test_the_shortcut_agrees_with_the_full_check(
    tmp_path, consentrules_run, monkeypatch, maker, as_of, rules
):
    from consentrules.engine.checks import disclosure_timing

    data = maker.generate(400, seed=5)
    for index, setting in enumerate(data["settings"]):
        if index % 7 == 0:
            setting["activated_at"] = setting["activated_at"][:7]  # a month-only date
        if index % 11 == 0:
            setting["purposes"] = []
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(data))
    args = ("check", str(path), "--fail-on", "never", *rules, *as_of)
    quick = consentrules_run(*args)
    monkeypatch.setattr(disclosure_timing, "last_first", lambda *a: None)  # always in full
    full = consentrules_run(*args)
    assert quick.exit_code == full.exit_code == 0, quick.stderr
    assert quick.report == full.report
    timing = [f for f in full.findings if "disclos" in f["message"] or f["rule_id"] == "P3"]
    assert timing, "the snapshot should give timing findings"
