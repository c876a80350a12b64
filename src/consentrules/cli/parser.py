"""The command line's options: every subcommand and option, and the help text.

Only the standard library is imported at module level (``consentrules --version`` must start
fast); plugins add options to ``check`` through ``consentrules_addoption``.
"""

from __future__ import annotations

from typing import Any

from consentrules.cli.argparsing import Unbuilt
from consentrules.cli.argparsing import formatter_class
from consentrules.cli.argparsing import parser_class

EPILOG = """\
exit codes:
  0    no violation at or above --fail-on
  1    at least one violation at or above --fail-on
  2    usage or input error (bad arguments, snapshot, rule file or plugin)
  3    internal error (a bug in consentrules: please report it, with --debug output)
  141  standard output closed early (e.g. piped into head): the run stopped quietly
  130  interrupted (SIGINT); 143 terminated (SIGTERM): no output file is left half-written

plugins: -p NAME loads a plugin module or entry point, -p no:NAME blocks one;
entry points in the 'consentrules' group load automatically unless
--disable-plugin-autoload or CONSENTRULES_DISABLE_PLUGIN_AUTOLOAD=1.
"""

SEVERITY_CHOICES = ("info", "low", "medium", "high", "critical", "never")


def _global_options(parser: Any, suppress: bool) -> None:
    import argparse

    def default(value: Any) -> Any:
        return argparse.SUPPRESS if suppress else value

    parser.add_argument(
        "-p",
        dest="plugins",
        action="append",
        metavar="NAME",
        default=default(None),
        help="load plugin module or entry point NAME; -p no:NAME blocks a plugin",
    )
    parser.add_argument(
        "--disable-plugin-autoload",
        action="store_true",
        default=default(None),
        help="do not load plugins from the 'consentrules' entry-point group",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        default=default(None),
        help="project configuration file (default: .consentrules.yaml or pyproject.toml "
        "[tool.consentrules], looked for upwards from here)",
    )
    parser.add_argument(
        "--no-config",
        action="store_true",
        default=default(False),
        help="ignore any project configuration file",
    )
    parser.add_argument(
        "--limit",
        action="append",
        metavar="NAME=VALUE",
        default=default(None),
        help="raise an input limit: file-size, depth, aliases, nodes, string-length, yaml-size "
        "(e.g. --limit file-size=1G)",
    )
    parser.add_argument(
        "--plugin-timeout",
        type=float,
        metavar="SECONDS",
        default=default(None),
        help="stop a plugin hook, adapter, reporter or check kind that runs longer (default: "
        "300; 0: no limit)",
    )
    parser.add_argument(
        "--debug", action="store_true", default=default(False), help="show tracebacks for errors"
    )
    parser.add_argument(
        "--trace-hooks",
        action="store_true",
        default=default(False),
        help="write every plugin hook call, the plugins it reaches and its time to stderr",
    )


def _selection_options(parser: Any) -> None:
    """Which of the loaded rules run: packs, tags, jurisdictions, severities."""
    group = parser.add_argument_group("rule selection")
    group.add_argument(
        "--rules",
        action="append",
        metavar="PATH",
        help="rule file or folder (repeatable); default: the bundled rules and plugins' packs",
    )
    group.add_argument(
        "--pack", action="append", metavar="NAME", help="only rules of this pack (repeatable)"
    )
    group.add_argument(
        "--rule",
        action="append",
        metavar="ID",
        help="only this rule (repeatable; glob patterns such as 'AI-TRAIN-*' allowed)",
    )
    group.add_argument(
        "--tag", action="append", metavar="TAG", help="only rules with this tag (repeatable)"
    )
    group.add_argument(
        "--jurisdiction",
        action="append",
        metavar="REGION",
        help="only rules for this region or group (repeatable); rules naming none are kept",
    )
    group.add_argument(
        "--min-severity",
        choices=SEVERITY_CHOICES[:-1],
        help="only rules of this severity or above",
    )
    group.add_argument(
        "--disable-rule", action="append", metavar="ID", help="do not run this rule (repeatable)"
    )
    group.add_argument(
        "--severity-override",
        action="append",
        metavar="ID=SEVERITY",
        help="give a rule another severity (repeatable)",
    )


def _run_options(parser: Any) -> None:
    from consentrules.cli.parser_more import disclosure_options

    """Options shared by ``check`` and ``baseline create``."""
    parser.add_argument(
        "snapshots",
        nargs="*",
        metavar="SNAPSHOT",
        help="snapshot files or folders (default: 'snapshots' from the project configuration)",
    )
    _selection_options(parser)
    parser.add_argument(
        "--as-of", metavar="DATE", help="evaluation date (default: each snapshot's taken_at)"
    )
    parser.add_argument("--adapter", metavar="NAME", help="read snapshots with this adapter")
    disclosure_options(parser)
    parser.add_argument(
        "--disclosures",
        action="append",
        metavar="READER:LOCATION",
        help="add the policy history a disclosure reader finds at LOCATION to every snapshot "
        "(repeatable), e.g. ota:path/to/dataset with --service NAME",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="check in N processes (0: one per core; default: one per core for 32 snapshots "
        "or more, or a JSON snapshot of 2 MB or more; 1: one process)",
    )


def build_parser(plugin_options: Any = None, wanted: str | None = None) -> Any:
    """The argument parser; ``plugin_options(parser)`` lets plugins add their options to every
    command that loads plugins' inputs (check, baseline create, test, snapshot, disclosures).

    With ``wanted`` (a command from :data:`COMMANDS`), the other commands are listed, with
    their help, but their options are not added: a parser for one command line."""
    from consentrules.__about__ import __version__

    if plugin_options is not None:
        hook = plugin_options

        def plugin_options(parser: Any) -> None:
            if not isinstance(parser, Unbuilt):
                hook(parser)

    formatter = formatter_class()
    parser = parser_class()(
        prog="consentrules",
        description="Check platform data-use settings and disclosures against privacy rules.",
        epilog=EPILOG,
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=f"consentrules {__version__}")
    _global_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def sub(name: str, help_text: str, parent: Any = commands) -> Any:
        if isinstance(parent, Unbuilt):
            return parent
        if parent is commands and wanted is not None and name != wanted:
            parent.add_parser(
                name, help=help_text, description=help_text, formatter_class=formatter
            )
            return Unbuilt()
        p = parent.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=EPILOG,
            formatter_class=formatter,
        )
        _global_options(p, suppress=True)
        return p

    check = sub("check", "evaluate rules against snapshots")
    _run_options(check)
    check.add_argument(
        "--format",
        metavar="NAME",
        help="format for standard output (or a plain --output PATH): text (default), json, "
        "sarif, junit, markdown, github, or one a plugin adds",
    )
    check.add_argument(
        "--output",
        "-o",
        action="append",
        metavar="[FORMAT=]PATH",
        help="write FORMAT to PATH (repeatable, e.g. -o sarif=results.sarif); a plain PATH "
        "takes the --format output instead of standard output; files are written atomically",
    )
    check.add_argument(
        "--fail-on",
        choices=SEVERITY_CHOICES,
        help="exit 1 when an unsuppressed violation is at or above this severity (default: low)",
    )
    check.add_argument(
        "--strict",
        action="store_true",
        help="also fail (exit 1) when a finding is not evaluable: the data does not settle it (a "
        "fact the snapshot lacks, or a day a policy history leaves open)",
    )
    check.add_argument(
        "--changed-since",
        metavar="REF",
        help="check only the snapshot files that changed since this git ref (and new ones)",
    )
    check.add_argument(
        "--root",
        metavar="DIR",
        help="make SARIF and annotation paths relative to DIR (default: the nearest folder "
        "holding .git, else the current one)",
    )
    check.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="print only the summary line on standard output (errors still go to standard "
        "error; files written with -o are whole)",
    )
    check.add_argument(
        "--max-findings",
        type=int,
        metavar="N",
        help="report at most N findings, the most severe first, with a note of what was left "
        "out (the exit code still counts them all)",
    )
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        help="colour in text output (default: auto; NO_COLOR disables)",
    )
    if plugin_options is not None:
        plugin_options(check)

    baseline = sub("baseline", "record today's findings so that only new ones fail")
    baseline_cmds = baseline.add_subparsers(dest="baseline_command", metavar="ACTION")
    baseline_cmds.required = True
    create = sub("create", "write a baseline file of the current findings", baseline_cmds)
    _run_options(create)
    create.add_argument("-o", "--output", dest="baseline_output", metavar="FILE", required=True)
    create.add_argument(
        "--from-ref",
        metavar="REF",
        help="record the findings of the snapshots as they are at this git ref (read with git "
        "archive; the working tree is not touched)",
    )
    if plugin_options is not None:
        plugin_options(create)

    rules = sub("rules", "list, explain and validate rules and packs")
    rules_cmds = rules.add_subparsers(dest="rules_command", metavar="ACTION")
    rules_cmds.required = True
    for name, text in (
        ("list", "list the rules"),
        ("show", "show one rule in full"),
        ("explain", "explain a rule: why, what to do, the law, what it selects, its examples"),
        ("packs", "list the rule packs"),
    ):
        p = sub(name, text, rules_cmds)
        _selection_options(p)
        if name == "list":
            p.add_argument("--format", dest="list_format", choices=("text", "json"), default="text")
        if name in ("show", "explain"):
            p.add_argument("rule_id", metavar="ID")
        if name == "explain":
            p.add_argument(
                "--snapshot",
                metavar="FILE",
                help="also show which settings of this snapshot the rule selects, and why",
            )
    validate = sub("validate", "validate rule files", rules_cmds)
    validate.add_argument("paths", nargs="+", metavar="PATH")

    test = sub("test", "run the rules' fixtures: do they fire where they should, and only there")
    test.add_argument(
        "rule_paths",
        nargs="*",
        metavar="RULES_PATH",
        help="rule files or folders (default: the bundled rules and plugins' packs)",
    )
    _selection_options(test)
    test.add_argument("--format", dest="test_format", choices=("text", "junit"), default="text")
    test.add_argument(
        "-o",
        "--output",
        dest="test_output",
        metavar="FILE",
        help="write the result to FILE instead of standard output",
    )
    test.add_argument(
        "--require-fixtures",
        action="store_true",
        help="fail for a rule without both a firing and a quiet fixture",
    )
    if plugin_options is not None:
        plugin_options(test)

    schema = sub("schema", "print a JSON Schema (for editors and other tools)")
    schema.add_argument(
        "schema_name",
        choices=("rules", "snapshot", "waivers", "config", "report", "mapping"),
        metavar="NAME",
        help="rules, snapshot, waivers, config, report or mapping",
    )

    from consentrules.cli.parser_more import more_commands

    more_commands(sub, plugin_options)

    sub("plugins", "list loaded plugins, their versions and hooks")
    parser.set_defaults(_check_parser=check)  # for the project configuration's key check
    return parser
