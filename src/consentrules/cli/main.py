"""The command line: parsing, and the one place where errors become exit codes.

Only the standard library is imported at module level, so that ``consentrules --version``
starts as fast as Python itself; each command imports what it needs.
"""

from __future__ import annotations

import contextlib
import os
import sys

# Not typing's: ``--version`` imports only what it must (typing alone is a few ms).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

#: Repeatable options whose command-line values are added to the configuration file's.
MERGED_OPTIONS = ("disable_rule", "severity_override")


def _merged(from_file: Any, from_cli: list[str]) -> list[str]:
    if isinstance(from_file, dict):
        from_file = [f"{key}={value}" for key, value in from_file.items()]
    return [*from_file, *from_cli]


#: Defaults applied after the command line and the project configuration are merged.
DEFAULTS = {"fail_on": "low", "format": "text", "color": "auto"}


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
        elif arg == "--trace-hooks":
            found["trace_hooks"] = True
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


def _timeout(given: Any, file_options: dict[str, Any]) -> float | None:
    from consentrules.model.errors import UsageError
    from consentrules.plugin import watchdog

    value = given if given is not None else file_options.get("plugin_timeout")
    try:
        return watchdog.parse(value)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"--plugin-timeout: {exc}") from None


def _dispatch(argv: Sequence[str], extra_plugins: Sequence[Any] = ()) -> int:
    """Run one command; its time limit and input limits are in force for the command alone."""
    from consentrules.plugin import watchdog
    from consentrules.sources import limits

    with contextlib.ExitStack() as scope:
        early = _prescan(argv)
        project = _project_config(early)
        file_options = project.options()
        # plugins' imports are timed too, with the limit known before the full parse
        scope.enter_context(watchdog.applied(_timeout(early.get("plugin_timeout"), file_options)))
        scope.enter_context(limits.applied(limits.DEFAULTS))
        return _command(argv, extra_plugins, project, early, file_options, scope)


def _command(
    argv: Sequence[str],
    extra_plugins: Sequence[Any],
    project: Any,
    early: dict[str, Any],
    file_options: dict[str, Any],
    scope: contextlib.ExitStack,
) -> int:
    from consentrules.cli import commands
    from consentrules.cli import snapshot_commands
    from consentrules.cli.argparsing import command_of
    from consentrules.cli.parser import build_parser
    from consentrules.plugin import watchdog
    from consentrules.plugin.config import make_config
    from consentrules.sources import limits

    plugins = [*(file_options.get("plugins") or []), *early["plugins"]]
    no_autoload = early["no_autoload"] or bool(file_options.get("disable_plugin_autoload"))
    config = make_config(
        plugins,
        autoload=False if no_autoload else None,
        extra_plugins=extra_plugins,
        trace=sys.stderr if early.get("trace_hooks") else None,
    )

    def plugin_options(check_parser: Any) -> None:
        config.pluginmanager.call_each("consentrules_addoption", parser=check_parser)

    # Only the command asked for is built, unless a project configuration is checked against
    # every option ``check`` has (and made the default of the options of every command).
    parser = build_parser(plugin_options, None if project.path else command_of(list(argv)))
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
    options["argv"] = list(argv)  # the command line, for reports that record it
    scope.enter_context(
        limits.applied(limits.parse(options.get("limit") or file_options.get("limit")))
    )
    scope.enter_context(watchdog.applied(_timeout(options.get("plugin_timeout"), file_options)))
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
        ("snapshot", "validate"): snapshot_commands.cmd_snapshot_validate,
        ("snapshot", "show"): snapshot_commands.cmd_snapshot_show,
        ("snapshot", "convert"): snapshot_commands.cmd_snapshot_convert,
        "init": _init,
        ("disclosures", "scan"): _disclosures("scan"),
        ("disclosures", "diff"): _disclosures("diff"),
    }
    key: Any = command
    if command in ("rules", "snapshot", "baseline", "disclosures"):
        key = (command, options[f"{command}_command"])
    return int(handlers[key](config, options))


def _init(config: Any, options: dict[str, Any]) -> int:
    from consentrules.cli.init import cmd_init

    return cmd_init(config, options)


def _disclosures(action: str) -> Any:
    def run(config: Any, options: dict[str, Any]) -> int:
        from consentrules.cli import disclosures

        return int(getattr(disclosures, f"cmd_{action}")(config, options))

    return run


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
    from consentrules.model.errors import Terminated

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
    except Terminated as exc:
        sys.stderr.write(f"{exc.signal_name or 'terminated'}\n")
        if exc.signal_name == "hung up":
            return int(ExitCode.HANGUP)
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


def _stdout_for_the_report_alone() -> None:
    """Keep standard output for what consentrules writes: ``sys.stdout`` moves to a copy of
    the descriptor, and descriptor 1 becomes standard error, so that plugin code (or a library
    it calls) writing to descriptor 1 directly cannot corrupt a JSON or SARIF report."""
    import io

    try:
        fd = sys.stdout.fileno()
        sys.stdout.flush()
        kept = os.dup(fd)
        os.dup2(sys.stderr.fileno(), fd)
    except (AttributeError, OSError, ValueError):
        return  # no descriptors to move (or no standard error): leave it as it is
    old = sys.stdout
    sys.stdout = io.TextIOWrapper(
        io.FileIO(kept, "w", closefd=True),
        encoding=getattr(old, "encoding", None) or "utf-8",
        errors=getattr(old, "errors", None) or "strict",
        line_buffering=bool(getattr(old, "line_buffering", False)),
        write_through=True,
    )


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that flushing it at exit raises nothing."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _terminate(signum: int, frame: Any) -> None:
    import signal

    from consentrules.model.errors import Terminated

    raise Terminated("hung up" if signum == getattr(signal, "SIGHUP", None) else "terminated")


def _on_sigterm() -> Any:
    """End the run cleanly on SIGTERM and on SIGHUP (a closed terminal or SSH session):
    outputs in progress remove their temporary files. Returns what to restore."""
    import signal

    names = [name for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    try:
        return {name: signal.signal(getattr(signal, name), _terminate) for name in names}
    except ValueError:  # not the main thread (a test, an embedding program): leave them be
        return None


def _restore_sigterm(previous: Any) -> None:
    import signal

    for name, handler in (previous or {}).items():
        if handler is not None:
            signal.signal(getattr(signal, name), handler)


def console_main() -> None:
    """Entry point of the ``consentrules`` script.

    After a run, the interpreter's own teardown would spend a tenth of a second freeing the
    caches a large check built; the process has nothing left to do, so once the exit handlers
    have run and the standard streams are flushed it ends at once.
    """
    from consentrules.execute import process

    process.ends_after_run = True
    if sys.stdout is None:  # started with standard output closed (>&-)
        from consentrules.report.guarded import ClosedStdout

        sys.stdout = ClosedStdout()
    else:
        _stdout_for_the_report_alone()
    code = main()
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError, OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)
