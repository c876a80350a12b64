"""consentrules-cookieconsent: a vanilla-cookieconsent v3 configuration as a consentrules
snapshot.

vanilla-cookieconsent (https://github.com/orestbida/cookieconsent, read at v3:
``src/core/config-init.js``, ``src/core/api.js``, ``src/utils/general.js``) is configured with
the object passed to ``CookieConsent.run({...})`` (or ``run({...})`` imported from the
package). What a first visit gets follows its code:

* ``mode`` is opt-out only when it is exactly the text ``'opt-out'``; anything else, or no
  mode, is opt-in;
* a category whose ``enabled`` or ``readOnly`` is true is enabled by default: its toggle is
  ticked in the preferences modal (``readOnly``: ticked and locked, the necessary category).
  A ticked toggle is not consent: the category is on by default;
* in opt-out mode, the categories enabled by default are accepted at once: their scripts and
  services run before the visitor chooses. In opt-in mode nothing but what the visitor accepts
  runs;
* a ``mode`` set by code (``mode: inEU ? 'opt-in' : 'opt-out'``, as sites do to choose per
  country) decides only whether a ticked category runs before the choice; a category that is
  not ticked stays off in either mode. The adapter says which it could not tell.

Each category becomes a setting (its name is the id) with the purposes its name says
(``consentrules_consent_mode.managers.PURPOSE_WORDS``: ``necessary`` is functional,
``analytics`` analytics, ``ads`` and ``marketing`` advertising...), titled from the
preferences modal's section that links to it where the translation is in the file, in every
region. Its services (``services: {ga: {label: ...}}``) are listed in its metadata.
"""

from __future__ import annotations

import dataclasses
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

PAGE_SUFFIXES = (".html", ".htm", ".js", ".mjs")
#: What marks a vanilla-cookieconsent v3 page or script.
_MARK = re.compile(
    r"CookieConsent\.run\s*\(|vanilla-cookieconsent|cookieconsent(\.umd)?(\.min)?\.js"
)
#: v2's entry point (a different configuration format).
_V2 = re.compile(r"initCookieConsent\s*\(")
CALLEES = {"CookieConsent.run", "run"}


def _mode(config: Any) -> tuple[str | None, str]:
    """``opt-in``, ``opt-out`` or None (set by code), and what decided it."""
    from consentrules_consent_mode.jsobjects import Code

    mode = config.get("mode")
    if isinstance(mode, Code):
        return None, f"mode is set by {mode.describe()}"
    if mode == "opt-out":
        return "opt-out", f"mode: 'opt-out' (line {config.line_of('mode')})"
    return "opt-in", "no mode: opt-in" if mode is None else f"mode: {mode!r}, read as opt-in"


def _titles(config: Any) -> dict[str, str]:
    """Category -> the title of the preferences-modal section that links to it (from the
    first translation in the file)."""
    from consentrules_consent_mode.jsobjects import JsObject

    language = config.get("language")
    translations = language.get("translations") if isinstance(language, JsObject) else None
    out: dict[str, str] = {}
    if not isinstance(translations, JsObject):
        return out
    for translation in translations.values():
        modal = translation.get("preferencesModal") if isinstance(translation, JsObject) else None
        sections = modal.get("sections") if isinstance(modal, JsObject) else None
        for section in sections or ():
            if isinstance(section, JsObject) and isinstance(section.get("linkedCategory"), str):
                title = section.get("title")
                if isinstance(title, str):
                    out.setdefault(section["linkedCategory"], re.sub(r"<[^>]+>", "", title))
        if out:
            break
    return out


def snapshot_from_config(
    config: Any, *, path: str, platform: str, taken_at: str, regions: Any
) -> Snapshot:
    from consentrules_consent_mode.jsobjects import Code
    from consentrules_consent_mode.jsobjects import JsObject
    from consentrules_consent_mode.managers import Positions
    from consentrules_consent_mode.managers import purposes_of
    from consentrules_consent_mode.managers import storage_categories

    categories = config.get("categories")
    if not isinstance(categories, JsObject) or not categories:
        raise InputError(
            [
                Problem(
                    path,
                    "the CookieConsent.run({...}) configuration has no 'categories' object",
                    line=config.line_of("categories"),
                    hint="vanilla-cookieconsent v3 lists what visitors consent to under "
                    "'categories' (necessary, analytics, ads...)",
                )
            ]
        )
    mode, mode_why = _mode(config)
    titles = _titles(config)
    settings: list[dict[str, Any]] = []
    positions: dict[str, tuple[int, int]] = {}
    unmapped: list[str] = []
    for name, category in categories.items():
        line = categories.line_of(name)
        if not isinstance(category, JsObject):
            category = JsObject(line, 1)  # `analytics: {}` written another way: no flags
        purposes, unknown = purposes_of([name])
        if unknown:
            unmapped.append(name)
        services = category.get("services")
        setting: dict[str, Any] = {
            "id": name,
            "title": titles.get(name, name),
            "purposes": purposes,
            "data_categories": storage_categories(purposes),
            "regions": {"include": ["ALL"]},
            "metadata": {
                "cookieconsent_category": name,
                "services": sorted(services) if isinstance(services, JsObject) else [],
                "mode": mode_why,
            },
        }
        flags = {key: category.get(key) for key in ("enabled", "readOnly")}
        coded = [
            f"{key}: {value.describe()}" for key, value in flags.items() if isinstance(value, Code)
        ]
        if coded:
            setting["default"] = None
            setting["default_note"] = (
                f"whether the category starts ticked cannot be told: {coded[0]}"
            )
        else:
            ticked = any(value is True for value in flags.values())
            setting["default"] = ticked
            if ticked and mode == "opt-out":
                why = "runs before the visitor chooses (opt-out mode)"
            elif ticked and mode is None:
                why = f"ticked in the preferences modal; whether it runs before the choice depends on the mode ({mode_why})"
            elif ticked:
                why = "ticked in the preferences modal"
            else:
                why = ""
            if flags["readOnly"] is True:
                why = "necessary (read-only, always on)"
            setting["metadata"]["first_visit"] = {"ticked": ticked, "mode": mode or "set by code"}
            if why:
                setting["title"] += f" [{why}]"
        positions[f"/settings/{len(settings)}"] = (line, 1)
        settings.append(setting)
    notices = []
    if unmapped:
        notices.append(
            Notice(
                "warning",
                f"{len(unmapped)} cookie category name(s) name no purpose consentrules knows, so "
                "no rule about a purpose can judge them: " + ", ".join(unmapped),
                path=path,
                category="unmapped",
            )
        )
    data = {"platform": platform, "taken_at": taken_at, "settings": settings}
    snapshot = snapshot_from_document(
        Document(path, data, Positions(positions)),
        regions,
        adapter="cookieconsent",
        notices=notices,
    )
    return dataclasses.replace(snapshot, has_disclosures=False)


def find_config(text: str, path: Path) -> Any:
    """The object the page passes to ``CookieConsent.run``."""
    from consentrules_consent_mode.jscalls import scripts_of
    from consentrules_consent_mode.jsobjects import JsObject
    from consentrules_consent_mode.jsobjects import call_arguments

    v2 = _V2.search(text)
    if v2:
        raise InputError(
            [
                Problem(
                    str(path),
                    "this is a vanilla-cookieconsent v2 configuration (initCookieConsent()): the "
                    "adapter reads v3's CookieConsent.run({...})",
                    line=text.count("\n", 0, v2.start()) + 1,
                    hint="migrate the configuration to v3, or check the page's Consent Mode "
                    "calls with --adapter consent-mode",
                )
            ]
        )
    is_html = path.suffix.lower() in (".html", ".htm")
    found = call_arguments(scripts_of(text, is_html), CALLEES)
    objects = [f for f in found if isinstance(f.value, JsObject)]
    if objects:
        return objects[-1].value
    if found:
        first = found[0]
        raise InputError(
            [
                Problem(
                    str(path),
                    f"{first.how}: the configuration is not an object literal in this file",
                    line=first.line,
                    hint="pass the file where the object is written out",
                )
            ]
        )
    raise InputError(
        [
            Problem(
                str(path),
                "no CookieConsent.run({...}) call in this file",
                line=1,
                hint="pass the page or script that calls CookieConsent.run with its configuration",
            )
        ]
    )


class CookieConsentAdapter:
    name = "cookieconsent"
    description = "vanilla-cookieconsent v3 configuration (CookieConsent.run in a page or JS file)"
    suffixes: tuple[str, ...] = PAGE_SUFFIXES

    def recognizes(self, path: Path, head: str) -> bool:
        if path.suffix.lower() not in PAGE_SUFFIXES:
            return False
        if _MARK.search(head):
            return True
        try:
            return _MARK.search(path.read_text("utf-8", errors="replace")) is not None
        except OSError:
            return False

    def load(self, path: Path, config: Any) -> Snapshot:
        text = read_text(path)
        cookieconsent = find_config(text, path)
        title = re.search(r"<title>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        return snapshot_from_config(
            cookieconsent,
            path=str(path),
            platform=title.group(1).strip() if title else path.stem,
            taken_at=dt.date.today().isoformat(),
            regions=config.regions,
        )


@hookimpl(tryfirst=True)
def consentrules_register_adapters(registry: Any) -> None:
    registry.add(CookieConsentAdapter())
