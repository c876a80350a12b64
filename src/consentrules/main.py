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
  130  interrupted

plugins: -p NAME loads a plugin module or entry point, -p no:NAME blocks one;
entry points in the 'consentrules' group load automatically unless
--disable-plugin-autoload or CONSENTRULES_DISABLE_PLUGIN_AUTOLOAD=1.
"""

SEVERITY_CHOICES = ("info", "low", "medium", "high", "critical", "never")


def _global_options(parser: Any, suppress: bool) -> None:
    import argparse

    default: Any = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "-p",
        dest="plugins",
        action="append",
        metavar="NAME",
        default=default,
        help="load plugin module or entry point NAME; -p no:NAME blocks a plugin",
    )
    parser.add_argument(
        "--disable-plugin-autoload",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="do not load plugins from the 'consentrules' entry-point group",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="show tracebacks for errors",
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
    check.add_argument(
        "snapshots", nargs="+", metavar="SNAPSHOT", help="snapshot files, or folders of them"
    )
    check.add_argument(
        "--rules",
        action="append",
        metavar="PATH",
        help="rule file or folder (repeatable); default: the bundled rules",
    )
    check.add_argument(
        "--format", metavar="NAME", help="output format: text (default), json, or one a plugin adds"
    )
    check.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write the report to FILE (atomically) instead of standard output",
    )
    check.add_argument(
        "--as-of", metavar="DATE", help="evaluation date (default: each snapshot's taken_at)"
    )
    check.add_argument(
        "--fail-on",
        choices=SEVERITY_CHOICES,
        default="low",
        help="exit 1 when a violation is at or above this severity (default: low)",
    )
    check.add_argument("--adapter", metavar="NAME", help="read snapshots with this adapter")
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour in text output (default: auto; NO_COLOR disables)",
    )
    if plugin_options is not None:
        plugin_options(check)

    rules = sub("rules", "list, show and validate rules")
    rules_cmds = rules.add_subparsers(dest="rules_command", metavar="ACTION")
    rules_cmds.required = True
    for name, text in (("list", "list the rules"), ("show", "show one rule in full")):
        p = sub(name, text, rules_cmds)
        p.add_argument(
            "--rules",
            action="append",
            metavar="PATH",
            help="rule file or folder (repeatable); default: the bundled rules",
        )
        if name == "show":
            p.add_argument("rule_id", metavar="ID")
    validate = sub("validate", "validate rule files", rules_cmds)
    validate.add_argument("paths", nargs="+", metavar="PATH")

    snapshot = sub("snapshot", "validate snapshots")
    snapshot_cmds = snapshot.add_subparsers(dest="snapshot_command", metavar="ACTION")
    snapshot_cmds.required = True
    snap_validate = sub("validate", "validate snapshot files", snapshot_cmds)
    snap_validate.add_argument("paths", nargs="+", metavar="PATH")
    snap_validate.add_argument("--adapter", metavar="NAME", help="read with this adapter")

    sub("plugins", "list loaded plugins, their versions and hooks")
    return parser


def _prescan(argv: Sequence[str]) -> tuple[list[str], bool]:
    """Find ``-p`` and ``--disable-plugin-autoload`` before parsing (plugins add options)."""
    plugins: list[str] = []
    no_autoload = False
    args = list(argv)
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "-p" and index + 1 < len(args):
            plugins.append(args[index + 1])
        elif arg.startswith("-p") and len(arg) > 2 and not arg.startswith("--"):
            plugins.append(arg[2:])
        elif arg == "--disable-plugin-autoload":
            no_autoload = True
    return plugins, no_autoload


def _dispatch(argv: Sequence[str]) -> int:
    from consentrules import commands
    from consentrules.config import make_config

    plugins, no_autoload = _prescan(argv)
    config = make_config(plugins, autoload=False if no_autoload else None)

    def plugin_options(check_parser: Any) -> None:
        config.pluginmanager.call_each("consentrules_addoption", parser=check_parser)

    parser = build_parser(plugin_options)
    try:
        namespace = parser.parse_args(list(argv))
    except SystemExit as exc:  # argparse: --help, --version or a usage error
        code = exc.code if isinstance(exc.code, int) else 2
        return 0 if code == 0 else 2
    options = vars(namespace)
    command = options.get("command")
    if command is None:
        parser.print_help()
        return 2
    handlers = {
        "check": commands.cmd_check,
        "plugins": commands.cmd_plugins,
        ("rules", "list"): commands.cmd_rules_list,
        ("rules", "show"): commands.cmd_rules_show,
        ("rules", "validate"): commands.cmd_rules_validate,
        ("snapshot", "validate"): commands.cmd_snapshot_validate,
    }
    key: Any = command
    if command == "rules":
        key = ("rules", options["rules_command"])
    elif command == "snapshot":
        key = ("snapshot", options["snapshot_command"])
    return int(handlers[key](config, options))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code (never raises for user errors)."""
    if argv is None:
        argv = sys.argv[1:]
    if list(argv) == ["--version"]:
        from consentrules.__about__ import __version__

        sys.stdout.write(f"consentrules {__version__}\n")
        return 0
    debug = "--debug" in argv or bool(os.environ.get("CONSENTRULES_DEBUG"))
    from consentrules.errors import ConsentrulesError
    from consentrules.errors import ExitCode

    try:
        return _dispatch(argv)
    except ConsentrulesError as exc:
        if debug:
            import traceback

            traceback.print_exc()
        sys.stderr.write(exc.format() + "\n")
        return int(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:  # a bug: say so, without a traceback unless asked
        if debug:
            import traceback

            traceback.print_exc()
        sys.stderr.write(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in consentrules; please report it with the output of --debug.\n"
        )
        return int(ExitCode.INTERNAL_ERROR)


def console_main() -> None:
    """Entry point of the ``consentrules`` script."""
    code = main()
    with contextlib.suppress(BrokenPipeError):
        sys.stdout.flush()
    sys.exit(code)
