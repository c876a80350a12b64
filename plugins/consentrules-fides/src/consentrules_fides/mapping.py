"""How Fides taxonomy keys become consentrules tokens: a table of key prefixes, the most
specific prefix winning, that an overlay file can extend or override (``mapping``)."""

from __future__ import annotations

from collections.abc import Mapping

#: Fides data use (or a prefix of it) -> consentrules purposes. An empty list: a use the
#: packs have no purpose for (it is reported as unmapped, never dropped silently).
DATA_USES: dict[str, list[str]] = {
    "analytics": ["analytics"],
    "collect": [],
    "employment": [],
    "essential": ["service_provision"],
    "essential.fraud_detection": ["fraud_prevention"],
    "essential.service.security": ["security"],
    "essential.service.operations.improve": ["product_improvement"],
    "finance": [],
    "functional": ["functional"],
    "functional.service.improve": ["product_improvement"],
    "marketing.advertising": ["advertising"],
    "marketing.advertising.third_party": ["advertising", "third_party_sharing"],
    "marketing.advertising.profiling": ["advertising", "personalization"],
    "marketing.communications": [],
    "operations": [],
    "personalize": ["personalization"],
    "sales": [],
    "third_party_sharing": ["third_party_sharing"],
    "train_ai_system": ["ai_training"],
}

#: Fides data category (or a prefix) -> consentrules data categories.
DATA_CATEGORIES: dict[str, list[str]] = {
    "system": [],
    "user": ["profile"],
    "user.account": ["profile"],
    "user.authorization": ["account_credentials"],
    "user.authorization.biometric": ["biometric"],
    "user.behavior": ["usage"],
    "user.biometric": ["biometric"],
    "user.biometric.health": ["biometric", "health"],
    "user.childrens": ["childrens_data"],
    "user.contact": ["contacts"],
    "user.content": ["posts"],
    "user.content.private": ["private_messages"],
    "user.content.public": ["posts"],
    "user.criminal_history": ["government_id"],
    "user.demographic": ["profile"],
    "user.demographic.political_opinion": ["political_opinions"],
    "user.demographic.race_ethnicity": ["racial_or_ethnic_origin"],
    "user.demographic.religious_belief": ["religious_beliefs"],
    "user.demographic.sexual_orientation": ["sexual_orientation"],
    "user.device": ["device_identifiers"],
    "user.device.cookie": ["cookies"],
    "user.device.cookie_id": ["cookies", "device_identifiers"],
    "user.financial": ["financial"],
    "user.government_id": ["government_id"],
    "user.government_id.immigration": ["government_id", "citizenship_or_immigration"],
    "user.health_and_medical": ["health"],
    "user.health_and_medical.genetic": ["genetic", "health"],
    "user.location": ["location"],
    "user.location.precise": ["precise_geolocation"],
    "user.payment": ["financial"],
    "user.telemetry": ["usage"],
    "user.unique_id": ["device_identifiers"],
}

#: Fides legal bases -> consentrules legal_basis tokens.
LEGAL_BASES: dict[str, str] = {
    "consent": "consent",
    "contract": "contract",
    "legal obligations": "legal_obligation",
    "vital interests": "vital_interest",
    "public interest": "public_task",
    "legitimate interests": "legitimate_interest",
}


def lookup(key: str, table: Mapping[str, list[str]]) -> list[str] | None:
    """The tokens of the most specific prefix of ``key`` in ``table``; None if none matches."""
    parts = key.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in table:
            return list(table[prefix])
    return None
