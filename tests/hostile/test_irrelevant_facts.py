"""Issue 30: adding a fact that does not concern a setting never makes a verdict more definite.

Over generated snapshots checked with the bundled rules, adding

- a notice addressed to a region where no setting runs,
- a per-region default for a region where the setting does not run,
- an undated version of a document,

never turns a "not evaluable" finding into a definite verdict (a violation, or no finding: a
pass), nor a violation into a pass. The first two concern no one, so every finding keeps its
status; an undated version may make a verdict less definite, never more.

The suite runs a few dozen examples; ``CONSENTRULES_FUZZ_EXAMPLES=2000 tox -e fuzz`` runs more.
"""

from __future__ import annotations

import copy
import datetime as dt
import os

import yaml
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from consentrules.testing import run

EXAMPLES = int(os.environ.get("CONSENTRULES_FUZZ_EXAMPLES", "15"))
START = dt.date(2023, 1, 1)
#: Where generated settings may run; JP is kept out, so facts about JP concern no one.
REGIONS = ["EEA", "UK", "CH", "US", "US-CA", "DE", "FR", "GB", "BR"]
PURPOSES = ["ai_training", "advertising", "analytics", "personalization"]
BASES = ["legitimate_interest", "consent", "contract"]


def day(offset: int, month_only: bool = False) -> str:
    date = START + dt.timedelta(days=offset)
    return date.strftime("%Y-%m") if month_only else date.isoformat()


@st.composite
def a_setting(draw: st.DrawFn, index: int) -> dict:
    start = draw(st.integers(0, 700))
    setting: dict = {
        "id": f"s{index}",
        "purposes": draw(st.lists(st.sampled_from(PURPOSES), min_size=1, max_size=2, unique=True)),
        "data_categories": draw(
            st.lists(
                st.sampled_from(["private_messages", "posts", "health"]), max_size=2, unique=True
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
        "activated_at": day(start, draw(st.booleans())),
    }
    if draw(st.booleans()):  # regions stated (else: not stated)
        setting["regions"] = {
            "include": draw(st.lists(st.sampled_from(REGIONS), min_size=1, max_size=3, unique=True))
        }
    if draw(st.booleans()):
        setting["legal_basis"] = draw(st.sampled_from(BASES))
    if draw(st.booleans()):
        setting["objection"] = {
            "route": "web_form",
            "available_at": day(start - draw(st.integers(-30, 60))),
        }
    if draw(st.booleans()):
        setting["region_defaults"] = {
            draw(st.sampled_from(REGIONS)): draw(st.sampled_from([True, False, None]))
        }
    return setting


@st.composite
def snapshots(draw: st.DrawFn) -> dict:
    versions = [
        {
            "version": str(i),
            "published_at": day(draw(st.integers(0, 900)), draw(st.booleans())),
            "purposes": draw(st.lists(st.sampled_from(PURPOSES), unique=True)),
            "describes_opt_out": draw(st.booleans()),
            **({"regions": [draw(st.sampled_from(REGIONS))]} if draw(st.booleans()) else {}),
        }
        for i in range(draw(st.integers(0, 3)))
    ]
    documents = [{"id": "pp", "kind": "privacy_policy", "versions": versions}] if versions else []
    return {
        "platform": "Property platform",
        "taken_at": "2025-06-30",
        "settings": [draw(a_setting(i)) for i in range(draw(st.integers(1, 3)))],
        "disclosures": documents,
    }


def verdicts(folder, data: dict, name: str) -> dict[tuple, str]:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    result = run("check", str(path), "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    return {
        (f["rule_id"], f["target"]["kind"], f["target"]["id"], tuple(f["regions"])): f["status"]
        for f in result.json["findings"]
    }


def by_target(found: dict[tuple, str]) -> dict[tuple, set[str]]:
    """Statuses per (rule, target): a finding's regions may change, its verdict may not. A
    rule's findings about the disclosures count together (with a new document of the kind,
    "there is no privacy policy" becomes a finding about that document)."""
    out: dict[tuple, set[str]] = {}
    for key, status in found.items():
        target = key[:3] if key[1] == "setting" else (key[0], "disclosure")
        out.setdefault(target, set()).add(status)
    return out


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(snapshots(), st.integers(0, 900), st.sampled_from(PURPOSES))
def test_a_notice_to_a_region_where_nothing_runs_changes_nothing(
    tmp_path_factory, data, when, purpose
):
    folder = tmp_path_factory.mktemp("notice")
    before = verdicts(folder, data, "before.yaml")
    changed = copy.deepcopy(data)
    notice = {"version": "jp", "published_at": day(when), "purposes": [purpose], "regions": ["JP"]}
    changed["disclosures"].append({"id": "jp-mail", "kind": "email_notice", "versions": [notice]})
    assert verdicts(folder, changed, "after.yaml") == before


@SETTINGS
@given(snapshots(), st.sampled_from([True, False, None]))
def test_a_default_for_a_region_where_the_setting_does_not_run_changes_nothing(
    tmp_path_factory, data, value
):
    folder = tmp_path_factory.mktemp("region")
    before = verdicts(folder, data, "before.yaml")
    changed = copy.deepcopy(data)
    for setting in changed["settings"]:
        if "regions" in setting:  # (where regions are not stated, JP may be among them)
            setting.setdefault("region_defaults", {})["JP"] = value
    assert verdicts(folder, changed, "after.yaml") == before


@SETTINGS
@given(
    snapshots(),
    st.sampled_from(PURPOSES),
    st.sampled_from(["privacy_policy", "faq", "email_notice"]),
)
def test_an_undated_version_never_makes_a_verdict_more_definite(
    tmp_path_factory, data, purpose, kind
):
    folder = tmp_path_factory.mktemp("undated")
    before = by_target(verdicts(folder, data, "before.yaml"))
    changed = copy.deepcopy(data)
    undated = {"version": "undated", "published_at": None, "purposes": [purpose]}
    changed["disclosures"].append({"id": "undated-doc", "kind": kind, "versions": [undated]})
    after = by_target(verdicts(folder, changed, "after.yaml"))
    for key, statuses in before.items():
        now = after.get(key, set())
        if "not_evaluable" in statuses:
            assert "not_evaluable" in now, (key, statuses, now)
        if "violation" in statuses:
            assert now, (key, "a violation became a pass")
