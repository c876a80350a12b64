"""Claims precise enough to judge (issue 27): who carries a practice out, affiliates are not
third parties, a restriction on someone else is not the service's practice, and the evidence is
the operative sentence, not a link's title."""

from __future__ import annotations

import consentrules_ota as plugin
import pytest
from consentrules_ota.claims import load_matcher

from consentrules.testing import run
from consentrules.testing import write_snapshot


@pytest.fixture(scope="module")
def matcher():
    return load_matcher()


def _claims(matcher, text):
    return [(c.purpose, c.recipient) for c in matcher.claims(text)]


@pytest.mark.parametrize(
    ("sentence", "recipient"),
    [
        ("We use your posts to train our AI models.", "first_party"),
        (
            "We share your data with third-party collaborators who use it to train their "
            "artificial intelligence models.",
            "third_parties",
        ),
        ("Our partners may use the content you share to train their own models.", "third_parties"),
        (
            "We allow selected partners to use public posts to develop generative AI models.",
            "third_parties",
        ),
        (
            "Our affiliates may use your information to train their machine learning models.",
            "affiliates",
        ),
        # Meta's wording: the training is its own, for the benefit of others
        (
            "In our interests, and in the interests of users and third parties to develop and "
            "improve artificial intelligence technology.",
            "first_party",
        ),
    ],
)
def test_a_training_claim_says_who_trains(matcher, sentence, recipient):
    assert [c for c in _claims(matcher, sentence) if c[0] == "ai_training"] == [
        ("ai_training", recipient)
    ]


def test_affiliates_are_not_third_parties(matcher):
    assert _claims(matcher, "We share information with our affiliates.") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Customer will be prohibited from selling or sharing the data with third parties.",
        "Developers may not share the information with third parties.",
    ],
)
def test_a_restriction_on_someone_else_is_not_the_services_practice(matcher, sentence):
    assert _claims(matcher, sentence) == []


def test_the_operative_sentence_is_the_evidence_not_a_link_title(matcher):
    text = (
        "# Privacy Policy\n\n[Learn about how models are trained](https://example.com/ai).\n\n"
        "We'll use this information on the basis of legitimate interests to develop and improve "
        "generative AI models.\n"
    )
    (claim,) = matcher.claims(text)
    assert claim.sentence.startswith("We'll use this information")


def test_a_delayed_plan_is_not_a_statement_of_training(matcher):
    sentence = (
        "Based on feedback from regulators, we're delaying our change to the use of your "
        "information to develop and improve AI at Meta."
    )
    assert _claims(matcher, sentence) == []


# Timing compares like with like -----------------------------------------------------------------
_FIRST_PARTY = "# Privacy Policy\n\nLast updated: January 2, 2024\n\nWe use your posts to train our AI models.\n"
_THIRD_PARTY = (
    "# Privacy Policy\n\nLast updated: September 18, 2024\n\nWe use your posts to train our AI "
    "models. We share your data with third-party collaborators who use it to train their "
    "artificial intelligence models.\n"
)


def _history(root):
    folder = root / "Linkwork" / "Privacy Policy"
    folder.mkdir(parents=True)
    (folder / "2024-01-02T00-31-00Z.md").write_text(_FIRST_PARTY)
    (folder / "2024-09-19T00-31-00Z.md").write_text(_THIRD_PARTY)
    return root


def _check(tmp_path, recipients):
    setting = {"id": "ai-data", "purposes": ["ai_training"], "recipients": recipients,
               "default": True, "regions": {"include": ["US"]},
               "activated_at": "2024-08-01"}  # fmt: skip
    snapshot = write_snapshot(tmp_path, {"taken_at": "2024-10-01", "settings": [setting]})
    return run("check", str(snapshot), "--disclosures", f"ota:{_history(tmp_path / 'ota')}",
               "--service", "Linkwork", "--rule", "AI-TRAIN-003", "--format", "json",
               plugins=[plugin])  # fmt: skip


def test_a_setting_sharing_with_third_parties_needs_a_statement_of_that(tmp_path):
    result = _check(tmp_path, ["third_parties"])
    assert result.exit_code == 1, result.stderr
    (late,) = result.findings
    assert "ai_training by or with third parties on 2024-09-18" in late["message"]
    facts = late["evidence"]["purposes"]["ai_training:third_parties"]["disclosure"]
    assert facts["recipient"] == "third_parties"
    assert "third-party collaborators" in facts["excerpt"]


def test_first_party_training_is_disclosed_by_the_first_party_statement(tmp_path):
    result = _check(tmp_path, ["first_party"])
    assert result.exit_code == 0 and result.findings == []
