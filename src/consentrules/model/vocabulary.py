"""The tokens settings are described with, and the ones no rule knows (a likely typo).

Rules select settings by purpose, data category and recipient tokens. A snapshot that writes
``ai-training`` where the rules say ``ai_training`` is selected by no rule and passes silently;
so every token a snapshot uses is compared with the known ones: this standard vocabulary plus
every token the loaded rules name. An unknown token is a warning with "did you mean" (a
failure under ``--strict``).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

FIELDS = ("purposes", "data_categories", "recipients")

#: The standard tokens (docs/rules.md lists them with their meaning).
VOCABULARY: Mapping[str, frozenset[str]] = {
    "purposes": frozenset(
        {
            "advertising",
            "ai_training",
            "analytics",
            "cross_service_combination",
            "data_licensing",
            "fraud_prevention",
            "functional",
            "personalization",
            "product_improvement",
            "research",
            "security",
            "service_provision",
            "third_party_sharing",
        }
    ),
    "data_categories": frozenset(
        {
            "account_credentials",
            "biometric",
            "childrens_data",
            "citizenship_or_immigration",
            "contacts",
            "cookies",
            "device_identifiers",
            "device_storage",
            "financial",
            "genetic",
            "government_id",
            "health",
            "live_communications",
            "location",
            "minors_data",
            "neural_data",
            "political_opinions",
            "posts",
            "precise_geolocation",
            "private_messages",
            "profile",
            "racial_or_ethnic_origin",
            "religious_beliefs",
            "sex_life",
            "sexual_orientation",
            "trade_union_membership",
            "usage",
        }
    ),
    "recipients": frozenset(
        {"affiliates", "first_party", "processors", "public", "service_providers", "third_parties"}
    ),
}

#: The age groups a setting may state its own default for (``group_defaults``), each with the
#: groups that contain it, narrowest first: a default for minors (under 18) is also the
#: default for users under 16 and children under 13, unless the setting states a narrower one.
#: A rule judging ``under_16`` (GDPR Art. 8, Cal. Civ. Code 1798.120(c)) therefore reads
#: ``under_16``, then ``minors``; one judging ``minors`` (the UK children's code) reads only
#: ``minors``: a default for under-16s says nothing about 16- and 17-year-olds.
AGE_GROUPS: Mapping[str, tuple[str, ...]] = {
    "under_13": ("under_13", "under_16", "minors"),
    "under_16": ("under_16", "minors"),
    "minors": ("minors",),
}

#: How a message names each age group.
AGE_GROUP_WORDS: Mapping[str, str] = {
    "under_13": "children under 13",
    "under_16": "users under 16",
    "minors": "minors (under 18)",
}

_WORDS = {"purposes": "purpose", "data_categories": "data category", "recipients": "recipient"}


def known_tokens(rules: Iterable[Any]) -> dict[str, frozenset[str]]:
    """The standard vocabulary and every token the rules select by or name in their checks."""
    known = {name: set(VOCABULARY[name]) for name in FIELDS}
    for rule in rules:
        for name in FIELDS:
            selector = getattr(rule, "selector", None)
            known[name].update(selector.values(name) if selector is not None else ())
        purposes = rule.params.get("purposes") if isinstance(rule.params, Mapping) else None
        if isinstance(purposes, list):
            known["purposes"].update(p for p in purposes if isinstance(p, str))
    return {name: frozenset(values) for name, values in known.items()}


def unknown_tokens(
    settings: Sequence[Any], known: Mapping[str, frozenset[str]]
) -> tuple[tuple[str, str, str], ...]:
    """``(field, token, first setting using it)`` for each token no rule knows."""
    import itertools
    import operator

    out = []
    # (disputed categories are data categories too: a misspelt one would never be matched)
    for name, vocabulary in (*((f, f) for f in FIELDS), ("disputed_categories", "data_categories")):
        allowed = known.get(vocabulary)
        if allowed is None:
            continue
        # The tokens in use, gathered in C: a large snapshot repeats a few tokens many times.
        used = set(itertools.chain.from_iterable(map(operator.attrgetter(name), settings)))
        for token in sorted(used - allowed):
            where = next(s.id for s in settings if token in getattr(s, name))
            out.append((vocabulary, token, where))
    return tuple(out)


def suggestion(name: str, token: str, known: Mapping[str, frozenset[str]]) -> str | None:
    """The known token a misspelt one most likely means."""
    allowed = sorted(known.get(name, ()))
    normal = token.strip().lower().replace("-", "_").replace(" ", "_")
    if normal in allowed:
        return normal
    import difflib

    close = difflib.get_close_matches(normal, allowed, n=1, cutoff=0.75)
    return close[0] if close else None


def describe(
    unknown: Iterable[tuple[str, str, str]], known: Mapping[str, frozenset[str]]
) -> list[str]:
    """One phrase per unknown token, with "did you mean" where a known token is close."""
    out = []
    for name, token, where in unknown:
        close = suggestion(name, token, known)
        hint = f" (did you mean {close!r}?)" if close else ""
        out.append(f"{_WORDS[name]} {token!r} on setting {where!r}{hint}")
    return out


def rule_token_warnings(rules: Iterable[Any]) -> list[tuple[Any, str]]:
    """``(rule, phrase)`` for each token a rule selects by that is not standard but close to
    a standard one: most likely a typo that makes the rule select nothing."""
    out = []
    for rule in rules:
        for name in FIELDS:
            selector = getattr(rule, "selector", None)
            for token in selector.values(name) if selector is not None else ():
                if token in VOCABULARY[name]:
                    continue
                close = suggestion(name, token, VOCABULARY)
                if close is not None:
                    out.append((rule, f"{_WORDS[name]} {token!r} (did you mean {close!r}?)"))
    return out
