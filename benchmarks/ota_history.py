"""A large real policy history: Facebook's, 492 versions, about 90 MB (issue 33).

    python benchmarks/ota_history.py [--bundle PATH] [--runs 3]

The history is the Platform Governance Archive's (PGA v2, via Open Terms Archive), shipped
as a git bundle beside this project (``../shared/data/ota-sample/meta-snapchat-versions.bundle``)
and cloned into a temporary folder. Two whole processes are timed, each the median of
``--runs``:

* **consentrules**: ``consentrules disclosures scan CLONE --service Facebook --format json``,
  the consentrules-ota plugin reading every version, dating it and finding its claims;
* **one pattern**: the floor: the same versions read the same way (the commits that touch
  the file, every text by one ``git cat-file --batch``) and one compiled regular expression
  (the words of AI training, case-insensitive) run once over each text.

Prints both, the ratio and the target (under 3x), with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUNDLE = ROOT.parent / "shared" / "data" / "ota-sample" / "meta-snapchat-versions.bundle"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

#: The floor: read every version as the plugin does, and run one compiled pattern over each.
ONE_PATTERN = r"""
import re, subprocess, sys
repo, path = sys.argv[1], sys.argv[2]
log = subprocess.run(["git", "-C", repo, "log", "--format=%H", "--reverse", "--all", "--", path],
                     capture_output=True, text=True, check=True).stdout.split()
names = "".join(f"{commit}:{path}\n" for commit in log).encode()
out = subprocess.run(["git", "-C", repo, "cat-file", "--batch"], input=names,
                     capture_output=True, check=True).stdout
pattern = re.compile(r"\b(?:train\w*|machine learning|artificial intelligence|generative)\b",
                     re.IGNORECASE)
found, pos, versions = 0, 0, 0
while pos < len(out):
    header_end = out.index(b"\n", pos)
    size = int(out[pos:header_end].split()[2])
    text = out[header_end + 1 : header_end + 1 + size].decode("utf-8")
    pos = header_end + 2 + size
    versions += 1
    found += sum(1 for _ in pattern.finditer(text))
print(versions, found)
"""


def timed(command: list[str], runs: int) -> tuple[float, str]:
    subprocess.run(command, capture_output=True, env=ENV)  # warm-up: caches
    times, output = [], ""
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, env=ENV)
        times.append(time.perf_counter() - started)
        if result.returncode not in (0, 1):
            raise SystemExit(f"{command[:3]} failed: {result.stderr[-2000:]}")
        output = result.stdout
    return statistics.median(times), output


def consentrules_command() -> list[str]:
    script = Path(sys.executable).with_name("consentrules")
    return [str(script)] if script.exists() else [sys.executable, "-m", "consentrules"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=BUNDLE)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.bundle.exists():
        print(f"no bundle at {args.bundle}: give --bundle PATH", file=sys.stderr)
        return 2
    print(f"load average before: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "history"
        subprocess.run(
            ["git", "clone", "-q", "-b", "main", str(args.bundle), str(clone)], check=True
        )
        relative = "Facebook/Privacy Policy.md"
        size = (clone / relative).stat().st_size
        floor, counted = timed([sys.executable, "-c", ONE_PATTERN, str(clone), relative], args.runs)
        versions, hits = counted.split()
        scan = [
            *consentrules_command(),
            "disclosures",
            "scan",
            str(clone),
            "--service",
            "Facebook",
            "--format",
            "json",
        ]
        ours, output = timed(scan, args.runs)
        scanned = json.loads(output)
        count = sum(len(document["versions"]) for document in scanned["documents"])
    print(
        f"\nFacebook Privacy Policy: {versions} versions (the last {size / 1e3:.0f} KB), "
        f"median of {args.runs}"
    )
    print(f"  one compiled pattern over every version   {floor:7.2f} s  ({hits} matches)")
    print(f"  consentrules disclosures scan             {ours:7.2f} s  ({count} versions)")
    ratio = ours / floor
    print(f"\n  [{'met' if ratio < 3 else 'MISSED'}] the scan under 3x one pattern: {ratio:.2f}x")
    print(f"load average after: {os.getloadavg()[0]:.2f} (1 min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
