"""``consentrules snapshot validate|show|convert``: snapshot files as the engine reads them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from consentrules.cli.commands import setup
from consentrules.cli.inputs import snapshot_files
from consentrules.execute.snapshots import load_snapshots
from consentrules.model.errors import ExitCode
from consentrules.plugin.config import Config
from consentrules.report.output import atomic_writer
from consentrules.report.output import ensure_not_input


def cmd_snapshot_validate(config: Config, options: dict[str, Any]) -> int:
    setup(config, options)
    files = snapshot_files(config, options["paths"])
    snapshots = load_snapshots(config, files)
    for snapshot in snapshots:
        sys.stdout.write(
            f"ok: {snapshot.path} ({snapshot.adapter}): {snapshot.platform}, "
            f"{len(snapshot.settings)} settings, {len(snapshot.disclosures)} disclosures\n"
        )
    return ExitCode.OK


# plugins ---------------------------------------------------------------------------------------
def _snapshot_text(config: Config, options: dict[str, Any], default: str) -> str:
    from consentrules.sources.export import snapshot_data

    setup(config, options)
    (snapshot,) = load_snapshots(config, [Path(options["path"])])
    data = snapshot_data(snapshot)
    fmt = options.get("snapshot_format") or default
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    import yaml

    return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))


def cmd_snapshot_show(config: Config, options: dict[str, Any]) -> int:
    sys.stdout.write(_snapshot_text(config, options, "yaml"))
    return ExitCode.OK


def cmd_snapshot_convert(config: Config, options: dict[str, Any]) -> int:
    target = Path(options["snapshot_output"])
    ensure_not_input(target, [Path(options["path"])])
    default = "json" if target.suffix.lower() == ".json" else "yaml"
    text = _snapshot_text(config, options, default)
    with atomic_writer(target) as stream:
        stream.write(text)
    sys.stderr.write(f"wrote {target}\n")
    return ExitCode.OK
