"""``check --changed-since REF``: only the snapshots that changed since a git ref (committed,
staged or not, and new files), for a team adopting consentrules on a large repository."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def tree_at(ref: str, cwd: Path) -> tuple[Path, Path]:
    """The repository's files at ``ref``, written into a new temporary folder without touching
    the working tree (``git archive``): ``(folder, the current folder's place in it)``."""
    import io
    import tarfile
    import tempfile

    if ref.startswith("-"):
        raise UsageError(f"--from-ref: {ref!r} is not a git ref")
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip()).resolve()
    try:
        done = subprocess.run(
            ["git", "archive", "--format=tar", ref], cwd=top, capture_output=True, timeout=300
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"--from-ref: cannot run git ({exc})") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"--from-ref: {reason[-1] if reason else 'git archive failed'}")
    folder = Path(tempfile.mkdtemp(prefix="consentrules-ref-"))
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        members = []
        for member in archive.getmembers():  # only plain files and folders, inside the folder
            target = (folder / member.name).resolve()
            if (member.isfile() or member.isdir()) and target.is_relative_to(folder):
                members.append(member)
        if hasattr(tarfile, "data_filter"):  # Pythons with extraction filters: the safe one
            archive.extractall(folder, members=members, filter="data")
        else:  # members checked above
            archive.extractall(folder, members=members)
    return folder, folder / cwd.resolve().relative_to(top)


@contextlib.contextmanager
def at_ref(ref: str | None, options: dict[str, Any]) -> Iterator[None]:
    """With ``ref``, run in a copy of the repository's files at that ref (``--from-ref``): the
    snapshots' paths, and so the findings' fingerprints, are the ones of the working tree."""
    if not ref:
        yield
        return
    import os
    import shutil

    here = Path.cwd()
    folder, there = tree_at(ref, here)
    top = folder.resolve()
    args = []
    for arg in options.get("snapshots") or []:
        path = Path(arg)
        if path.is_absolute():
            # a path from the project configuration: the same place in the copy
            with contextlib.suppress(ValueError):
                path = there / path.resolve().relative_to(here.resolve())
        args.append(str(path))
    options["snapshots"] = args
    os.chdir(there if there.is_dir() else top)
    try:
        yield
    finally:
        os.chdir(here)
        shutil.rmtree(folder, ignore_errors=True)
