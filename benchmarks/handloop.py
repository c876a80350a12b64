"""The three benchmark policies as a plain hand-written Python loop: the floor to beat.

``python benchmarks/handloop.py SNAPSHOT.json`` prints the violations as JSON lines of
``[policy, setting id]``, sorted.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import sys
from pathlib import Path

EU = {
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
    # Territories of member states where EU law applies that have a country code of their own:
    # the French outermost regions (TFEU art. 349 and 355(1)) and the Åland Islands (355(4)).
    "GF",
    "GP",
    "MQ",
    "RE",
    "YT",
    "MF",
    "AX",
}
EEA = EU | {"IS", "LI", "NO"}
TARGETS = EEA | {"GB", "CH"}


def main(path: str) -> list[tuple[str, str]]:
    gc.disable()
    data = json.loads(Path(path).read_text())
    countries = json.loads(
        (
            Path(__file__).resolve().parents[1] / "src/consentrules/model/data/regions.json"
        ).read_text()
    )["countries"]
    groups = {"EU": EU, "EEA": EEA, "UK": {"GB"}, "ALL": set(countries), "US": {"US"}}

    def expand(terms: list[str]) -> set[str]:
        out: set[str] = set()
        for term in terms:
            out |= groups.get(term, {term})
        return out

    first: dict[str, dt.date] = {}
    for document in data.get("disclosures", []):
        if document["kind"] != "privacy_policy":
            continue
        for version in document["versions"]:
            day = dt.date.fromisoformat(version["published_at"])
            for purpose in version.get("purposes", []):
                if purpose not in first or day < first[purpose]:
                    first[purpose] = day
    out = []
    for s in data["settings"]:
        purposes = s["purposes"]
        if s["default"] and ("ai_training" in purposes or "third_party_sharing" in purposes):
            out.append(("P1", s["id"]))
        if s["default"] and "ai_training" in purposes:
            regions = s["regions"]
            if (expand(regions["include"]) - expand(regions.get("exclude", []))) & TARGETS:
                out.append(("P2", s["id"]))
        deadline = dt.date.fromisoformat(s["activated_at"]) - dt.timedelta(days=30)
        if any(p not in first or first[p] > deadline for p in purposes):
            out.append(("P3", s["id"]))
    return sorted(out)


if __name__ == "__main__":
    for item in main(sys.argv[1]):
        print(json.dumps(list(item)))
