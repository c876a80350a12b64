"""--jobs: the same result on several cores, and a progress line on a terminal."""

from __future__ import annotations

import io
import json
import sys

import pytest

sys.path.insert(0, str(__import__("conftest").ROOT / "benchmarks"))
import generate


@pytest.fixture
def folder(tmp_path):
    for index in range(12):
        data = generate.generate(30, seed=index)
        (tmp_path / f"platform-{index:02d}.json").write_text(json.dumps(data))
    return tmp_path


def test_jobs_give_the_same_report_as_one_process(folder, tmp_path_factory, consentrules_run):
    out = tmp_path_factory.mktemp("out")
    one = consentrules_run("check", str(folder), "-o", f"json={out}/one.json", "--jobs", "1")
    two = consentrules_run("check", str(folder), "-o", f"json={out}/two.json", "--jobs", "2")
    every = consentrules_run("check", str(folder), "-o", f"json={out}/all.json", "-j", "0")
    assert one.exit_code == two.exit_code == every.exit_code == 1
    first = (out / "one.json").read_text()
    assert first == (out / "two.json").read_text() == (out / "all.json").read_text()
    assert len(json.loads(first)["snapshots"]) == 12


def test_bad_files_are_all_reported_with_jobs(folder, consentrules_run):
    (folder / "platform-03.json").write_text("{")
    (folder / "platform-07.json").write_text('{"platform": "x"}')
    result = consentrules_run("check", str(folder), "--jobs", "2")
    assert result.exit_code == 2
    assert "platform-03.json" in result.stderr and "platform-07.json" in result.stderr


def test_progress_on_a_terminal_only(folder, monkeypatch, consentrules_run):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    from consentrules.execute.parallel import _Progress

    progress = _Progress(3)
    for _ in range(3):
        progress.step()
    progress.close()
    assert "3/3 snapshots" in terminal.getvalue()
    plain = io.StringIO()
    monkeypatch.setattr(sys, "stderr", plain)
    quiet = _Progress(3)
    quiet.step()
    assert plain.getvalue() == ""


def test_job_counts():
    import os

    from consentrules.execute.parallel import _jobs

    assert _jobs({}, 10) == 1
    assert _jobs({"jobs": 3}, 2) == 2  # never more workers than snapshots
    assert _jobs({"jobs": 0}, 100) == min(os.cpu_count() or 1, 100)


def test_without_jobs_many_snapshots_use_every_core():
    from consentrules.execute.parallel import AUTO_MIN_FILES
    from consentrules.execute.parallel import _jobs
    from consentrules.execute.parallel import _parts
    from consentrules.execute.parallel import cores

    assert _jobs({}, AUTO_MIN_FILES - 1) == 1
    assert _jobs({}, AUTO_MIN_FILES) == min(cores(), AUTO_MIN_FILES)
    assert _jobs({"jobs": 1}, 1000) == 1
    assert _parts({}) == _parts({"jobs": 0}) == cores()
    assert _parts({"jobs": 1}) == 1 and _parts({"jobs": 3}) == 3


def test_workers_die_on_sigterm_and_leave_ctrl_c_to_the_main_process(
    folder, tmp_path_factory, consentrules_run
):
    """The pool stops its workers with SIGTERM; with the main process's Python-level handler a
    signal arriving just before a worker blocks was lost and the run hung (seen once in 50
    benchmark runs). Workers use the default action instead; split workers too."""
    import signal

    from conftest import kind_plugin

    def evaluate(rule, settings, ctx):  # reports the signal handlers of the judging process
        term = signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
        interrupt = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        for setting in settings[:1]:
            yield ctx.setting_finding(rule, setting, f"term={term} int={interrupt}")

    rules_dir = tmp_path_factory.mktemp("rules")
    plugin, rules = kind_plugin(rules_dir, "signals", evaluate, per_setting=True)
    result = consentrules_run(
        "check", str(folder), "--rules", str(rules), "--jobs", "2", plugins=[plugin]
    )
    messages = {f["message"] for f in result.findings}
    assert messages == {"term=True int=True"}, result.stderr


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"cpu.max": "200000 100000\n"}, 2),
        ({"cpu.max": "150000 100000\n"}, 2),  # 1.5 CPUs: two processes
        ({"cpu.max": "50000 100000\n"}, 1),
        ({"cpu.max": "max 100000\n"}, None),
        ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
        ({"cpu/cpu.cfs_quota_us": "400000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 4),
        ({}, None),
        ({"cpu.max": "garbage\n"}, None),
    ],
)
def test_a_containers_cpu_quota_bounds_the_cores(tmp_path, files, expected):
    from consentrules.execute.parallel import cpu_quota

    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert cpu_quota(tmp_path) == expected


def test_cores_never_exceed_the_quota(monkeypatch):
    from consentrules.execute import parallel

    monkeypatch.setattr(parallel, "cpu_quota", lambda: 1)
    assert parallel.cores() == 1
    monkeypatch.setattr(parallel, "cpu_quota", lambda: None)
    assert parallel.cores() >= 1
