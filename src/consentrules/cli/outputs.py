"""The outputs of ``check``: planned before the run, written after it without damaging a file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO
from typing import Any
from typing import cast

from consentrules.model import Report
from consentrules.model.errors import UsageError
from consentrules.model.words import plural
from consentrules.plugin.config import Config
from consentrules.report.output import atomic_writer
from consentrules.report.output import plan_target


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
    from consentrules.model.errors import OutputError
    from consentrules.model.errors import PluginError
    from consentrules.report.guarded import GuardedStream

    failures: list[PluginError | OutputError] = []
    for name, path in outputs:
        reporter = config.reporters.get(name)
        try:
            if path is None:
                # (while a reporter runs, sys.stdout is stderr)
                stdout = cast(
                    IO[str], GuardedStream(standard_output(), "the report to standard output")
                )
                with config.reporters.blame(name, "failed"):
                    reporter.render(report, stdout, config)
                stdout.flush()  # (a closed pipe shows here, not in a silent flush at exit)
            else:
                with atomic_writer(Path(path)) as raw, config.reporters.blame(name, "failed"):
                    stream = cast(IO[str], GuardedStream(raw, str(path)))
                    reporter.render(report, stream, config)
                    stream.flush()
        except (PluginError, OutputError) as exc:
            failures.append(exc)
        except BrokenPipeError:
            raise  # the reader went away (| head): the run ends quietly
        except OSError as exc:  # closing or moving the file into place
            from consentrules.report.guarded import output_failed

            failures.append(output_failed(path or "standard output", exc))
    if failures:
        if len(failures) == 1:
            raise failures[0]
        raise PluginError(
            "; ".join(f"{getattr(e, 'plugin', None) or 'output'}: {e}" for e in failures)
        )


def limited(report: Report, maximum: int | None) -> Report:
    """The report with at most ``maximum`` findings (the most severe, unsuppressed first) and a
    notice of what was left out."""
    import dataclasses

    from consentrules.model import Notice
    from consentrules.report import most_severe

    if maximum is None:
        return report
    if maximum < 0:
        raise UsageError("--max-findings: give 0 or more")
    if len(report.findings) <= maximum:
        return report
    findings = most_severe(report.findings, maximum)
    note = Notice(
        "warning",
        f"{len(report.findings) - maximum} of {len(report.findings)} findings left out "
        f"(--max-findings {maximum}), the least severe; the exit code counts them all",
        category="truncated",
    )
    return dataclasses.replace(report, findings=findings, notices=[*report.notices, note])


def quiet_line(report: Report) -> str:
    """The summary line of ``--quiet``."""
    from consentrules.report import run_verdict
    from consentrules.report import summary

    counts = summary(report)
    verdict = run_verdict(counts)
    return (
        f"consentrules: {plural(counts['violations'], 'violation')}, {counts['not_evaluable']} not "
        f"evaluable, {counts['suppressed']} suppressed; {verdict}"
    )
