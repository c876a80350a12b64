"""A seeded generator of platform snapshots for the benchmark.

``python benchmarks/generate.py 10000 -o snap-10k.json`` writes a snapshot of 10,000 settings
in the native format: purposes, data categories, recipients, a boolean default, regions drawn
from the 249 ISO countries and the EU/EEA/UK/US/ALL groups, an activation date, and a
privacy policy with tens of versions (plus a FAQ and a help-center page). The shares are
tuned so that each of the three benchmark policies finds roughly 5% of the settings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path
from typing import Any

from consentrules.model.regions import default_registry

PURPOSES = ["analytics", "personalization", "advertising", "research", "security"]
CATEGORIES = ["profile", "posts", "usage", "location", "contacts", "private_messages"]
RECIPIENTS = ["first_party", "affiliates", "third_parties"]
GROUPS = ["EU", "EEA", "UK", "US"]
START = dt.date(2019, 1, 1)
DAYS = (dt.date(2025, 6, 30) - START).days


def _date(day: int) -> str:
    return (START + dt.timedelta(days=day)).isoformat()


def disclosures(rng: random.Random) -> list[dict[str, Any]]:
    """A privacy policy whose versions add purposes over time, and two other documents."""
    first = {  # the day each purpose first appears in the privacy policy
        "analytics": 0,
        "advertising": 0,
        "security": 0,
        "personalization": 200,
        "third_party_sharing": 60,
        "ai_training": 150,
        "research": 100,
    }
    days = sorted({-400, *first.values(), *rng.sample(range(-400, DAYS), 30)})
    versions = [
        {
            "version": f"v{index + 1}",
            "published_at": _date(day),
            "purposes": sorted(p for p, since in first.items() if since <= day),
            "describes_opt_out": True,
        }
        for index, day in enumerate(days)
    ]
    other = [
        {"version": str(i), "published_at": _date(i * 90), "describes_opt_out": True}
        for i in range(1, 20)
    ]
    return [
        {"id": "privacy-policy", "kind": "privacy_policy", "versions": versions},
        {"id": "ai-faq", "kind": "faq", "versions": other},
        {"id": "help", "kind": "help_center", "versions": other},
    ]


def setting(rng: random.Random, index: int, countries: list[str]) -> dict[str, Any]:
    purposes = set(rng.sample(PURPOSES, rng.randint(1, 2)))
    if rng.random() < 0.30:
        purposes.add("ai_training")
    if rng.random() < 0.05:
        purposes.add("third_party_sharing")
    if rng.random() < 0.004:
        purposes.add("data_licensing")  # never disclosed
    sensitive = purposes & {"ai_training", "third_party_sharing"}
    default = rng.random() < (0.16 if sensitive else 0.6)
    roll = rng.random()
    if roll < 0.5:
        include = ["ALL"]
    elif roll < 0.8:
        include = rng.sample(countries, rng.randint(1, 20))
    else:
        include = [rng.choice(GROUPS), *rng.sample(countries, rng.randint(0, 5))]
    roll = rng.random()
    if roll < 0.20:
        exclude = ["EEA", "CH", "UK"]
    elif roll < 0.35:
        exclude = ["EEA"]
    elif roll < 0.55:
        exclude = ["EU", "GB"]
    elif roll < 0.65:
        exclude = rng.sample(countries, rng.randint(1, 10))
    else:
        exclude = []
    registry = default_registry()
    if not registry.expand_all(include) - registry.expand_all(exclude):
        exclude = []  # the practice must apply somewhere
    return {
        "id": f"setting-{index:06d}",
        "title": f"Setting {index}",
        "purposes": sorted(purposes),
        "data_categories": sorted(rng.sample(CATEGORIES, rng.randint(1, 3))),
        "recipients": sorted(rng.sample(RECIPIENTS, rng.randint(1, 2))),
        "default": default,
        "regions": {"include": include, "exclude": exclude},
        "activated_at": _date(rng.randint(60, DAYS)),
    }


def generate(count: int, seed: int = 2024) -> dict[str, Any]:
    rng = random.Random(seed)
    countries = sorted(default_registry().countries)
    return {
        "consentrules": "snapshot/v1",
        "platform": f"Benchmark platform ({count} settings, seed {seed})",
        "taken_at": "2025-07-01",
        "settings": [setting(rng, i, countries) for i in range(count)],
        "disclosures": disclosures(rng),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--yaml", action="store_true", help="write YAML instead of JSON")
    args = parser.parse_args(argv)
    data = generate(args.count, args.seed)
    if args.yaml:
        import yaml

        args.output.write_text(yaml.safe_dump(data, sort_keys=False, default_flow_style=None))
    else:
        args.output.write_text(json.dumps(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
