"""Checking snapshots on one core or several (``--jobs``).

Each snapshot is loaded, evaluated and dropped before the next, so memory holds one snapshot
(per worker) and the findings. Many snapshots are shared out between worker processes forked
from this one, so that they inherit its plugins, rules and configuration; the findings come
back in the order of the files, so the output is the same as with one job. A single large JSON
snapshot is instead checked in runs of its settings, one per worker (:mod:`consentrules.execute.split`).
Where fork is not available everything runs in this process. A progress line is written to
standard error when it is a terminal.

``--jobs N`` asks for N processes, ``0`` for one per core. Without it, one per core is used where
it pays: for a JSON snapshot of 2 MB or more, or for 32 snapshots or more.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from consentrules.engine.evaluate import Engine
from consentrules.execute.process import keep_until_exit
from consentrules.execute.process import worker_signals
from consentrules.execute.run import Run
from consentrules.model import Finding
from consentrules.model import SnapshotSummary
from consentrules.model.errors import InputError
from consentrules.model.errors import Problem

Result = tuple[list[Finding], SnapshotSummary | None, list[Problem]]

#: Without ``--jobs``, a pool of workers is started for this many snapshots or more.
AUTO_MIN_FILES = 32

# In a worker process only: the run it was started for (see _start_worker).
_worker_run: Run | None = None


def cores() -> int:
    """The cores this process may use: those it may run on, or fewer where a container's CPU
    quota allows less (a CI job limited to 2 CPUs on a 64-core host still sees 64 cores)."""
    affinity = getattr(os, "sched_getaffinity", None)
    count = len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)
    quota = cpu_quota()
    if quota is not None:
        count = min(count, quota)
    return max(1, count)


def cpu_quota(root: Path = Path("/sys/fs/cgroup")) -> int | None:
    """The CPU quota of this process's control group, rounded up (cgroup v2 ``cpu.max`` or v1
    ``cpu.cfs_quota_us``); None where there is none or it cannot be read."""
    try:
        if (root / "cpu.max").is_file():
            quota, period = (root / "cpu.max").read_text().split()[:2]
            if quota == "max":
                return None
        else:
            quota = (root / "cpu" / "cpu.cfs_quota_us").read_text().strip()
            period = (root / "cpu" / "cpu.cfs_period_us").read_text().strip()
        quota_us, period_us = int(quota), int(period)
    except (OSError, ValueError):
        return None
    if quota_us <= 0 or period_us <= 0:
        return None
    return max(1, -(-quota_us // period_us))


def _check_one(run: Run, path: Path, parts: int = 1) -> Result:
    from consentrules.execute.snapshots import load_snapshot
    from consentrules.execute.snapshots import summarize

    config, rules, as_of, options = run.config, run.rules, run.as_of, run.options
    if path.suffix.lower() == ".json":
        from consentrules.execute import split

        if split.splittable(config, rules, path):
            if parts > 1:
                result = split.check_split(run, path, parts)
            else:
                from consentrules.execute.inturn import check_in_turn

                result = check_in_turn(run, path)
            if result is not None:
                return result
    try:
        snapshot = load_snapshot(config, path)
    except InputError as exc:
        return [], None, exc.problems
    engine = Engine(config.check_kinds, config.regions)
    coverage: dict[str, dict[str, Any]] = {}
    findings = engine.evaluate(rules, snapshot, as_of=as_of, options=options, coverage=coverage)
    keep_until_exit(snapshot)
    drawn = config.regions if config.getoption("timelines") else None
    return findings, summarize(snapshot, as_of, config.known_tokens, coverage, drawn), []


def _jobs(options: Mapping[str, Any], count: int) -> int:
    """How many processes share out ``count`` snapshots."""
    requested = options.get("jobs")
    if requested is None:
        requested = cores() if count >= AUTO_MIN_FILES else 1
    elif requested <= 0:
        requested = cores()
    return max(1, min(requested, count))


def _parts(options: Mapping[str, Any]) -> int:
    """Into how many runs one large snapshot may be cut (when the snapshots are not shared
    out)."""
    requested = options.get("jobs")
    if requested is None or requested <= 0:
        return cores()
    return int(requested)


class _Progress:
    def __init__(self, total: int) -> None:
        self.total = total
        self.enabled = total > 1 and sys.stderr.isatty()
        self.done = 0

    def step(self) -> None:
        self.done += 1
        if self.enabled:
            width = 30
            filled = width * self.done // self.total
            sys.stderr.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} snapshots"
            )
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()


def _start_worker(run: Run, doing: str | None = None) -> None:
    """In a worker, as it starts: its signals, its limits, and the run it checks snapshots of
    (the main process keeps no such state; it hands the run to each call)."""
    global _worker_run, _doing
    worker_signals()
    run.use_in_worker()
    _worker_run = run
    if doing is not None:
        _doing = os.open(os.path.join(doing, str(os.getpid())), os.O_WRONLY | os.O_CREAT, 0o600)


def _check_chunk(paths: list[Path]) -> list[Result]:
    assert _worker_run is not None, "a worker is started by _start_worker"
    results = []
    for path in paths:
        if _doing is not None:  # say which snapshot this worker holds, should it die on it
            data = os.fsencode(str(path))
            os.pwrite(_doing, data, 0)
            os.ftruncate(_doing, len(data))
        results.append(_check_one(_worker_run, path))
    return results


#: In a worker: the file saying which snapshot it is checking (see _pooled).
_doing: int | None = None


def _results(run: Run, jobs: int, parts: int) -> Iterator[Result]:
    if jobs > 1 and hasattr(os, "fork"):
        yield from _pooled(run, run.files, jobs)
    else:
        for path in run.files:
            yield _check_one(run, path, parts)


def _pooled(run: Run, files: Sequence[Path], jobs: int) -> Iterator[Result]:
    """Results in file order from a pool of forked workers. A worker that dies (killed by a
    signal or by the out-of-memory killer) fails the run at once, naming its snapshots: a
    ``multiprocessing.Pool`` would wait for it forever."""
    import multiprocessing  # (4 ms: only when it is used)
    import tempfile
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    size = max(1, len(files) // (jobs * 8))
    chunks = [list(files[i : i + size]) for i in range(0, len(files), size)]
    context = multiprocessing.get_context("fork")
    doing = tempfile.mkdtemp(prefix="consentrules-workers-")  # each worker's current snapshot
    pool = ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_start_worker, initargs=(run, doing)
    )
    try:
        futures = [pool.submit(_check_chunk, chunk) for chunk in chunks]
        workers = dict(getattr(pool, "_processes", None) or {})
        for chunk, future in zip(chunks, futures, strict=True):
            try:
                results = future.result()
            except BrokenProcessPool:
                _settle(pool)
                raise InputError(_dead_worker_problems(workers, doing, chunk)) from None
            yield from results
    except BaseException:  # interrupted, or failed: stop the workers now, not after their work
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        import shutil

        shutil.rmtree(doing, ignore_errors=True)
    pool.shutdown(wait=True)


def _dead_worker_problems(workers: dict[int, Any], doing: str, chunk: list[Path]) -> list[Problem]:
    """Name the snapshot the dead worker held: the one it said it was checking. The pool
    ends the other workers with SIGTERM after one dies, so the dead one is the worker that
    ended otherwise; where that cannot be told, every snapshot a worker was on is named."""
    import signal

    ended = {pid: process.exitcode for pid, process in workers.items()}
    dead = [pid for pid, code in ended.items() if code not in (None, 0, -signal.SIGTERM)]
    held = []
    for pid in dead or list(ended):
        try:
            with open(os.path.join(doing, str(pid)), encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        if text:
            held.append(text)
    certain = bool(dead) and bool(held)
    named = held or [str(path) for path in chunk[:3]]
    return [
        Problem(
            path,
            (
                "the worker process checking this snapshot ended abruptly"
                if certain
                else "the worker process checking this snapshot (or one checked beside it) "
                "ended abruptly"
            )
            + ": killed by a signal or by the out-of-memory killer",
            hint="check it with --jobs 1 to see the problem in this process, "
            "or give the run more memory",
        )
        for path in dict.fromkeys(named)
    ]


def _settle(pool: Any) -> None:
    """Wait (a few seconds at most) for a broken pool's manager thread to finish tearing it
    down: it terminates the workers and closes the queues, and a process that exits or shuts
    the pool down meanwhile can make that thread fail and print its traceback."""
    thread = getattr(pool, "_executor_manager_thread", None)
    if thread is not None:
        thread.join(timeout=5)


def check_files(run: Run) -> tuple[list[Finding], list[SnapshotSummary]]:
    """Findings and summaries of every file of the run, in file order; one InputError for all
    bad files."""
    findings: list[Finding] = []
    summaries: list[SnapshotSummary] = []
    problems: list[Problem] = []
    progress = _Progress(len(run.files))
    try:
        jobs = _jobs(run.options, len(run.files))
        for found, summary, errors in _results(run, jobs, _parts(run.options)):
            findings.extend(found)
            if summary is not None:
                summaries.append(summary)
            problems.extend(errors)
            progress.step()
    finally:
        progress.close()
    if problems:
        raise InputError(problems)
    return findings, summaries
