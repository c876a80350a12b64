"""The hostile corpus: every case in cases.yaml through the command line (issue 12).

Each case gives its exit code and a message fragment; none may show a traceback, and none may
exit 3 (an internal error) for what is the user's mistake. Cases that need what a text file
cannot hold (devices, FIFOs, links, plugins, killed workers) name a builder below.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

HERE = Path(__file__).parent
CORPUS = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))
CASES = CORPUS["cases"]
BUILDERS: dict[str, Callable[[Path, pytest.MonkeyPatch], None]] = {}


def builder(function: Callable[[Path, pytest.MonkeyPatch], None]) -> Any:
    BUILDERS[function.__name__] = function
    return function


def write_files(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def run_case(case: dict[str, Any], folder: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``(exit code, stdout, stderr)`` of the case's command, run in ``folder``."""
    args = [str(a) for a in case["run"]]
    if case.get("close_stdout_after"):
        return _closing_reader(case, folder, args)
    if case.get("subprocess"):
        env = {
            **os.environ,
            "CONSENTRULES_DISABLE_PLUGIN_AUTOLOAD": "1",
            "PYTHONPATH": os.pathsep.join([str(folder), *sys.path]),
        }
        done = subprocess.run(
            [sys.executable, "-m", "consentrules", *args],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=case.get("timeout", 60),
            stdin=subprocess.DEVNULL,
        )
        return done.returncode, done.stdout, done.stderr
    from consentrules.testing import run

    monkeypatch.chdir(folder)
    monkeypatch.syspath_prepend(str(folder))
    result = run(*args)
    return result.exit_code, result.stdout, result.stderr


def _env(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CONSENTRULES_DISABLE_PLUGIN_AUTOLOAD": "1",
        "PYTHONPATH": os.pathsep.join([str(folder), *sys.path]),
    }


def _closing_reader(case: dict[str, Any], folder: Path, args: list[str]) -> Any:
    """Run with standard output read for a few bytes and then closed (``| head -c N``)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "consentrules", *args],
        cwd=folder,
        env=_env(folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    assert process.stdout is not None and process.stderr is not None
    head = process.stdout.read(case["close_stdout_after"]).decode()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.stderr.close()
    code = process.wait(timeout=case.get("timeout", 60))
    return code, head, stderr


def _fold(text: str) -> str:
    return " ".join(text.split())


def _fragments(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def test_every_case_is_complete_and_unique():
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids))
    for case in CASES:
        assert {"id", "class", "defect", "run", "exit"} <= set(case), case["id"]
        assert case.get("stderr") or case.get("stdout"), case["id"]
        if "build" in case:
            assert case["build"] in BUILDERS, case["id"]
    numbered = {case["defect"] for case in CASES}
    missing = set(range(1, 25)) - numbered
    assert not missing, f"defects of issue 12 without a hostile case: {sorted(missing)}"


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_hostile_case(case, tmp_path, monkeypatch):
    folder = tmp_path / "case"
    folder.mkdir()
    write_files(folder, CORPUS.get("shared", {}))
    write_files(folder, case.get("files", {}))
    if "build" in case:
        BUILDERS[case["build"]](folder, monkeypatch)
    code, stdout, stderr = run_case(case, folder, monkeypatch)
    assert "Traceback" not in stderr, stderr
    assert code == case["exit"], f"exit {code}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    if case.get("stderr_empty"):
        assert stderr == "", stderr
    # (white space folded: the text format wraps long lines)
    for fragment in _fragments(case.get("stderr")):
        assert _fold(fragment) in _fold(stderr), stderr
    for fragment in _fragments(case.get("stdout")):
        assert _fold(fragment) in _fold(stdout), stdout
    for fragment in _fragments(case.get("stdout_not")):
        assert _fold(fragment) not in _fold(stdout), stdout
    marker = case.get("no_line_starts")
    if marker:
        for line in (stdout + stderr).splitlines():
            assert not line.lstrip().startswith(marker), line
    if case.get("stdout_json"):
        json.loads(stdout)  # standard output holds the report alone
    check = BUILDERS.get(f"after_{case.get('build')}")
    if check is not None:
        check(folder, monkeypatch)


# Builders --------------------------------------------------------------------------------------
ON = """platform: Example
taken_at: 2024-11-20
settings:
  - {id: ai, purposes: [ai_training], default: true, regions: {include: [ALL]}}
"""


@builder
def empty_folder(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "empty").mkdir()


@builder
def links_and_loops(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    snaps = folder / "snaps"
    snaps.mkdir()
    (snaps / "a.yaml").write_text(ON)
    (snaps / "dangling.yaml").symlink_to("nowhere.yaml")
    (snaps / "loop").symlink_to(".", target_is_directory=True)
    (snaps / "self.yaml").symlink_to("self.yaml")


@builder
def linked_folder(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = folder / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "b.yaml").write_text(ON.replace("Example", "Other"))
    snaps = folder / "snaps"
    snaps.mkdir()
    (snaps / "a.yaml").write_text(ON)
    (snaps / "linked").symlink_to(elsewhere, target_is_directory=True)


@builder
def unreadable_folder(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    snaps = folder / "snaps"
    (snaps / "locked").mkdir(parents=True)
    (snaps / "a.yaml").write_text(ON)
    (snaps / "locked" / "b.yaml").write_text(ON)
    if os.geteuid() != 0:
        (snaps / "locked").chmod(0)
        return
    # root reads any folder: make this one fail as it would for another user
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


@builder
def after_unreadable_folder(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "snaps" / "locked").chmod(0o755)


@builder
def killing_kind(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A check kind whose worker process is killed (as by the OOM killer) on one snapshot."""
    (folder / "killing_kind.py").write_text(
        """import os, signal
from consentrules import hookimpl

MAIN = os.getpid()


class Kind:
    name = "killing"
    description = "dies in a worker on the snapshot named victim"
    params_schema = {"type": "object"}

    def prepare(self, params, regions):
        return None

    def evaluate(self, rule, settings, ctx):
        if "victim" in ctx.snapshot.path and os.getpid() != MAIN:
            os.kill(os.getpid(), signal.SIGKILL)
        return []


@hookimpl
def consentrules_register_check_kinds(registry):
    registry.add(Kind())
"""
    )
    (folder / "kill-rules.yaml").write_text(
        "rules:\n  - {id: K, title: t, severity: low, check: {kind: killing}}\n"
    )
    snaps = folder / "snaps"
    snaps.mkdir()
    for name in ("a", "b", "c", "victim", "d", "e", "z"):  # the victim need not lead a chunk
        (snaps / f"{name}.yaml").write_text(ON)


@builder
def fifo(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    os.mkfifo(folder / "pipe.yaml")
    (folder / "link-to-pipe.yaml").symlink_to("pipe.yaml")


@builder
def long_title(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Patterns that backtrack exponentially in Python's re, on a title made to trigger it."""
    title = "a" * 5000
    (folder / "long.yaml").write_text(
        "platform: X\ntaken_at: 2024-01-01\nsettings:\n"
        f"  - {{id: s, title: '{title}!', default: false}}\n"
        f"  - {{id: t, title: '{title}', default: false}}\n"
    )
    (folder / "re.yaml").write_text(
        "rules:\n"
        "  - {id: RE, title: t, severity: low, check: {kind: condition, forbid: "
        "{all: [{field: title, matches: '^(a|a)*$'}, {field: title, matches: '(a+)+$'}]}}}\n"
    )


@builder
def deep_json(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nested = "[" * 200 + "]" * 200
    (folder / "deep.json").write_text(
        '{"platform": "X", "taken_at": "2024-01-01", "settings": '
        f'[{{"id": "a", "default": false, "metadata": {{"n": {nested}}}}}]}}'
    )


def _long_setting(index: int, title: str) -> str:
    return f'{{"id": "s{index}", "default": false, "title": "{title}"}}'


@builder
def long_json_string(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    title = 'a \\"quoted\\" ' + "x" * (2**20 + 10)  # (escaped quotes do not hide it)
    (folder / "long.json").write_text(
        '{"platform": "X", "taken_at": "2024-01-01",\n"settings": [\n'
        + _long_setting(0, title)
        + "]}\n"
    )


@builder
def long_json_string_large_file(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Over the size where the text is scanned first: the scan must not miss it."""
    title = '\\"' * 600 + "y" * (2**20 - 600 + 24)
    settings = [_long_setting(i, f"Setting {i}") for i in range(60_000)]
    settings.insert(30_000, _long_setting(99_999, title))
    (folder / "big.json").write_text(
        '{"platform": "X", "taken_at": "2024-01-01",\n"settings": [\n'
        + ",\n".join(settings)
        + "]}\n"
    )


@builder
def large_yaml(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    line = "  - {id: s%06d, title: a setting with a long enough title to fill, default: false}\n"
    with (folder / "big.yaml").open("w") as stream:
        stream.write("platform: X\ntaken_at: 2024-01-01\nsettings:\n")
        for index in range(0, 17 * 2**20 // len(line) + 1):
            stream.write(line % index)


@builder
def keep_dev_null(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@builder
def after_keep_dev_null(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode), "/dev/null was replaced"


@builder
def output_link(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "reports").mkdir()
    (folder / "reports" / "real.json").write_text("old")
    (folder / "link.json").symlink_to("reports/real.json")


@builder
def after_output_link(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert (folder / "link.json").is_symlink(), "the link was replaced"
    assert json.loads((folder / "reports" / "real.json").read_text())["format"]


_readers: dict[Path, Any] = {}


@builder
def output_pipe(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A FIFO with a reader, as a shell's ``>(cmd)`` gives."""
    import threading

    pipe = folder / "pipe.json"
    os.mkfifo(pipe)
    got: dict[str, str] = {}

    def read() -> None:
        with open(pipe, encoding="utf-8") as stream:
            got["text"] = stream.read()

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    _readers[folder] = (thread, got)


@builder
def after_output_pipe(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    thread, got = _readers.pop(folder)
    thread.join(10)
    assert json.loads(got["text"])["format"] == "consentrules-report"
    assert stat.S_ISFIFO(os.stat(folder / "pipe.json").st_mode), "the FIFO was replaced"


@builder
def baseline_link(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "baseline.json").write_text(
        '{"format": "consentrules-baseline", "version": 1, "findings": []}'
    )
    (folder / "alias.json").symlink_to("baseline.json")


@builder
def output_modes(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "kept.json").write_text("old")
    (folder / "kept.json").chmod(0o640)
    monkeypatch.setattr(os, "umask", _fixed_umask(0o027))


def _fixed_umask(mask: int) -> Any:
    real = os.umask

    def umask(value: int) -> int:
        real(value)
        return mask

    return umask


@builder
def after_output_modes(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert stat.S_IMODE((folder / "kept.json").stat().st_mode) == 0o640
    assert stat.S_IMODE((folder / "new.sarif").stat().st_mode) == 0o666 & ~0o027


@builder
def many_findings(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["platform: X", "taken_at: 2024-01-01", "settings:"]
    lines += [
        f"  - {{id: s{i}, purposes: [ai_training], default: true, regions: {{include: [ALL]}}}}"
        for i in range(3000)
    ]
    (folder / "many.yaml").write_text("\n".join(lines) + "\n")


@builder
def config_in_parent(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A configuration in a folder above, with no git checkout around: not applied."""
    (folder.parent / ".consentrules.yaml").write_text("fail-on: never\n")
    (folder / "on.yaml").write_text(ON)


@builder
def config_above_repo(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder.parent / ".consentrules.yaml").write_text("fail-on: never\n")
    (folder / ".git").mkdir()
    (folder / "on.yaml").write_text(ON)


def _baseline_of(folder: Path, *snapshots: str) -> None:
    from consentrules.testing import run

    cwd = Path.cwd()
    os.chdir(folder)
    try:
        made = run("baseline", "create", *snapshots, "--rules", "rules.yaml", "-o", "baseline.json")
    finally:
        os.chdir(cwd)
    assert made.exit_code == 0, made.stderr


@builder
def two_files_one_baseline(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "eu.yaml").write_text(ON)
    (folder / "us.yaml").write_text(ON)
    _baseline_of(folder, "eu.yaml")


@builder
def worsened_since_baseline(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "platform.yaml").write_text(ON.replace("include: [ALL]", "include: [US]"))
    _baseline_of(folder, "platform.yaml")
    (folder / "platform.yaml").write_text(ON.replace("include: [ALL]", "include: [US, GB]"))


@builder
def renamed_since_baseline(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "platform.yaml").write_text(ON)
    _baseline_of(folder, "platform.yaml")
    (folder / "platform.yaml").write_text(ON.replace("id: ai,", "id: ai-renamed,"))
