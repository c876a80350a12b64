"""Suggestions for an unknown region term: the code a person meant by a name, an adjective or
a near miss (``Swiss``: ``CH``; ``Quebec``: ``CA-QC``; ``EAA``: ``EEA``)."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from consentrules.model.regions import RegionRegistry

#: Adjectives people write for a jurisdiction where a code is wanted (the "did you mean" of an
#: unknown region); names are matched against the registry's own country names.
ADJECTIVES = {
    "american": "US",
    "australian": "AU",
    "austrian": "AT",
    "belgian": "BE",
    "brazilian": "BR",
    "british": "GB",
    "bulgarian": "BG",
    "canadian": "CA",
    "croatian": "HR",
    "cypriot": "CY",
    "czech": "CZ",
    "danish": "DK",
    "dutch": "NL",
    "english": "GB",
    "estonian": "EE",
    "european": "EU",
    "finnish": "FI",
    "french": "FR",
    "german": "DE",
    "greek": "GR",
    "hungarian": "HU",
    "icelandic": "IS",
    "indian": "IN",
    "irish": "IE",
    "italian": "IT",
    "japanese": "JP",
    "latvian": "LV",
    "lithuanian": "LT",
    "luxembourgish": "LU",
    "maltese": "MT",
    "norwegian": "NO",
    "polish": "PL",
    "portuguese": "PT",
    "romanian": "RO",
    "scottish": "GB",
    "slovak": "SK",
    "slovenian": "SI",
    "spanish": "ES",
    "swedish": "SE",
    "swiss": "CH",
    "welsh": "GB",
}


def suggest(registry: RegionRegistry, term: str) -> list[str]:
    """Codes the author may have meant: the code in capitals, the country of a name or an
    adjective (``Swiss``: ``CH``), a country whose name is close, then a code that is."""
    import difflib

    upper, lower = term.upper(), term.lower()
    subdivision_codes = [*registry._subdivision_country, *registry.divisions, *registry.aliases]
    if upper in registry.groups or upper in registry.countries or upper in subdivision_codes:
        return [upper] if upper != term else []
    # A code with a dash is matched among the subdivisions (of its country where that is
    # known); one without among groups and countries, not 5,000 subdivision codes.
    country = upper.split("-")[0]
    vocabulary = (
        [code for code in subdivision_codes if code.startswith(country + "-")] or subdivision_codes
        if "-" in term
        else [*registry.groups, *registry.countries]
    )
    by_name = [
        code
        for code, name in registry.countries.items()
        if name.lower() == lower or name.lower().startswith(lower + " ")
    ]
    if lower in ADJECTIVES:
        by_name.insert(0, ADJECTIVES[lower])
    if not by_name and "-" not in term:
        by_name = _subdivisions_named(registry, term)
    if not by_name and len(term) > 3:
        names = {name.lower(): code for code, name in registry.countries.items()}
        by_name = [names[n] for n in difflib.get_close_matches(lower, names, n=3, cutoff=0.75)]
    if by_name:
        return list(dict.fromkeys(by_name))[:3]
    return difflib.get_close_matches(upper, sorted(vocabulary), n=3, cutoff=0.6)


def _subdivisions_named(registry: RegionRegistry, name: str) -> list[str]:
    """Subdivision codes whose name is ``name`` (accents and case aside): Quebec, CA-QC."""
    wanted = _plain(name)
    names = [*registry._division_names.items()]
    names += [item for subs in registry.subdivisions.values() for item in subs.items()]
    found = []
    for code, full in names:
        # "Catalunya [Cataluña]", "Wales [Cymru GB-CYM]": each spelling counts.
        spellings = [full.split(" [")[0], *full.split(" [")[1:]]
        if any(_plain(s.rstrip("]")).split(" (")[0] == wanted for s in spellings):
            found.append(code)
    return sorted(found)


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().strip()
