"""One large JSON snapshot checked with one job, a run of its settings at a time (issue 19):
the report must be exactly that of a whole check, and a bad input must give the same errors."""

from __future__ import annotations

import pytest

from consentrules.execute import cuts
from consentrules.execute import inturn
from test_split import BENCH_RULES
from test_split import damaged
from test_split import snapshot
from test_split import write

WHOLE = 10**12  # runs this large: every file is checked whole


@pytest.fixture
def in_turn(monkeypatch):
    """Cut even small files into runs of about 6 KB, and count the checks done in turn."""
    monkeypatch.setattr(cuts, "MIN_BYTES", 0)
    monkeypatch.setattr(inturn, "RUN_BYTES", 6_000)
    done: list[int] = []
    original = inturn.check_in_turn

    def counting(job, path):
        result = original(job, path)
        if result is not None:
            done.append(1)
        return result

    monkeypatch.setattr(inturn, "check_in_turn", counting)
    return done


def whole_and_in_turn(run, monkeypatch, path, *extra: str):
    monkeypatch.setattr(inturn, "RUN_BYTES", WHOLE)
    whole = run("check", str(path), "--jobs", "1", "--fail-on", "never", *extra)
    monkeypatch.setattr(inturn, "RUN_BYTES", 6_000)
    turns = run("check", str(path), "--jobs", "1", "--fail-on", "never", *extra)
    return whole, turns


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("rules", [[], ["--rules", BENCH_RULES]], ids=["bundled", "bench"])
@pytest.mark.parametrize("layout", ["plain", "traps", "disclosures first", "no disclosures"])
def test_runs_in_turn_give_the_report_of_a_whole_check(
    tmp_path, consentrules_run, monkeypatch, in_turn, indent, rules, layout
):
    # (later runs take the first run's disclosures: with none, every run must know it)
    data = snapshot(300, seed=11, traps=layout == "traps")
    if layout == "no disclosures":
        del data["disclosures"]
    path = write(tmp_path, data, indent=indent, disclosures_first=layout == "disclosures first")
    whole, turns = whole_and_in_turn(consentrules_run, monkeypatch, path, *rules)
    assert in_turn == [1], "the snapshot was not checked in turn"
    assert whole.exit_code == turns.exit_code == 0
    assert whole.report["findings"], "the check should find something"
    assert turns.report == whole.report
    assert turns.stdout == whole.stdout


@pytest.mark.parametrize(
    "damage",
    [
        "bad json in the last run",
        "unknown region in the first run",
        "unknown region in the last run",
        "id of the first run again in the last",
        "duplicate key in the last run",
        "text after the snapshot",
    ],
)
def test_bad_input_gives_the_errors_of_a_whole_check(
    tmp_path, consentrules_run, monkeypatch, in_turn, damage
):
    path = tmp_path / "bad.json"
    path.write_text(damaged(damage))
    whole, turns = whole_and_in_turn(consentrules_run, monkeypatch, path)
    assert whole.exit_code == turns.exit_code == 2
    assert turns.stderr == whole.stderr and "bad.json:" in turns.stderr
    assert in_turn == []  # checked whole in the end


@pytest.mark.parametrize("seed", range(6))
def test_any_cut_count(tmp_path, consentrules_run, monkeypatch, in_turn, seed):
    data = snapshot(60 + 37 * seed, seed=seed, history=seed % 2 == 0, traps=seed % 3 == 0)
    path = write(tmp_path, data, indent=None if seed % 2 else 1)
    whole, turns = whole_and_in_turn(consentrules_run, monkeypatch, path)
    assert turns.report == whole.report
    # A cut the planner cannot confirm makes the file be checked whole (see test_split).
    assert in_turn in ([1], [])


def test_small_files_are_checked_whole(tmp_path, consentrules_run, in_turn, monkeypatch):
    monkeypatch.setattr(inturn, "RUN_BYTES", 10**9)
    path = write(tmp_path, snapshot(50, seed=1))
    result = consentrules_run("check", str(path), "--jobs", "1", "--fail-on", "never")
    assert result.exit_code == 0 and in_turn == []
