"""The subcommands: what ``consentrules check``, ``rules``, ``snapshot`` and ``plugins`` do.

Each function takes the parsed options and returns an exit code; errors are raised as
:class:`ConsentrulesError` subclasses and turned into messages by :mod:`consentrules.cli.main`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from consentrules.__about__ import __version__
from consentrules.cli.inputs import parse_as_of
from consentrules.cli.inputs import snapshot_files
from consentrules.cli.notices import rule_token_notices
from consentrules.cli.notices import summary_notices
from consentrules.cli.outputs import limited
from consentrules.cli.outputs import plan_outputs
from consentrules.cli.outputs import quiet_line
from consentrules.cli.outputs import write_outputs
from consentrules.cli.selection import check_restates
from consentrules.cli.selection import load_rules
from consentrules.execute.process import collector_paused
from consentrules.execute.snapshots import load_snapshots
from consentrules.model import Report
from consentrules.model import Rule
from consentrules.model import Severity
from consentrules.model.errors import ExitCode
from consentrules.model.errors import UsageError
from consentrules.model.words import plural
from consentrules.plugin.config import Config
from consentrules.report.output import atomic_writer
from consentrules.report.output import ensure_not_input
from consentrules.report.output import plan_target


def setup(config: Config, options: dict[str, Any]) -> Config:
    """Hand the parsed options to the run's config, read-only from now on, and tell plugins
    it is final."""
    config.options = MappingProxyType({**config.options, **options})
    config.pluginmanager.call_each("consentrules_configure", config=config)
    return config


# check -----------------------------------------------------------------------------------------
def _snapshot_args(options: dict[str, Any]) -> list[str]:
    args = options.get("snapshots") or []
    if not args:
        raise UsageError(
            "no snapshots to check: give SNAPSHOT paths, or set 'snapshots' in the project "
            "configuration (.consentrules.yaml or [tool.consentrules] in pyproject.toml)"
        )
    return list(args)


def run_inputs(config: Config, files: Iterable[Path], options: dict[str, Any]) -> list[Path]:
    """Every file the run reads: snapshots, rule files, the configuration, and the files plugins
    declare (``consentrules_input_files``: the baseline and waivers plugins among them)."""
    inputs = [*files, *config.rule_files]
    if options.get("config_path"):
        inputs.append(Path(options["config_path"]))
    inputs.extend(config.plugin_paths("consentrules_input_files"))
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
    from consentrules.cli import used
    from consentrules.execute.parallel import check_files
    from consentrules.execute.run import Run
    from consentrules.plugin import watchdog
    from consentrules.sources import limits

    as_of = parse_as_of(options.get("as_of"))
    from consentrules.model.findings import set_identity_root

    # Identity (fingerprints) names files relative to --root, else to their checkout.
    set_identity_root(str(Path.cwd() / options["root"]) if options.get("root") else None)
    files = snapshot_files(config, _snapshot_args(options))
    if options.get("changed_since"):
        from consentrules.cli.changed import only_changed

        files, skipped = only_changed(files, options["changed_since"], Path.cwd())
        config.notices.append(skipped)
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

    config.known_tokens = known_tokens(config.all_rules or rules)
    run = Run(
        config=config,
        rules=tuple(rules),
        files=tuple(files),
        as_of=as_of,
        options=config.options,
        limits=limits.current(),
        plugin_timeout=watchdog.seconds(),
    )
    findings, summaries = check_files(run)
    if not summaries and not (options.get("changed_since") and not files):
        raise UsageError("no snapshot was read, so the run would check nothing")
    config.rules, config.snapshots = rules, summaries
    config.notices.extend(
        summary_notices(rules, summaries, as_of, config.regions, config.known_tokens)
    )
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
        plugins=used.plugins_used(config, rules, summaries),
        notices=list(config.notices),
        strict=bool(options.get("strict")),
        config_file=options.get("config_path"),
    )


def cmd_check(config: Config, options: dict[str, Any]) -> int:
    outputs = plan_outputs(config, options)  # (before the run: a bad path fails at once)
    # Timelines cost a pass over every setting: only for a format that draws them (HTML).
    options["timelines"] = any(
        getattr(config.reporters.get(name), "draws_timelines", False) for name, _ in outputs
    )
    # A JSON report of a split snapshot: each process writes its findings' JSON as it goes.
    options["json_fragments"] = any(name == "json" for name, _ in outputs)
    from consentrules.report import fragments

    fragments.forget()
    setup(config, options)
    written = [("-o", Path(path)) for _, path in outputs if path is not None]
    with collector_paused():
        report = run_checks(config, options, outputs=written)
        failed = report.failing or report.failing_notices
        exit_code = ExitCode.FINDINGS if failed else ExitCode.OK
        shown = limited(report, options.get("max_findings"))
        if options.get("quiet"):
            outputs = [(name, path) for name, path in outputs if path is not None]
            sys.stdout.write(quiet_line(report) + "\n")
        try:
            write_outputs(config, outputs, shown)
        finally:
            fragments.forget()  # (kept only for the reporters)
    config.pluginmanager.call_each(
        "consentrules_sessionfinish", config=config, report=report, exitstatus=int(exit_code)
    )
    return exit_code


def cmd_baseline_create(config: Config, options: dict[str, Any]) -> int:
    import json

    from consentrules.ci.baseline import baseline_dict

    setup(config, options)
    target = Path(options["baseline_output"]).resolve()
    plan_target(target)
    from consentrules.cli.changed import at_ref

    with collector_paused(), at_ref(options.get("from_ref"), options):
        report = run_checks(config, options, modify=False, outputs=[("-o", target)])
        data = baseline_dict(report.findings)
    with atomic_writer(target) as stream:
        json.dump(data, stream, indent=2, ensure_ascii=False)
        stream.write("\n")
    sys.stdout.write(
        f"baseline: {plural(len(data['findings']), 'finding')} of "
        f"{plural(len(report.snapshots), 'snapshot')} "
        f"recorded in {target}\n"
    )
    return ExitCode.OK


# rules -----------------------------------------------------------------------------------------
def cmd_rules_list(config: Config, options: dict[str, Any]) -> int:
    setup(config, options)
    rules = load_rules(config, opt_in=True)
    if options.get("list_format") == "json":
        from consentrules.report.json_reporter import rule_dict

        data = [
            {
                "id": rule.id,
                **rule_dict(rule),
                "kind": rule.check_kind,
                "run_by_default": rule.run_by_default,
            }
            for rule in sorted(rules, key=lambda r: r.id)
        ]
        json.dump({"rules": data}, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return ExitCode.OK
    width = max((len(r.id) for r in rules), default=2)
    pack_width = max((len(r.pack or "") for r in rules), default=4)
    out = sys.stdout
    out.write(f"{'ID':<{width}}  {'SEVERITY':<8}  {'KIND':<18}  {'PACK':<{pack_width}}  TITLE\n")
    for rule in sorted(rules, key=lambda r: r.id):
        out.write(
            f"{rule.id:<{width}}  {rule.severity.label:<8}  {rule.check_kind:<18}  "
            f"{rule.pack or '':<{pack_width}}  {rule.title}"
            f"{'' if rule.run_by_default else '  (opt-in: runs when named)'}\n"
        )
    out.write(f"{plural(len(rules), 'rule')}\n")
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
    rules = {rule.id: rule for rule in load_rules(config, opt_in=True)}
    if rule_id not in rules:
        import difflib

        close = difflib.get_close_matches(rule_id, list(rules), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UsageError(f"no rule with id {rule_id!r}{hint}")
    return rules[rule_id]


def cmd_rules_packs(config: Config, options: dict[str, Any]) -> int:
    setup(config, options)
    packs: dict[str, list[Rule]] = {}
    for rule in load_rules(config, opt_in=True):
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
    rules = load_rules(config, [Path(p) for p in given] if given else None, opt_in=True)
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
    check_restates(config, rules)
    files, verb = len({rule.path for rule in rules}), "is" if len(rules) == 1 else "are"
    sys.stdout.write(f"ok: {plural(len(rules), 'rule')} in {plural(files, 'file')} {verb} valid\n")
    return ExitCode.OK


# snapshot --------------------------------------------------------------------------------------
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
