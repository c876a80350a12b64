"""An input in which nothing can be judged says so, and fails the run under --strict (issue
31, point 4): a pass would otherwise say nothing at all."""

from __future__ import annotations

import pytest

from consentrules.testing import run
from consentrules.testing import write_snapshot


def _incomplete(result):
    return [n for n in result.report["notices"] if n["category"] == "incomplete"]


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        ([], "it holds no settings"),
        (
            [
                {"id": "a", "purposes": ["advertising"], "default": None, "default_note": "x"},
                {"id": "b", "purposes": ["analytics"], "region_defaults": {"DE": None}},
            ],
            "the default of every setting is unknown (a, b)",
        ),
    ],
)
def test_nothing_to_judge_is_a_warning_and_fails_under_strict(tmp_path, settings, said):
    path = write_snapshot(tmp_path, {"platform": "p", "settings": settings})
    result = run("check", str(path), "--format", "json")
    (notice,) = _incomplete(result)
    assert (
        notice["message"] == f"nothing in the file could be judged: {said}"
        or said in notice["message"]
    )
    assert notice["level"] == "warning" and notice["path"] == str(path)
    assert run("check", str(path), "--strict").exit_code == 1


def test_one_known_default_is_something_to_judge(tmp_path):
    settings = [
        {"id": "a", "purposes": ["advertising"], "default": None},
        {"id": "b", "purposes": ["analytics"], "default": False},
    ]
    path = write_snapshot(tmp_path, {"platform": "p", "settings": settings})
    assert _incomplete(run("check", str(path), "--format", "json")) == []
