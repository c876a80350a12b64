"""What a snapshot can state about a practice (legal basis, objection route, status over time,
practice kind, disputed categories, group defaults) and how rules use it: selectors by default,
practice and basis; ``review`` for conditionally lawful practices; ``when: history``."""

from __future__ import annotations

import pytest

from consentrules.model import Objection
from consentrules.model import Severity
from consentrules.model.errors import InputError
from consentrules.testing import evaluate
from consentrules.testing import make_rules
from consentrules.testing import make_snapshot
from consentrules.testing import run
from consentrules.testing import write_rules
from consentrules.testing import write_snapshot

OPT_IN = {"id": "R", "selector": {"purposes": ["ai_training"]}, "check": {"kind": "opt_in_default"}}


def _setting(**extra):
    return {"id": "train", "purposes": ["ai_training"], "regions": {"include": ["ALL"]}, **extra}


def test_practice_facts_are_built():
    snapshot = make_snapshot(
        {
            "settings": [
                _setting(
                    default=True,
                    practice="policy_practice",
                    legal_basis={"EEA": "legitimate_interest", "US": "none"},
                    objection={
                        "route": "web_form",
                        "available_at": "2025-04",
                        "covers_past_data": False,
                    },
                    disputed_categories=["private_messages"],
                    group_defaults={"minors": False},
                    planned_at="2025-03-01",
                    control_available_at="2025-04-14",
                )
            ]
        }
    )
    (setting,) = snapshot.settings
    assert setting.practice == "policy_practice"
    assert setting.legal_basis == (("EEA", "legitimate_interest"), ("US", "none"))
    assert setting.objection == Objection("web_form", setting.objection.available_at, False)
    assert str(setting.objection.available_at) == "2025-04"
    assert setting.disputed_categories == ("private_messages",)
    assert setting.group_defaults == (("minors", False),)
    assert str(setting.planned_at) == "2025-03-01"


@pytest.mark.parametrize(
    ("extra", "bad", "message"),
    [
        ({"legal_basis": {"EUROPE": "consent"}}, "EUROPE", "unknown region 'EUROPE'"),
        ({"legal_basis": "maybe"}, "maybe", "'maybe' is not allowed for settings[0].legal_basis"),
        ({"objection": {"route": "fax"}}, "fax", "settings[0].objection.route"),
        ({"objection": {"route": "toggle", "available_at": "soon"}}, "soon", "'soon'"),
        ({"practice": "toggle"}, "toggle", "'toggle' is not allowed for settings[0].practice"),
        ({"history": [{"date": "2025-02-01", "status": "stopped"}]}, "stopped", "status"),
    ],
)
def test_bad_practice_facts_are_input_errors_at_their_line(tmp_path, extra, bad, message):
    snapshot = write_snapshot(tmp_path, {"settings": [_setting(default=True, **extra)]})
    lines = snapshot.read_text().splitlines()
    line = next(number for number, text in enumerate(lines, 1) if bad in text)
    result = run("check", str(snapshot))
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert f"{snapshot}:{line}:" in result.stderr and message in result.stderr, result.stderr
    with pytest.raises(InputError):
        make_snapshot({"settings": [_setting(default=True, **extra)]})


def test_a_paused_practice_enrols_no_one_while_paused():
    history = [
        {"date": "2024-06-14", "status": "paused"},
        {"date": "2025-03-01", "status": "resumed"},
    ]
    setting = _setting(default=True, activated_at="2024-06-01", history=history)
    paused = evaluate(OPT_IN, {"taken_at": "2024-12-01", "settings": [setting]})
    assert ["from 2024-06-01 until 2024-06-14" in f.message for f in paused] == [True]
    resumed = evaluate(OPT_IN, {"taken_at": "2025-06-01", "settings": [setting]})
    (finding,) = resumed
    assert "from 2024-06-01 until 2024-06-14" in finding.message
    assert "since 2025-03-01" in finding.message
    withdrawn = [{"date": "2024-06-14", "status": "withdrawn"}]
    gone = _setting(default=True, activated_at="2024-06-01", history=withdrawn)
    as_of_now = {**OPT_IN, "check": {"kind": "opt_in_default", "when": "as_of"}}
    assert evaluate(as_of_now, {"taken_at": "2025-06-01", "settings": [gone]}) == []


def test_when_history_reports_only_past_periods():
    rule = {**OPT_IN, "check": {"kind": "opt_in_default", "when": "history"}}
    fixed = _setting(
        default=True, activated_at="2024-08-01", history=[{"date": "2024-10-11", "default": False}]
    )
    (past,) = evaluate(rule, {"taken_at": "2024-11-20", "settings": [fixed]})
    assert past.message.startswith("resolved, in the past: ")
    assert "from 2024-08-01 until 2024-10-11" in past.message
    still_on = _setting(default=True, activated_at="2024-08-01")
    assert evaluate(rule, {"taken_at": "2024-11-20", "settings": [still_on]}) == []


@pytest.mark.parametrize(
    ("selector", "selected"),
    [
        ({"default": True}, {"on", "on-in-us", "unknown"}),
        ({"default": False}, {"off"}),
        ({"practice": ["policy_practice"]}, {"on-in-us"}),
        ({"legal_basis": ["consent"]}, {"on"}),
        ({"legal_basis": ["legitimate_interest", "contract"]}, {"on-in-us"}),
    ],
)
def test_selector_by_default_practice_and_basis(selector, selected):
    settings = [
        _setting(id="on", default=True, legal_basis="consent"),
        _setting(id="off", default=False),
        _setting(
            id="on-in-us",
            default=False,
            region_defaults={"US": True},
            practice="policy_practice",
            legal_basis={"US": "legitimate_interest"},
        ),
        _setting(id="unknown"),
    ]
    rule = {
        "id": "R",
        "selector": {"purposes": ["ai_training"], **selector},
        "check": {"kind": "condition", "forbid": {"field": "id", "equals": "nothing"}},
    }
    (loaded,) = make_rules(rule)
    assert loaded.selector.describe()
    from consentrules.engine.selection import SettingIndex
    from consentrules.engine.selection import selects
    from consentrules.testing import builtin_check_kinds  # noqa: F401  (the kinds load)

    snapshot = make_snapshot({"settings": settings})
    ctx = _ctx(snapshot)
    picked = {s.id for s in SettingIndex(snapshot.settings).select(loaded.selector, ctx)}
    assert picked == selected
    assert picked == {s.id for s in snapshot.settings if selects(loaded.selector, s, ctx)}


def _ctx(snapshot):
    from consentrules.engine.evaluation import EvalContext
    from consentrules.model.regions import default_registry

    return EvalContext(snapshot=snapshot, as_of=snapshot.taken_at, regions=default_registry())


REVIEWED = {
    "id": "R",
    "severity": "high",
    "selector": {"purposes": ["ai_training"]},
    "check": {"kind": "regional_exclusion", "regions": ["EEA"], "mode": "default_on"},
    "review": {
        "severity": "medium",
        "reason": "legitimate interest with safeguards",
        "when": {
            "all": [
                {"field": "legal_basis_in.EEA", "equals": "legitimate_interest"},
                {"field": "objection.before_start", "equals": True},
                {"field": "notice.before_start", "equals": True},
            ]
        },
    },
}
POLICY = [
    {
        "id": "pp",
        "kind": "privacy_policy",
        "versions": [{"published_at": "2025-04-14", "purposes": ["ai_training"]}],
    }
]


SAFEGUARDED = {
    "default": True,
    "activated_at": "2025-05-27",
    "legal_basis": "legitimate_interest",
    "objection": {"route": "toggle", "available_at": "2025-04-14"},
}


def test_review_turns_a_violation_with_the_safeguards_into_a_finding_to_review():
    setting = _setting(**SAFEGUARDED)
    (finding,) = evaluate(
        REVIEWED, {"taken_at": "2025-07-01", "settings": [setting], "disclosures": POLICY}
    )
    assert finding.severity is Severity.MEDIUM
    assert finding.message.startswith("to review: enrolls users by default in EEA")
    assert finding.evidence["review"] == "legitimate interest with safeguards"


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"objection": {"route": "none"}}, "not met here: a way to object from the start"),
        (
            {"objection": {"route": "toggle", "available_at": "2025-06-30"}},
            "not met here: a way to object from the start",
        ),
        (
            {"legal_basis": {"DE": "legitimate_interest"}},
            "not shown by the snapshot: the legal basis recorded for EEA is legitimate interest",
        ),
        ({"activated_at": "2025-04-01"}, "not met here: a way to object from the start"),
        (
            {"legal_basis": "consent"},
            "not met here: the legal basis recorded for EEA is legitimate",
        ),
    ],
)
def test_without_every_safeguard_the_violation_stands_and_says_which(change, said):
    setting = _setting(**{**SAFEGUARDED, **change})
    (finding,) = evaluate(
        REVIEWED, {"taken_at": "2025-07-01", "settings": [setting], "disclosures": POLICY}
    )
    assert finding.severity is Severity.HIGH
    assert said in finding.message, finding.message


def test_a_review_that_cannot_hold_is_refused_at_its_line(tmp_path):
    bad = {
        **REVIEWED,
        "review": {
            **REVIEWED["review"],
            "when": {"field": "objection.route", "before": "2025-01-01"},
        },
    }
    rules = write_rules(tmp_path, bad)
    snapshot = write_snapshot(tmp_path, {"settings": [_setting(default=True)]})
    result = run("check", str(snapshot), "--rules", str(rules))
    assert result.exit_code == 2
    assert "review/when" in result.stderr or "rules.yaml:" in result.stderr
    assert "'before' cannot test 'objection.route'" in result.stderr
    shapeless = {**REVIEWED, "review": {**REVIEWED["review"], "when": {"fields": "x"}}}
    result = run("check", str(snapshot), "--rules", str(write_rules(tmp_path, shapeless)))
    assert result.exit_code == 2 and "Traceback" not in result.stderr


def test_an_undated_disclosure_version_is_accepted_and_does_not_count():
    undated = [
        {
            "id": "pp",
            "kind": "privacy_policy",
            "versions": [{"published_at": None, "purposes": ["ai_training"]}],
        }
    ]
    rule = {
        "id": "T",
        "selector": {"purposes": ["ai_training"]},
        "check": {
            "kind": "disclosure_timing",
            "document_kind": "privacy_policy",
            "min_days_before": 0,
        },
    }
    setting = _setting(default=True, activated_at="2024-08-01")
    (finding,) = evaluate(rule, {"settings": [setting], "disclosures": undated})
    assert finding.status.value == "not_evaluable"
    assert "has no published_at date" in finding.message


SENSITIVE = {
    "id": "S",
    "in_force_from": "2023-07-01",
    "selector": {"data_categories": ["health"]},
    "check": {"kind": "opt_in_default", "regions": ["US-CO"]},
}


def _health(**extra):
    return {"id": "s", "data_categories": ["health"], "regions": {"include": ["US-CO"]}, **extra}


def test_in_force_from_judges_nothing_before_the_law_applied():
    fixed_before = _health(
        default=True, activated_at="2022-01-01", history=[{"date": "2023-03-01", "default": False}]
    )
    assert evaluate(SENSITIVE, {"taken_at": "2025-01-01", "settings": [fixed_before]}) == []
    still_on = _health(default=True, activated_at="2022-01-01")
    (finding,) = evaluate(SENSITIVE, {"taken_at": "2025-01-01", "settings": [still_on]})
    assert "since 2023-07-01" in finding.message and "judged from 2023-07-01" in finding.message
    began_later = _health(default=True, activated_at="2024-02-01")
    (later,) = evaluate(SENSITIVE, {"taken_at": "2025-01-01", "settings": [began_later]})
    assert "since 2024-02-01" in later.message and "judged from" not in later.message
    # as of a date before the law: the rule does not apply at all
    assert evaluate(SENSITIVE, {"taken_at": "2023-01-01", "settings": [still_on]}) == []


def test_in_force_from_the_evaluation_month_is_not_evaluable():
    still_on = _health(default=True, activated_at="2022-01-01")
    snapshot = {"taken_at": "2023-07", "settings": [still_on]}
    mid_month = {**SENSITIVE, "in_force_from": "2023-07-15"}
    (finding,) = evaluate(mid_month, snapshot)
    assert finding.status.value == "not_evaluable"
    assert "judged from 2023-07-15" in finding.message


def test_a_rule_not_yet_in_force_is_a_note_of_the_run(tmp_path):
    rules = write_rules(tmp_path, SENSITIVE)
    snapshot = write_snapshot(
        tmp_path, {"taken_at": "2023-01-01", "settings": [_health(default=True)]}
    )
    result = run("check", str(snapshot), "--rules", str(rules), "--format", "json")
    assert result.exit_code == 0
    (note,) = [n for n in result.report["notices"] if n["category"] == "not_in_force"]
    assert "S (from 2023-07-01)" in note["message"]
    bad = write_rules(tmp_path, {**SENSITIVE, "in_force_from": "July 2023"}, name="bad.yaml")
    refused = run("check", str(snapshot), "--rules", str(bad))
    assert refused.exit_code == 2 and "in_force_from" in refused.stderr


def test_group_default_is_judged_for_the_group():
    rule = {
        "id": "M",
        "selector": {"data_categories": ["minors_data"]},
        "check": {"kind": "opt_in_default", "group": "minors"},
    }
    adults_only = {
        "id": "ads",
        "data_categories": ["minors_data"],
        "default": True,
        "group_defaults": {"minors": False},
        "regions": {"include": ["US"]},
    }
    assert evaluate(rule, {"settings": [adults_only]}) == []
    minors_too = {**adults_only, "group_defaults": {"teachers": False}}
    assert len(evaluate(rule, {"settings": [minors_too]})) == 1
    minors_on = {**adults_only, "default": False, "group_defaults": {"minors": True}}
    assert len(evaluate(rule, {"settings": [minors_on]})) == 1


def test_a_generic_opt_out_cannot_satisfy_nor_fail_a_specific_one():
    rule = {
        "id": "O",
        "selector": {"purposes": ["advertising"]},
        "check": {
            "kind": "disclosure_timing",
            "document_kind": "privacy_policy",
            "require": ["opt_out_of_sale_sharing"],
        },
    }
    setting = {"id": "ads", "purposes": ["advertising"], "regions": {"include": ["US-CA"]}}

    def policy(**version):
        return [
            {
                "id": "pp",
                "kind": "privacy_policy",
                "versions": [{"published_at": "2024-01-01", **version}],
            }
        ]

    (vague,) = evaluate(
        rule, {"settings": [setting], "disclosures": policy(describes_opt_out=True)}
    )
    assert vague.status.value == "not_evaluable" and "without saying of what" in vague.message
    (silent,) = evaluate(rule, {"settings": [setting], "disclosures": policy()})
    assert silent.status.value == "violation"
    named = policy(statements=["opt_out_of_sale_sharing"])
    assert evaluate(rule, {"settings": [setting], "disclosures": named}) == []


def test_a_rule_over_a_disputed_category_gives_a_disputed_finding():
    rule = {
        "id": "MSG",
        "selector": {"data_categories": ["private_messages"]},
        "check": {"kind": "opt_in_default"},
    }
    denied = _setting(
        default=True, data_categories=["posts"], disputed_categories=["private_messages"]
    )
    (finding,) = evaluate(rule, {"settings": [denied]})
    assert finding.status.value == "not_evaluable"
    assert finding.message.startswith(
        "disputed: the rule applies only if the setting uses private_messages"
    )
    assert finding.evidence["disputed_categories"] == ["private_messages"]
    admitted = _setting(default=True, data_categories=["posts", "private_messages"])
    (violation,) = evaluate(rule, {"settings": [admitted]})
    assert violation.status.value == "violation"
    opt_in = _setting(
        default=False, data_categories=["posts"], disputed_categories=["private_messages"]
    )
    assert evaluate(rule, {"settings": [opt_in]}) == []  # compliant even as alleged


def test_a_misspelt_disputed_category_is_warned_about(tmp_path):
    typo = _setting(default=True, disputed_categories=["private_mesages"])
    snapshot = write_snapshot(tmp_path, {"settings": [typo]})
    result = run("check", str(snapshot), "--format", "json")
    warned = [n for n in result.report["notices"] if n["category"] == "unknown_token"]
    assert warned and "private_mesages" in warned[0]["message"]
    assert "private_messages" in warned[0]["message"]  # did you mean


def test_the_json_report_shows_what_each_rule_evaluated_and_found_compliant(tmp_path):
    eea = {**OPT_IN, "check": {"kind": "opt_in_default", "regions": ["EEA"]}}
    rules = write_rules(tmp_path, [eea, {**OPT_IN, "id": "NONE", "selector": {"ids": ["x*"]}}])
    settings = [
        _setting(id="on", default=True),
        *(_setting(id=f"us-{n}", default=True, regions={"include": ["US"]}) for n in range(25)),
        _setting(id="off", default=False),
    ]
    snapshot = write_snapshot(tmp_path, {"settings": settings})
    result = run("check", str(snapshot), "--rules", str(rules), "--format", "json")
    (summary,) = result.report["snapshots"]
    covered = summary["coverage"]["R"]
    assert (covered["evaluated"], covered["compliant"], covered["not_applicable"]) == (27, 25, 1)
    assert covered["compliant_settings"] == [f"us-{n}" for n in range(20)]  # the first 20
    assert summary["coverage"]["NONE"] == {
        "evaluated": 0,
        "compliant": 0,
        "not_applicable": 0,
        "compliant_settings": [],
    }


@pytest.mark.parametrize(
    "check",
    [
        {"kind": "opt_in_default", "regions": ["EEA"]},
        {"kind": "regional_exclusion", "regions": ["EEA"], "mode": "default_on"},
    ],
)
def test_a_setting_off_by_default_everywhere_is_not_a_gap_for_default_rules(check):
    rule = {"id": "D", "selector": {"purposes": ["ai_training"]}, "check": check}
    no_regions = {"id": "off", "purposes": ["ai_training"], "default": False}
    assert evaluate(rule, {"settings": [no_regions]}) == []
    unknown = {"id": "maybe", "purposes": ["ai_training"], "default": True}
    (gap,) = evaluate(rule, {"settings": [unknown]})
    assert gap.status.value == "not_evaluable"


def test_a_notice_to_some_regions_counts_only_where_it_reaches_everyone():
    rule = {
        "id": "N",
        "selector": {"purposes": ["ai_training"]},
        "check": {
            "kind": "disclosure_timing",
            "document_kind": ["privacy_policy", "email_notice"],
            "min_days_before": 0,
        },
    }

    def notices(regions):
        return [
            {
                "id": "mail",
                "kind": "email_notice",
                "versions": [
                    {"published_at": "2024-07-01", "purposes": ["ai_training"], "regions": regions}
                ],
            }
        ]

    us_only = _setting(
        id="us", default=True, activated_at="2024-08-01", regions={"include": ["US"]}
    )
    everywhere = _setting(id="all", default=True, activated_at="2024-08-01")
    findings = evaluate(rule, {"settings": [us_only, everywhere], "disclosures": notices(["US"])})
    assert [f.target_id for f in findings] == ["all"]  # the US mail reached no one else
    assert "never disclosed" in findings[0].message
    assert evaluate(rule, {"settings": [everywhere], "disclosures": notices(["ALL"])}) == []
    with pytest.raises(InputError):
        make_snapshot({"settings": [everywhere], "disclosures": notices(["Europe"])})
