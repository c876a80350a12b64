"""The model's own helpers agree with what dataclasses would do."""

from __future__ import annotations

import dataclasses

from consentrules.model import Finding
from consentrules.model import Severity
from consentrules.model import Status
from consentrules.model import Suppression


def test_finding_at_changes_only_the_position():
    fields = {f.name for f in dataclasses.fields(Finding)}
    finding = Finding(
        rule_id="r",
        severity=Severity.parse("high"),
        status=Status.NOT_EVALUABLE,
        message="m",
        snapshot="s.json",
        platform="p",
        target_kind="setting",
        target_id="t",
        regions=("EEA",),
        pointer="/settings/3",
        line=None,
        column=None,
        evidence={"periods": ["x"]},
        suppression=Suppression(
            kind="waiver", justification="j", owner="o", expires=None, source="w.yaml"
        ),
    )
    # every field is set to something other than its default, so a missed one shows
    assert all(
        getattr(finding, name) not in (None, "", (), {}) for name in fields - {"line", "column"}
    )
    moved = finding.at(7, 3)
    assert moved == dataclasses.replace(finding, line=7, column=3)
    assert (moved.line, moved.column) == (7, 3) and finding.line is None


def test_finding_pickles_to_an_equal_finding():
    import pickle

    finding = Finding(
        "r",
        Severity.HIGH,
        Status.VIOLATION,
        "m",
        "s.json",
        "p",
        "setting",
        "t",
        regions=("FR",),
        pointer="/settings/0",
        line=3,
        column=4,
        evidence={"a": [1]},
        suppression=Suppression(
            kind="waiver", justification="j", owner="o", expires=None, source="w"
        ),
    )
    copy = pickle.loads(pickle.dumps(finding, pickle.HIGHEST_PROTOCOL))
    assert copy == finding and copy is not finding
    assert [getattr(copy, f.name) for f in dataclasses.fields(Finding)] == [
        getattr(finding, f.name) for f in dataclasses.fields(Finding)
    ]
