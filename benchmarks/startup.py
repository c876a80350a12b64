"""Start-up: how long a person waits for a check of one small snapshot (issue 33).

    python benchmarks/startup.py [--runs 21]

Times whole processes against a bare ``python -c pass`` of the same interpreter, each the
median of ``--runs`` runs after a warm-up: ``consentrules --version``; a check of the bundled
example with no plugin loaded from entry points, and with every installed plugin; and, for
each installed plugin, what loading it alone adds to the check (``-p NAME``). Prints the ratios
and the targets (check <= 10x, --version <= 2x), met or missed, with the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ai-training-2024" / "violating.yaml"
#: Byte-code caching on, as in any installed environment; plugins as installed.
UNSET = ("PYTHONDONTWRITEBYTECODE", "CONSENTRULES_DISABLE_PLUGIN_AUTOLOAD", "CONSENTRULES_PLUGINS")


def consentrules_command() -> list[str]:
    script = Path(sys.executable).with_name("consentrules")
    return [str(script)] if script.exists() else [sys.executable, "-m", "consentrules"]


def median_time(command: list[str], runs: int) -> float:
    """The median wall time of ``runs`` runs of a whole process (after one warm-up run)."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


#: Run in a fresh process: a check with no plugin (so the core's modules are loaded), then the
#: plugin's entry point loaded and registered, timed.
REGISTER = """
import contextlib, io, sys, time
from consentrules.cli.main import main
from consentrules.plugin.config import make_config
with contextlib.redirect_stdout(io.StringIO()):
    main(["check", sys.argv[2], "--disable-plugin-autoload"])
make_config([], autoload=False)
before = set(sys.modules)
started = time.perf_counter()
make_config([sys.argv[1]], autoload=False)
print(time.perf_counter() - started, len(set(sys.modules) - before))
"""


def _registration_cost(name: str) -> tuple[float, int]:
    """Seconds to load and register one plugin beside the built-in ones, less the built-ins
    alone, and how many modules it imported."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    base = REGISTER.replace("[sys.argv[1]]", "[]")
    out = []
    for code in (REGISTER, base):
        result = subprocess.run(
            [sys.executable, "-c", code, name, str(EXAMPLE)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        seconds, modules = result.stdout.split()
        out.append((float(seconds), int(modules)))
    return out[0][0] - out[1][0], out[0][1]


def installed_plugins() -> list[str]:
    """The names of the ``consentrules`` entry points installed here."""
    from importlib.metadata import entry_points

    return sorted({ep.name for ep in entry_points(group="consentrules")})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args(argv)
    runs = args.runs
    print(f"load average before: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")
    command = consentrules_command()
    bare = median_time([sys.executable, "-c", "pass"], runs)
    version = median_time([*command, "--version"], runs)
    check = [*command, "check", str(EXAMPLE)]
    alone = median_time([*check, "--disable-plugin-autoload"], runs)
    every = median_time(check, runs)
    plugins = installed_plugins()

    def row(name: str, seconds: float) -> None:
        print(f"  {name:<44} {seconds * 1000:7.1f} ms  {seconds / bare:5.1f}x")

    print(f"\nwhole processes, median of {runs} (ratio to python -c pass)")
    row("python -c pass", bare)
    row("consentrules --version", version)
    row("check the example, no plugin loaded", alone)
    row(f"check the example, every plugin ({len(plugins)})", every)
    if plugins:
        print(
            "\nwhat registering each plugin costs a run (median of "
            f"{runs}; fresh processes, after the modules a check imports)"
        )
        for name in plugins:
            costs = [_registration_cost(name) for _ in range(runs)]
            cost, loaded = statistics.median(c for c, _ in costs), costs[-1][1]
            print(f"  {name:<44} {cost * 1000:7.1f} ms  {loaded} modules")
    print("\ntargets")
    for text, ratio, bound in (
        ("check the example, every plugin installed: <= 10x", every / bare, 10.0),
        ("consentrules --version: <= 2x", version / bare, 2.0),
    ):
        print(f"  [{'met' if ratio <= bound else 'MISSED'}] {text}: {ratio:.1f}x")
    print(f"load average after: {os.getloadavg()[0]:.2f} (1 min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
