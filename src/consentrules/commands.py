"""The subcommands: what ``consentrules check``, ``rules``, ``snapshot`` and ``plugins`` do.

Each function takes the parsed options and returns an exit code; errors are raised as
:class:`ConsentrulesError` subclasses and turned into messages by :mod:`consentrules.main`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from consentrules.__about__ import __version__
from consentrules.config import Config
from consentrules.dates import DateFormatError
from consentrules.dates import PartialDate
from consentrules.dates import parse_date
from consentrules.engine import Engine
from consentrules.errors import ExitCode
from consentrules.errors import InputError
from consentrules.errors import Problem
from consentrules.errors import UsageError
from consentrules.loading import RuleLoader
from consentrules.model import Report
from consentrules.model import Rule
from consentrules.model import Severity
from consentrules.model import Snapshot
from consentrules.model import SnapshotSummary
from consentrules.output import atomic_writer
from consentrules.output import ensure_not_input


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
    paths = config.plugin_rule_paths()
    if not paths:
        raise UsageError(
            "no rules to check against: give --rules PATH (the bundled rules were not found)"
        )
    return paths


def load_rules(config: Config, paths: Iterable[Path] | None = None) -> list[Rule]:
    loader = RuleLoader(config.check_kinds, config.regions)
    rules = loader.load_paths(rule_paths(config) if paths is None else paths)
    config.pluginmanager.call_each("consentrules_modify_rules", config=config, rules=rules)
    return rules


# Snapshots -------------------------------------------------------------------------------------
def snapshot_files(config: Config, args: Iterable[str]) -> list[Path]:
    """Files named on the command line; in folders, every file some adapter recognises."""
    files: list[Path] = []
    problems = []
    forced = config.getoption("adapter")
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            found = [
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and (forced or _pick_adapter(config, p) is not None)
            ]
            if not found:
                problems.append(Problem(arg, "the folder holds no snapshot files"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(arg, "no such file or folder"))
    if problems:
        raise InputError(problems)
    return list(dict.fromkeys(files))


def _head(path: Path) -> str:
    try:
        with path.open("rb") as stream:
            return stream.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return ""


def load_snapshot(config: Config, path: Path) -> Snapshot:
    forced = config.getoption("adapter")
    if forced:
        if forced not in config.adapters:
            known = ", ".join(sorted(config.adapters.names()))
            raise UsageError(f"unknown adapter {forced!r}; installed adapters: {known}")
        adapter = config.adapters.get(forced)
    else:
        found = _pick_adapter(config, path)
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


def _pick_adapter(config: Config, path: Path) -> Any:
    """The first adapter that recognises the file: plugins' first, the native one last."""
    head = _head(path)
    candidates = [a for a in config.adapters if a.name != "native"]
    if "native" in config.adapters:
        candidates.append(config.adapters.get("native"))
    return next((a for a in candidates if _recognizes(config, a, path, head)), None)


def _recognizes(config: Config, adapter: Any, path: Path, head: str) -> bool:
    with config.adapters.blame(adapter.name, f"failed while sniffing {path}"):
        return bool(adapter.recognizes(path, head))


def _call_adapter(config: Config, adapter: Any, path: Path) -> Snapshot:
    from consentrules.errors import PluginError

    with config.adapters.blame(adapter.name, f"failed to read {path}"):
        snapshot = adapter.load(path, config)
    if not isinstance(snapshot, Snapshot):
        raise PluginError(
            f"adapter {adapter.name!r} returned {type(snapshot).__name__}, not a Snapshot",
            plugin=config.adapters.provider(adapter.name),
        )
    return snapshot


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


def run_checks(config: Config, options: dict[str, Any], *, modify: bool = True) -> Report:
    """Load rules and snapshots, evaluate, and (with ``modify``) let plugins adjust findings."""
    as_of = parse_as_of(options.get("as_of"))
    files = snapshot_files(config, _snapshot_args(options))
    rules = load_rules(config)
    snapshots = load_snapshots(config, files)
    engine = Engine(config.check_kinds, config.regions)
    findings = []
    summaries = []
    for snapshot in snapshots:
        findings.extend(engine.evaluate(rules, snapshot, as_of=as_of, options=options))
        summaries.append(
            SnapshotSummary(
                path=snapshot.path,
                platform=snapshot.platform,
                taken_at=str(snapshot.taken_at),
                as_of=str(as_of or snapshot.taken_at),
                settings=len(snapshot.settings),
                disclosures=len(snapshot.disclosures),
                adapter=snapshot.adapter,
            )
        )
    config.rules, config.snapshots = rules, summaries
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
    )


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
    if len(set(paths)) != len(paths):
        raise UsageError("two outputs name the same file")
    return outputs


def cmd_check(config: Config, options: dict[str, Any]) -> int:
    setup(config, options)
    outputs = plan_outputs(config, options)
    inputs = [Path(p) for p in (options.get("snapshots") or []) + (options.get("rules") or [])]
    for key in ("baseline", "waivers"):
        if options.get(key):
            inputs.append(Path(options[key]))
    for _, path in outputs:
        if path is not None:
            ensure_not_input(Path(path), inputs)
    report = run_checks(config, options)
    exit_code = ExitCode.FINDINGS if report.failing else ExitCode.OK
    write_outputs(config, outputs, report)
    config.pluginmanager.call_each(
        "consentrules_sessionfinish", config=config, report=report, exitstatus=int(exit_code)
    )
    return exit_code


def write_outputs(config: Config, outputs: list[tuple[str, str | None]], report: Report) -> None:
    """Render every output; one that fails does not stop or damage the others."""
    from consentrules.errors import PluginError

    failures: list[PluginError] = []
    for name, path in outputs:
        reporter = config.reporters.get(name)
        try:
            if path is None:
                with config.reporters.blame(name, "failed"):
                    reporter.render(report, sys.stdout, config)
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

    from consentrules.baseline import baseline_dict

    setup(config, options)
    target = Path(options["baseline_output"])
    ensure_not_input(target, [Path(p) for p in options.get("snapshots") or []])
    report = run_checks(config, options, modify=False)
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
    out = sys.stdout
    out.write(f"{'ID':<{width}}  {'SEVERITY':<8}  {'KIND':<18}  {'PACK':<14}  TITLE\n")
    for rule in sorted(rules, key=lambda r: r.id):
        out.write(
            f"{rule.id:<{width}}  {rule.severity.label:<8}  {rule.check_kind:<18}  "
            f"{rule.pack or '':<14}  {rule.title}\n"
        )
    out.write(f"{len(rules)} rules\n")
    return ExitCode.OK


def cmd_rules_show(config: Config, options: dict[str, Any]) -> int:
    setup(config, options)
    rules = {rule.id: rule for rule in load_rules(config)}
    rule_id = options["rule_id"]
    if rule_id not in rules:
        import difflib

        close = difflib.get_close_matches(rule_id, list(rules), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UsageError(f"no rule with id {rule_id!r}{hint}")
    rule = rules[rule_id]
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


def cmd_rules_validate(config: Config, options: dict[str, Any]) -> int:
    setup(config, options)
    paths = [Path(p) for p in options["paths"]]
    rules = load_rules(config, paths)
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
