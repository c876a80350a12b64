"""The consentrules benchmark: whole processes, timed side by side, with the targets checked.

    python benchmarks/run.py                 # 1k, 10k and 100k settings, 5 runs each
    python benchmarks/run.py --sizes 1000 --runs 1 --quick    # the smoke test's run

For each size it generates a seeded snapshot (JSON), makes every engine find the violations
of the three policies (P1 opt-in default, P2 regional exclusion, P3 disclosure timing), checks
that all engines report the identical set of (policy, setting id) pairs, and only then times
each engine as a whole process: median and spread of the wall time, and peak RSS.

Engines: ``consentrules check`` (the real CLI, JSON report to a file), the hand-written loop
(benchmarks/handloop.py), and regorus (``opa-eval``) and OPA (``opa-golib-python-bindings``)
when their packages are installed (``tox -e bench`` installs them). Also measured:
``consentrules --version`` and a check of the bundled example against ``python -c pass``;
YAML input against PyYAML's own load of the same file; 1,000 rules on 10,000 settings.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import generate_traps  # noqa: E402

GENERATORS = {"own": generate, "traps": generate_traps}


def consentrules_command() -> list[str]:
    """The console script of the environment running the benchmark (not a shim on PATH)."""
    script = Path(sys.executable).with_name("consentrules")
    return [str(script)] if script.exists() else [sys.executable, "-m", "consentrules"]


TIME = shutil.which("time") or "/usr/bin/time"


def timed(command: list[str], *, stdout: Any = subprocess.DEVNULL) -> tuple[float, int, int]:
    """Wall time (s), peak RSS (KiB) and exit code of one whole process.

    The peak RSS comes from GNU time when it is installed: a child forked from this (large)
    runner would otherwise count the runner's own pages in its peak.
    """
    rss_file = None
    if os.path.exists(TIME):
        descriptor, rss_file = tempfile.mkstemp(suffix=".rss")
        os.close(descriptor)
        command = [TIME, "-f", "%M", "-o", rss_file, *command]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE, env=ENV)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    peak = usage.ru_maxrss
    if rss_file is not None:
        text = Path(rss_file).read_text().strip().splitlines()
        os.unlink(rss_file)
        if text and text[-1].isdigit():
            peak = int(text[-1])
    if process.stderr is not None:
        error = process.stderr.read().decode(errors="replace")
        process.stderr.close()
    else:  # pragma: no cover
        error = ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} failed with {code}: {error[-2000:]}")
    return elapsed, peak, code


# Byte-code caching on, as in any installed environment (some shells turn it off).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["CONSENTRULES_DISABLE_PLUGIN_AUTOLOAD"] = "1"


class Engine:
    def __init__(self, name: str, command: list[str], output: Path | None = None) -> None:
        self.name = name
        self.command = command
        self.output = output

    def violations(self) -> set[tuple[str, str]]:
        if self.output is not None:
            timed(self.command)
            report = json.loads(self.output.read_text())
            return {
                (f["rule_id"], f["target"]["id"])
                for f in report["findings"]
                if f["status"] == "violation"
            }
        result = subprocess.run(self.command, capture_output=True, text=True, env=ENV, check=True)
        return {tuple(json.loads(line)) for line in result.stdout.splitlines()}  # type: ignore[misc]


def _check(snapshot: Path, report: Path, *options: str) -> list[str]:
    return [
        *consentrules_command(),
        "check",
        str(snapshot),
        "--rules",
        str(HERE / "policies" / "bench.yaml"),
        "--format",
        "json",
        "-o",
        str(report),
        "--fail-on",
        "never",
        "--disable-plugin-autoload",
        *options,
    ]


def engines(snapshot: Path, work: Path) -> list[Engine]:
    report, single = work / "report.json", work / "report-jobs-1.json"
    found = [
        Engine("consentrules", _check(snapshot, report), report),
        Engine("consentrules --jobs 1", _check(snapshot, single, "--jobs", "1"), single),
        Engine("hand-written loop", [sys.executable, str(HERE / "handloop.py"), str(snapshot)]),
    ]
    if importlib.util.find_spec("opa_eval"):
        found.append(
            Engine(
                "regorus", [sys.executable, str(HERE / "rego_engines.py"), "regorus", str(snapshot)]
            )
        )
    if importlib.util.find_spec("opa_bindings"):
        found.append(
            Engine("OPA", [sys.executable, str(HERE / "rego_engines.py"), "opa", str(snapshot)])
        )
    return found


def measure(command: list[str], runs: int) -> dict[str, float]:
    timed(command)  # warm-up: byte-code caches, file-system caches
    times, peaks = [], []
    for _ in range(runs):
        elapsed, peak, _ = timed(command)
        times.append(elapsed)
        peaks.append(peak)
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "rss_mib": max(peaks) / 1024,
    }


def row(name: str, m: dict[str, float], base: dict[str, float] | None = None) -> str:
    ratio = f"{m['median'] / base['median']:6.2f}x" if base else ""
    return (
        f"  {name:<22} {m['median']:8.3f} s  ({m['min']:.3f}..{m['max']:.3f})  "
        f"{m['rss_mib']:8.1f} MiB  {ratio}"
    )


def compare_engines(
    size: int, runs: int, work: Path, generator: str = "own"
) -> dict[str, dict[str, float]]:
    snapshot = work / f"snapshot-{generator}-{size}.json"
    snapshot.write_text(json.dumps(GENERATORS[generator].generate(size)))
    found = engines(snapshot, work)
    results = {engine.name: engine.violations() for engine in found}
    reference = results["hand-written loop"]
    by_policy = {p: sum(1 for v in reference if v[0] == p) for p in ("P1", "P2", "P3")}
    for name, violations in results.items():
        if violations != reference:
            missing, extra = reference - violations, violations - reference
            raise SystemExit(
                f"{name} disagrees at {size} settings: {len(missing)} missing "
                f"(e.g. {sorted(missing)[:3]}), {len(extra)} extra (e.g. {sorted(extra)[:3]})"
            )
    print(
        f"\n{generator} generator, {size:,} settings: all {len(found)} engines agree on {len(reference):,} "
        f"violations ({', '.join(f'{p} {n}' for p, n in by_policy.items())})"
    )
    timings = {engine.name: measure(engine.command, runs) for engine in found}
    base = timings["hand-written loop"]
    for name, m in timings.items():
        print(row(name, m, base))
    print(
        "  (peak RSS of the largest process: without --jobs, a large snapshot is checked by a "
        "worker per core, each holding its share)"
    )
    return timings


def startup(runs: int) -> None:
    """Start-up, as ``benchmarks/startup.py`` measures it (whole processes timed directly:
    GNU time, used above for the peak memory, adds a few milliseconds to every process)."""
    import startup as measured

    measured.main(["--runs", str(max(runs, 11))])


def yaml_input(size: int, runs: int, work: Path) -> None:
    import yaml

    path = work / f"snapshot-{size}.yaml"
    path.write_text(
        yaml.safe_dump(generate.generate(size), sort_keys=False, default_flow_style=None)
    )
    print(f"\nYAML input, {size:,} settings (ratio to PyYAML's C loader alone)")
    pyyaml = measure(
        [
            sys.executable,
            "-c",
            "import sys, yaml; yaml.load(open(sys.argv[1]), Loader=yaml.CSafeLoader)",
            str(path),
        ],
        runs,
    )
    print(row("PyYAML CSafeLoader", pyyaml, pyyaml))
    check = [
        *consentrules_command(),
        "check",
        str(path),
        "--rules",
        str(HERE / "policies" / "bench.yaml"),
        "--format",
        "json",
        "-o",
        str(work / "yaml-report.json"),
        "--fail-on",
        "never",
        "--disable-plugin-autoload",
    ]
    print(row("consentrules check", measure(check, runs), pyyaml))


def many_rules(settings: int, rules: int, runs: int, work: Path) -> None:
    """1,000 rules, each selecting the few settings of one product line: the cost must follow
    the settings the rules select, not rules x settings."""
    data = generate.generate(settings, seed=7)
    for position, setting in enumerate(data["settings"]):
        setting["purposes"].append(f"product_{position % rules:04d}")
    snapshot = work / "many-rules-snapshot.json"
    snapshot.write_text(json.dumps(data))
    pack = work / "many-rules.yaml"
    lines = ["rules:"]
    for i in range(rules):
        kind = (
            "{kind: opt_in_default, regions: [EEA]}"
            if i % 2
            else "{kind: regional_exclusion, regions: [EEA, UK, CH], mode: default_on}"
        )
        lines.append(
            f"  - {{id: R{i:04d}, title: rule {i}, severity: low, "
            f"selector: {{purposes: [product_{i:04d}]}}, check: {kind}}}"
        )
    pack.write_text("\n".join(lines) + "\n")
    print(
        f"\n{rules:,} rules on {settings:,} settings (each rule selects {settings // rules} settings)"
    )
    base = [
        *consentrules_command(),
        "check",
        str(snapshot),
        "--format",
        "json",
        "-o",
        str(work / "many.json"),
        "--fail-on",
        "never",
        "--disable-plugin-autoload",
    ]
    three = measure([*base, "--rules", str(HERE / "policies" / "bench.yaml")], runs)
    print(row("3 rules (P1-P3)", three, three))
    print(row(f"{rules} rules", measure([*base, "--rules", str(pack)], runs), three))


def many_snapshots(count: int, runs: int, work: Path) -> None:
    folder = work / "many-snapshots"
    folder.mkdir()
    for index in range(count):
        (folder / f"platform-{index:04d}.json").write_text(
            json.dumps(generate.generate(25, seed=index))
        )
    print(f"\na folder of {count:,} small snapshots (25 settings each)")
    base = [
        *consentrules_command(),
        "check",
        str(folder),
        "--rules",
        str(HERE / "policies" / "bench.yaml"),
        "--format",
        "json",
        "-o",
        str(work / "folder.json"),
        "--fail-on",
        "never",
        "--disable-plugin-autoload",
    ]
    one = measure([*base, "--jobs", "1"], runs)
    print(row("--jobs 1", one, one))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(row(f"--jobs 0 ({cores} cores)", measure([*base, "--jobs", "0"], runs), one))


TARGETS = (
    # (what, engine, compared with, bound): issue 19's targets on the traps generator
    ("default: >= 5x as fast as OPA", "consentrules", "OPA", 5.0),
    ("--jobs 1: >= 3x as fast as OPA", "consentrules --jobs 1", "OPA", 3.0),
    ("default: faster than regorus", "consentrules", "regorus", 1.0),
    ("--jobs 1: faster than regorus", "consentrules --jobs 1", "regorus", 1.0),
)


def targets(timings: dict[str, dict[str, float]], growth: float | None) -> None:
    """Issue 19's targets, each with its figure and whether it is met."""
    print("\ntargets (traps generator, largest size):")

    def line(text: str, ok: bool, figure: str) -> None:
        print(f"  [{'met' if ok else 'MISSED'}] {text}: {figure}")

    for text, ours, theirs, bound in TARGETS:
        if theirs in timings:
            speed = timings[theirs]["median"] / timings[ours]["median"]
            line(text, speed >= bound, f"{speed:.2f}x")
    hand = timings["hand-written loop"]["median"]
    for ours in ("consentrules", "consentrules --jobs 1"):
        ratio = timings[ours]["median"] / hand
        line(f"{ours}: <= 3x the hand loop", ratio <= 3.0, f"{ratio:.2f}x")
        if "OPA" in timings:
            share = timings[ours]["rss_mib"] / timings["OPA"]["rss_mib"]
            line(f"{ours}: peak memory <= 1/2 of OPA's", share <= 0.5, f"{share:.2f}")
    if growth is not None:
        line("10k -> 100k growth <= 11x", growth <= 11.0, f"{growth:.1f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--generators", nargs="+", choices=sorted(GENERATORS), default=["own", "traps"]
    )
    parser.add_argument("--quick", action="store_true", help="only the engine comparison")
    args = parser.parse_args(argv)
    print(f"load average before the run: {os.getloadavg()[0]:.2f} (1 min)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for generator in args.generators:
            all_timings = {
                size: compare_engines(size, args.runs, work, generator) for size in args.sizes
            }
            growth = None
            if len(args.sizes) > 1:
                small, large = sorted(args.sizes)[-2:]
                growth = (
                    all_timings[large]["consentrules"]["median"]
                    / all_timings[small]["consentrules"]["median"]
                )
                print(
                    f"\ngrowth: time({large:,}) / time({small:,}) = {growth:.1f} "
                    f"(for {large // small}x the settings)"
                )
            largest = all_timings[max(args.sizes)]
            ours = largest["consentrules"]
            print(f"\nat {max(args.sizes):,} settings ({generator} generator), consentrules is:")
            for name, m in largest.items():
                if not name.startswith("consentrules"):
                    speed = m["median"] / ours["median"]
                    print(
                        f"  {speed:5.2f}x as fast as {name}, with {ours['rss_mib'] / m['rss_mib']:.2f}x its peak memory"
                    )
            if generator == "traps":
                targets(largest, growth)
        if not args.quick:
            startup(args.runs)
            yaml_input(10_000, max(1, args.runs // 2), work)
            many_rules(10_000, 1000, max(1, args.runs // 2), work)
            many_snapshots(1000, max(1, args.runs // 2), work)
        print(f"load average after the run: {os.getloadavg()[0]:.2f} (1 min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
