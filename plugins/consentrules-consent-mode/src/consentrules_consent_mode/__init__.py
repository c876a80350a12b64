"""consentrules-consent-mode: read Google Consent Mode v2 defaults as a consentrules snapshot.

Three inputs:

* a JSON export of the ``consent`` ``default`` commands::

      {"platform": "shop.example", "taken_at": "2025-01-10",
       "commands": [["consent", "default", {"ad_storage": "denied", "region": ["ES"]}],
                    {"ad_storage": "granted", "analytics_storage": "granted"}]}

  (a command is a ``["consent", "default", {...}]`` array, as in a ``dataLayer`` dump, or
  just its parameter object; a bare list of commands works too);
* a saved HTML page or a JavaScript file: the consent commands its scripts run, read with a
  JavaScript parser (:mod:`consentrules_consent_mode.jscalls`): ``gtag('consent', 'default' |
  'update', {...})`` (also through a ``gtag`` of another name) and
  ``dataLayer.push(['consent', ...])``, in the order they run. Commented-out code, scripts a
  browser does not run (``type="text/plain"``) and HTML comments are not read. An ``update``
  that runs on load changes the effective default everywhere; one in an event handler or a
  callback runs only after the user acts and is not applied. A page that loads Google's tags
  but sets no consent default is read too: every type is then granted, as Consent Mode
  assumes;
* a Google Tag Manager container export: the consent commands of the tags that fire on a new
  visitor's page load (:mod:`consentrules_consent_mode.gtm`).

Each consent type becomes a setting whose ``default`` is true where the type is ``granted``.
A command with a ``region`` list overrides the global default there; the most specific region
wins (a state such as ``US-CA`` over its country, a country over a group), and among commands
for the same region the later one wins. Google reads only ISO 3166-1 alpha-2 and ISO 3166-2
codes in ``region``: an entry such as ``EU``, ``EEA`` or ``UK`` does nothing in a browser, so
it is not applied here either, and the settings it was meant for carry it in
``metadata.ignored_region_codes`` (the pack's ``CM-REGION-CODES`` reports it). A v2 type that no command sets is ``granted`` (that is
what Consent Mode assumes), and the setting says so. The four v2 types (``ad_storage``,
``ad_user_data``, ``ad_personalization``, ``analytics_storage``) are always present; the other
storage types only when a command names them.

The plugin also ships the ``consent-mode`` rule pack (used when no ``--rules`` is given).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from consentrules import Document
from consentrules import InputError
from consentrules import JsonSourceMap
from consentrules import Problem
from consentrules import Snapshot
from consentrules import hookimpl
from consentrules import read_text
from consentrules import snapshot_from_document

__version__ = "0.1.0"

#: consent type -> (title, purposes, data categories, recipients). A ``*_storage`` type permits
#: storage on the device (Google's Consent Mode reference: "enables storage, such as cookies,
#: related to ..."), not sharing: the data sent to Google for advertising is ``ad_user_data``'s.
#: So only ``ad_user_data`` and ``ad_personalization`` name third parties as recipients, and the
#: rules about sharing by default do not judge a storage permission.
CONSENT_TYPES: dict[str, tuple[str, list[str], list[str], list[str]]] = {
    "ad_storage": (
        "Storage (such as cookies) related to advertising",
        ["advertising"],
        ["device_identifiers", "usage"],
        ["first_party"],
    ),
    "ad_user_data": (
        "Sending user data to Google for advertising",
        ["advertising", "third_party_sharing"],
        ["usage", "profile"],
        ["third_parties"],
    ),
    "ad_personalization": (
        "Personalised advertising (remarketing)",
        ["advertising", "personalization"],
        ["usage"],
        ["third_parties"],
    ),
    "analytics_storage": (
        "Storage (such as cookies) related to analytics",
        ["analytics"],
        ["device_identifiers", "usage"],
        ["first_party"],
    ),
    "functionality_storage": (
        "Storage that supports the site's functions (e.g. language)",
        ["functional"],
        ["device_identifiers"],
        ["first_party"],
    ),
    "personalization_storage": (
        "Storage related to personalisation (e.g. recommendations)",
        ["personalization"],
        ["device_identifiers", "usage"],
        ["first_party"],
    ),
    "security_storage": (
        "Storage related to security (e.g. authentication, fraud prevention)",
        ["security"],
        ["device_identifiers"],
        ["first_party"],
    ),
}
V2_TYPES = ("ad_storage", "ad_user_data", "ad_personalization", "analytics_storage")
VALUES = {"granted": True, "denied": False}
#: What marks a page as using Google's tags (gtag.js or Tag Manager), with or without consent.
_GOOGLE_TAGS = re.compile(r"gtag\s*\(|dataLayer|googletagmanager\.com")
#: ISO 3166-1 alpha-2 or ISO 3166-2 (country, hyphen, 1 to 3 letters or digits).
_ISO_REGION = re.compile(r"[A-Z]{2}(-[A-Z0-9]{1,3})?")
#: Two-letter entries that are not countries (Google ignores them).
_NOT_COUNTRIES = {"EU", "UK", "EA", "UN"}
PAGE_SUFFIXES = (".html", ".htm", ".js", ".mjs")


@dataclass
class Command:
    params: dict[str, Any]
    line: int
    column: int
    action: str = "default"
    #: Why the command may not run (a condition): its values are then uncertain.
    conditional: str = ""
    #: Why the command runs only later (a callback): a first visit's state before it is
    #: then uncertain.
    deferred: str = ""
    #: Consent types set to code the file cannot evaluate (a variable, an expression), with why.
    unknown: dict[str, str] = field(default_factory=dict)


class PointerMap:
    """Positions for the pointers of the snapshot built from the commands."""

    def __init__(self) -> None:
        self.positions: dict[str, tuple[int, int]] = {}

    def locate(self, pointer: str) -> tuple[int, int] | None:
        while pointer:
            if pointer in self.positions:
                return self.positions[pointer]
            pointer = pointer.rsplit("/", 1)[0]
        return None


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def commands_from_page(text: str, path: str, is_html: bool = True) -> list[Command]:
    """The consent commands the page runs on load, in order (defaults and updates)."""
    from consentrules_consent_mode.jscalls import consent_calls
    from consentrules_consent_mode.jscalls import scripts_of

    commands = []
    problems = []
    for call in consent_calls(scripts_of(text, is_html)):
        if call.problems and not call.on_load:
            continue  # runs later, if ever: not applied, so nothing to read in it
        code_only = all("only literal values are read" in m for m, _, _ in call.problems)
        if call.problems and code_only and isinstance(call.params, dict):
            # a value set by code (CookieConsent.acceptedCategory(...) ? 'granted' : ...):
            # what it is on a first visit cannot be told from the file
            message, line, _ = call.problems[0]
            unknown = {
                key: f"{message.split(':')[0]} on line {line}"
                for key, value in call.params.items()
                if value is None
            }
            commands.append(
                Command(
                    call.params, call.line, call.column, call.action, call.conditional,
                    unknown=unknown,
                )
            )  # fmt: skip
            continue
        for message, line, column in call.problems:
            problems.append(
                Problem(
                    path,
                    f"cannot read the gtag('consent', {call.action!r}, ...) call: {message}",
                    line=line,
                    column=column,
                    hint="the adapter reads literal values only; export the commands as JSON",
                )
            )
        if call.problems:
            continue
        if not call.on_load:
            if call.action == "default" and isinstance(call.params, dict):
                # a default set in a callback (a consent manager's init hook): what a first
                # visit gets until then cannot be told, never "no default, so granted"
                commands.append(
                    Command(call.params, call.line, call.column, "default", deferred=call.deferred)
                )
            continue
        if call.conditional and call.action == "update":
            continue  # e.g. a returning visitor's stored choice: not what a new visitor gets
        if not isinstance(call.params, dict):
            problems.append(
                Problem(path, "the consent parameters must be an object", call.line, call.column)
            )
            continue
        commands.append(Command(call.params, call.line, call.column, call.action, call.conditional))
    if problems:
        raise InputError(problems)
    return commands


def load_json(text: str, path: str) -> Any:
    """The data of a JSON export; invalid JSON is an input error at its line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            [Problem(path, f"invalid JSON: {exc.msg}", line=exc.lineno, column=exc.colno)]
        ) from None


def commands_from_json(text: str, path: str) -> tuple[dict[str, Any], list[Command]]:
    data = load_json(text, path)
    header: dict[str, Any] = {}
    if isinstance(data, dict):
        header = data
        raw = data.get("commands")
        base = "/commands"
    else:
        raw, base = data, ""
    if not isinstance(raw, list):
        raise InputError(
            [Problem(path, "expected a list of consent commands under 'commands'", line=1)]
        )
    source = JsonSourceMap(text)
    commands = []
    problems = []
    for index, item in enumerate(raw):
        line, column = source.locate(f"{base}/{index}") or (None, None)
        if isinstance(item, list):
            if len(item) != 3 or item[0] != "consent" or not isinstance(item[2], dict):
                problems.append(
                    Problem(path, "a command array must be ['consent', 'default', {...}]", line)
                )
                continue
            if item[1] != "default":
                continue  # 'update' and others are not defaults
            params = item[2]
        elif isinstance(item, dict):
            params = item
        else:
            problems.append(Problem(path, "a command must be an array or an object", line))
            continue
        commands.append(Command(params, line or 1, column or 1))
    if problems:
        raise InputError(problems)
    return header, commands


def snapshot_from_commands(
    commands: list[Command],
    *,
    platform: str,
    taken_at: str,
    path: str,
    config: Any,
    manager: str = "",
) -> Snapshot:
    """The snapshot of the commands. ``manager`` names a consent manager the page loads: a
    type no command sets is then "cannot tell" (the manager's own script may set it), not
    granted."""
    problems: list[Problem] = []
    global_values: dict[str, tuple[bool | None, Command]] = {}
    regional: dict[str, dict[str, tuple[bool | None, Command]]] = {}
    ignored: dict[str, list[str]] = {}
    for command in commands:
        regions = command.params.get("region")
        if regions is not None and (
            not isinstance(regions, list) or not all(isinstance(r, str) for r in regions)
        ):
            problems.append(
                Problem(
                    path,
                    "'region' must be a list of region codes",
                    line=command.line,
                    column=command.column,
                )
            )
            continue
        usable = [r for r in regions or () if _is_google_region(r, config.regions)]
        dropped = [r for r in regions or () if not _is_google_region(r, config.regions)]
        for key, value in command.params.items():
            if key in ("region", "wait_for_update"):
                continue
            if key in command.unknown:
                value = "denied"  # a placeholder: the value recorded below is "cannot tell"
            if not isinstance(value, str) or value not in VALUES:
                problems.append(
                    Problem(
                        path,
                        f"{key}: {value!r} is not 'granted' or 'denied'",
                        line=command.line,
                        column=command.column,
                        hint="each consent type takes the text 'granted' or 'denied'",
                    )
                )
                continue
            if dropped:
                ignored.setdefault(key, []).extend(r for r in dropped if r not in ignored[key])
            if command.action == "update":  # on load: the visitor's state, in every region
                global_values[key] = (None if _uncertain(command, key) else VALUES[value], command)
                regional.pop(key, None)
            elif regions:
                for region in usable:
                    regional.setdefault(key, {})[region.upper()] = (
                        None if _uncertain(command, key) else VALUES[value],
                        command,
                    )
            else:
                global_values[key] = (None if _uncertain(command, key) else VALUES[value], command)
    if problems:
        raise InputError(problems)
    names = list(V2_TYPES) + sorted(
        {*global_values, *regional} - set(V2_TYPES), key=lambda n: (n not in CONSENT_TYPES, n)
    )
    positions = PointerMap()
    settings = []
    for index, name in enumerate(names):
        title, purposes, categories, recipients = CONSENT_TYPES.get(
            name, (f"Consent type {name}", [], [], [])
        )
        setting: dict[str, Any] = {
            "id": name,
            "title": title,
            "purposes": purposes,
            "data_categories": categories,
            "recipients": recipients,
            "regions": {"include": ["ALL"]},
            "metadata": {"consent_type": name},
        }
        pointer = f"/settings/{index}"
        if name in global_values:
            value, command = global_values[name]
            setting["default"] = value
            positions.positions[pointer] = (command.line, command.column)
        elif manager:
            setting["default"] = None
            setting["default_note"] = (
                "no consent default is set on load by the page's own code, and its consent "
                f"manager ({manager}) may set one in its own script: cannot tell from the page"
            )
            setting["title"] = f"{title} [left to the consent manager, {manager}]"
            setting["metadata"]["unset"] = True
        else:
            setting["default"] = True
            setting["title"] = f"{title} [no default set, so Consent Mode grants it]"
            setting["metadata"]["unset"] = True
        sources = [*regional.get(name, {}).values()]
        if name in global_values:
            sources.append(global_values[name])
        uncertain = [command for _, command in sources if command.conditional]
        later = [command for _, command in sources if command.deferred]
        coded = [command for _, command in sources if name in command.unknown]
        if coded:
            setting["default_note"] = (
                f"set to code the file cannot evaluate ({coded[0].unknown[name]}): what a first "
                "visit gets cannot be told"
            )
        elif uncertain:
            setting["default_note"] = (
                "set by a command that runs only when a condition holds "
                f"({uncertain[0].conditional}, line {uncertain[0].line})"
            )
        elif later:
            setting["default_note"] = (
                f"set by gtag('consent', 'default') on line {later[0].line}, "
                f"{later[0].deferred}: what a first visit gets before it runs cannot be told"
            )
        if name in ignored:
            setting["metadata"]["ignored_region_codes"] = ignored[name]
        overrides = regional.get(name, {})
        if overrides:
            setting["region_defaults"] = {region: v for region, (v, _) in overrides.items()}
            for region, (_, command) in overrides.items():
                positions.positions[f"{pointer}/region_defaults/{region}"] = (
                    command.line,
                    command.column,
                )
            if pointer not in positions.positions:
                first = next(iter(overrides.values()))[1]
                positions.positions[pointer] = (first.line, first.column)
        settings.append(setting)
    data = {"platform": platform, "taken_at": taken_at, "settings": settings}
    snapshot = snapshot_from_document(
        Document(path, data, positions), config.regions, adapter=ConsentModeAdapter.name
    )
    return _without_disclosures(snapshot)


def _uncertain(command: Command, key: str) -> bool:
    """Whether the command's value for ``key`` cannot be told for a first visit."""
    return bool(command.conditional or command.deferred or key in command.unknown)


def _is_google_region(code: str, registry: Any) -> bool:
    """Whether Google's ``region`` parameter reads the code: an ISO 3166-1 alpha-2 or ISO
    3166-2 code that exists, in any letter case. Group names (EU, EEA, UK) and codes of the
    right shape that name no region (``US-ZZ``) match no visitor."""
    upper = code.strip().upper()
    return (
        bool(_ISO_REGION.fullmatch(upper))
        and upper.split("-")[0] not in _NOT_COUNTRIES
        and upper not in registry.groups
        and registry.is_known(upper)
    )


def _without_disclosures(snapshot: Snapshot) -> Snapshot:
    import dataclasses

    return dataclasses.replace(snapshot, has_disclosures=False)


def _uses_google_tags(path: Path) -> bool:
    try:
        return _GOOGLE_TAGS.search(path.read_text("utf-8", errors="replace")) is not None
    except OSError:
        return False


class ConsentModeAdapter:
    name = "consent-mode"
    description = "Google Consent Mode v2 defaults (JSON export, or gtag calls in HTML/JS)"
    suffixes: tuple[str, ...] = (".json", *PAGE_SUFFIXES)

    def recognizes(self, path: Path, head: str) -> bool:
        from consentrules_consent_mode.gtm import is_container_export

        suffix = path.suffix.lower()
        if suffix == ".json":
            if is_container_export(head):
                return True
            return bool(re.search(r"_storage\"|\"ad_user_data\"", head)) and (
                "consent" in head or '"commands"' in head
            )
        if suffix in PAGE_SUFFIXES:
            return _GOOGLE_TAGS.search(head) is not None or _uses_google_tags(path)
        return False

    def load(self, path: Path, config: Any) -> Snapshot:
        text = read_text(path)
        name = str(path)
        today = dt.date.today().isoformat()
        container = False
        manager = ""
        if path.suffix.lower() == ".json":
            from consentrules_consent_mode.gtm import commands_from_container
            from consentrules_consent_mode.gtm import is_container_export

            container = is_container_export(text[:4096])
            if container:
                header, commands = commands_from_container(text, name)
            else:
                header, commands = commands_from_json(text, name)
            platform = str(header.get("platform") or path.stem)
            taken_at = str(header.get("taken_at") or today)
        else:
            is_html = path.suffix.lower() in (".html", ".htm")
            commands = commands_from_page(text, name, is_html)
            from consentrules_consent_mode.managers import consent_manager

            manager = consent_manager(text)
            title = re.search(r"<title>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
            platform = title.group(1).strip() if title else path.stem
            taken_at = today
            # No command at all: the page's tags run with Consent Mode's own default (granted),
            # which every setting then says.
        if not commands and path.suffix.lower() == ".json" and not container:
            raise InputError(
                [Problem(name, "no gtag('consent', 'default', ...) command found", line=1)]
            )
        return snapshot_from_commands(
            commands,
            platform=platform,
            taken_at=taken_at,
            path=name,
            config=config,
            manager="" if container or path.suffix.lower() == ".json" else manager,
        )


@hookimpl
def consentrules_register_adapters(registry: Any) -> None:
    registry.add(ConsentModeAdapter())


@hookimpl
def consentrules_rule_paths() -> list[str]:
    # (the package's folder, not importlib.resources: registering stays cheap on every run)
    return [str(Path(__file__).resolve().parent / "rules")]
