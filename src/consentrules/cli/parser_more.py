"""The argument parser's commands for snapshots, disclosures and init (split from
:mod:`consentrules.cli.parser`, which builds the rest)."""

from __future__ import annotations

from typing import Any


def disclosure_options(parser: Any) -> None:
    """What a disclosure reader selects in a location (``check`` and ``disclosures``)."""
    parser.add_argument(
        "--service", metavar="NAME", help="the service whose documents to read (OTA: its folder)"
    )
    parser.add_argument(
        "--document",
        metavar="TYPE",
        help="the document to read (OTA terms type; default: Privacy Policy)",
    )


def more_commands(sub: Any, plugin_options: Any) -> None:
    """Add ``snapshot``, ``disclosures`` and ``init`` with ``sub(name, help, parent)``."""
    snapshot = sub("snapshot", "validate snapshots")
    snapshot_cmds = snapshot.add_subparsers(dest="snapshot_command", metavar="ACTION")
    snapshot_cmds.required = True
    snap_validate = sub("validate", "validate snapshot files", snapshot_cmds)
    snap_validate.add_argument("paths", nargs="+", metavar="PATH")
    snap_validate.add_argument("--adapter", metavar="NAME", help="read with this adapter")
    if plugin_options is not None:
        plugin_options(snap_validate)
    for name, text in (
        ("show", "print the snapshot an adapter makes of a file, as the engine sees it"),
        ("convert", "write the snapshot an adapter makes of a file as a snapshot/v1 file"),
    ):
        p = sub(name, text, snapshot_cmds)
        p.add_argument("path", metavar="FILE")
        p.add_argument("--adapter", metavar="NAME", help="read with this adapter")
        p.add_argument(
            "--disclosures",
            action="append",
            metavar="READER:LOCATION",
            help="add the policy history a disclosure reader finds (repeatable)",
        )
        disclosure_options(p)
        p.add_argument(
            "--format",
            dest="snapshot_format",
            choices=("yaml", "json"),
            help="yaml (default for show) or json (default: from the output file's name)",
        )
        if name == "convert":
            p.add_argument("-o", "--output", dest="snapshot_output", metavar="FILE", required=True)
        if plugin_options is not None:
            plugin_options(p)

    disclosures = sub("disclosures", "read a policy history: what each version says, and diffs")
    disclosure_cmds = disclosures.add_subparsers(dest="disclosures_command", metavar="ACTION")
    disclosure_cmds.required = True
    for name, text in (
        ("scan", "each version with its dates and the purposes it states, with the sentences"),
        ("diff", "what changed between two versions: claims added and removed, with excerpts"),
    ):
        p = sub(name, text, disclosure_cmds)
        p.add_argument("location", metavar="LOCATION", help="where the history is (a path)")
        p.add_argument(
            "--reader", default="ota", metavar="NAME", help="the disclosure reader (default: ota)"
        )
        disclosure_options(p)
        p.add_argument(
            "--format", dest="disclosures_format", choices=("text", "json"), default="text"
        )
        if plugin_options is not None:  # a reader's own options (--ota-patterns)
            plugin_options(p)
        if name == "diff":
            p.add_argument(
                "--from",
                dest="from_version",
                metavar="VERSION",
                help="the older version (a version id or a day; default: the one before --to)",
            )
            p.add_argument(
                "--to",
                dest="to_version",
                metavar="VERSION",
                help="the newer version (default: the latest)",
            )

    init = sub("init", "write a commented .consentrules.yaml, a sample snapshot and a CI snippet")
    init.add_argument(
        "init_directory", nargs="?", metavar="DIR", help="where (default: the current folder)"
    )
    init.add_argument("--platform", metavar="NAME", help="your platform's name")
    init.add_argument(
        "--ci", choices=("github", "gitlab", "jenkins"), help="also write a CI snippet for this"
    )
    init.add_argument(
        "--install",
        metavar="SPEC",
        help="what the CI snippet installs (a pip requirement; default: where this consentrules "
        "came from, a git repository or this version from the package index)",
    )
    init.add_argument("--force", action="store_true", help="overwrite files that exist")
