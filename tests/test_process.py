"""What the command-line process skips because it ends right after its run, and only then."""

from __future__ import annotations

import gc

import pytest

from consentrules.execute import process
from consentrules.execute.process import collector_paused


@pytest.fixture
def ending(monkeypatch):
    monkeypatch.setattr(process, "_kept", [])

    def set_ending(value: bool) -> None:
        monkeypatch.setattr(process, "ends_after_run", value)

    return set_ending


def test_as_a_library_the_collector_comes_back_and_nothing_is_kept(ending):
    ending(False)
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    process.keep_until_exit(object())
    assert process._kept == []


def test_before_the_process_ends_the_collector_stays_paused(ending):
    ending(True)
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    first, second = object(), object()
    process.keep_until_exit(first)
    process.keep_until_exit(second)
    assert process._kept == [second]  # one at a time
