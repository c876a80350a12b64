"""Profile one ``consentrules check`` of a snapshot against the benchmark policies.

    python benchmarks/profile_check.py SNAPSHOT.json              # --jobs 1, top 40 by own time
    python benchmarks/profile_check.py SNAPSHOT.json --sort cumulative --top 60

The check runs in this process (``--jobs 1``: a profiler does not follow forked workers) and
writes its JSON report to a temporary file, as the benchmark's timed runs do. Sorted by
cumulative time, the phases show as the functions that run them.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def command(snapshot: str, report: str) -> list[str]:
    return [
        "check",
        snapshot,
        "--rules",
        str(HERE / "policies" / "bench.yaml"),
        "--format",
        "json",
        "-o",
        report,
        "--fail-on",
        "never",
        "--disable-plugin-autoload",
        "--jobs",
        "1",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("snapshot")
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumulative", "ncalls"])
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(argv)
    from consentrules.cli.main import main as cli

    with tempfile.TemporaryDirectory() as tmp:
        profiler = cProfile.Profile()
        profiler.enable()
        code = cli(command(args.snapshot, str(Path(tmp) / "report.json")))
        profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats(args.sort).print_stats(args.top)
    return 0 if code in (0, 1) else code


if __name__ == "__main__":
    sys.exit(main())
