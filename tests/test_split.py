"""One large JSON snapshot checked in runs of its settings on several processes: the report must
be exactly that of one process, whatever the text looks like, and a bad input must give the
same errors."""

from __future__ import annotations

import datetime as _dt
import json
import os
import random
import sys

import pytest
from hypothesis import HealthCheck
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from consentrules.execute import cuts
from consentrules.execute import split
from consentrules.model import Finding
from consentrules.model import Severity
from consentrules.model import Status

sys.path.insert(0, str(__import__("conftest").ROOT / "benchmarks"))
import generate

BENCH_RULES = str(__import__("conftest").ROOT / "benchmarks" / "policies" / "bench.yaml")

#: A waiver expiry within the default cap of a year, whatever the date the tests run.
SOON = (_dt.date.today() + _dt.timedelta(days=30)).isoformat()


def snapshot(count: int, seed: int, *, history: bool = True, traps: bool = False) -> dict:
    """A generated snapshot, made harder to cut: history entries (objects in arrays inside a
    setting), region defaults, ids not always first, and (``traps``) titles holding text that
    looks like the boundary between two settings."""
    data = generate.generate(count, seed=seed)
    rng = random.Random(seed)
    settings_ = []
    for raw in data["settings"]:
        if history and rng.random() < 0.3:
            raw["history"] = [
                {"date": raw["activated_at"], "default": not raw["default"]},
                {"date": "2025-06-30", "default": raw["default"]},
            ]
        if rng.random() < 0.1:
            raw["region_defaults"] = {"US-CA": False}
        if traps and rng.random() < 0.3:  # a cut here would be inside a string
            raw["title"] = 'A "quoted" title }, {"title": "x"}, { ['
        if rng.random() < 0.2:
            raw = {key: raw[key] for key in reversed(list(raw))}  # "id" last
        settings_.append(raw)
    data["settings"] = settings_
    return data


def write(tmp_path, data: dict, *, indent=None, name="big.json", disclosures_first=False):
    if disclosures_first:
        data = {"disclosures": data["disclosures"], **data}
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=indent), encoding="utf-8")
    return path


def both(run, path, *extra: str):
    one = run("check", str(path), "--jobs", "1", "--fail-on", "never", *extra)
    many = run("check", str(path), "--jobs", "3", "--fail-on", "never", *extra)
    return one, many


@pytest.mark.parametrize("indent", [None, 2, "\t"])
@pytest.mark.parametrize("rules", [[], ["--rules", BENCH_RULES]], ids=["bundled", "bench"])
def test_runs_give_the_report_of_one_process(tmp_path, consentrules_run, splits, indent, rules):
    path = write(tmp_path, snapshot(400, seed=7), indent=indent)
    one, many = both(consentrules_run, path, *rules)
    assert splits == [3], "the snapshot was not checked in runs"
    assert one.exit_code == many.exit_code == 0
    assert one.report["findings"], "the check should find something"
    assert many.report == one.report
    lines = {f["location"]["line"] for f in many.findings}
    if indent is not None:
        assert len(lines) > 10  # real line numbers, from every run


def test_rule_wide_findings_come_once(tmp_path, consentrules_run, splits):
    """Findings about the disclosures (here: a statement the FAQ stopped making) are found by
    every run that selects a setting, and must be reported once."""
    data = snapshot(300, seed=3)
    faq = data["disclosures"][1]
    faq["versions"][-1]["describes_opt_out"] = False
    path = write(tmp_path, data)
    one, many = both(consentrules_run, path)
    assert splits == [3]
    wide = [f for f in many.findings if f["target"]["kind"] == "disclosure"]
    assert wide and len(wide) == len({json.dumps(f, sort_keys=True) for f in wide})
    assert many.report == one.report


def test_disclosures_before_the_settings(tmp_path, consentrules_run, splits):
    path = write(tmp_path, snapshot(300, seed=4), disclosures_first=True, indent=1)
    one, many = both(consentrules_run, path)
    assert splits == [3]
    assert many.report == one.report


def test_text_that_looks_like_a_boundary_inside_strings(tmp_path, consentrules_run, splits):
    path = write(tmp_path, snapshot(300, seed=5, traps=True))
    one, many = both(consentrules_run, path)
    assert many.report == one.report


@settings(
    # CONSENTRULES_FUZZ_EXAMPLES (the long fuzzing run, tox -e fuzz) asks for more
    max_examples=max(12, int(os.environ.get("CONSENTRULES_FUZZ_EXAMPLES", "0")) // 50),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    count=st.integers(2, 120),
    seed=st.integers(0, 10_000),
    indent=st.sampled_from([None, 0, 2]),
    traps=st.booleans(),
    history=st.booleans(),
    parts=st.integers(2, 5),
    as_of=st.sampled_from([(), ("--as-of", "2021-06-30"), ("--as-of", "2030-01")]),
)
@example(count=12, seed=9274, indent=None, traps=False, history=True, parts=5, as_of=())
def test_any_snapshot_any_number_of_runs(
    tmp_path, consentrules_run, splits, count, seed, indent, traps, history, parts, as_of
):
    path = write(tmp_path, snapshot(count, seed, history=history, traps=traps), indent=indent)
    before = len(splits)  # (the fixture lives across examples)
    one = consentrules_run("check", str(path), "--jobs", "1", "--fail-on", "never", *as_of)
    many = consentrules_run("check", str(path), "--jobs", str(parts), "--fail-on", "never", *as_of)
    assert many.exit_code == one.exit_code
    assert many.report == one.report
    # A cut the planner cannot confirm (here: a history entry's "}, {" taken for the boundary
    # between two settings whose id comes last) makes the file be checked whole, with the same
    # report; the deterministic tests above require the split itself.
    assert splits[before:] in ([parts], [])


def test_a_cut_inside_a_string_is_detected():
    """A string may hold ``}, {`` (not ``{"id":``, whose quotes a string escapes): a cut there
    leaves a run that is not a whole array."""
    first = {"title": "}, {", "id": "a"}
    second = {"title": "x", "id": "c"}
    text = json.dumps({"platform": "p", "settings": [first, second]})
    start = text.index("[") + 1
    plan = cuts.Plan("x.json", text, {"platform": "p"}, [start, -1], [-1, -1])
    wrong = text.index(", {")  # inside the first title
    plan.ends[0], plan.starts[1] = wrong, wrong + 2
    with pytest.raises(ValueError):
        cuts.read_run(plan, 0)
    right = text.index(', {"title": "x"')
    plan.ends[0], plan.starts[1] = right, right + 2
    assert cuts.read_run(plan, 0) == ([first], None)
    assert cuts.read_run(plan, 1) == ([second], {})


def test_what_cannot_be_cut(monkeypatch):
    monkeypatch.setattr(cuts, "MIN_BYTES", 0)
    assert cuts.make_plan("x.json", '{"settings": []}', 2) is None
    assert cuts.make_plan("x.json", '{"settings": [{"id": "a"}]}', 2) is None
    assert cuts.make_plan("x.json", '["not", "a", "snapshot"]', 2) is None
    assert cuts.make_plan("x.json", '{"a": 1, "a": 2, "settings": [{}, {}]}', 2) is None
    assert cuts.make_plan("x.json", '{"platform": "p"}', 2) is None


def damaged(damage: str) -> str:
    """The text of a 200-setting snapshot with one kind of damage (test_inturn uses it too)."""
    data = snapshot(200, seed=9, history=False)
    last = data["settings"][-1]
    if damage == "unknown region in the last run":
        last["regions"]["include"] = ["Swiss"]
    elif damage == "unknown region in the first run":
        data["settings"][0]["regions"]["exclude"] = ["Swiss"]
    elif damage == "bad date in the first run":
        data["settings"][1]["activated_at"] = "2024-02-30"
    elif damage == "id of the first run again in the last":
        last["id"] = data["settings"][0]["id"]
    whole = json.dumps(data, indent=2)
    text = whole
    if damage == "bad json in the last run":
        text = whole.replace('"Setting 190"', '"Setting 190" oops', 1)
    elif damage == "duplicate key in the last run":
        text = whole.replace(
            '"title": "Setting 195"', '"title": "Setting 195", "title": "again"', 1
        )
    elif damage == "text after the snapshot":
        text = whole + "\n[]"
    assert damage in DATA_DAMAGE or text != whole
    return text


DATA_DAMAGE = (
    "unknown region in the last run",
    "unknown region in the first run",
    "bad date in the first run",
    "id of the first run again in the last",
)


@pytest.mark.parametrize(
    "damage",
    [
        "bad json in the last run",
        "unknown region in the last run",
        "unknown region in the first run",
        "bad date in the first run",
        "id of the first run again in the last",
        "duplicate key in the last run",
        "text after the snapshot",
    ],
)
def test_bad_input_gives_the_errors_of_one_process(tmp_path, consentrules_run, splits, damage):
    path = tmp_path / "bad.json"
    path.write_text(damaged(damage))
    one, many = both(consentrules_run, path)
    assert one.exit_code == many.exit_code == 2
    assert many.stderr == one.stderr
    assert "bad.json:" in many.stderr
    assert splits == []  # every one of them was checked whole in the end


def test_kinds_that_need_the_whole_snapshot_get_it(tmp_path, consentrules_run, splits):
    """A plugin kind that does not declare ``per_setting`` sees every setting at once."""
    from conftest import kind_plugin

    seen: list[int] = []

    def evaluate(rule, settings_, ctx):  # counts the settings it is given
        seen.append(len(settings_))
        return iter(())

    plugin, rules = kind_plugin(tmp_path, "counting", evaluate)
    path = write(tmp_path, snapshot(100, seed=1))
    result = consentrules_run(
        "check", str(path), "--rules", str(rules), "--jobs", "3", plugins=[plugin]
    )
    assert result.exit_code == 0, result.stderr
    assert seen == [100]
    assert splits == []


def _finding(rule: str, kind: str, target: str, message: str = "m") -> Finding:
    return Finding(rule, Severity.HIGH, Status.VIOLATION, message, "s.json", "p", kind, target)


def test_merge_takes_setting_findings_from_every_run_and_others_once():
    first = [_finding("R1", "setting", "a"), _finding("R2", "disclosure", "faq")]
    second = [
        _finding("R1", "setting", "b"),
        _finding("R2", "disclosure", "faq"),
        _finding("R3", "disclosure", "policy"),
    ]
    third = [_finding("R3", "disclosure", "policy")]
    merged = split.merge([first, second, third])
    assert [(f.rule_id, f.target_id) for f in merged] == [
        ("R1", "a"),
        ("R1", "b"),
        ("R2", "faq"),
        ("R3", "policy"),
    ]


def test_small_or_yaml_snapshots_are_checked_whole(tmp_path, consentrules_run, monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(split, "check_split", lambda job, path, parts: calls.append(path.name))
    data = snapshot(40, seed=2)
    small = write(tmp_path, data, name="small.json")
    assert small.stat().st_size < cuts.MIN_BYTES
    monkeypatch.setattr(cuts, "MIN_BYTES", 0)
    yaml_file = tmp_path / "same.yaml"
    yaml_file.write_text(json.dumps(data))  # JSON is YAML; it is read by the YAML path
    for path in (yaml_file,):
        assert consentrules_run("check", str(path), "--jobs", "2").exit_code in (0, 1)
    assert calls == []
    monkeypatch.setattr(cuts, "MIN_BYTES", small.stat().st_size + 1)
    assert consentrules_run("check", str(small), "--jobs", "2").exit_code in (0, 1)
    assert calls == []
    monkeypatch.setattr(cuts, "MIN_BYTES", small.stat().st_size)
    consentrules_run("check", str(small), "--jobs", "2")
    assert calls == ["small.json"]


def test_finished_workers_are_reaped_without_waiting_for_them(tmp_path, consentrules_run, splits):
    import os
    import time

    from consentrules.execute import pipes

    path = write(tmp_path, snapshot(200, seed=11))
    consentrules_run("check", str(path), "--jobs", "3")
    assert splits == [3]
    pids = list(pipes._ending)
    assert len(pids) == 2
    deadline = time.monotonic() + 10
    while pipes._ending and time.monotonic() < deadline:
        time.sleep(0.01)
        pipes._reap()
    assert pipes._ending == []
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_no_run_is_smaller_than_half_the_minimum(monkeypatch):
    """On a machine with many cores a snapshot just over the minimum is not cut into many
    tiny runs (each costs a process)."""
    text = json.dumps(snapshot(300, seed=12, history=False))
    monkeypatch.setattr(cuts, "MIN_BYTES", len(text) // 2)
    plan = cuts.make_plan("x.json", text, 64)
    assert plan is not None and 2 <= plan.runs <= 4
    monkeypatch.setattr(cuts, "MIN_BYTES", len(text) * 2)
    assert cuts.make_plan("x.json", text, 64) is None


def test_the_schema_judges_settings_one_by_one():
    """Each run is validated on its own: that is the whole check only while the schema says
    nothing about the settings array as a whole (no minItems, uniqueItems, contains...)."""
    from consentrules.sources.schema import load_schema

    settings_schema = load_schema("snapshot")["properties"]["settings"]
    assert set(settings_schema) <= {"type", "items", "description"}


def test_baseline_and_waivers_apply_the_same(tmp_path, consentrules_run, splits):
    """CI runs with a baseline and waivers: suppressions, stale entries and notices must not
    depend on how the snapshot was checked."""
    path = write(tmp_path, snapshot(300, seed=13), indent=2)
    baseline = tmp_path / "baseline.json"
    created = consentrules_run(
        "baseline", "create", str(path), "--rules", BENCH_RULES, "-o", str(baseline), "--jobs", "1"
    )
    assert created.exit_code == 0, created.stderr
    recorded = json.loads(baseline.read_text())
    assert len(recorded["findings"]) > 20
    del recorded["findings"][::2]  # half of them are new again
    baseline.write_text(json.dumps(recorded))
    first = snapshot(300, seed=13)["settings"][:3]
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "consentrules: waivers/v1\nwaivers:\n"
        + "".join(
            f"  - {{rule: P1, target: {s['id']}, justification: j, owner: o, expires: {SOON}}}\n"
            for s in first
        )
    )
    extra = ("--rules", BENCH_RULES, "--baseline", str(baseline), "--waivers", str(waivers))
    one, many = both(consentrules_run, path, *extra)
    assert splits[-1:] == [3]
    assert many.report == one.report
    assert any(f["suppression"] for f in many.findings)
    assert any(not f["suppression"] for f in many.findings)


def test_a_plugin_failing_in_a_worker_is_reported_once(tmp_path, consentrules_run, splits):
    """A plugin kind that fails on a setting of the last run: the error names the plugin, as
    one process would, and the snapshot is not checked a second time to fail again."""
    from conftest import kind_plugin

    hits = tmp_path / "hits.txt"
    hits.touch()
    data = snapshot(300, seed=14)
    bad = data["settings"][-1]["id"]

    def evaluate(rule, settings_, ctx):  # fails on one setting, and notes where it did
        for setting in settings_:
            if setting.id == bad:
                with hits.open("a") as stream:
                    stream.write(f"{os.getpid()}\n")
                raise RuntimeError(f"cannot judge {setting.id}")
        return iter(())

    plugin, rules = kind_plugin(tmp_path, "boom", evaluate, per_setting=True)
    path = write(tmp_path, data, name="plugin.json")
    args = ("check", str(path), "--rules", str(rules))
    one = consentrules_run(*args, "--jobs", "1", plugins=[plugin])
    assert len(hits.read_text().split()) == 1
    hits.write_text("")
    many = consentrules_run(*args, "--jobs", "2", plugins=[plugin])
    assert one.exit_code == many.exit_code != 0
    assert many.stderr == one.stderr
    assert "cannot judge" in many.stderr and "boom" in many.stderr
    (pid,) = hits.read_text().split()
    assert int(pid) != os.getpid()  # it failed in the worker, and only there


def test_given_no_settings_the_built_in_kinds_report_nothing(tmp_path, consentrules_run):
    """What merging runs relies on (docs/plugins.md, ``per_setting``): a run whose settings a
    rule does not select reports none of that rule's findings. Every bundled rule, on the
    example's disclosures with no settings at all."""
    import yaml

    from conftest import EXAMPLES

    text = (EXAMPLES / "ai-training-2024" / "violating.yaml").read_text()
    data = json.loads(json.dumps(yaml.safe_load(text), default=str))
    assert data["disclosures"]
    data["settings"] = []
    path = write(tmp_path, data, name="no-settings.json")
    result = consentrules_run("check", str(path), "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    assert len(result.report["rules"]) >= 25
    assert result.findings == []
