"""The subcommands: what ``consentrules check``, ``rules``, ``snapshot`` and ``plugins`` do.

Each function takes the parsed options and returns an exit code; errors are raised as
:class:`ConsentrulesError` subclasses and turned into messages by :mod:`consentrules.cli.main`.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from consentrules.__about__ import __version__
from consentrules.model import Notice
from consentrules.model import Report
from consentrules.model import Rule
from consentrules.model import Severity
from consentrules.model import Snapshot
from consentrules.model import SnapshotSummary
from consentrules.model.dates import DateFormatError
from consentrules.model.dates import PartialDate
from consentrules.model.dates import parse_date
from consentrules.model.errors import ExitCode
from consentrules.model.errors import InputError
from consentrules.model.errors import Problem
from consentrules.model.errors import UsageError
from consentrules.plugin.config import Config
from consentrules.report.output import atomic_writer
from consentrules.report.output import ensure_not_input
from consentrules.report.output import plan_target
from consentrules.sources.loading import RuleLoader


def setup(config: Config, options: dict[str, Any]) -> Config:
    """Hand the parsed options to the run's config and tell plugins it is final."""
    config.options.update(options)
    config.pluginmanager.call_each("consentrules_configure", config=config)
    return config


# Rules -----------------------------------------------------------------------------------------
def rule_paths(config: Config) -> list[Path]:
    given = config.getoption("rules")
    if given:
        return [Path(p) for p in given]
    paths = [_short(p) for p in config.plugin_rule_paths()]
    if not paths:
        raise UsageError(
            "no rules to check against: give --rules PATH (the bundled rules were not found)"
        )
    return paths


def _short(path: Path) -> Path:
    """A path relative to the working directory when it is inside it (shorter messages)."""
    import os

    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return Path(relative) if not relative.startswith("..") else path


def load_rules(
    config: Config, paths: Iterable[Path] | None = None, *, select: bool = True
) -> list[Rule]:
    """Load and validate rules, keep the selected ones, and let plugins adjust them."""
    loader = RuleLoader(config.check_kinds, config.regions)
    rules = loader.load_paths(rule_paths(config) if paths is None else paths)
    config.all_rules, config.rule_files = rules, loader.files
    if select:
        rules = select_rules(rules, config.options, config.regions)
    config.pluginmanager.call_each("consentrules_modify_rules", config=config, rules=rules)
    return rules


def _closest(name: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def severity_overrides(value: Any) -> dict[str, Severity]:
    """``{ID: severity}`` from a mapping or from ``ID=severity`` strings."""
    items = (
        value.items()
        if isinstance(value, dict)
        else (item.split("=", 1) if "=" in item else (item, "") for item in value or ())
    )
    out = {}
    for rule_id, level in items:
        try:
            out[rule_id.strip()] = Severity.parse(str(level).strip())
        except ValueError as exc:
            raise UsageError(f"--severity-override {rule_id}={level}: {exc}") from None
    return out


def select_rules(rules: list[Rule], options: dict[str, Any], regions: Any) -> list[Rule]:
    """Keep the rules the selection options ask for; apply disables and severity overrides.

    Packs, rule ids and regions that name nothing are usage errors (a typo in a CI config
    must not silently check less).
    """
    import dataclasses
    import fnmatch

    from consentrules.model.regions import UnknownRegionError

    ids = {rule.id for rule in rules}
    packs = {rule.pack for rule in rules if rule.pack}
    for pack in options.get("pack") or ():
        if pack not in packs:
            raise UsageError(
                f"--pack {pack!r}: no such pack{_closest(pack, packs)} "
                f"(packs: {', '.join(sorted(packs))})"
            )
    tags = {tag for rule in rules for tag in rule.tags}
    for tag in options.get("tag") or ():
        if tag not in tags:
            raise UsageError(
                f"--tag {tag!r}: no loaded rule has this tag{_closest(tag, tags)} "
                f"(tags: {', '.join(sorted(tags)) or 'none'})"
            )
    wanted_ids = list(options.get("rule") or ())
    disabled = set(options.get("disable_rule") or ())
    overrides = severity_overrides(options.get("severity_override"))
    for rule_id in [*wanted_ids, *sorted(disabled | set(overrides))]:
        if not any(fnmatch.fnmatchcase(i, rule_id) for i in ids):
            raise UsageError(f"no rule with id {rule_id!r}{_closest(rule_id, ids)}")
    wanted_regions: frozenset[str] | None = None
    if options.get("jurisdiction"):
        try:
            wanted_regions = regions.expand_all(options["jurisdiction"])
        except UnknownRegionError as exc:
            raise UsageError(f"--jurisdiction: {exc}") from None
    minimum = Severity.parse(options["min_severity"]) if options.get("min_severity") else None
    selected = []
    for rule in rules:
        if rule.id in disabled:
            continue
        if wanted_ids and not any(fnmatch.fnmatchcase(rule.id, w) for w in wanted_ids):
            continue
        if rule.id in overrides:
            rule = dataclasses.replace(rule, severity=overrides[rule.id])
        if options.get("pack") and rule.pack not in options["pack"]:
            continue
        if options.get("tag") and not set(options["tag"]) & set(rule.tags):
            continue
        if (
            wanted_regions is not None
            and rule.jurisdictions
            and not regions.expand_all(rule.jurisdictions) & wanted_regions
        ):
            continue
        if minimum is not None and rule.severity < minimum:
            continue
        selected.append(rule)
    return selected


# Snapshots -------------------------------------------------------------------------------------
def snapshot_files(config: Config, args: Iterable[str]) -> list[Path]:
    """Files named on the command line; in folders, every file some adapter recognises.

    What a folder walk passes over is never dropped silently: each file is listed, with the
    reason, in a notice of the run (and a file that says it is a snapshot of a format this
    version cannot read is an input error).
    """
    from consentrules.sources.adapters.native import marker_problem
    from consentrules.sources.adapters.native import top_level_marker
    from consentrules.sources.walk import Skipped
    from consentrules.sources.walk import file_kind
    from consentrules.sources.walk import walk

    files: list[Path] = []
    problems: list[Problem] = []
    skipped: list[Skipped] = []
    hidden = 0
    forced = config.getoption("adapter")
    for arg in args:
        path = Path(arg)
        try:
            info = path.stat()
        except FileNotFoundError:
            problems.append(Problem(arg, "no such file or folder"))
            continue
        except OSError as exc:
            problems.append(Problem(arg, f"cannot read: {exc.strerror or exc}"))
            continue
        if path.is_dir():
            found = walk(path)
            problems.extend(found.problems)
            hidden += found.hidden
            skipped.extend(found.skipped)
            taken = 0
            for candidate in found.files:
                head = _head(candidate)
                marker = top_level_marker(head)
                if marker is not None and marker.startswith("snapshot/"):
                    problem = marker_problem(marker)
                    if problem is not None:
                        problems.append(Problem(str(candidate), problem))
                        continue
                if forced or pick_adapter(config, candidate, head) is not None:
                    files.append(candidate)
                    taken += 1
                elif marker is not None:
                    skipped.append(Skipped(str(candidate), marker_problem(marker) or marker))
                else:
                    skipped.append(Skipped(str(candidate), "no installed adapter reads it"))
            if not taken and not found.problems:
                problems.append(
                    Problem(arg, "the folder holds no snapshot files", hint=_skip_hint(found))
                )
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(arg, f"{file_kind(info.st_mode)}: only regular files are read"))
    if problems:
        raise InputError(problems)
    if skipped or hidden:
        config.notices.append(skip_notice(skipped, hidden))
    return list(dict.fromkeys(files))


def _skip_hint(found: Any) -> str | None:
    if not found.skipped:
        return None
    first = found.skipped[0]
    return f"{len(found.skipped)} file(s) passed over, e.g. {first.path}: {first.reason}"


def skip_notice(skipped: list[Any], hidden: int) -> Notice:
    """One note listing what folder walks passed over, and why."""
    parts = [f"{item.path} ({item.reason})" for item in skipped[:30]]
    if len(skipped) > 30:
        parts.append(f"and {len(skipped) - 30} more")
    text = f"folder walk passed over {len(skipped)} file(s): " + "; ".join(parts) if parts else ""
    if hidden:
        extra = f"{hidden} hidden file(s) or folder(s) (names starting with a dot) not walked"
        text = f"{text}; {extra}" if text else f"folder walk: {extra}"
    return Notice("note", text, category="skipped")


def _head(path: Path) -> str:
    """The first 4 KiB of a regular file, for adapters to recognise it ('' for anything else:
    a FIFO or a device must not block or flood the run)."""
    import os
    import stat

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return ""
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            return os.read(fd, 4096).decode("utf-8", errors="replace")
        finally:
            os.close(fd)
    except OSError:
        return ""


def load_snapshot(config: Config, path: Path) -> Snapshot:
    import os
    import stat

    from consentrules.sources.walk import file_kind

    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise InputError([Problem(str(path), f"cannot read: {exc.strerror or exc}")]) from None
    if not stat.S_ISREG(mode):
        raise InputError([Problem(str(path), f"{file_kind(mode)}: only regular files are read")])
    forced = config.getoption("adapter")
    if forced:
        if forced not in config.adapters:
            known = ", ".join(sorted(config.adapters.names()))
            raise UsageError(f"unknown adapter {forced!r}; installed adapters: {known}")
        adapter = config.adapters.get(forced)
    else:
        found = pick_adapter(config, path)
        if found is None:
            raise InputError(
                [
                    Problem(
                        str(path),
                        "no adapter recognises this file",
                        hint="name the format with --adapter NAME; installed adapters: "
                        + ", ".join(sorted(config.adapters.names())),
                    )
                ]
            )
        adapter = found
    return _call_adapter(config, adapter, path)


def pick_adapter(config: Config, path: Path, head: str | None = None) -> Any:
    """The first adapter that recognises the file: plugins' first, the native one last."""
    head = _head(path) if head is None else head
    candidates = [a for a in config.adapters if a.name != "native"]
    if "native" in config.adapters:
        candidates.append(config.adapters.get("native"))
    return next((a for a in candidates if _recognizes(config, a, path, head)), None)


def _recognizes(config: Config, adapter: Any, path: Path, head: str) -> bool:
    with config.adapters.blame(adapter.name, f"failed while sniffing {path}"):
        return bool(adapter.recognizes(path, head))


def _call_adapter(config: Config, adapter: Any, path: Path) -> Snapshot:
    from consentrules.model.errors import PluginError

    with config.adapters.blame(adapter.name, f"failed to read {path}"):
        snapshot = adapter.load(path, config)
    if not isinstance(snapshot, Snapshot):
        raise PluginError(
            f"adapter {adapter.name!r} returned {type(snapshot).__name__}, not a Snapshot",
            plugin=config.adapters.provider(adapter.name),
        )
    return snapshot


def summarize(
    snapshot: Snapshot, as_of: PartialDate | None, options: dict[str, Any] | None = None
) -> SnapshotSummary:
    """What was checked; with ``options`` of a run, also the tokens no loaded rule knows."""
    from consentrules.engine.evaluation import inactive_settings
    from consentrules.model.vocabulary import unknown_tokens

    known = (options or {}).get(KNOWN_TOKENS)

    return SnapshotSummary(
        path=snapshot.path,
        platform=snapshot.platform,
        taken_at=str(snapshot.taken_at),
        as_of=str(as_of or snapshot.taken_at),
        settings=len(snapshot.settings),
        disclosures=len(snapshot.disclosures),
        adapter=snapshot.adapter,
        inactive=tuple(inactive_settings(snapshot.settings, as_of or snapshot.taken_at)),
        unknown_tokens=unknown_tokens(snapshot.settings, known) if known else (),
    )


#: The options key under which a run hands the known tokens to its workers.
KNOWN_TOKENS = "_known_tokens"


def load_snapshots(config: Config, files: Iterable[Path]) -> list[Snapshot]:
    """Every snapshot, or one InputError listing the problems of every bad file."""
    snapshots = []
    problems: list[Problem] = []
    for path in files:
        try:
            snapshots.append(load_snapshot(config, path))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return snapshots


def parse_as_of(text: str | None) -> PartialDate | None:
    if text is None:
        return None
    try:
        return parse_date(text)
    except DateFormatError as exc:
        raise UsageError(f"--as-of: {exc}") from None


# check -----------------------------------------------------------------------------------------
def _snapshot_args(options: dict[str, Any]) -> list[str]:
    args = options.get("snapshots") or []
    if not args:
        raise UsageError(
            "no snapshots to check: give SNAPSHOT paths, or set 'snapshots' in the project "
            "configuration (.consentrules.yaml or [tool.consentrules] in pyproject.toml)"
        )
    return list(args)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: a large snapshot makes millions of objects and
    no cycles, and the collector's passes over them would triple the time of a run. (When the
    process ends after the run, it stays paused: its first pass would walk them all again.)"""
    from consentrules.cli.process import resume_collector

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled and resume_collector():
            gc.enable()


def run_inputs(config: Config, files: Iterable[Path], options: dict[str, Any]) -> list[Path]:
    """Every file the run reads: snapshots, rule files, the configuration, baseline, waivers."""
    inputs = [*files, *config.rule_files]
    for key in ("config_path", "baseline", "waivers"):
        if options.get(key):
            inputs.append(Path(options[key]))
    return inputs


def run_checks(
    config: Config,
    options: dict[str, Any],
    *,
    modify: bool = True,
    outputs: Iterable[tuple[str, Path]] = (),
) -> Report:
    """Load rules and snapshots, evaluate, and (with ``modify``) let plugins adjust findings.

    ``outputs`` (option, path) are refused before anything is evaluated when one of them is a
    file the run reads.
    """
    from consentrules.cli.parallel import check_files

    as_of = parse_as_of(options.get("as_of"))
    files = snapshot_files(config, _snapshot_args(options))
    rules = load_rules(config)
    inputs = run_inputs(config, files, options)
    for option, output in outputs:
        ensure_not_input(output, inputs, option)
    config.notices.extend(rule_token_notices(rules))
    if not rules:
        raise UsageError(
            "no rules to evaluate: the rule selection matched nothing, so the run would check "
            "nothing; give --rules PATH with rule files, or widen --pack/--tag/--rule"
        )
    from consentrules.model.vocabulary import known_tokens

    options[KNOWN_TOKENS] = known_tokens(config.all_rules or rules)
    findings, summaries = check_files(config, rules, files, as_of, options)
    if not summaries:
        raise UsageError("no snapshot was read, so the run would check nothing")
    config.rules, config.snapshots = rules, summaries
    config.notices.extend(inactive_notices(summaries))
    config.notices.extend(extrapolation_notices(summaries, as_of))
    config.notices.extend(token_notices(summaries, options[KNOWN_TOKENS]))
    if modify:
        config.pluginmanager.call_each(
            "consentrules_modify_findings", config=config, findings=findings
        )
    fail_on = options.get("fail_on") or "low"
    return Report(
        findings=findings,
        rules={rule.id: rule for rule in rules},
        snapshots=summaries,
        fail_on=None if fail_on == "never" else Severity.parse(fail_on),
        tool_version=__version__,
        plugins=[
            (info.name, info.version or "")
            for info in config.pluginmanager.plugin_infos()
            if not info.builtin
        ],
        notices=list(config.notices),
        strict=bool(options.get("strict")),
        config_file=options.get("config_path"),
    )


def inactive_notices(summaries: Iterable[SnapshotSummary]) -> list[Notice]:
    """A note per snapshot that has settings activated after its evaluation date."""
    notices = []
    for summary in summaries:
        if summary.inactive:
            count = len(summary.inactive)
            shown = ", ".join(summary.inactive[:20]) + (
                f" and {count - 20} more" if count > 20 else ""
            )
            notices.append(
                Notice(
                    "note",
                    f"{count} setting{'s were' if count != 1 else ' was'} not active on the "
                    f"evaluation date {summary.as_of} (activated later) and not judged: {shown}",
                    summary.path,
                    category="not_active",
                )
            )
    return notices


def rule_token_notices(rules: Iterable[Rule]) -> list[Notice]:
    """A warning per rule that selects by a token close to, but not, a standard one."""
    from consentrules.model.vocabulary import rule_token_warnings

    return [
        Notice(
            "warning",
            f"rule {rule.id} selects by {phrase}: a misspelt token makes the rule select nothing",
            rule.path,
            rule.line,
            category="unknown_token",
        )
        for rule, phrase in rule_token_warnings(rules)
    ]


def extrapolation_notices(
    summaries: Iterable[SnapshotSummary], as_of: PartialDate | None
) -> list[Notice]:
    """A note per snapshot judged as of a date after it was taken: what happened after
    ``taken_at`` is not in it, so its last state is assumed to hold."""
    if as_of is None:
        return []
    notices = []
    for summary in summaries:
        taken = parse_date(summary.taken_at)
        if as_of.last > taken.last:
            notices.append(
                Notice(
                    "warning",
                    f"evaluated as of {as_of}, after the snapshot was taken ({summary.taken_at}): "
                    "the state it records is assumed to hold until then",
                    summary.path,
                    category="extrapolated",
                )
            )
    return notices


def token_notices(summaries: Iterable[SnapshotSummary], known: Any) -> list[Notice]:
    """A warning per snapshot using purpose, category or recipient tokens no rule knows."""
    from consentrules.model.vocabulary import describe

    notices = []
    for summary in summaries:
        if summary.unknown_tokens:
            phrases = describe(summary.unknown_tokens, known)
            notices.append(
                Notice(
                    "warning",
                    "no loaded rule or the standard vocabulary knows "
                    + "; ".join(phrases)
                    + ": a misspelt token makes rules skip the setting",
                    summary.path,
                    category="unknown_token",
                )
            )
    return notices


def plan_outputs(config: Config, options: dict[str, Any]) -> list[tuple[str, str | None]]:
    """``(format, path)`` pairs; path None is standard output. Formats are checked first."""
    known = config.reporters.names()
    main_format = options.get("format") or "text"
    main_path: str | None = None
    extra: list[tuple[str, str | None]] = []
    for spec in options.get("output") or []:
        head, sep, tail = spec.partition("=")
        if sep and head in known:
            extra.append((head, None if tail == "-" else tail))
        elif sep and "/" not in head and "\\" not in head and "." not in head:
            raise UsageError(
                f"--output {spec}: unknown format {head!r}; available formats: "
                + ", ".join(sorted(known))
            )
        elif main_path is not None:
            raise UsageError(
                f"--output {spec}: only one plain PATH may be given (it takes the --format "
                "output); write other formats as FORMAT=PATH"
            )
        else:
            main_path = None if spec == "-" else spec
    outputs = [(main_format, main_path), *extra]
    for name, _ in outputs:
        if name not in config.reporters:
            raise UsageError(
                f"unknown format {name!r}; available formats: {', '.join(sorted(known))}"
            )
    if sum(1 for _, path in outputs if path is None) > 1:
        raise UsageError("only one output can go to standard output; give the others a PATH")
    paths = [path for _, path in outputs if path is not None]
    targets = [plan_target(Path(p)).real for p in paths]
    if len(set(targets)) != len(targets):
        raise UsageError("two outputs name the same file")
    return outputs


def cmd_check(config: Config, options: dict[str, Any]) -> int:
    setup(config, options)
    outputs = plan_outputs(config, options)  # (before the run: a bad path fails at once)
    written = [("-o", Path(path)) for _, path in outputs if path is not None]
    with collector_paused():
        report = run_checks(config, options, outputs=written)
        failed = report.failing or report.failing_notices
        exit_code = ExitCode.FINDINGS if failed else ExitCode.OK
        write_outputs(config, outputs, report)
    config.pluginmanager.call_each(
        "consentrules_sessionfinish", config=config, report=report, exitstatus=int(exit_code)
    )
    return exit_code


def standard_output() -> Any:
    """A text stream onto standard output that writes every byte or raises.

    Python's own ``sys.stdout`` loses the rest of a large write without an error when it is
    unbuffered (``PYTHONUNBUFFERED``, ``-u``) and the reader goes away (``| head``): a short
    write is not retried. A buffered writer retries, and then reports the closed pipe. Where
    standard output is not a file descriptor (captured by tests), it is used as it is.
    """
    import io

    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return sys.stdout
    sys.stdout.flush()
    raw = io.FileIO(fd, "w", closefd=False)
    return io.TextIOWrapper(
        io.BufferedWriter(raw, 1 << 16),
        encoding=getattr(sys.stdout, "encoding", None) or "utf-8",
        errors=getattr(sys.stdout, "errors", None) or "strict",
    )


def write_outputs(config: Config, outputs: list[tuple[str, str | None]], report: Report) -> None:
    """Render every output; one that fails does not stop or damage the others."""
    from consentrules.model.errors import PluginError

    failures: list[PluginError] = []
    for name, path in outputs:
        reporter = config.reporters.get(name)
        try:
            if path is None:
                stdout = standard_output()  # (while a reporter runs, sys.stdout is stderr)
                with config.reporters.blame(name, "failed"):
                    reporter.render(report, stdout, config)
                stdout.flush()  # (a closed pipe shows here, not in a silent flush at exit)
            else:
                with atomic_writer(Path(path)) as stream, config.reporters.blame(name, "failed"):
                    reporter.render(report, stream, config)
        except PluginError as exc:
            failures.append(exc)
    if failures:
        if len(failures) == 1:
            raise failures[0]
        raise PluginError("; ".join(f"{e.plugin}: {e}" for e in failures))


def cmd_baseline_create(config: Config, options: dict[str, Any]) -> int:
    import json

    from consentrules.ci.baseline import baseline_dict

    setup(config, options)
    target = Path(options["baseline_output"])
    plan_target(target)
    with collector_paused():
        report = run_checks(config, options, modify=False, outputs=[("-o", target)])
        data = baseline_dict(report.findings)
    with atomic_writer(target) as stream:
        json.dump(data, stream, indent=2, ensure_ascii=False)
        stream.write("\n")
    sys.stdout.write(
        f"baseline: {len(data['findings'])} findings of {len(report.snapshots)} snapshot(s) "
        f"recorded in {target}\n"
    )
    return ExitCode.OK


# rules -----------------------------------------------------------------------------------------
def cmd_rules_list(config: Config, options: dict[str, Any]) -> int:
    setup(config, options)
    rules = load_rules(config)
    width = max((len(r.id) for r in rules), default=2)
    pack_width = max((len(r.pack or "") for r in rules), default=4)
    out = sys.stdout
    out.write(f"{'ID':<{width}}  {'SEVERITY':<8}  {'KIND':<18}  {'PACK':<{pack_width}}  TITLE\n")
    for rule in sorted(rules, key=lambda r: r.id):
        out.write(
            f"{rule.id:<{width}}  {rule.severity.label:<8}  {rule.check_kind:<18}  "
            f"{rule.pack or '':<{pack_width}}  {rule.title}\n"
        )
    out.write(f"{len(rules)} rules\n")
    return ExitCode.OK


def cmd_rules_show(config: Config, options: dict[str, Any]) -> int:
    setup(config, options)
    rule = _one_rule(config, options["rule_id"])
    out = sys.stdout
    out.write(f"{rule.id}: {rule.title}\n")
    out.write(f"  severity:      {rule.severity.label}\n")
    out.write(f"  kind:          {rule.check_kind}\n")
    out.write(f"  pack:          {rule.pack or '-'}\n")
    out.write(f"  source:        {rule.path}:{rule.line}\n")
    out.write(f"  selects:       {rule.selector.describe()}\n")
    params = ", ".join(f"{k}={v}" for k, v in rule.params.items())
    out.write(f"  parameters:    {params or '-'}\n")
    if rule.jurisdictions:
        out.write(f"  jurisdictions: {', '.join(rule.jurisdictions)}\n")
    if rule.tags:
        out.write(f"  tags:          {', '.join(rule.tags)}\n")
    if rule.description:
        out.write("\nWhy:\n" + _indent(rule.description) + "\n")
    if rule.remediation:
        out.write("\nWhat to do:\n" + _indent(rule.remediation) + "\n")
    if rule.references:
        out.write("\nReferences:\n")
        for ref in rule.references:
            out.write(f"  - {ref.title}" + (f" <{ref.url}>" if ref.url else "") + "\n")
    return ExitCode.OK


def _indent(text: str) -> str:
    import textwrap

    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return "\n\n".join(
        textwrap.fill(p, 96, initial_indent="  ", subsequent_indent="  ") for p in paragraphs
    )


def cmd_rules_explain(config: Config, options: dict[str, Any]) -> int:
    from consentrules.report.explain import explain_rule

    setup(config, options)
    rule = _one_rule(config, options["rule_id"])
    snapshot = None
    if options.get("snapshot"):
        snapshot = load_snapshots(config, [Path(options["snapshot"])])[0]
    sys.stdout.write(explain_rule(rule, config, snapshot))
    return ExitCode.OK


def _one_rule(config: Config, rule_id: str) -> Rule:
    rules = {rule.id: rule for rule in load_rules(config)}
    if rule_id not in rules:
        import difflib

        close = difflib.get_close_matches(rule_id, list(rules), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UsageError(f"no rule with id {rule_id!r}{hint}")
    return rules[rule_id]


def cmd_rules_packs(config: Config, options: dict[str, Any]) -> int:
    setup(config, options)
    packs: dict[str, list[Rule]] = {}
    for rule in load_rules(config):
        packs.setdefault(rule.pack or "-", []).append(rule)
    out = sys.stdout
    out.write(f"{'PACK':<26} {'RULES':>5}  JURISDICTIONS / FOLDER\n")
    for name in sorted(packs):
        rules = packs[name]
        places = sorted({j for rule in rules for j in rule.jurisdictions}) or ["any"]
        folder = str(Path(rules[0].path).parent)
        out.write(f"{name:<26} {len(rules):>5}  {', '.join(places)}\n{'':<34}{folder}\n")
    out.write(f"{len(packs)} packs\n")
    return ExitCode.OK


def cmd_test(config: Config, options: dict[str, Any]) -> int:
    from consentrules.cli.ruletests import render_junit
    from consentrules.cli.ruletests import render_text
    from consentrules.cli.ruletests import run_rule_tests

    setup(config, options)
    given = options.get("rule_paths") or []
    if options.get("test_output"):
        plan_target(Path(options["test_output"]))  # (before the tests: a bad path fails now)
    rules = load_rules(config, [Path(p) for p in given] if given else None)
    results = run_rule_tests(rules, config)
    text = render_junit(results) if options.get("test_format") == "junit" else render_text(results)
    target = options.get("test_output")
    if target:
        ensure_not_input(Path(target), config.rule_files)
        with atomic_writer(Path(target)) as stream:
            stream.write(text)
    else:
        sys.stdout.write(text)
    failing = {"fail"} | (
        {"no_fixtures", "incomplete"} if options.get("require_fixtures") else set()
    )
    return ExitCode.FINDINGS if any(r.status in failing for r in results) else ExitCode.OK


def cmd_schema(config: Config, options: dict[str, Any]) -> int:
    import json

    from consentrules.sources.schema import load_schema
    from consentrules.sources.schema import rules_schema_for_editors

    setup(config, options)
    name = options["schema_name"]
    schema = rules_schema_for_editors(config.check_kinds) if name == "rules" else load_schema(name)
    sys.stdout.write(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
    return ExitCode.OK


def cmd_rules_validate(config: Config, options: dict[str, Any]) -> int:
    setup(config, options)
    paths = [Path(p) for p in options["paths"]]
    rules = load_rules(config, paths, select=False)
    files = len({rule.path for rule in rules})
    sys.stdout.write(f"ok: {len(rules)} rules in {files} files are valid\n")
    return ExitCode.OK


# snapshot --------------------------------------------------------------------------------------
def cmd_snapshot_validate(config: Config, options: dict[str, Any]) -> int:
    setup(config, options)
    files = snapshot_files(config, options["paths"])
    snapshots = load_snapshots(config, files)
    for snapshot in snapshots:
        sys.stdout.write(
            f"ok: {snapshot.path} ({snapshot.adapter}): {snapshot.platform}, "
            f"{len(snapshot.settings)} settings, {len(snapshot.disclosures)} disclosures\n"
        )
    return ExitCode.OK


# plugins ---------------------------------------------------------------------------------------
def cmd_plugins(config: Config, options: dict[str, Any]) -> int:
    setup(config, options)
    out = sys.stdout
    infos = config.pluginmanager.plugin_infos()
    for info in infos:
        origin = "built-in" if info.builtin else f"{info.distribution or '?'} {info.version or ''}"
        out.write(f"{info.name:<20} {origin.strip():<28} {info.module}\n")
        out.write(f"{'':<20} hooks: {', '.join(info.hooks) or '-'}\n")
    out.write("\n")
    for label, registry in (
        ("check kinds", config.check_kinds),
        ("adapters", config.adapters),
        ("reporters", config.reporters),
    ):
        names = ", ".join(f"{n} ({registry.provider(n)})" for n in registry.names())
        out.write(f"{label}: {names}\n")
    return ExitCode.OK
