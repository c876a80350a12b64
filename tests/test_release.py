"""Releases (issue 18, point 4): one version, a changelog that names it, a licence, and a
container image recipe that runs as an unprivileged user with the bundled plugins. The
build-and-install check itself runs in .ci/run."""

from __future__ import annotations

import re
from pathlib import Path

from consentrules import __version__
from consentrules.testing import run

ROOT = Path(__file__).resolve().parents[1]


def test_the_version_is_one_number_everywhere():
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    assert run("--version").stdout.strip() == f"consentrules {__version__}"
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert f"## [{__version__}]" in changelog and "## [Unreleased]" in changelog
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'path = "src/consentrules/__about__.py"' in pyproject  # the build reads it there


def test_the_ci_builds_and_installs_the_wheel_in_a_fresh_venv():
    script = (ROOT / ".ci/run").read_text()
    assert "python3 -m build" in script and "venv" in script
    assert "examples/ai-training-2024/violating.yaml" in script


def test_the_container_runs_unprivileged_with_the_bundled_plugins():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.\d+-slim$", dockerfile, re.MULTILINE)
    assert re.search(r"^USER (?!root)\w+$", dockerfile, re.MULTILINE)
    assert "for plugin in plugins/*/" in dockerfile
    assert 'ENTRYPOINT ["consentrules"]' in dockerfile
    assert "docker build" in (ROOT / "docs/ci.md").read_text()


def test_the_default_install_takes_the_fast_validation_path():
    """Issue 19: `pip install .` with no extras validates large snapshots with jsonschema-rs
    (.ci/run checks the same in a fresh venv that installed the wheel alone)."""
    from consentrules.sources.schema import validation_path

    pyproject = (ROOT / "pyproject.toml").read_text()
    dependencies = pyproject.split("dependencies = [", 1)[1].split("]", 1)[0]
    assert re.search(r'^\s*"jsonschema-rs>=[\d.]+",$', dependencies, re.MULTILINE)
    assert validation_path() == "jsonschema-rs"
    assert "validation_path" in (ROOT / ".ci/run").read_text()
