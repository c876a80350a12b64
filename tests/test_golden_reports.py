"""Golden reports: the JSON and SARIF a run writes stay byte-identical through refactoring.

The examples' reports are kept whole (``tests/golden/reports/``, readable diffs); every bundled
rule fixture and a 10,000-setting benchmark snapshot are kept as SHA-256 digests. A change to a
report that is meant must regenerate them, in the same commit, with::

    CONSENTRULES_REGENERATE_GOLDEN=1 python -m pytest tests/test_golden_reports.py
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sys
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES
from conftest import ROOT

GOLDEN = ROOT / "tests" / "golden" / "reports"
REGENERATE = bool(os.environ.get("CONSENTRULES_REGENERATE_GOLDEN"))
FORMATS = ("json", "sarif")


def render(cwd: Path, *args: str) -> str:
    """Standard output of ``consentrules check ARGS`` run in ``cwd`` (in this process, with no
    extra plugin registered), with the working folder's URI made machine-independent."""
    from consentrules.cli.main import main

    out = io.StringIO()
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = main(["check", *args, "--jobs", "1"])
    finally:
        os.chdir(previous)
    assert code in (0, 1), f"exit {code}"
    from consentrules.sources.bundled import bundled_rules_path

    # The bundled packs are rules/ in a checkout and bundled_rules/ in an installed package.
    bundled = os.path.relpath(bundled_rules_path(), cwd)
    text = out.getvalue().replace(cwd.resolve().as_uri() + "/", "file:///WORKDIR/")
    return text.replace(f'"{bundled}/', '"rules/')


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compare_file(name: str, text: str) -> None:
    path = GOLDEN / name
    if REGENERATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden report"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("example", ["violating", "compliant"])
def test_example_reports_are_unchanged(example, fmt):
    snapshot = f"examples/ai-training-2024/{example}.yaml"
    compare_file(f"{example}.{fmt}", render(ROOT, snapshot, "--format", fmt))


def _fixture_cases() -> list[tuple[str, Path, dict]]:
    cases = []
    for pack in sorted((ROOT / "rules").glob("*/*.yaml")):
        for rule in yaml.safe_load(pack.read_text(encoding="utf-8"))["rules"]:
            for index, fixture in enumerate(rule.get("fixtures") or ()):
                if "snapshot" in fixture:
                    cases.append((f"{rule['id']}#{index}", pack, fixture))
    return cases


def test_every_rule_fixture_report_is_unchanged(tmp_path):
    digests = {}
    for name, pack, fixture in _fixture_cases():
        snapshot = {"platform": "Fixture", "taken_at": "2025-01-01", "settings": []}
        snapshot.update(fixture["snapshot"])
        (tmp_path / "fixture.yaml").write_text(yaml.safe_dump(snapshot), encoding="utf-8")
        extra = ["--as-of", str(fixture["as_of"])] if fixture.get("as_of") else []
        rule_id = name.split("#")[0]
        for fmt in FORMATS:
            text = render(
                tmp_path,
                "fixture.yaml",
                "--rules",
                str(pack),
                "--rule",
                rule_id,
                "--format",
                fmt,
                *extra,
            ).replace(str(pack), pack.relative_to(ROOT).as_posix())
            digests[f"{name}.{fmt}"] = digest(text)
    assert len(digests) > 80
    path = GOLDEN / "fixtures.json"
    if REGENERATE:
        path.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    changed = sorted(k for k in set(expected) | set(digests) if expected.get(k) != digests.get(k))
    assert not changed, f"fixture reports that changed: {changed[:20]}"


def test_benchmark_snapshot_report_is_unchanged(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    (tmp_path / "bench.json").write_text(json.dumps(generate.generate(10_000)))
    rules = ROOT / "benchmarks" / "policies" / "bench.yaml"
    digests = {}
    for fmt in FORMATS:
        text = render(tmp_path, "bench.json", "--rules", str(rules), "--format", fmt)
        digests[fmt] = digest(text.replace(str(rules), "benchmarks/policies/bench.yaml"))
    path = GOLDEN / "benchmark-10k.json"
    if REGENERATE:
        path.write_text(json.dumps(digests, indent=1) + "\n", encoding="utf-8")
    assert digests == json.loads(path.read_text(encoding="utf-8"))


def test_examples_exist():
    assert (EXAMPLES / "ai-training-2024" / "violating.yaml").is_file()
