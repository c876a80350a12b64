from __future__ import annotations

from consentrules.model import Status
from consentrules.testing import evaluate


def rule(**check):
    return {
        "id": "DISC",
        "selector": {"purposes": ["ai_training"]},
        "check": {"kind": "disclosure_timing", "document_kind": "privacy_policy", **check},
    }


def snapshot(activated="2024-08-01", versions=(), **extra):
    setting = {"id": "ai", "purposes": ["ai_training"], "default": True}
    if activated is not None:
        setting["activated_at"] = activated
    return {
        "taken_at": "2024-12-01",
        "settings": [setting],
        "disclosures": [
            {"id": "pp", "kind": "privacy_policy", "versions": list(versions)},
            *extra.get("more", []),
        ],
    }


def version(published, purposes=("ai_training",), **fields):
    return {"published_at": published, "purposes": list(purposes), **fields}


def test_disclosed_after_activation_gives_gap_in_days():
    (f,) = evaluate(rule(min_days_before=0), snapshot(versions=[version("2024-09-18")]))
    assert f.status is Status.VIOLATION
    assert f.message == (
        "activated 2024-08-01, but the privacy policy first disclosed ai_training on "
        "2024-09-18, 48 days later"
    )
    assert f.evidence["purposes"]["ai_training"]["days_after_activation"] == 48


def test_n_zero_allows_same_day_disclosure():
    assert evaluate(rule(min_days_before=0), snapshot(versions=[version("2024-08-01")])) == []


def test_n_days_before_counts_exactly():
    ok = snapshot(versions=[version("2024-07-02")])  # exactly 30 days before
    late = snapshot(versions=[version("2024-07-03")])
    assert evaluate(rule(min_days_before=30), ok) == []
    (f,) = evaluate(rule(min_days_before=30), late)
    assert "it had to be published by 2024-07-02, 30 days before activation" in f.message
    assert "29 days before" in f.message


def test_never_disclosed():
    (f,) = evaluate(rule(min_days_before=0), snapshot(versions=[version("2024-01-01", ["ads"])]))
    assert "ai_training was never disclosed in a privacy policy" in f.message


def test_only_documents_of_the_named_kind_count():
    faq = {"id": "faq", "kind": "faq", "versions": [version("2024-01-01")]}
    (f,) = evaluate(rule(min_days_before=0), snapshot(more=[faq]))
    assert "never disclosed" in f.message


def test_versions_after_as_of_do_not_count():
    s = snapshot(versions=[version("2024-09-01")])
    (f,) = evaluate(rule(min_days_before=0), s)
    assert "31 days later" in f.message
    (f,) = evaluate(rule(min_days_before=0), s, as_of="2024-08-15")
    assert "never disclosed" in f.message


def test_setting_not_yet_active_on_the_as_of_date_is_not_judged():
    s = snapshot(versions=[])
    assert evaluate(rule(min_days_before=0), s, as_of="2024-07-31") == []
    (f,) = evaluate(rule(min_days_before=0), s, as_of="2024-08-01")
    assert "never disclosed" in f.message


def test_earliest_disclosing_version_counts():
    s = snapshot(versions=[version("2024-09-18"), version("2024-07-01")])
    assert evaluate(rule(min_days_before=0), s) == []


def test_partial_activation_date_that_decides_gives_verdict():
    (f,) = evaluate(rule(min_days_before=0), snapshot("2024-08", [version("2024-09-18")]))
    assert f.status is Status.VIOLATION
    assert "18 to 48 days later" in f.message


def test_partial_date_that_does_not_decide_is_not_evaluable():
    (f,) = evaluate(rule(min_days_before=0), snapshot("2024-08", [version("2024-08-15")]))
    assert f.status is Status.NOT_EVALUABLE
    assert "2024-08 (2024-08-01..2024-08-31)" in f.message


def test_missing_activation_date_is_not_evaluable():
    (f,) = evaluate(rule(min_days_before=0), snapshot(None, [version("2024-01-01")]))
    assert f.status is Status.NOT_EVALUABLE
    assert "activation date" in f.message


def test_effective_date_can_be_the_one_that_counts():
    s = snapshot(versions=[version("2024-07-01", effective_at="2024-09-01")])
    assert evaluate(rule(min_days_before=0), s) == []
    (f,) = evaluate(rule(min_days_before=0, date="effective_at"), s)
    assert "2024-09-01" in f.message


# Retention ------------------------------------------------------------------------------------
def faq_rule():
    return {
        "id": "KEEP",
        "selector": {"purposes": ["ai_training"]},
        "check": {"kind": "disclosure_timing", "document_kind": "faq", "retain": ["opt_out"]},
    }


def faq(*versions):
    return {"id": "faq", "kind": "faq", "versions": list(versions)}


def test_dropped_statement_names_both_versions():
    s = snapshot(
        more=[
            faq(
                {"version": "1", "published_at": "2024-09-18", "describes_opt_out": True},
                {"version": "2", "published_at": "2024-10-30", "describes_opt_out": False},
            )
        ]
    )
    (f,) = evaluate(faq_rule(), s)
    assert f.target_kind == "disclosure" and f.target_id == "faq"
    assert f.message == (
        "faq 'faq' stopped stating how to opt out: version 1 (published 2024-09-18) stated it, "
        "version 2 (published 2024-10-30) dropped it"
    )
    assert f.pointer == "/disclosures/1/versions/1"


def test_dropped_and_later_restored_is_still_reported():
    s = snapshot(
        more=[
            faq(
                {"version": "1", "published_at": "2024-09-01", "describes_opt_out": True},
                {"version": "2", "published_at": "2024-09-10"},
                {"version": "3", "published_at": "2024-09-20", "statements": ["opt_out"]},
            )
        ]
    )
    (f,) = evaluate(faq_rule(), s)
    assert "(restored in version 3, 2024-09-20)" in f.message


def test_statement_never_made_is_not_a_drop():
    s = snapshot(more=[faq({"version": "1", "published_at": "2024-09-01"})])
    assert evaluate(faq_rule(), s) == []


def test_versions_are_ordered_by_date_not_by_listing():
    s = snapshot(
        more=[
            faq(
                {"version": "2", "published_at": "2024-10-01", "describes_opt_out": True},
                {"version": "1", "published_at": "2024-09-01"},
            )
        ]
    )
    assert evaluate(faq_rule(), s) == []


def test_purpose_statements_can_be_retained():
    r = faq_rule()
    r["check"]["retain"] = ["purpose:ai_training"]
    s = snapshot(
        more=[
            faq(
                {"version": "1", "published_at": "2024-09-01", "purposes": ["ai_training"]},
                {"version": "2", "published_at": "2024-10-01", "purposes": []},
            )
        ]
    )
    (f,) = evaluate(r, s)
    assert "stopped stating the purpose ai_training" in f.message


def test_retention_needs_a_selected_setting():
    s = snapshot(
        more=[
            faq(
                {"version": "1", "published_at": "2024-09-01", "describes_opt_out": True},
                {"version": "2", "published_at": "2024-10-01"},
            )
        ]
    )
    s["settings"][0]["purposes"] = ["analytics"]
    assert evaluate(faq_rule(), s) == []


def test_snapshot_without_disclosure_data_is_not_evaluable():
    s = snapshot(versions=[])
    del s["disclosures"]
    (f,) = evaluate(rule(min_days_before=0), s)
    assert f.status is Status.NOT_EVALUABLE and "carries no disclosures" in f.message


def require_rule():
    return {
        "id": "REQ",
        "selector": {"purposes": ["ai_training"]},
        "check": {
            "kind": "disclosure_timing",
            "document_kind": "privacy_policy",
            "require": ["opt_out", "purpose:ai_training"],
        },
    }


def test_require_judges_the_current_version_only():
    s = snapshot(
        versions=[
            version("2024-01-01", purposes=["ai_training"], describes_opt_out=True),
            version("2024-06-01", purposes=["ads"], version="v2"),
        ]
    )
    (f,) = evaluate(require_rule(), s)
    assert f.target_kind == "disclosure" and f.target_id == "pp"
    assert (
        "version v2 (2024-06-01, the current one) does not state how to opt out or the "
        "purpose ai_training" in f.message
    )
    assert f.evidence["missing_statements"] == ["opt_out", "purpose:ai_training"]
    # as of an earlier date, the earlier version was current and said both
    assert evaluate(require_rule(), s, as_of="2024-03-01") == []


def test_require_without_disclosure_data_is_not_evaluable():
    s = snapshot(versions=[])
    del s["disclosures"]
    (f,) = evaluate(require_rule(), s)
    assert f.status is Status.NOT_EVALUABLE


def test_a_drop_between_versions_whose_order_depends_on_the_day_is_not_definite():
    def faq(first, second):
        return {
            "id": "faq",
            "kind": "faq",
            "versions": [
                {"version": "a", "published_at": first, "describes_opt_out": True},
                {"version": "b", "published_at": second, "describes_opt_out": False},
            ],
        }

    retain = {
        "id": "KEEP",
        "selector": {"purposes": ["ai_training"]},
        "check": {"kind": "disclosure_timing", "document_kind": "faq", "retain": ["opt_out"]},
    }
    (f,) = evaluate(retain, snapshot(more=[faq("2024-08", "2024-08-20")]))
    assert f.status is Status.NOT_EVALUABLE and "depends on the day" in f.message
    (f,) = evaluate(retain, snapshot(more=[faq("2024-08", "2024-09-02")]))
    assert f.status is Status.VIOLATION and "stopped stating how to opt out" in f.message


def test_which_version_is_current_may_depend_on_the_day():
    pp = {
        "id": "pp2",
        "kind": "terms",
        "versions": [
            {"version": "a", "published_at": "2024-08", "describes_opt_out": True},
            {"version": "b", "published_at": "2024-08-20", "describes_opt_out": False},
        ],
    }
    require = {
        "id": "REQ",
        "selector": {"purposes": ["ai_training"]},
        "check": {"kind": "disclosure_timing", "document_kind": "terms", "require": ["opt_out"]},
    }
    (f,) = evaluate(require, snapshot(more=[pp]))
    assert f.status is Status.NOT_EVALUABLE and "depends on the day" in f.message


def test_a_disclosing_version_without_the_counted_date_gives_no_verdict():
    """A rule counting effective dates, and the only disclosing version states none: it may
    have taken effect in time, so "never disclosed" would be a false violation."""
    undated = version("2024-07-01", version="draft")
    (f,) = evaluate(rule(min_days_before=0, date="effective_at"), snapshot(versions=[undated]))
    assert f.status is Status.NOT_EVALUABLE
    assert "only version draft of the privacy policy discloses it, and it has no " in f.message
    assert "effective_at date" in f.message
