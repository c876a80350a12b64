"""Builds ``data/regions.json`` from pycountry's ISO 3166 data, and checks it is current.

The registry's codes come from a maintained source, not a hand list: pycountry ships the
ISO 3166-1 and ISO 3166-2 tables of Debian's iso-codes. This module is a maintainer's tool
(``python -m consentrules.model.regiondata [--check]``); the package reads only the JSON it
writes, so pycountry is not a run-time dependency. The test suite runs ``--check`` against the
pinned pycountry of the ``test`` extra, so an update to the data is one version bump and one
``python -m consentrules.model.regiondata`` away.

What is kept by hand, because ISO does not say it:

* :data:`ALIASES`: ISO 3166-2 codes of territories that also have an ISO 3166-1 code of their
  own (``FR-971`` is Guadeloupe, ``GP``). Geolocation reports the ISO 3166-1 code, so the
  territory is one region under both codes, and the parent country's leaves leave it out.
* :data:`TERRITORIES`: subdivisions that make up a country coded in ISO 3166-1 with no
  subdivisions of its own (Svalbard and Jan Mayen, ``SJ``, are ``NO-21`` and ``NO-22``).
* the named groups (EU, EEA, UK, ...), with the date their membership holds from.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "regions.json"

#: ISO 3166-2 code -> the region it is under its own ISO 3166-1 code (or that code's subdivision).
ALIASES = {
    "CN-HK": "HK",
    "CN-MO": "MO",
    "CN-TW": "TW",
    "FI-01": "AX",
    "FR-971": "GP",
    "FR-972": "MQ",
    "FR-973": "GF",
    "FR-974": "RE",
    "FR-976": "YT",
    "FR-BL": "BL",
    "FR-MF": "MF",
    "FR-NC": "NC",
    "FR-PF": "PF",
    "FR-PM": "PM",
    "FR-TF": "TF",
    "FR-WF": "WF",
    "NL-AW": "AW",
    "NL-CW": "CW",
    "NL-SX": "SX",
    "NL-BQ1": "BQ-BO",
    "NL-BQ2": "BQ-SA",
    "NL-BQ3": "BQ-SE",
    "US-AS": "AS",
    "US-GU": "GU",
    "US-MP": "MP",
    "US-PR": "PR",
    "US-UM": "UM",
    "US-VI": "VI",
}

#: An ISO 3166-1 country without subdivisions -> the ISO 3166-2 subdivisions (of another
#: country's list) it is made of. They become that country's leaves.
TERRITORIES = {"SJ": ("NO-21", "NO-22")}


def build(previous: dict[str, Any]) -> dict[str, Any]:
    """The registry data from the installed pycountry; groups are kept from ``previous``."""
    import importlib.metadata

    import pycountry

    version = importlib.metadata.version("pycountry")
    countries = {c.alpha_2: c.name for c in pycountry.countries}
    records = {s.code: s for s in pycountry.subdivisions}
    for code, target in ALIASES.items():
        if code not in records or target.split("-")[0] not in countries:
            raise SystemExit(f"alias {code} -> {target} no longer matches ISO 3166 data")
    territory_of = {sub: country for country, subs in TERRITORIES.items() for sub in subs}
    children: dict[str, list[str]] = {}
    for code, record in records.items():
        if record.parent_code and code not in ALIASES:
            children.setdefault(record.parent_code, []).append(code)
    subdivisions: dict[str, dict[str, str]] = {}
    divisions: dict[str, dict[str, Any]] = {}
    for code in sorted(records):
        record = records[code]
        if code in ALIASES:
            continue
        if code in children:
            divisions[code] = {"name": record.name, "members": sorted(children[code])}
            continue
        country = territory_of.get(code, record.country_code)
        subdivisions.setdefault(country, {})[code] = record.name
    groups = previous.get("groups", {})
    return {
        "source": (
            f"ISO 3166-1 alpha-2 countries and ISO 3166-2 subdivisions from pycountry {version} "
            "(Debian iso-codes), built by consentrules.model.regiondata; a subdivision that is "
            "also coded in ISO 3166-1 is an alias of that code; group memberships hold from "
            "the date each states."
        ),
        "pycountry": version,
        "countries": dict(sorted(countries.items())),
        "subdivisions": {c: subdivisions[c] for c in sorted(subdivisions)},
        "divisions": divisions,
        "aliases": dict(sorted(ALIASES.items())),
        "groups": groups,
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m consentrules.model.regiondata",
        description="Rebuild data/regions.json from pycountry, or check that it is current.",
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the data differs from pycountry's"
    )
    args = parser.parse_args(argv)
    current = DATA.read_text("utf-8")
    fresh = render(build(json.loads(current)))
    if args.check:
        if fresh != current:
            print(
                f"{DATA} is not what pycountry gives; run python -m consentrules.model.regiondata",
                file=sys.stderr,
            )
            return 1
        print(f"{DATA} matches the installed pycountry")
        return 0
    DATA.write_text(fresh, "utf-8")
    print(f"wrote {DATA}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
