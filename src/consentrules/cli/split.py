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

Workers are forked (inheriting rules, plugins and text) and talk through pipes; without
``fork`` nothing is split.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from consentrules.cli.pipes import _reap
from consentrules.cli.pipes import _receive
from consentrules.cli.pipes import _send
from consentrules.cli.pipes import _Worker
from consentrules.cli.pipes import widen
from consentrules.cli.process import keep_until_exit
from consentrules.cli.run import Run
from consentrules.cli.splitmerge import first_summary
from consentrules.cli.splitmerge import merge
from consentrules.cli.splitmerge import merged_summary
from consentrules.cli.splitmerge import summary_part
from consentrules.engine.evaluate import Engine
from consentrules.model import Finding
from consentrules.model import Rule
from consentrules.model import SnapshotSummary
from consentrules.model.errors import InputError
from consentrules.model.errors import PluginError
from consentrules.model.errors import Problem
from consentrules.report import fragments
from consentrules.sources.printable import may_hold_surrogates
from consentrules.sources.snapshots import snapshot_from_document
from consentrules.sources.yamlsource import Document
from consentrules.sources.yamlsource import JsonSourceMap
from consentrules.sources.yamlsource import guard_json
from consentrules.sources.yamlsource import json_decoder
from consentrules.sources.yamlsource import read_text

#: Below this many bytes one process is about as fast as several.
MIN_BYTES = 2_000_000

Result = tuple[list[Finding], SnapshotSummary | None, list[Problem]]

_WS = re.compile(r"[ \t\n\r]*")
_CUT_AT_ID = re.compile(r'\}[ \t\n\r]*(,)[ \t\n\r]*(?=\{[ \t\n\r]*"id"[ \t\n\r]*:)')
_CUT = re.compile(r"\}[ \t\n\r]*(,)[ \t\n\r]*(?=\{)")
_BEFORE_KEY = re.compile(r"\][ \t\n\r]*,[ \t\n\r]*\Z")
_WINDOW, _FIRST_EXTRA = 1 << 20, 0.05  # where a cut is looked for; the first run's extra share


class _Unsplittable(Exception):
    """The text is not as the plan needs it: check the snapshot whole."""


@dataclasses.dataclass
class Plan:
    """Where the text of a snapshot is cut into runs of settings."""

    path: str
    text: str
    head: dict[str, Any]  # the members before "settings", in order
    starts: list[int]  # where the text of each run starts (the first: just after "[")
    ends: list[int]  # where it ends: at the comma before the next run (the last: -1)
    #: Lines counted so far, by offset (shared by the runs' source maps; see JsonSourceMap).
    marks: dict[int, tuple[int, int]] = dataclasses.field(default_factory=dict)

    @property
    def runs(self) -> int:
        return len(self.starts)


def splittable(config: Any, rules: Sequence[Rule], path: Path) -> bool:
    """Whether this snapshot may be checked in runs: a large JSON file, read by the native
    adapter, under rules whose check kinds all judge one setting at a time."""
    from consentrules.cli.inputs import pick_adapter

    if not hasattr(os, "fork") or path.suffix.lower() != ".json":
        return False
    try:
        if path.stat().st_size < MIN_BYTES:
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


def make_plan(path: str, text: str, parts: int) -> Plan | None:
    """Cut ``text`` into at most ``parts`` runs, each of ``MIN_BYTES / 2`` or more; None where
    it cannot be cut."""
    parts = min(parts, len(text) // max(1, MIN_BYTES // 2))
    if parts < 2 or may_hold_surrogates(text):  # (such text is made printable when read whole)
        return None
    try:
        return _plan(path, text, parts)
    except (ValueError, IndexError, StopIteration, RecursionError, _Unsplittable):
        return None


def _scanner(decoder: json.JSONDecoder) -> Any:
    """The decoder's reader of one value at a position (``scan_once(text, pos)``), in C."""
    return decoder.scan_once  # type: ignore[attr-defined]


def _skip(text: str, pos: int) -> int:
    match = _WS.match(text, pos)
    return match.end() if match else pos


def _expect(text: str, pos: int, char: str) -> None:
    if text[pos] != char:
        raise _Unsplittable(f"expected {char!r} at {pos}")


def _member(text: str, pos: int, scan: Any) -> tuple[str, int]:
    """Read ``"key" :`` at ``pos``; the key and where its value starts."""
    _expect(text, pos, '"')
    key, pos = scan(text, pos)
    pos = _skip(text, pos)
    _expect(text, pos, ":")
    return key, _skip(text, pos + 1)


def _plan(path: str, text: str, parts: int) -> Plan | None:
    scan = _scanner(json_decoder())
    pos = _skip(text, 0)
    _expect(text, pos, "{")
    head: dict[str, Any] = {}
    pos = _skip(text, pos + 1)
    while True:
        key, pos = _member(text, pos, scan)
        if key == "settings":
            break
        if key in head:
            raise _Unsplittable(f"duplicate key {key!r}")
        head[key], pos = scan(text, pos)
        pos = _skip(text, pos)
        _expect(text, pos, ",")
        pos = _skip(text, pos + 1)
    _expect(text, pos, "[")
    starts, ends = [pos + 1], []
    # This process takes a slightly larger share: the workers still have to send their
    # findings back when they are done.
    end = _array_end_guess(text, pos)
    share = (end - pos) / (parts + _FIRST_EXTRA)
    for part in range(1, parts):
        found = _cut(text, max(pos + int(share * (part + _FIRST_EXTRA)), starts[-1]), end)
        if found is None:
            break
        ends.append(found[0])
        starts.append(found[1])
    if len(starts) < 2:
        return None
    ends.append(-1)
    return Plan(path, text, head, starts, ends)


def _array_end_guess(text: str, start: int) -> int:
    """Where the settings array probably ends: before the disclosures, when they follow it (a
    guess, only to share the settings out evenly)."""
    at = text.rfind('"disclosures"', start)
    if at > start and _BEFORE_KEY.search(text, max(start, at - 64), at):
        return at
    return len(text)


def _cut(text: str, at: int, end: int) -> tuple[int, int] | None:
    """The first likely boundary between two elements after ``at`` (and before ``end``, where
    the array probably ends): (comma, next start)."""
    limit = min(at + _WINDOW, end)
    match = _CUT_AT_ID.search(text, at, limit) or _CUT.search(text, at, limit)
    return (match.start(1), match.end()) if match else None


def read_run(plan: Plan, index: int) -> tuple[list[Any], dict[str, Any] | None]:
    """The elements of one run and, for the last run, the members after the array.

    :raises ValueError, IndexError, _Unsplittable: where the run is not whole.
    """
    text, decoder = plan.text, json_decoder()
    start, end = plan.starts[index], plan.ends[index]
    if end >= 0:
        elements = decoder.decode("[" + text[start:end] + "]")
        return elements, None
    elements, stop = decoder.raw_decode("[" + text[start:])
    pos = _skip(text, start - 1 + stop)
    tail: dict[str, Any] = {}
    while text[pos] == ",":
        key, pos = _member(text, _skip(text, pos + 1), _scanner(decoder))
        if key in tail or key in plan.head or key == "settings":
            raise _Unsplittable(f"duplicate key {key!r}")
        tail[key], pos = _scanner(decoder)(text, pos)
        pos = _skip(text, pos)
    _expect(text, pos, "}")
    if _skip(text, pos + 1) != len(text):
        raise _Unsplittable("text after the snapshot")
    return elements, tail


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
    from consentrules.cli.process import worker_signals

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
