"""``check --changed-since REF``: only the snapshots that changed since a git ref (committed,
staged or not, and new files), for a team adopting consentrules on a large repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

from consentrules.model import Notice
from consentrules.model.errors import UsageError


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"--changed-since: cannot run git ({exc})") from None
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "git failed"
        raise UsageError(f"--changed-since: {reason}")
    return done.stdout


def changed_files(ref: str, cwd: Path) -> set[Path]:
    """Files that differ from ``ref`` in the working tree, and untracked ones (resolved)."""
    if ref.startswith("-"):
        raise UsageError(f"--changed-since: {ref!r} is not a git ref")
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    names = _git(["diff", "--name-only", "--no-renames", ref, "--"], cwd).splitlines()
    names += _git(["ls-files", "--others", "--exclude-standard"], top).splitlines()
    return {(top / name).resolve() for name in names if name}


def only_changed(files: list[Path], ref: str, cwd: Path) -> tuple[list[Path], Notice]:
    """The files that changed since ``ref``, and a notice of how many were left out."""
    changed = changed_files(ref, cwd)
    kept = [path for path in files if path.resolve() in changed]
    notice = Notice(
        "note",
        f"--changed-since {ref}: {len(kept)} of {len(files)} snapshot file(s) changed and were "
        "checked; the others were not",
        category="skipped",
    )
    return kept, notice
