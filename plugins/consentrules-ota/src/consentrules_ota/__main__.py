"""``python -m consentrules_ota scan PATH --service NAME [--document TYPE] [--format json]``:
each recorded version of a policy with the dates it states and the purposes it claims, each
with the sentence it rests on; what each version adds or drops is marked."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from consentrules_ota import as_json
from consentrules_ota import changes
from consentrules_ota import scan
from consentrules_ota.claims import PatternError
from consentrules_ota.claims import load_matcher
from consentrules_ota.layouts import LayoutError
from consentrules_ota.layouts import read_versions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m consentrules_ota")
    sub = parser.add_subparsers(dest="command", required=True)
    scan_parser = sub.add_parser("scan", help="scan a policy history")
    scan_parser.add_argument(
        "path", type=Path, help="OTA dataset folder, zip, repository or bundle"
    )
    scan_parser.add_argument("--service", required=True)
    scan_parser.add_argument("--document", default="Privacy Policy")
    scan_parser.add_argument(
        "--patterns", type=Path, help="a patterns file (default: the plugin's)"
    )
    scan_parser.add_argument("--format", choices=("text", "json"), default="text")
    options = parser.parse_args(argv)
    try:
        versions = read_versions(options.path, options.service, options.document)
        scanned = scan(versions, load_matcher(options.patterns), options.document)
    except (LayoutError, PatternError, OSError, UnicodeDecodeError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    if options.format == "json":
        json.dump(as_json(scanned), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    for item, (added, dropped) in zip(scanned, changes(scanned), strict=True):
        if not item.capture.usable:
            sys.stdout.write(
                f"{item.version.recorded_day}  {str(item.capture.kind).upper().replace('_', ' ')}: "
                f"{item.capture.note}\n"
            )
            continue
        stated = ", ".join(f"{d.kind} {d.date}" for d in item.stated) or "no stated date"
        if item.capture.kind:
            stated += f"; {item.capture.kind}"
        sys.stdout.write(
            f"{item.version.recorded_day}  ({stated})  {', '.join(item.purposes) or '-'}"
            f"{'  NEW: ' + ', '.join(added) if added and item is not scanned[0] else ''}"
            f"{'  DROPPED: ' + ', '.join(dropped) if dropped else ''}\n"
        )
        for purpose in added:
            claim = next(c for c in item.claims if c.purpose == purpose)
            sys.stdout.write(f'    {purpose}: "{claim.sentence[:160]}" [{claim.heading}]\n')
    return 0


if __name__ == "__main__":
    sys.exit(main())
