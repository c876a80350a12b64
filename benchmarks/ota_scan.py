"""How long consentrules-ota takes to scan a policy history (issue 15's speed target).

    python benchmarks/ota_scan.py            # 50 and 500 versions of a ~60 KB policy

The versions are built from a real policy of the plugin's test data (Pinterest's privacy
policy), padded to about 60 KB and varied per version, so every version is scanned in full.
Prints the time for each history on one core, and the time per version (which should stay flat
as the history grows: the scan is linear).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "plugins" / "consentrules-ota" / "tests" / "data" / "dataset"


def history(count: int, size: int = 60_000) -> list:
    from consentrules_ota.layouts import _version

    base = max((DATA / "Pinterest" / "Privacy Policy").glob("*.md")).read_text("utf-8")
    text = (base * (size // len(base) + 1))[:size]
    start = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    return [
        _version(f"{text}\n\nVersion {n}.", start + dt.timedelta(days=n), f"v{n}")
        for n in range(count)
    ]


def main() -> int:
    try:
        from consentrules_ota import scan
        from consentrules_ota.claims import load_matcher
    except ImportError:
        print("install the plugin first: pip install ./plugins/consentrules-ota", file=sys.stderr)
        return 2
    matcher = load_matcher()
    for count in (50, 500):
        versions = history(count)
        times = []
        for _ in range(3):
            began = time.perf_counter()
            scan(versions, matcher)
            times.append(time.perf_counter() - began)
        best = statistics.median(times)
        print(
            f"{count:>4} versions of {len(versions[0].text) // 1000} KB: {best:6.2f} s "
            f"({best / count * 1000:.1f} ms a version; target for 50: under 2 s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
