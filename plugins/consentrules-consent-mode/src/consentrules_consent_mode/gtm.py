"""Consent commands of a Google Tag Manager container export (Admin > Export Container).

A container sets Consent Mode defaults through tags, which run when their triggers fire:

* a *Custom HTML* tag runs its ``<script>``; its ``gtag('consent', ...)`` and
  ``dataLayer.push(['consent', ...])`` calls are read as a page's are
  (:mod:`consentrules_consent_mode.jscalls`);
* a *custom template* tag (``cvt_...``) calls ``setDefaultConsentState`` or
  ``updateConsentState`` in its sandboxed code, with values from its fields. Google's reference
  template and most CMP templates name those fields after the consent types (``ad_storage``,
  ``adStorage``, ``defaultAdStorage``), with a ``command`` field and rows of a region table;
  those are read. Values hard-coded in the template's code (``setDefaultConsentState({...})``
  with literals) are read from the code.

When a tag runs decides whether its command counts for a new visitor: a tag fired by the
Consent Initialization, Initialization, page view, DOM ready or window loaded trigger runs on
load (on some pages only when the trigger has filters: the values are then uncertain); a tag
fired by a click or a custom event (the banner's "accept") runs after the visitor acts, and an
``update`` there is not applied. Paused tags do not run. A value taken from a GTM variable
(``{{CMP - ad_storage}}``) cannot be told from the export: the default is "cannot tell", with
the reason.

Commands are ordered as GTM fires them: Consent Initialization tags first, then
Initialization, page view, DOM ready and window loaded; within a trigger, higher tag priority
first, then the export's order.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from consentrules import InputError
from consentrules import JsonSourceMap
from consentrules import Problem
from consentrules_consent_mode import CONSENT_TYPES
from consentrules_consent_mode import V2_TYPES
from consentrules_consent_mode import Command
from consentrules_consent_mode import commands_from_page
from consentrules_consent_mode import load_json

#: Built-in trigger ids of every container, and the load stage they fire at.
_BUILT_IN_TRIGGERS = {
    "2147479572": ("consent initialization", 0),
    "2147479573": ("initialization", 1),
    "2147479553": ("page view", 2),
}
#: Trigger types that fire on load (any letter case, with or without underscores).
_LOAD_TRIGGERS = {
    "consentinit": ("consent initialization", 0),
    "init": ("initialization", 1),
    "pageview": ("page view", 2),
    "domready": ("DOM ready", 3),
    "windowloaded": ("window loaded", 4),
}
_VARIABLE = re.compile(r"\{\{[^}]*\}\}")
#: The countries of the European Economic Area, as the community Consent Mode template
#: expands its "eea" region shorthand (the EU's 27 and Iceland, Liechtenstein, Norway).
EEA_COUNTRIES = [
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
    "IS",
    "LI",
    "NO",
]
_CONSENT_JS = re.compile(r"['\"]consent['\"]")
#: A template that uses the consent APIs names them (it must require them to call them).
_CONSENT_CALL = re.compile(r"(setDefaultConsentState|updateConsentState)")


def is_container_export(head: str) -> bool:
    return '"exportFormatVersion"' in head or '"containerVersion"' in head


def commands_from_container(text: str, path: str) -> tuple[dict[str, Any], list[Command]]:
    """The platform header (name, export date) and the consent commands the container runs on
    a new visitor's page load, in the order GTM runs them."""
    data = load_json(text, path)
    version = data.get("containerVersion", data) if isinstance(data, dict) else None
    if not isinstance(version, dict) or not isinstance(version.get("tag", []), list):
        raise InputError(
            [Problem(path, "not a Tag Manager container export: no containerVersion.tag list", 1)]
        )
    base = "/containerVersion" if "containerVersion" in data else ""
    source = JsonSourceMap(text)
    container = version.get("container") if isinstance(version.get("container"), dict) else {}
    header = {
        "platform": container.get("name") or container.get("publicId") or "",
        "taken_at": str(data.get("exportTime", ""))[:10],
    }
    triggers = {
        str(t.get("triggerId")): t for t in version.get("trigger", []) or [] if isinstance(t, dict)
    }
    templates = _templates(version)
    ordered: list[tuple[tuple[int, int, int], Command]] = []
    problems: list[Problem] = []
    for index, tag in enumerate(version.get("tag", [])):
        if not isinstance(tag, dict) or tag.get("paused"):
            continue
        line, column = source.locate(f"{base}/tag/{index}") or (1, 1)
        stage, condition = _when(tag, triggers)
        name = str(tag.get("name") or f"tag {index}")
        try:
            commands = _tag_commands(tag, templates, path, line, column)
        except InputError as error:
            problems.extend(error.problems)
            continue
        priority = _int(tag.get("priority"))
        for order, command in enumerate(commands):
            if stage is None:
                continue  # fires only after the visitor acts (a click, the banner's event)
            if condition:
                command.conditional = command.conditional or f"tag {name!r} {condition}"
            if command.conditional and command.action == "update":
                continue  # a stored choice or a variable: not what a new visitor gets
            ordered.append(((stage, -priority, index * 1000 + order), command))
    if problems:
        raise InputError(problems)
    ordered.sort(key=lambda item: item[0])
    return header, [command for _, command in ordered]


def _int(value: Any) -> int:
    if isinstance(value, dict):
        value = value.get("value")
    try:
        return int(str(value))
    except ValueError:
        return 0


def _templates(version: dict[str, Any]) -> dict[str, str]:
    """Template id -> the template's sandboxed code (what it calls)."""
    out: dict[str, str] = {}
    for template in version.get("customTemplate", []) or []:
        if isinstance(template, dict):
            out[str(template.get("templateId"))] = str(template.get("templateData") or "")
    return out


def _when(tag: dict[str, Any], triggers: dict[str, Any]) -> tuple[int | None, str]:
    """The load stage the tag fires at (None: only after the visitor acts) and the condition
    it fires under on load (empty when on every page)."""
    stages: list[tuple[int, str]] = []
    for trigger_id in tag.get("firingTriggerId", []) or []:
        trigger_id = str(trigger_id)
        if trigger_id in _BUILT_IN_TRIGGERS:
            stages.append((_BUILT_IN_TRIGGERS[trigger_id][1], ""))
            continue
        trigger = triggers.get(trigger_id, {})
        kind = str(trigger.get("type", "")).replace("_", "").lower()
        if kind in _LOAD_TRIGGERS:
            filtered = trigger.get("filter") or trigger.get("autoEventFilter")
            condition = (
                f"fires on load only where trigger {trigger.get('name', trigger_id)!r} matches"
                if filtered
                else ""
            )
            stages.append((_LOAD_TRIGGERS[kind][1], condition))
    if not stages:
        return None, ""
    stage = min(stages)
    unconditional = [s for s in stages if not s[1]]
    condition = "" if unconditional else stage[1]
    if tag.get("blockingTriggerId"):
        condition = condition or "fires on load unless a blocking trigger matches"
    return (min(unconditional)[0] if unconditional else stage[0]), condition


def _tag_commands(
    tag: dict[str, Any], templates: dict[str, str], path: str, line: int, column: int
) -> list[Command]:
    kind = str(tag.get("type", ""))
    params = _values(tag.get("parameter", []))
    if kind == "html":
        html = params.get("html")
        if not isinstance(html, str) or not _CONSENT_JS.search(html):
            return []
        # Positions inside the tag's HTML are the tag's: the HTML is one JSON string, so a
        # problem points at the tag's line in the export and says where in the HTML it is.
        try:
            commands = commands_from_page(html, path, True)
        except InputError as error:
            raise InputError(
                [
                    dataclasses.replace(
                        problem,
                        message=f"tag {tag.get('name')!r}, line {problem.line} of its HTML: "
                        f"{problem.message}",
                        line=line,
                        column=column,
                    )
                    for problem in error.problems
                ]
            ) from None
        for command in commands:
            command.line, command.column = line, column
        return commands
    if not kind.startswith("cvt_"):
        return []
    code = templates.get(kind.rsplit("_", 1)[-1], "")
    calls = set(_CONSENT_CALL.findall(code))
    if code and not calls:
        return []  # a template that sets no consent state
    return _template_commands(params, calls, code, line, column)


def _template_commands(
    params: dict[str, Any], calls: set[str], code: str, line: int, column: int
) -> list[Command]:
    from consentrules_consent_mode.gtmtemplate import consent_fields

    fields = consent_fields(code) if code else None
    if fields is not None:
        params = {**fields.defaults, **params}  # a field left at its default is not listed
    command = str(params.get("command") or "").lower()
    if command not in ("default", "update"):
        command = "update" if calls == {"updateConsentState"} else "default"
    out: list[Command] = []
    top = _consent_values(params)
    rows = [
        row
        for value in params.values()
        if isinstance(value, list)
        for row in value
        if isinstance(row, dict) and _consent_values(row)
    ]
    region = params.get("region") or params.get("regions")
    if str(params.get("eea", "")).lower() == "true":
        # the community Consent Mode template's "Include EEA regions" checkbox: the command
        # applies to its regionsEEA field ("eea" by default) instead of its regions field
        region = params.get("regionsEEA") or "eea"
    if top:
        out.append(_command(top, region, command, line, column))
    for row in rows:
        out.append(_command(_consent_values(row), row.get("region") or row.get("regions"),
                            command, line, column))  # fmt: skip
    if not out and fields is not None and fields.consent:
        out = _mapped_commands(params, fields, command, line, column)
    if not out and code:
        out = _literal_calls(code, line, column)
    if not out and command == "default" and "setDefaultConsentState" in calls:
        # The template sets defaults from something the export does not show (its own
        # fields under other names, the page): what a visitor gets cannot be told. Never
        # "no default, so granted", and never "denied".
        params: dict[str, Any] = {name: "denied" for name in V2_TYPES}  # placeholders
        reason = "a Tag Manager template sets it in a way the export does not show"
        out = [Command(params, line, column, "default", reason)]
    return out


def _mapped_commands(
    params: dict[str, Any], fields: Any, action: str, line: int, column: int
) -> list[Command]:
    """Commands from the fields the template's code reads (``ad_storage:
    settings.consentMarketing``): its top-level fields, then each row of its tables."""
    wanted = set(fields.consent.values())
    sets = [params] + [
        row
        for value in params.values()
        if isinstance(value, list)
        for row in value
        if isinstance(row, dict) and wanted & set(row)
    ]
    out = []
    for values in sets:
        found = {
            ctype: values[name]
            for ctype, name in fields.consent.items()
            if isinstance(values.get(name), str) and values[name].strip()
        }
        if not found:
            continue
        unknown = {
            ctype: (
                f"the template turns its field {fields.consent[ctype]!r} ({value!r}) into a "
                "consent state in a way the export does not show"
            )
            for ctype, value in found.items()
            if value.strip().lower() not in ("granted", "denied")
            and not _VARIABLE.fullmatch(value.strip())
        }
        command = _command(
            {k: ("denied" if k in unknown else v) for k, v in found.items()},
            values.get(fields.region) if fields.region else None,
            action,
            line,
            column,
        )
        command.unknown = unknown
        out.append(command)
    return out


def _command(values: dict[str, str], region: Any, action: str, line: int, column: int) -> Command:
    params: dict[str, Any] = {}
    variables = []
    for key, value in values.items():
        if _VARIABLE.fullmatch(value.strip()):
            variables.append(f"{key} from the variable {value.strip()}")
            params[key] = "denied"  # a placeholder: the command is uncertain, see below
        else:
            params[key] = value.strip().lower()
    codes = []
    for code in (c.strip() for c in str(region or "").split(",") if c.strip()):
        # "eea" is the community template's own shorthand, expanded by its code to the
        # EEA's countries (Google itself does not read it)
        codes.extend(EEA_COUNTRIES if code.lower() == "eea" else [code])
    if codes and [c.lower() for c in codes] != ["all"]:
        params["region"] = codes
    conditional = "its values come from GTM variables (" + "; ".join(variables) + ")"
    return Command(params, line, column, action, conditional if variables else "")


def _consent_values(params: dict[str, Any]) -> dict[str, str]:
    """The consent types a field set names, whatever the template's naming style."""
    out: dict[str, str] = {}
    for key, value in params.items():
        if not isinstance(value, str) or not value.strip():
            continue
        name = _consent_type(key)
        if name is not None and (value.strip().lower() in ("granted", "denied") or
                                 _VARIABLE.fullmatch(value.strip())):  # fmt: skip
            out[name] = value
    return out


def _consent_type(key: str) -> str | None:
    """``adStorage``, ``ad_storage``, ``defaultAdStorage``, ``ad_storage_default``: ad_storage."""
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()
    for affix in ("default_", "consent_"):
        snake = snake.removeprefix(affix)
    for affix in ("_default", "_consent", "_update"):
        snake = snake.removesuffix(affix)
    if snake in CONSENT_TYPES or snake.endswith("_storage"):
        return snake
    return None


def _literal_calls(code: str, line: int, column: int) -> list[Command]:
    """``setDefaultConsentState({...})`` calls with literal values in the template's code."""
    from consentrules_consent_mode.jscalls import Script
    from consentrules_consent_mode.jscalls import template_calls

    sandboxed = code.split("___SANDBOXED_JS_FOR_WEB_TEMPLATE___", 1)[-1]
    sandboxed = sandboxed.split("___WEB_PERMISSIONS___", 1)[0]
    out = []
    for call in template_calls(Script(sandboxed, 1, 1)):
        if call.problems or not isinstance(call.params, dict):
            continue  # values from the template's fields: read from the fields or not at all
        if call.on_load:
            out.append(Command(call.params, line, column, call.action, call.conditional))
    return out


def _values(parameters: Any) -> dict[str, Any]:
    """A tag's ``parameter`` list as plain values: text, lists and maps."""
    out: dict[str, Any] = {}
    for parameter in parameters if isinstance(parameters, list) else []:
        if isinstance(parameter, dict) and "key" in parameter:
            out[str(parameter["key"])] = _value(parameter)
    return out


def _value(parameter: dict[str, Any]) -> Any:
    kind = str(parameter.get("type", "")).upper()
    if kind == "LIST":
        return [_value(item) for item in parameter.get("list", []) if isinstance(item, dict)]
    if kind == "MAP":
        return _values(parameter.get("map", []))
    value = parameter.get("value")
    return value if isinstance(value, str) else ("" if value is None else str(value))
