"""The two layouts Open Terms Archive publishes, read into recorded versions.

* A dataset release (a folder, or its zip archive): ``<service>/<terms type>/<time>.md``, one
  file per recorded version, named by the UTC time OTA recorded it
  (``2023-08-02T12-34-56Z.md``).
* A versions repository (a git repository or bundle): ``<service>/<terms type>.md``, one
  commit per recorded version, the commit date being the recording time. Commits that only
  refilter the page or upgrade OTA's declarations ("Refilter", "Apply technical or
  declaration upgrade") are not changes by the service and are left out.

A recording time is when OTA saw the version, not when the service published it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})Z\.md$")
#: Commit messages of changes that are OTA's, not the service's.
NOT_THE_SERVICE = ("refilter", "apply technical or declaration upgrade")


class LayoutError(ValueError):
    """The path is not an OTA dataset or versions repository, or lacks the document."""


@dataclass(frozen=True)
class RecordedVersion:
    recorded_at: dt.datetime  # UTC
    text: str
    source: str  # the file, or "commit <sha>"
    sha256: str
    #: Set (to the commit's message) where Open Terms Archive re-read the page (a refilter or a
    #: technical upgrade): the text changed because the reading did, not the service.
    reread: str = ""

    @property
    def recorded_day(self) -> str:
        return self.recorded_at.date().isoformat()


def _version(text: str, recorded_at: dt.datetime, source: str, reread: str = "") -> RecordedVersion:
    return RecordedVersion(
        recorded_at, text, source, hashlib.sha256(text.encode("utf-8")).hexdigest(), reread
    )


def _time_of(name: str) -> dt.datetime | None:
    match = _NAME.search(name)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.timezone.utc)


def read_versions(path: Path, service: str, document: str) -> list[RecordedVersion]:
    """Every recorded version of one document of one service, oldest first."""
    if path.is_dir() and (path / ".git").exists():
        return read_repository(path, service, document)
    if path.suffix == ".bundle" or (path.is_dir() and _is_bare(path)):
        return read_repository(path, service, document)
    if path.suffix == ".zip":
        return read_zip(path, service, document)
    if path.is_dir():
        return read_dataset(path, service, document)
    raise LayoutError(f"{path}: not an OTA dataset folder, zip release or versions repository")


def _is_bare(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir()


def read_dataset(root: Path, service: str, document: str) -> list[RecordedVersion]:
    folder = root / service / document
    if not folder.is_dir():
        raise LayoutError(_missing(root, service, document, _dataset_choices(root)))
    versions = []
    for file in sorted(folder.glob("*.md")):
        recorded = _time_of(file.name)
        if recorded is not None:
            versions.append(_version(file.read_text("utf-8"), recorded, str(file)))
    return sorted(versions, key=lambda v: v.recorded_at)


def read_zip(archive: Path, service: str, document: str) -> list[RecordedVersion]:
    versions = []
    with zipfile.ZipFile(archive) as zipped:
        for name in zipped.namelist():
            parts = name.split("/")
            if len(parts) >= 3 and parts[-3] == service and parts[-2] == document:
                recorded = _time_of(parts[-1])
                if recorded is not None:
                    text = zipped.read(name).decode("utf-8")
                    versions.append(_version(text, recorded, f"{archive}!{name}"))
    if not versions:
        raise LayoutError(f"{archive}: no versions of {service} / {document} in the archive")
    return sorted(versions, key=lambda v: v.recorded_at)


def read_repository(repo: Path, service: str, document: str) -> list[RecordedVersion]:
    """Versions from a versions repository (a working copy, a bare repository or a bundle),
    through the ``git`` command."""
    target = repo
    if repo.suffix == ".bundle":
        target = _clone_bundle(repo)
    relative = f"{service}/{document}.md"
    log = _git(target, "log", "--format=%H%x1f%cI%x1f%s", "--reverse", "--all", "--", relative)
    entries = [line.split("\x1f", 2) for line in log.splitlines() if line]
    texts = _blobs(target, [f"{commit}:{relative}" for commit, _, _ in entries])
    versions = []
    for (commit, when, subject), text in zip(entries, texts, strict=True):
        if text is None:  # the commit deleted the file
            continue
        reread = subject.strip() if subject.strip().lower().startswith(NOT_THE_SERVICE) else ""
        recorded = dt.datetime.fromisoformat(when).astimezone(dt.timezone.utc)
        versions.append(_version(text, recorded, f"commit {commit}", reread))
    if not versions:
        raise LayoutError(f"{repo}: no commits of {relative}")
    return versions


def collection_times(path: Path) -> list[dt.datetime]:
    """Every recording time of the collection (all its documents), sorted: the runs of its
    schedule show in them."""
    times: list[dt.datetime] = []
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zipped:
            times = [t for name in zipped.namelist() if (t := _time_of(name)) is not None]
    elif path.is_dir() and not (path / ".git").exists() and not _is_bare(path):
        times = [t for file in path.glob("*/*/*.md") if (t := _time_of(file.name)) is not None]
    else:
        target = _clone_bundle(path) if path.suffix == ".bundle" else path
        log = _git(target, "log", "--all", "--format=%cI")
        times = [
            dt.datetime.fromisoformat(line).astimezone(dt.timezone.utc)
            for line in log.split()
            if line
        ]
    return sorted(times)


_CLONES: dict[Path, Path] = {}


def _clone_bundle(bundle: Path) -> Path:
    key = bundle.resolve()
    if key not in _CLONES or not _CLONES[key].exists():
        _CLONES[key] = _clone(bundle)
    return _CLONES[key]


def _clone(bundle: Path) -> Path:
    import atexit
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="consentrules-ota-"))
    atexit.register(shutil.rmtree, folder, True)
    _git(folder, "clone", "--quiet", "--bare", str(bundle.resolve()), str(folder / "repo"))
    return folder / "repo"


def _blobs(where: Path, names: list[str]) -> list[str | None]:
    """The texts of ``commit:path`` names, read by one ``git cat-file --batch`` (a process per
    version is slow on a history of hundreds); None for a name that does not exist."""
    if not names:
        return []
    try:
        done = subprocess.run(
            ["git", "-C", str(where), "cat-file", "--batch"],
            input=("\n".join(names) + "\n").encode("utf-8"),
            capture_output=True,
            check=True,
        )
    except FileNotFoundError:
        raise LayoutError("reading a versions repository needs the git command") from None
    except subprocess.CalledProcessError as exc:
        raise LayoutError(f"git cat-file failed: {exc.stderr.decode(errors='replace')}") from None
    out: list[str | None] = []
    data, at = done.stdout, 0
    for _ in names:
        end = data.index(b"\n", at)
        header = data[at:end].split()
        at = end + 1
        if len(header) < 3 or header[-1] == b"missing":
            out.append(None)
            continue
        size = int(header[2])
        out.append(data[at : at + size].decode("utf-8"))
        at += size + 1
    return out


def _git(where: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(where), *args], capture_output=True, text=True, check=True
        )
    except FileNotFoundError:
        raise LayoutError("reading a versions repository needs the git command") from None
    except subprocess.CalledProcessError as exc:
        raise LayoutError(f"git {args[0]} failed: {exc.stderr.strip()}") from None
    return done.stdout


def _dataset_choices(root: Path) -> list[str]:
    return (
        sorted(
            f"{s.name} / {d.name}"
            for s in root.iterdir()
            if s.is_dir()
            for d in s.iterdir()
            if d.is_dir()
        )
        if root.is_dir()
        else []
    )


def _missing(root: Path, service: str, document: str, choices: list[str]) -> str:
    shown = "; ".join(choices[:10]) or "none"
    return f"{root}: no {service} / {document} (the dataset holds: {shown})"
