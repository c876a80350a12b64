"""Checking one large JSON snapshot on several cores.

Check kinds judge settings one at a time, so a large JSON snapshot can be read, validated,
built and judged in several processes at once, each taking one run of its settings; the
findings are then put back together. The report is the same as from one process.

* **Cutting.** The text is cut between elements of the ``settings`` array into near-equal
  shares, preferably where ``}`` ``,`` ``{"id":`` starts an element. This process reads the
  members before ``settings``; each worker reads its run as one JSON array (``[`` + its text +
  ``]``), and the last worker also reads the members after the array.
* **Trusting nothing.** A cut in the wrong place (inside a string, or between two entries of a
  setting's history) leaves a run that is not a complete array, and reading it fails: a run
  that reads whole proves that the next cut lies between two settings. On any failure, and on
  any problem with the input, the snapshot is checked whole in this process instead, and that
  check gives the precise error messages.
* **Which rules.** Only when the check kind of every rule declares ``per_setting = True``:
  its findings about a setting (``target_kind == "setting"``) depend on that setting and the
  snapshot's other parts alone; its other findings depend on those other parts alone and come
  only when the rule selected a setting (given none, it reports nothing). Setting findings come
  from the worker that holds the setting; a rule's other findings are taken from the first
  worker that reports them.
* **A plugin's failure** in a run (an exception, or its time limit) is reported as it is.
* **Validation** of each run is the whole file's, as the schema judges settings one by one (a
  test keeps it so). **Ids** must be unique: workers send theirs back to be checked together.

* **Why not a standard pool.** Many snapshots are shared out with
  ``concurrent.futures.ProcessPoolExecutor`` (:mod:`consentrules.execute.parallel`). A split
  snapshot cannot be: (1) each worker must hold the file's text, tens of MB, which a fork
  gives it for free and a pool's pickled task would copy through a pipe; (2) a worker's work
  is a conversation, not one call: it reads its run and says how many settings it holds, then
  waits to be told where its settings start in the file (the sum of the earlier runs' counts,
  known only when they have all read theirs) before it builds pointers and judges them; (3)
  this process checks the first run itself meanwhile, instead of waiting idle on a pool; and
  (4) one worker that fails to read its run must make every worker stop and the snapshot be
  checked whole. So each worker is forked here and talks through a pair of pipes
  (:mod:`consentrules.execute.pipes`); without ``fork`` nothing is split.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from consentrules.engine.evaluate import Engine
from consentrules.execute import cuts
from consentrules.execute.cuts import Plan
from consentrules.execute.cuts import _Unsplittable
from consentrules.execute.cuts import make_plan
from consentrules.execute.cuts import read_run
from consentrules.execute.pipes import _reap
from consentrules.execute.pipes import _receive
from consentrules.execute.pipes import _send
from consentrules.execute.pipes import _Worker
from consentrules.execute.pipes import widen
from consentrules.execute.process import keep_until_exit
from consentrules.execute.run import Run
from consentrules.execute.splitmerge import first_summary
from consentrules.execute.splitmerge import merge
from consentrules.execute.splitmerge import merged_summary
from consentrules.execute.splitmerge import summary_part
from consentrules.model import Finding
from consentrules.model import Rule
from consentrules.model import SnapshotSummary
from consentrules.model.errors import InputError
from consentrules.model.errors import PluginError
from consentrules.model.errors import Problem
from consentrules.report import fragments
from consentrules.sources.snapshots import snapshot_from_document
from consentrules.sources.yamlsource import Document
from consentrules.sources.yamlsource import JsonSourceMap
from consentrules.sources.yamlsource import guard_json
from consentrules.sources.yamlsource import read_text

Result = tuple[list[Finding], SnapshotSummary | None, list[Problem]]


def splittable(config: Any, rules: Sequence[Rule], path: Path) -> bool:
    """Whether this snapshot may be checked in runs: a large JSON file, read by the native
    adapter, under rules whose check kinds all judge one setting at a time."""
    from consentrules.execute.snapshots import pick_adapter

    if not hasattr(os, "fork") or path.suffix.lower() != ".json":
        return False
    try:
        if path.stat().st_size < cuts.MIN_BYTES:
            return False
    except OSError:
        return False
    kinds = config.check_kinds
    if not all(kinds.per_setting(rule.check_kind) for rule in rules):
        return False
    forced = config.getoption("adapter")
    if forced:
        return bool(forced == "native")
    adapter = pick_adapter(config, path)
    return adapter is not None and adapter.name == "native"


def check_run(
    run: Run,
    plan: Plan,
    index: int,
    elements: list[Any],
    first: int,
    tail: dict[str, Any],
    coverage: dict[str, dict[str, Any]] | None = None,
    like: Any = None,
) -> tuple[list[Finding], list[str], Any]:
    """Validate, build and judge one run: its findings, its setting ids and its snapshot (and
    what each rule evaluated, into ``coverage``). With ``like``, an earlier run's snapshot of
    this process, the run takes the disclosures validated and built with it (the same members
    of the same file: only the settings differ from run to run)."""
    data = {**plan.head, "settings": elements, **tail}
    if like is not None:
        data.pop("disclosures", None)
    source_map = JsonSourceMap(plan.text, ids_from=plan.starts[index], marks=plan.marks)
    snapshot = snapshot_from_document(
        Document(plan.path, data, source_map),
        run.config.regions,
        adapter="native",
        first_index=first,
    )
    if like is not None:
        snapshot = dataclasses.replace(
            snapshot, disclosures=like.disclosures, has_disclosures=like.has_disclosures
        )
    elements.clear()  # freed now, their memory serves the evaluation
    engine = Engine(run.config.check_kinds, run.config.regions)
    findings = engine.evaluate(
        run.rules, snapshot, as_of=run.as_of, options=run.options, coverage=coverage
    )
    return findings, [setting.id for setting in snapshot.settings], snapshot


def _texts(run: Run, findings: list[Finding]) -> list[str] | None:
    """The findings' JSON, written here when the run writes a JSON report."""
    if not run.options.get("json_fragments"):
        return None
    from consentrules.report.json_reporter import finding_texts

    return finding_texts(findings)


def _start(run: Run, plan: Plan, index: int, others: list[_Worker]) -> _Worker:
    down_read, down_write = os.pipe()
    up_read, up_write = os.pipe()
    widen(up_write)
    pid = os.fork()
    if pid == 0:  # the worker: it never returns from here
        try:
            os.close(down_write)
            os.close(up_read)
            for other in others:
                os.close(other.to_worker)
                os.close(other.from_worker)
            _work(run, plan, index, down_read, up_write)
        finally:
            os._exit(0)
    os.close(down_read)
    os.close(up_write)
    return _Worker(pid, down_write, up_read)


def _work(run: Run, plan: Plan, index: int, commands: int, replies: int) -> None:
    from consentrules.execute.process import worker_signals

    worker_signals()
    try:
        elements, tail = read_run(plan, index)
    except Exception:
        _send(replies, None)
        return
    _send(replies, (len(elements), tail))
    order = _receive(commands)
    if order is None:
        return
    try:
        covered: dict[str, dict[str, Any]] = {}
        start, tail = order  # where its settings start in the file, and the members after
        findings, ids, snapshot = check_run(run, plan, index, elements, start, tail, covered)
        part = summary_part(run, snapshot, covered)
        texts = _texts(run, findings)
    except PluginError as exc:  # reported as it is: a whole check would only fail again
        _send(replies, ("plugin error", str(exc), exc.plugin, exc.hook))
        return
    except Exception:
        _send(replies, None)
        return
    _send(replies, ("done", findings, ids, part, texts))


# Putting it together --------------------------------------------------------------------------
def check_split(run: Run, path: Path, parts: int) -> Result | None:
    """Check one snapshot in up to ``parts`` processes; None where it must be checked whole
    (it cannot be cut, or its input has a problem that the whole check will report)."""
    try:
        text = read_text(path)
        guard_json(text, str(path), parsed=False)  # doubt about a limit: checked whole
    except InputError:
        return None
    plan = make_plan(str(path), text, parts)
    if plan is None:
        return None
    _reap()
    workers: list[_Worker] = []
    result = None
    try:
        for index in range(1, plan.runs):
            workers.append(_start(run, plan, index, workers))
        result = _gather(run, plan, workers)
        return result
    finally:
        for worker in workers:
            worker.close(finished=result is not None)


def _gather(run: Run, plan: Plan, workers: list[_Worker]) -> Result | None:

    try:
        elements, _ = read_run(plan, 0)
    except (ValueError, IndexError, RecursionError, _Unsplittable):
        elements = None
    read = [worker.receive() for worker in workers]
    if elements is None or any(reply is None for reply in read):
        for worker in workers:
            worker.send(None)
        return None
    tail = read[-1][1]
    first = len(elements)
    for worker, (count, _) in zip(workers, read, strict=True):
        worker.send((first, tail))
        first += count
    failed: PluginError | None = None
    covered: dict[str, dict[str, Any]] = {}
    try:
        findings, ids, snapshot = check_run(run, plan, 0, elements, 0, tail, covered)
    except PluginError as exc:  # (raised once the workers are done)
        failed, findings, ids, snapshot = exc, None, [], None
    except Exception:  # a problem with the input: the whole check reports it
        findings, ids, snapshot = None, [], None
    del elements
    keep_until_exit(snapshot)
    # While the workers finish: the ids seen, this run's part of the summary and its JSON.
    seen = set(ids)
    own = first_summary(run, snapshot, covered) if snapshot is not None else None
    texts = _texts(run, findings) if findings is not None else None
    results = [worker.receive() for worker in workers]
    if failed is not None:
        raise failed
    for result in results:
        if result is not None and result[0] == "plugin error":
            raise PluginError(result[1], plugin=result[2], hook=result[3])
    if findings is None or own is None or any(result is None for result in results):
        return None
    for _, _, more, _, _ in results:
        seen.update(more)
    if len(seen) != first:
        return None  # an id used in two runs: the whole check reports where
    for found, written in [(findings, texts)] + [(r[1], r[4]) for r in results]:
        if written is not None:
            fragments.remember(found, written)
    merged = merge([findings] + [found for _, found, _, _, _ in results])
    parts = [part for *_, part, _ in results]
    summary = merged_summary(own, parts, first)
    return merged, summary, []
