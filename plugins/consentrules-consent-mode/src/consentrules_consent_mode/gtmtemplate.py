"""What a Tag Manager custom template does with its fields, read from the template itself.

A consent manager's template (its ``templateData`` in the export) has two parts this module
reads:

* ``___TEMPLATE_PARAMETERS___``: the fields, with their default values. A field the tag
  leaves at its default is not in the tag's ``parameter`` list, so the default is what runs;
* ``___SANDBOXED_JS_FOR_WEB_TEMPLATE___``: the code. Its ``setDefaultConsentState({...})`` and
  ``updateConsentState({...})`` calls say which field each consent type takes its value from
  (``ad_storage: settings.consentMarketing``, ``analytics_storage: data.stats``) and which
  field holds the regions (``region: splitInput(settings.region)``). Those fields are then read
  from the tag, in its top-level fields or in the rows of its tables, whatever the template
  calls them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache
from typing import Any

from consentrules_consent_mode import CONSENT_TYPES


@dataclass
class TemplateFields:
    """Consent type -> the template field it takes its value from; the region field; and the
    fields' defaults."""

    consent: dict[str, str] = field(default_factory=dict)
    region: str = ""
    defaults: dict[str, Any] = field(default_factory=dict)


def parameter_defaults(template_data: str) -> dict[str, Any]:
    """The default value of each field the template declares (nested groups included)."""
    if "___TEMPLATE_PARAMETERS___" not in template_data:
        return {}
    text = template_data.split("___TEMPLATE_PARAMETERS___", 1)[1]
    text = text.split("___", 1)[0].strip()
    try:
        declared = json.loads(text)
    except ValueError:
        return {}
    out: dict[str, Any] = {}
    stack = list(declared) if isinstance(declared, list) else []
    while stack:
        item = stack.pop()
        if not isinstance(item, dict):
            continue
        stack.extend(item.get("subParams") or ())
        if "name" in item and "defaultValue" in item and item.get("type") != "GROUP":
            value = item["defaultValue"]
            out[str(item["name"])] = value if isinstance(value, (str, list)) else str(value).lower()
    return out


@lru_cache(maxsize=256)
def consent_fields(template_data: str) -> TemplateFields:
    """The fields the template's consent calls read, from its sandboxed code. Parsed once per
    template (a container's tags share a few templates); callers read it, never change it."""
    from consentrules_consent_mode.jscalls import Script
    from consentrules_consent_mode.jscalls import _callee_name
    from consentrules_consent_mode.jscalls import _parser
    from consentrules_consent_mode.jscalls import _text

    out = TemplateFields(defaults=parameter_defaults(template_data))
    code = template_data.split("___SANDBOXED_JS_FOR_WEB_TEMPLATE___", 1)[-1]
    code = code.split("___WEB_PERMISSIONS___", 1)[0]
    tree = _parser().parse(Script(code, 1, 1).text.encode("utf-8"))
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.type != "call_expression":
            continue
        if _callee_name(node) not in ("setDefaultConsentState", "updateConsentState"):
            continue
        arguments = node.child_by_field_name("arguments")
        first = arguments.named_children[0] if arguments and arguments.named_children else None
        if first is None or first.type != "object":
            continue
        for pair in first.named_children:
            if pair.type != "pair":
                continue
            key = _text(pair.child_by_field_name("key")).strip("'\"")
            name = _field_read(pair.child_by_field_name("value"), _text)
            if name is None:
                continue
            if (
                key in CONSENT_TYPES
                or key.endswith("_storage")
                or key in ("ad_user_data", "ad_personalization")
            ):
                out.consent.setdefault(key, name)
            elif key == "region":
                out.region = out.region or name
    return out


def _field_read(node: Any, text: Any) -> str | None:
    """``settings.consentMarketing`` -> ``consentMarketing``; the field a value reads (also
    inside a call such as ``splitInput(settings.region)``)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current is None:
            continue
        if current.type == "member_expression":
            prop = current.child_by_field_name("property")
            if prop is not None:
                return str(text(prop))
        if current.type == "subscript_expression":
            index = current.child_by_field_name("index")
            if index is not None and index.type == "string":
                return str(text(index))[1:-1]
        stack.extend(reversed(current.named_children))
    return None
