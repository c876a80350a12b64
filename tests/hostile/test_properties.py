"""Properties of verdicts over random snapshots (issue 12).

1. At any ``--as-of`` date, no finding is about a setting activated after that date.
2. A baseline made from a run suppresses exactly that run's findings on a rerun, and after any
   change to the snapshot it suppresses nothing the first run did not find as it was.

The suite runs a few dozen examples; ``CONSENTRULES_FUZZ_EXAMPLES=2000 tox -e fuzz`` runs more.
"""

from __future__ import annotations

import datetime as dt
import json
import os

import yaml
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from consentrules.model.dates import parse_date
from consentrules.testing import run

EXAMPLES = int(os.environ.get("CONSENTRULES_FUZZ_EXAMPLES", "15"))
START = dt.date(2023, 1, 1)
REGIONS = ["ALL", "EEA", "UK", "CH", "US", "US-CA", "DE", "FR", "GB", "BR"]


def day(offset: int, month_only: bool) -> str:
    date = START + dt.timedelta(days=offset)
    return date.strftime("%Y-%m") if month_only else date.isoformat()


@st.composite
def settings_(draw: st.DrawFn, index: int) -> dict:
    start = draw(st.integers(0, 700))
    month_only = draw(st.booleans())
    setting: dict = {
        "id": f"s{index}",
        "purposes": draw(
            st.lists(
                st.sampled_from(["ai_training", "advertising", "analytics"]),
                max_size=2,
                unique=True,
            )
        ),
        "data_categories": draw(
            st.lists(
                st.sampled_from(["private_messages", "profile", "health"]), max_size=2, unique=True
            )
        ),
        "recipients": draw(
            st.lists(
                st.sampled_from(["third_parties", "affiliates", "first_party"]),
                max_size=2,
                unique=True,
            )
        ),
        "default": draw(st.sampled_from([True, False, None])),
        "regions": {
            "include": draw(
                st.lists(st.sampled_from(REGIONS), min_size=1, max_size=3, unique=True)
            ),
            "exclude": draw(st.lists(st.sampled_from(REGIONS[1:]), max_size=2, unique=True)),
        },
        "activated_at": day(start, month_only),
    }
    # history entries after the activation, in date order
    # (62 days apart at least, so that month-only dates stay in order)
    offsets = sorted(62 * n for n in draw(st.lists(st.integers(1, 6), max_size=2, unique=True)))
    history = []
    for offset in offsets:
        entry: dict = {"date": day(start + offset, draw(st.booleans()))}
        entry["default"] = draw(st.booleans())
        history.append(entry)
    if history:
        setting["history"] = history
    return setting


@st.composite
def snapshots(draw: st.DrawFn) -> dict:
    count = draw(st.integers(1, 4))
    versions = [
        {
            "version": str(i),
            "published_at": day(draw(st.integers(0, 900)), False),
            "purposes": draw(
                st.lists(st.sampled_from(["ai_training", "advertising"]), unique=True)
            ),
            "describes_opt_out": draw(st.booleans()),
        }
        for i in range(draw(st.integers(0, 3)))
    ]
    return {
        "platform": "Property platform",
        "taken_at": "2025-06-30",
        "settings": [draw(settings_(i)) for i in range(count)],
        "disclosures": [{"id": "pp", "kind": "privacy_policy", "versions": versions}],
    }


def check(path, *extra: str) -> dict:
    result = run("check", str(path), "--format", "json", "--fail-on", "never", *extra)
    assert result.exit_code == 0, result.stderr
    return result.json


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(snapshots(), st.integers(-30, 1000))
def test_no_finding_on_a_setting_before_its_activation(tmp_path_factory, data, as_of_offset):
    path = tmp_path_factory.mktemp("prop") / "snapshot.yaml"
    path.write_text(yaml.safe_dump(data))
    as_of = parse_date((START + dt.timedelta(days=as_of_offset)).isoformat())
    report = check(path, "--as-of", as_of.text)
    activated = {s["id"]: parse_date(s["activated_at"]) for s in data["settings"]}
    for finding in report["findings"]:
        if finding["target"]["kind"] == "setting":
            start = activated[finding["target"]["id"]]
            assert start.first <= as_of.last, (finding, as_of.text)
    inactive = {i for i, start in activated.items() if start.first > as_of.last}
    assert set(report["snapshots"][0]["inactive"]) == inactive


def _identity(finding: dict) -> tuple:
    return (
        finding["rule_id"],
        finding["target"]["kind"],
        finding["target"]["id"],
        finding["status"],
    )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(snapshots(), st.data())
def test_baseline_suppresses_exactly_its_run(tmp_path_factory, data, draw):
    folder = tmp_path_factory.mktemp("baseline")
    path = folder / "snapshot.yaml"
    path.write_text(yaml.safe_dump(data))
    first = check(path)
    baseline = folder / "baseline.json"
    made = run("baseline", "create", str(path), "-o", str(baseline))
    assert made.exit_code == 0, made.stderr
    recorded = {entry["fingerprint"] for entry in json.loads(baseline.read_text())["findings"]}
    assert recorded == {f["fingerprint"] for f in first["findings"]}

    again = check(path, "--baseline", str(baseline))
    assert all(f["suppression"] for f in again["findings"])
    assert {f["fingerprint"] for f in again["findings"]} == recorded

    # Any change: whatever the first run did not find, as it found it, is not suppressed.
    setting = draw.draw(st.sampled_from(data["settings"]))
    change = draw.draw(st.sampled_from(["default", "regions", "rename", "purpose"]))
    if change == "default":
        setting["default"] = not setting.get("default")
    elif change == "regions":
        setting["regions"] = {"include": ["ALL"], "exclude": []}
    elif change == "rename":
        setting["id"] += "-renamed"
    else:
        setting["purposes"] = ["ai_training"]
    path.write_text(yaml.safe_dump(data))
    before = {_identity(f): f for f in first["findings"]}
    after = check(path, "--baseline", str(baseline))
    for finding in after["findings"]:
        old = before.get(_identity(finding))
        if finding["suppression"]:
            assert old is not None, finding
            # the same or milder (a rule's review can lower it when the facts improve)
            order = ["info", "low", "medium", "high", "critical"]
            assert order.index(finding["severity"]) <= order.index(old["severity"])
            assert set(finding["regions"]) <= set(old["regions"]) or not finding["regions"], (
                finding,
                old,
            )
        elif old is None:
            assert not finding["suppression"]
