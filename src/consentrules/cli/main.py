"""The command line: parsing, and the one place where errors become exit codes.

Only the standard library is imported at module level, so that ``consentrules --version``
starts as fast as Python itself; each command imports what it needs.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Any

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
#: Repeatable options whose command-line values are added to the configuration file's.
MERGED_OPTIONS = ("disable_rule", "severity_override")


def _merged(from_file: Any, from_cli: list[str]) -> list[str]:
    if isinstance(from_file, dict):
        from_file = [f"{key}={value}" for key, value in from_file.items()]
    return [*from_file, *from_cli]


#: Defaults applied after the command line and the project configuration are merged.
DEFAULTS = {"fail_on": "low", "format": "text", "color": "auto"}


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
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="check in N processes (0: one per core; default: one per core for 32 snapshots "
        "or more, or a JSON snapshot of 2 MB or more; 1: one process)",
    )


def build_parser(plugin_options: Any = None) -> Any:
    """The argument parser; ``plugin_options(check_parser)`` lets plugins add options."""
    import argparse

    from consentrules.__about__ import __version__

    parser = argparse.ArgumentParser(
        prog="consentrules",
        description="Check platform data-use settings and disclosures against privacy rules.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"consentrules {__version__}")
    _global_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def sub(name: str, help_text: str, parent: Any = commands) -> Any:
        p = parent.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
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
        help="also fail (exit 1) when a finding is not evaluable: the snapshot lacks a fact a "
        "rule needs",
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

    schema = sub("schema", "print a JSON Schema (for editors and other tools)")
    schema.add_argument(
        "schema_name",
        choices=("rules", "snapshot", "waivers", "config", "report"),
        metavar="NAME",
        help="rules, snapshot, waivers, config or report",
    )

    snapshot = sub("snapshot", "validate snapshots")
    snapshot_cmds = snapshot.add_subparsers(dest="snapshot_command", metavar="ACTION")
    snapshot_cmds.required = True
    snap_validate = sub("validate", "validate snapshot files", snapshot_cmds)
    snap_validate.add_argument("paths", nargs="+", metavar="PATH")
    snap_validate.add_argument("--adapter", metavar="NAME", help="read with this adapter")

    sub("plugins", "list loaded plugins, their versions and hooks")
    parser.set_defaults(_check_parser=check)  # for the project configuration's key check
    return parser


def _prescan(argv: Sequence[str]) -> dict[str, Any]:
    """Options needed before parsing: plugins (they add options) and the config file."""
    found: dict[str, Any] = {
        "plugins": [],
        "no_autoload": False,
        "config": None,
        "no_config": False,
    }
    args = list(argv)
    for index, arg in enumerate(args):
        if arg == "--":
            break
        following = args[index + 1] if index + 1 < len(args) else None
        if arg == "-p" and following is not None:
            found["plugins"].append(following)
        elif arg.startswith("-p") and len(arg) > 2 and not arg.startswith("--"):
            found["plugins"].append(arg[2:])
        elif arg == "--disable-plugin-autoload":
            found["no_autoload"] = True
        elif arg == "--config" and following is not None:
            found["config"] = following
        elif arg.startswith("--config="):
            found["config"] = arg.split("=", 1)[1]
        elif arg == "--no-config":
            found["no_config"] = True
        elif arg == "--plugin-timeout" and following is not None:
            found["plugin_timeout"] = following
        elif arg.startswith("--plugin-timeout="):
            found["plugin_timeout"] = arg.split("=", 1)[1]
    return found


def _project_config(early: dict[str, Any]) -> Any:
    from pathlib import Path

    from consentrules.cli.projectconfig import ProjectConfig
    from consentrules.cli.projectconfig import find_config
    from consentrules.cli.projectconfig import load_project_config
    from consentrules.model.errors import UsageError

    if early["no_config"]:
        return ProjectConfig()
    if early["config"]:
        path = Path(early["config"])
        if not path.exists():
            raise UsageError(f"--config: no such file {early['config']}")
        return load_project_config(path)  # (which refuses anything but a regular file)
    found = find_config(Path.cwd())
    return load_project_config(found) if found else ProjectConfig()


def _option_keys(parser: Any) -> set[str]:
    keys = {"snapshots", "plugins"}
    for action in parser._actions:
        for option in action.option_strings:
            if option.startswith("--"):
                keys.add(option[2:])
    return keys - {"help", "config", "no-config", "debug"}


def _walk_parsers(parser: Any) -> list[Any]:
    import argparse

    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                found.extend(_walk_parsers(sub))
    return found


def _apply_file_defaults(parser: Any, file_options: dict[str, Any]) -> None:
    """Make the project configuration the default of every option it sets.

    Repeatable options (``--rules``, ``--output``, ``-p``) are merged after parsing instead,
    so that giving them on the command line replaces the file's list rather than extending it.
    """
    import argparse

    for sub in _walk_parsers(parser):
        for action in sub._actions:
            if action.dest in file_options and not isinstance(action, argparse._AppendAction):
                sub.set_defaults(**{action.dest: file_options[action.dest]})


def _set_timeout(given: Any, file_options: dict[str, Any]) -> None:
    from consentrules.model.errors import UsageError
    from consentrules.plugin import watchdog

    value = given if given is not None else file_options.get("plugin_timeout")
    try:
        watchdog.configure(value)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"--plugin-timeout: {exc}") from None


def _dispatch(argv: Sequence[str], extra_plugins: Sequence[Any] = ()) -> int:
    from consentrules.cli import commands
    from consentrules.plugin import watchdog
    from consentrules.plugin.config import make_config
    from consentrules.sources import limits

    limits.configure(None)  # every run starts from the defaults
    watchdog.configure(None)
    early = _prescan(argv)
    project = _project_config(early)
    file_options = project.options()
    _set_timeout(early.get("plugin_timeout"), file_options)  # plugins' imports are timed too
    plugins = [*(file_options.get("plugins") or []), *early["plugins"]]
    no_autoload = early["no_autoload"] or bool(file_options.get("disable_plugin_autoload"))
    config = make_config(
        plugins, autoload=False if no_autoload else None, extra_plugins=extra_plugins
    )

    def plugin_options(check_parser: Any) -> None:
        config.pluginmanager.call_each("consentrules_addoption", parser=check_parser)

    parser = build_parser(plugin_options)
    if project.path:
        project.check_keys(_option_keys(parser.get_default("_check_parser")))
        _apply_file_defaults(parser, file_options)
    try:
        namespace = parser.parse_args(list(argv))
    except SystemExit as exc:  # argparse: --help, --version or a usage error
        code = exc.code if isinstance(exc.code, int) else 2
        return 0 if code == 0 else 2
    options = vars(namespace)
    options.pop("_check_parser", None)
    limits.configure(options.get("limit") if options.get("limit") else file_options.get("limit"))
    _set_timeout(options.get("plugin_timeout"), file_options)
    for name, value in file_options.items():  # the command line wins over the file
        if options.get(name) in (None, []):
            options[name] = value
        elif name in MERGED_OPTIONS:  # ...except that these add to the file's
            options[name] = _merged(value, options[name])
    for name, value in DEFAULTS.items():
        if options.get(name) is None:
            options[name] = value
    options["config_path"] = project.path
    command = options.get("command")
    if command is None:
        parser.print_help()
        return 2
    handlers = {
        "check": commands.cmd_check,
        "plugins": commands.cmd_plugins,
        ("baseline", "create"): commands.cmd_baseline_create,
        ("rules", "list"): commands.cmd_rules_list,
        ("rules", "show"): commands.cmd_rules_show,
        ("rules", "explain"): commands.cmd_rules_explain,
        ("rules", "packs"): commands.cmd_rules_packs,
        "test": commands.cmd_test,
        "schema": commands.cmd_schema,
        ("rules", "validate"): commands.cmd_rules_validate,
        ("snapshot", "validate"): commands.cmd_snapshot_validate,
    }
    key: Any = command
    if command in ("rules", "snapshot", "baseline"):
        key = (command, options[f"{command}_command"])
    return int(handlers[key](config, options))


def main(argv: Sequence[str] | None = None, plugins: Sequence[Any] = ()) -> int:
    """Run the command line and return the exit code (never raises for user errors).

    ``plugins``: plugin objects (modules or instances) to register in addition to those the
    command line and the environment name; for tests.
    """
    if argv is None:
        argv = sys.argv[1:]
    if list(argv) == ["--version"]:
        from consentrules.__about__ import __version__

        sys.stdout.write(f"consentrules {__version__}\n")
        return 0
    debug = "--debug" in argv or bool(os.environ.get("CONSENTRULES_DEBUG"))
    from consentrules.model.errors import ConsentrulesError
    from consentrules.model.errors import ExitCode

    previous = _on_sigterm()
    try:
        return _dispatch(argv, plugins)
    except ConsentrulesError as exc:
        if debug:
            import traceback

            traceback.print_exc()
        sys.stderr.write(exc.format() + "\n")
        return int(exc.exit_code)
    except BrokenPipeError:  # the reader of standard output went away (| head): end quietly
        _silence_stdout()
        return int(ExitCode.BROKEN_PIPE)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return int(ExitCode.INTERRUPTED)
    except Terminated:
        sys.stderr.write("terminated\n")
        return int(ExitCode.TERMINATED)
    except Exception as exc:  # a bug: say so, without a traceback unless asked
        if debug:
            import traceback

            traceback.print_exc()
        sys.stderr.write(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in consentrules; please report it with the output of --debug.\n"
        )
        return int(ExitCode.INTERNAL_ERROR)
    finally:
        _restore_sigterm(previous)


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that flushing it at exit raises nothing."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


class Terminated(BaseException):
    """SIGTERM arrived: unwind (atomic outputs remove their temporary files) and exit."""


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated()


def _on_sigterm() -> Any:
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _terminate)


def _restore_sigterm(previous: Any) -> None:
    import signal

    if previous is not None:
        signal.signal(signal.SIGTERM, previous)


def console_main() -> None:
    """Entry point of the ``consentrules`` script.

    After a run, the interpreter's own teardown would spend a tenth of a second freeing the
    caches a large check built; the process has nothing left to do, so once the exit handlers
    have run and the standard streams are flushed it ends at once.
    """
    from consentrules.cli import process

    process.ends_after_run = True
    code = main()
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError, OSError, ValueError):
            stream.flush()
    os._exit(code)
