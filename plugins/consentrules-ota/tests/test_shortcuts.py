"""The scan's shortcuts for long histories read exactly what the plain reading reads."""

from __future__ import annotations

import random

import pytest
from consentrules_ota import dating
from consentrules_ota.captures import names_document
from consentrules_ota.claims import sentences


@pytest.mark.parametrize(
    "line",
    [
        "Effective date: September 18, 2024",
        "LAST UPDATED 2024-01-02",
        "This policy was revi\u017fed on 1 May 2023",  # a long s folds to s, as the pattern folds it
        "Nothing to see here, 2024",
        "Die Richtlinie gilt ab 01.02.2024",
        "",
    ],
)
def test_the_cue_passes_every_line_the_pattern_could_match(line):
    could_match = dating._STATED.search(line) is not None
    assert dating._cued(line) == (dating._CUE.search(line) is not None)
    assert dating._cued(line) or not could_match


def _text(seed: int, lines: int) -> str:
    rng = random.Random(seed)
    breaks = ["\n", "\r\n", "\r", "\n\n", "\u2028"]
    return "".join(
        "x" * rng.randrange(0, 3000) + f" line {n}" + rng.choice(breaks) for n in range(lines)
    )


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("count", [5, 100, 111, 400])
def test_head_and_tail_are_the_lines_splitlines_gives(seed, count):
    text = _text(seed, count)
    lines = text.splitlines()
    if len(lines) > dating._HEAD_LINES + dating._TAIL_LINES:
        lines = lines[: dating._HEAD_LINES] + lines[-dating._TAIL_LINES :]
    assert dating._head_and_tail(text) == lines


@pytest.mark.parametrize("seed", range(6))
def test_the_document_is_named_in_the_first_lines_as_before(seed):
    text = _text(seed, 60) + "Privacy Policy\n"
    head = " ".join(text.splitlines()[:15]).lower()
    assert names_document(text, "Privacy Policy") == ("privacy policy" in head)
    assert names_document("Privacy Policy\n" + text, "Privacy Policy")


def test_headings_underlines_and_items_read_as_before():
    text = (
        "# Title\n\nIntro sentence. Another one.\nTitle two\n=====\n- item one\n"
        "  2) item two\n#not a heading\n---\nWe share:\n* with partners\n+ with others\n"
    )
    # (what the reading gave before the shortcuts, line by line)
    assert sentences(text) == [
        ("Title", "Intro sentence."),
        ("Title", "Another one."),
        ("Title two", "item one"),
        ("Title two", "item two"),
        ("not a heading", "We share:"),  # a line underlined with --- is a heading
        ("not a heading", "We share: with partners"),
        ("not a heading", "We share: with others"),
    ]
