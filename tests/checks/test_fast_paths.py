"""The checks' shortcut for settings that are never on by default concludes exactly what the
full check concludes, for any setting and any rule parameters."""

from __future__ import annotations

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from consentrules.engine.evaluation import EvalContext
from consentrules.engine.findings import never_on_by_default
from consentrules.model.dates import parse_date
from consentrules.model.regions import default_registry
from consentrules.testing import builtin_check_kinds
from consentrules.testing import make_rules
from consentrules.testing import make_snapshot

DEFAULTS = st.sampled_from([True, False, None])
TERMS = st.sampled_from(["ALL", "EEA", "EU", "DE", "FR", "GB", "US", "US-CA", "CH"])
SCOPES = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {"include": st.lists(TERMS, max_size=3, unique=True)},
        optional={"exclude": st.lists(TERMS, max_size=2, unique=True)},
    ),
)
OVERRIDES = st.dictionaries(st.sampled_from(["DE", "GB", "US-CA", "CH"]), DEFAULTS, max_size=2)
DATES = st.sampled_from(["2024-03-01", "2024-09", "2025-02-01"])
CHANGES = st.one_of(
    st.fixed_dictionaries({"date": DATES, "default": st.booleans()}),
    st.fixed_dictionaries({"date": DATES, "regions": SCOPES.filter(lambda s: s is not None)}),
    st.fixed_dictionaries({"date": DATES, "region_defaults": OVERRIDES}),
)
HISTORY = st.lists(CHANGES, max_size=2, unique_by=lambda e: e["date"]).map(
    lambda entries: sorted(entries, key=lambda e: e["date"])
)

RULES = [
    {"id": "opt-in", "check": {"kind": "opt_in_default"}},
    {"id": "opt-in-eea", "check": {"kind": "opt_in_default", "regions": ["EEA"]}},
    {"id": "opt-in-now", "check": {"kind": "opt_in_default", "when": "as_of"}},
    {
        "id": "excl-default-on",
        "check": {"kind": "regional_exclusion", "regions": ["EEA", "CH"], "mode": "default_on"},
    },
    {"id": "excl-active", "check": {"kind": "regional_exclusion", "regions": ["EEA"]}},
]


@settings(max_examples=300, deadline=None)
@given(
    default=DEFAULTS,
    regions=SCOPES,
    overrides=OVERRIDES,
    history=HISTORY,
    rule_index=st.integers(0, len(RULES) - 1),
)
def test_shortcut_agrees_with_the_full_check(default, regions, overrides, history, rule_index):
    raw = {"id": "s", "purposes": ["ai_training"], "default": default, "activated_at": "2023-06"}
    if regions is not None:
        raw["regions"] = regions
    if overrides:
        raw["region_defaults"] = overrides
    if history:
        raw["history"] = history
    snapshot = make_snapshot({"taken_at": "2024-11-20", "settings": [raw]})
    kinds = builtin_check_kinds()
    (rule,) = make_rules(RULES[rule_index], kinds)
    kind = kinds.get(rule.check_kind)
    ctx = EvalContext(snapshot, parse_date("2024-11-20"), default_registry())
    (setting,) = snapshot.settings
    assert kind.check_setting(rule, setting, ctx) == kind.full_check(rule, setting, ctx)


def test_the_shortcut_is_taken_only_for_settings_never_on():
    snapshot = make_snapshot(
        {
            "settings": [
                {"id": "off", "default": False},
                {"id": "on", "default": True},
                {"id": "unknown"},
                {"id": "override", "default": False, "region_defaults": {"DE": True}},
                {
                    "id": "changed",
                    "default": False,
                    "history": [{"date": "2024-01", "default": True}],
                },
            ]
        }
    )
    assert [s.id for s in snapshot.settings if never_on_by_default(s)] == ["off"]
