"""A second, independent-style generator: long region lists and the traps real exports hold.

``python benchmarks/generate_traps.py 10000 -o traps-10k.json`` writes a snapshot in the
native format, built the way an outside benchmark built its data rather than the way
consentrules' own generator (generate.py) does:

- most settings list their regions country by country, 100 to 250 ISO codes, instead of
  naming a group;
- exclusions are spelled out as country lists too (the 27 EU states and the 7 territories of
  theirs with a code of their own where EU law applies, then IS, LI, NO, GB, CH one by one),
  and some of them forget a code or two, which is the regional trap;
- disclosures come in several document kinds (privacy policy, FAQ, help center, blog, terms);
  the FAQ and the blog announce purposes months before the privacy policy does, and only the
  privacy policy counts for the timing policy (P3), which is the FAQ-before-policy trap;
- about 15% of the settings break at least one of the three policies.

It needs nothing from consentrules: the country list is read from the package's region data
file, so the generator is as independent of the engine as the hand loop (handloop.py) is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path
from typing import Any

REGIONS_FILE = Path(__file__).resolve().parents[1] / "src/consentrules/model/data/regions.json"
EU = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    "GF", "GP", "MQ", "RE", "YT", "MF", "AX",  # French outermost regions, Åland
]  # fmt: skip
PROTECTED = [*EU, "IS", "LI", "NO", "GB", "CH"]  # what P2 protects: the EEA, GB and CH
PURPOSES = ["analytics", "personalization", "advertising", "research", "security", "support"]
CATEGORIES = ["profile", "posts", "usage", "location", "contacts", "private_messages"]
RECIPIENTS = ["first_party", "affiliates", "service_providers", "third_parties"]
START = dt.date(2020, 1, 1)
DAYS = (dt.date(2025, 10, 31) - START).days
# The day each purpose first appears in the privacy policy; the FAQ and blog name them earlier.
POLICY_FIRST = {
    "analytics": 0,
    "advertising": 0,
    "security": 0,
    "support": 0,
    "personalization": 300,
    "third_party_sharing": 120,
    "research": 500,
    "ai_training": 1500,
}
EARLY_BY = 240  # how many days before the policy the FAQ and the blog mention a purpose


def _date(day: int) -> str:
    return (START + dt.timedelta(days=day)).isoformat()


def _countries() -> list[str]:
    data = json.loads(REGIONS_FILE.read_text("utf-8"))
    return sorted(data["countries"])


def _versions(rng: random.Random, first: dict[str, int], count: int, prefix: str) -> list[Any]:
    days = sorted({-300, *first.values(), *rng.sample(range(-300, DAYS), count)})
    return [
        {
            "version": f"{prefix}{index + 1}",
            "published_at": _date(day),
            "purposes": sorted(p for p, since in first.items() if since <= day),
            "describes_opt_out": rng.random() < 0.8,
        }
        for index, day in enumerate(days)
    ]


def disclosures(rng: random.Random) -> list[dict[str, Any]]:
    early = {purpose: day - EARLY_BY for purpose, day in POLICY_FIRST.items()}
    return [
        {"id": "ai-faq", "kind": "faq", "versions": _versions(rng, early, 25, "faq-")},
        {"id": "blog", "kind": "blog_post", "versions": _versions(rng, early, 40, "post-")},
        {
            "id": "privacy-policy",
            "kind": "privacy_policy",
            "versions": _versions(rng, POLICY_FIRST, 45, "pp-"),
        },
        {"id": "help", "kind": "help_center", "versions": _versions(rng, early, 30, "help-")},
        {"id": "terms", "kind": "terms", "versions": _versions(rng, {}, 12, "tos-")},
    ]


def _regions(rng: random.Random, countries: list[str], sensitive: bool) -> dict[str, list[str]]:
    outside = [c for c in countries if c not in PROTECTED]
    roll = rng.random()
    if roll < 0.55:
        # Spelled out, 100 to 250 codes. A sensitive setting almost always leaves the
        # protected countries out; now and then one slips in (the trap).
        size = rng.randint(100, min(250, len(countries)))
        pool = outside if sensitive and rng.random() < 0.8 else countries
        include = rng.sample(pool, min(size, len(pool)))
        return {"include": include, "exclude": []}
    if roll < 0.85:
        # Everywhere but the protected countries, listed one by one; some lists forget one.
        exclude = list(PROTECTED)
        if rng.random() < 0.25:
            for _ in range(rng.randint(1, 2)):
                exclude.remove(rng.choice(exclude))
        rng.shuffle(exclude)
        return {"include": ["ALL"], "exclude": exclude}
    # A long list that also names a group, and excludes part of it country by country.
    include = [rng.choice(["EU", "EEA", "US"]), *rng.sample(outside, rng.randint(100, 150))]
    exclude = rng.sample(EU, rng.randint(20, 27)) if include[0] != "US" else []
    return {"include": include, "exclude": exclude}


def setting(rng: random.Random, index: int, countries: list[str]) -> dict[str, Any]:
    purposes = set(rng.sample(PURPOSES, rng.randint(1, 3)))
    if rng.random() < 0.25:
        purposes.add("ai_training")
    if rng.random() < 0.10:
        purposes.add("third_party_sharing")
    if rng.random() < 0.003:
        purposes.add("data_brokerage")  # named in no privacy policy at all
    sensitive = bool(purposes & {"ai_training", "third_party_sharing"})
    default = rng.random() < (0.27 if sensitive else 0.7)
    earliest = max(POLICY_FIRST.get(p, 0) for p in purposes)
    # Most settings start well after the policy names their purposes; some start between the
    # FAQ's mention and the policy's (the FAQ-before-policy trap), a few just inside 30 days.
    roll = rng.random()
    if roll < 0.04:
        day = earliest - rng.randint(1, EARLY_BY)
    elif roll < 0.06:
        day = earliest + rng.randint(0, 29)
    else:
        day = earliest + rng.randint(31, 900)
    return {
        "id": f"svc-{index:06d}",
        "title": f"Data use {index}",
        "purposes": sorted(purposes),
        "data_categories": sorted(rng.sample(CATEGORIES, rng.randint(1, 4))),
        "recipients": sorted(rng.sample(RECIPIENTS, rng.randint(1, 3))),
        "default": default,
        "regions": _regions(rng, countries, sensitive),
        "activated_at": _date(min(max(day, 1), DAYS)),
    }


def generate(count: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    countries = _countries()
    return {
        "consentrules": "snapshot/v1",
        "platform": f"Independent-style platform ({count} settings, seed {seed})",
        "taken_at": "2025-11-01",
        "settings": [setting(rng, i, countries) for i in range(count)],
        "disclosures": disclosures(rng),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    args.output.write_text(json.dumps(generate(args.count, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
