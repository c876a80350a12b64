"""Precision and recall of the claim matcher on real policies (48 versions, hand-labelled).

Labels: Pinterest states training of machine learning models from the version recorded
2023-08-02 on, and no earlier version does (the sample's README states both); Reddit's sample
never does. Every version of both policies describes sharing information with third parties
(advertisers, partners), which we checked by reading each policy's sharing section.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from consentrules_ota import scan
from consentrules_ota.claims import load_matcher
from consentrules_ota.layouts import read_versions

DATASET = Path(__file__).parent / "data" / "dataset"


def _labels(service: str, day: str) -> dict[str, bool]:
    return {
        "ai_training": service == "Pinterest" and day >= "2023-08-02",
        "third_party_sharing": True,
    }


@pytest.mark.parametrize("purpose", ["ai_training", "third_party_sharing"])
def test_precision_and_recall(purpose, capsys):
    matcher = load_matcher()
    tp = fp = fn = 0
    for service in ("Pinterest", "Reddit"):
        for item in scan(read_versions(DATASET, service, "Privacy Policy"), matcher):
            truth = _labels(service, item.version.recorded_day)[purpose]
            found = purpose in item.purposes
            tp += truth and found
            fp += found and not truth
            fn += truth and not found
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    with capsys.disabled():
        print(
            f"\n{purpose}: precision {precision:.2f}, recall {recall:.2f} (tp {tp}, fp {fp}, fn {fn})"
        )
    assert precision >= 0.95
    assert recall >= 0.9
