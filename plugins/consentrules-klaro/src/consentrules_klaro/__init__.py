"""consentrules-klaro: a Klaro! consent manager configuration as a consentrules snapshot.

Klaro (https://github.com/kiprotect/klaro, read at v0.7, ``src/consent-manager.js``) is
configured with a JavaScript object, ``klaroConfig`` unless the script tag that loads Klaro
names another (``data-klaro-config="myConfig"``). Its ``services`` (``apps`` before v0.7) are
what a visitor consents to. What a first visit gets follows Klaro's own code:

* the consent a service starts with is ``service.default || service.required``; where that is
  undefined, the config's ``default``; else false. (So ``default: false`` with no ``required``
  falls back to the config's ``default``, as in Klaro.) A service that starts consented shows
  its box ticked in the consent modal: a pre-ticked box is not consent, it is on by default;
* before the visitor chooses, a service runs only if it is ``required`` (the service's, else
  the config's) or if it is ``optOut`` (the service's, else the config's) and starts
  consented: ``optOut`` alone does not load a service that starts unconsented;
* a value that is code (a function, a variable) cannot be told from the file: the setting's
  default is then "cannot tell", with the reason.

Each service becomes a setting (its ``name`` is the id) with the purposes its ``purposes``
name (``consentrules_consent_mode.managers.PURPOSE_WORDS``), data categories ``cookies`` (and device identifiers and usage for
advertising and analytics), in every region (Klaro's configuration does not vary by region).
Its ``default`` is true when it starts consented or runs before the choice. A commented-out
service is a comment: it is not read.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from consentrules import Document
from consentrules import InputError
from consentrules import Notice
from consentrules import Problem
from consentrules import Snapshot
from consentrules import hookimpl
from consentrules import read_text
from consentrules import snapshot_from_document

__version__ = "0.1.0"

#: What marks a Klaro page or configuration.
_KLARO = re.compile(r"klaro(Config)?\b|data-klaro-config", re.IGNORECASE)
PAGE_SUFFIXES = (".html", ".htm", ".js", ".mjs")
_MISSING = object()  # JavaScript's undefined (a key that is not there)


class Unknown(Exception):
    """A value the file cannot tell (code, not data)."""


def _truthy(value: Any) -> bool:
    from consentrules_consent_mode.jsobjects import Code

    if isinstance(value, Code):
        raise Unknown(f"it is set by {value.describe()}")
    return value not in (_MISSING, None, False, 0, "")


def _js_or(left: Any, right: Any) -> Any:
    return left if _truthy(left) else right


def first_visit(service: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """What a new visitor gets for one service, as Klaro computes it: ``consented`` (the box
    is ticked), ``runs`` (it loads before the visitor chooses) and why."""
    consent = _js_or(service.get("default", _MISSING), service.get("required", _MISSING))
    source = "its default" if _truthy(service.get("default", _MISSING)) else "its required"
    if consent is _MISSING:
        consent = config.get("default", _MISSING)
        source = "the config's default"
    if consent is _MISSING:
        consent, source = False, "no default anywhere"
    opt_out = service.get("optOut", _MISSING)
    opt_out = (config.get("optOut") or False) if opt_out is _MISSING else opt_out
    required = service.get("required", _MISSING)
    required = (config.get("required") or False) if required is _MISSING else required
    consented = _truthy(consent)
    runs = _truthy(required) or (_truthy(opt_out) and consented)
    if _truthy(required):
        why = "required: it loads before the visitor chooses"
    elif runs:
        why = "optOut and consented by default: it loads before the visitor chooses"
    elif consented:
        why = f"pre-ticked in the consent modal ({source} is true)"
    else:
        why = ""
    return {"consented": consented, "runs": runs, "why": why}


def _services(config: Any, path: str) -> tuple[list[Any], str]:
    from consentrules_consent_mode.jsobjects import JsArray

    for key in ("services", "apps"):
        value = config.get(key)
        if isinstance(value, JsArray):
            return list(value), key
        if value is not None:
            raise InputError(
                [
                    Problem(
                        path,
                        f"the Klaro config's '{key}' is not a list of services",
                        line=config.line_of(key),
                        hint="write it as an array literal of service objects",
                    )
                ]
            )
    raise InputError(
        [
            Problem(
                path,
                "the Klaro config has no 'services' (or 'apps') list",
                line=config.line,
                hint="a Klaro config lists what visitors consent to under 'services'",
            )
        ]
    )


def find_config(text: str, path: Path) -> tuple[Any, str]:
    """The Klaro config object of a page or script, and how it was found."""
    from consentrules_consent_mode.jscalls import scripts_of
    from consentrules_consent_mode.jsobjects import JsObject
    from consentrules_consent_mode.jsobjects import assigned
    from consentrules_consent_mode.jsobjects import script_tags

    is_html = path.suffix.lower() in (".html", ".htm")
    name, external = "klaroConfig", ""
    if is_html:
        for attrs, line in script_tags(text):
            if "data-klaro-config" in attrs:
                name = attrs["data-klaro-config"] or name
            elif "data-config" in attrs and "klaro" in attrs.get("src", "").lower():
                name = attrs["data-config"] or name  # the attribute's name before v0.7
            if "data-klaro-id" in attrs:
                raise InputError(
                    [
                        Problem(
                            str(path),
                            "Klaro loads this page's configuration from its hosted service "
                            f"(data-klaro-id={attrs['data-klaro-id']!r}): the page does not "
                            "hold it",
                            line=line,
                            hint="export the configuration from Klaro and check that file",
                        )
                    ]
                )
            src = attrs.get("src", "")
            if src and not external and "klaro" not in src.rsplit("/", 1)[-1].lower():
                external = src
    found = assigned(scripts_of(text, is_html), {name})
    if name not in found or not isinstance(found[name].value, JsObject):
        where = f"; it may be in a script the page loads ({external})" if external else ""
        raise InputError(
            [
                Problem(
                    str(path),
                    f"no Klaro configuration object '{name}' is assigned in this file{where}",
                    line=1,
                    hint="pass the file that sets it (var klaroConfig = {...})",
                )
            ]
        )
    return found[name].value, found[name].how


def snapshot_from_config(
    config: Any, *, path: str, platform: str, taken_at: str, regions: Any
) -> Snapshot:
    from consentrules_consent_mode.jsobjects import JsObject
    from consentrules_consent_mode.managers import Positions
    from consentrules_consent_mode.managers import purposes_of
    from consentrules_consent_mode.managers import storage_categories

    services, key = _services(config, path)
    settings: list[dict[str, Any]] = []
    positions: dict[str, tuple[int, int]] = {}
    problems: list[Problem] = []
    unmapped: list[str] = []
    for index, service in enumerate(services):
        line = getattr(service, "line", config.line_of(key))
        if not isinstance(service, JsObject) or not isinstance(service.get("name"), str):
            problems.append(
                Problem(
                    path,
                    f"{key}[{index}] has no 'name' text: Klaro needs one for each service",
                    line=line,
                )
            )
            continue
        name = service["name"]
        raw_purposes = service.get("purposes") or []
        purposes, unknown = purposes_of(list(raw_purposes))
        if unknown or not purposes:
            unmapped.append(f"{name} ({', '.join(unknown) or 'no purposes'})")
        categories = storage_categories(purposes)
        setting: dict[str, Any] = {
            "id": name,
            "title": str(service.get("title") or name),
            "purposes": purposes,
            "data_categories": categories,
            "regions": {"include": ["ALL"]},
            "metadata": {"klaro_service": name, "klaro_purposes": [str(p) for p in raw_purposes]},
        }
        try:
            state = first_visit(service, config)
        except Unknown as exc:
            setting["default"] = None
            setting["default_note"] = f"Klaro's first-visit state cannot be told: {exc}"
        else:
            setting["default"] = state["consented"] or state["runs"]
            setting["metadata"]["klaro_first_visit"] = state
            if state["why"]:
                setting["title"] += f" [{state['why']}]"
        positions[f"/settings/{len(settings)}"] = (service.line, service.column)
        settings.append(setting)
    if problems:
        raise InputError(problems)
    notices = []
    if unmapped:
        from consentrules_consent_mode.managers import PURPOSE_WORDS

        notices.append(
            Notice(
                "warning",
                f"{len(unmapped)} Klaro service(s) name no purpose consentrules knows, so no "
                "rule about a purpose can judge them: "
                + "; ".join(unmapped)
                + " (purposes read: "
                + ", ".join(sorted(PURPOSE_WORDS))
                + ")",
                path=path,
                category="unmapped",
            )
        )
    data = {"platform": platform, "taken_at": taken_at, "settings": settings}
    document = Document(path, data, Positions(positions))
    snapshot = snapshot_from_document(document, regions, adapter="klaro", notices=notices)
    import dataclasses

    return dataclasses.replace(snapshot, has_disclosures=False)


class KlaroAdapter:
    name = "klaro"
    description = "Klaro! consent manager configuration (klaroConfig in a page or a JS file)"
    suffixes: tuple[str, ...] = PAGE_SUFFIXES

    def recognizes(self, path: Path, head: str) -> bool:
        if path.suffix.lower() not in PAGE_SUFFIXES:
            return False
        if _KLARO.search(head):
            return True
        try:
            return _KLARO.search(path.read_text("utf-8", errors="replace")) is not None
        except OSError:
            return False

    def load(self, path: Path, config: Any) -> Snapshot:
        text = read_text(path)
        klaro, _how = find_config(text, path)
        title = re.search(r"<title>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        platform = title.group(1).strip() if title else path.stem
        return snapshot_from_config(
            klaro,
            path=str(path),
            platform=platform,
            taken_at=dt.date.today().isoformat(),
            regions=config.regions,
        )


@hookimpl(tryfirst=True)
def consentrules_register_adapters(registry: Any) -> None:
    registry.add(KlaroAdapter())
