from __future__ import annotations

import pytest

from consentrules.model import Status
from consentrules.model.errors import InputError
from consentrules.testing import evaluate


def rule(condition, key="forbid", **extra):
    return {"id": "C", "check": {"kind": "condition", key: condition, **extra}}


SETTING = {
    "id": "msgs",
    "title": "Message insights",
    "purposes": ["ai_training"],
    "data_categories": ["private_messages"],
    "recipients": ["first_party", "third_parties"],
    "default": True,
    "activated_at": "2024-08-01",
    "metadata": {"owner": "ml-team", "retention_days": 400},
}


def run(condition, key="forbid", snapshot=None, **extra):
    return evaluate(rule(condition, key, **extra), snapshot or {"settings": [SETTING]})


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        ({"field": "recipients", "contains": "third_parties"}, True),
        ({"field": "recipients", "contains": "affiliates"}, False),
        ({"field": "default", "equals": True}, True),
        ({"field": "default", "not_equals": True}, False),
        ({"field": "id", "in": ["msgs", "other"]}, True),
        ({"field": "title", "matches": "^Message"}, True),
        ({"field": "title", "contains": "insight"}, True),
        ({"field": "metadata.owner", "exists": True}, True),
        ({"field": "metadata.cost_centre", "exists": True}, False),
        ({"field": "activated_at", "before": "2024-09-01"}, True),
        ({"field": "activated_at", "after": "2024-09-01"}, False),
        ({"field": "metadata.retention_days", "gt": 365}, True),
        ({"field": "metadata.retention_days", "le": 365}, False),
        ({"field": "purposes", "ge": 1}, True),
        (
            {
                "all": [
                    {"field": "default", "equals": True},
                    {"field": "data_categories", "contains": "private_messages"},
                ]
            },
            True,
        ),
        (
            {
                "any": [
                    {"field": "default", "equals": False},
                    {"field": "recipients", "contains": "affiliates"},
                ]
            },
            False,
        ),
        ({"not": {"field": "default", "equals": False}}, True),
    ],
)
def test_operators(condition, fires):
    findings = run(condition)
    assert bool(findings) is fires
    if fires:
        assert findings[0].status is Status.VIOLATION


def test_require_reports_when_condition_fails():
    (f,) = run({"field": "recipients", "contains": "affiliates"}, key="require")
    assert "lacks what the rule requires: rule C" in f.message
    assert f.evidence["condition"] == "required: recipients contains affiliates"


def test_missing_field_is_not_evaluable_not_false():
    (f,) = run({"field": "metadata.region_owner", "equals": "x"})
    assert f.status is Status.NOT_EVALUABLE


def test_three_valued_logic_short_circuits():
    # false AND unknown -> false: no finding; true OR unknown -> true: a violation
    assert (
        run(
            {
                "all": [
                    {"field": "default", "equals": False},
                    {"field": "metadata.nope", "equals": 1},
                ]
            }
        )
        == []
    )
    (f,) = run(
        {"any": [{"field": "default", "equals": True}, {"field": "metadata.nope", "equals": 1}]}
    )
    assert f.status is Status.VIOLATION


def test_month_dates_compare_only_when_every_day_agrees():
    s = {**SETTING, "activated_at": "2024-08"}
    (f,) = run({"field": "activated_at", "before": "2024-08-15"}, snapshot={"settings": [s]})
    assert f.status is Status.NOT_EVALUABLE


def test_disclosure_version_subject():
    snapshot = {
        "settings": [SETTING],
        "disclosures": [
            {
                "id": "pp",
                "kind": "privacy_policy",
                "versions": [
                    {"version": "1", "published_at": "2024-01-01", "purposes": ["ads"]},
                    {
                        "version": "2",
                        "published_at": "2024-09-01",
                        "purposes": ["ads", "ai_training"],
                    },
                ],
            }
        ],
    }
    findings = run(
        {
            "all": [
                {"field": "document.kind", "equals": "privacy_policy"},
                {"field": "purposes", "contains": "ai_training"},
            ]
        },
        key="require",
        snapshot=snapshot,
        subject="disclosure_version",
    )
    assert [(f.target_id, f.pointer) for f in findings] == [("pp", "/disclosures/0/versions/0")]


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"field": "title", "matches": "(unclosed"}, "invalid regular expression"),
        ({"field": "activated_at", "before": "soon"}, "is not a date"),
        ({"field": "x", "gt": "ten"}, "needs a number"),
        ({"field": "x", "in": "abc"}, "needs a list"),
    ],
)
def test_bad_parameters_are_input_errors(condition, message):
    with pytest.raises(InputError) as info:
        run(condition)
    assert message in info.value.format()


def test_unknown_operator_is_a_schema_error():
    with pytest.raises(InputError):
        run({"field": "title", "startswith": "M"})


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"field": "purposes", "equals": 3}, "never equals 3"),
        ({"field": "title", "before": "2024-01-01"}, "'before' cannot test 'title'"),
        ({"field": "default", "contains": "x"}, "'contains' cannot test 'default'"),
        ({"field": "purposes", "contains": ["a"]}, "'contains' needs text"),
        ({"field": "history", "in": ["one"]}, "never 'one'"),
        ({"field": "activated_at", "gt": 3}, "'gt' cannot test 'activated_at'"),
        ({"field": "purpose", "contains": "ads"}, "did you mean 'purposes'"),
    ],
)
def test_type_mismatches_are_refused_at_load(condition, message):
    """A comparison that could never hold is not silently false: the rule is refused."""
    with pytest.raises(InputError) as info:
        run(condition)
    assert message in info.value.format()


def test_metadata_value_of_another_type_is_not_evaluable():
    snapshot = {
        "taken_at": "2024-12-01",
        "settings": [{"id": "s", "default": True, "metadata": {"tier": "gold"}}],
    }
    (f,) = run({"field": "metadata.tier", "gt": 3}, snapshot=snapshot)
    assert f.status is Status.NOT_EVALUABLE
    (f,) = run({"field": "metadata.tier", "before": "2024-01-01"}, snapshot=snapshot)
    assert f.status is Status.NOT_EVALUABLE


def test_equals_on_a_date_field_compares_dates_with_their_precision():
    snapshot = {
        "taken_at": "2024-12-01",
        "settings": [{"id": "s", "default": True, "activated_at": "2024-08"}],
    }
    (f,) = run({"field": "activated_at", "equals": "2024-08-14"}, snapshot=snapshot)
    assert f.status is Status.NOT_EVALUABLE
    assert run({"field": "activated_at", "equals": "2024-09-14"}, snapshot=snapshot) == []
