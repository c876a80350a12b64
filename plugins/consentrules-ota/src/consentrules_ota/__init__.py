"""consentrules-ota: read Open Terms Archive policy histories and find what each version says.

The plugin reads both OTA layouts into recorded versions (:mod:`consentrules_ota.layouts`),
finds the purposes and statements each version makes with the sentence and section heading
they rest on (:mod:`consentrules_ota.claims`, patterns in ``patterns.yaml``), extracts the
dates a text states for itself, and gives the result to consentrules as a disclosure reader
(``ota``, :mod:`consentrules_ota.reader`) and as the default claim matcher:

    consentrules check platform.yaml --disclosures ota:path/to/dataset --service Pinterest
    consentrules disclosures scan path/to/dataset --service Pinterest
    consentrules disclosures diff path/to/dataset --service Pinterest --to 2023-08-02

``python -m consentrules_ota scan`` is the same scan without consentrules' options.
"""

from __future__ import annotations

from typing import Any

from consentrules import hookimpl

__all__ = ["Capture", "ScannedVersion", "StatedDate", "changes", "scan", "stated_dates"]

__version__ = "0.1.0"

#: Names this package offers, from the module that holds each: imported when first used, so
#: that registering the plugin (every run of consentrules) imports none of the scanning code.
_LAZY = {
    "Capture": "consentrules_ota.captures",
    "StatedDate": "consentrules_ota.dating",
    "stated_dates": "consentrules_ota.dating",
    "ScannedVersion": "consentrules_ota.scanning",
    "scan": "consentrules_ota.scanning",
    "changes": "consentrules_ota.scanning",
    "as_json": "consentrules_ota.scanning",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'consentrules_ota' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


@hookimpl
def consentrules_addoption(parser: Any) -> None:
    group = parser.add_argument_group("ota")
    group.add_argument(
        "--ota-patterns",
        metavar="FILE",
        help="the phrase patterns the claim matcher uses (default: the plugin's patterns.yaml)",
    )
    group.add_argument(
        "--ota-schedule",
        metavar="PERIOD",
        help="how often the collection checked the page: 6h, 12h, 1d or a cron expression "
        "('30 */12 * * *'); default: the collection's metadata.yml next to the history, else "
        "what its recording times show",
    )
    group.add_argument(
        "--ota-metadata",
        metavar="FILE",
        help="the collection's metadata.yml (its trackingPeriods give the schedule)",
    )
    group.add_argument(
        "--ota-dating",
        choices=("evidence", "strict"),
        default=None,
        help="how to date a version: 'evidence' (default) combines the schedule, the recordings "
        "and the dates the text states; 'strict' uses the recording window only",
    )


def pack_patterns(config: Any) -> list[Any]:
    """``claims.yaml`` files next to the rules in use: a pack says what its purposes look like
    in a policy, and a consultant extends that without code."""
    from pathlib import Path

    places = {path.parent for path in config.rule_files}
    if not places:  # no rules loaded yet (disclosures scan): the rules a check would load
        places = {*config.plugin_rule_paths(), *(Path(p) for p in config.getoption("rules") or ())}
    found: set[Path] = set()
    for place in places:
        if place.is_file():
            place = place.parent
        if place.is_dir():
            found.update(place.glob("claims.yaml"))
            found.update(place.glob("*/claims.yaml"))
    return sorted(found)


@hookimpl
def consentrules_register_disclosure_readers(registry: Any) -> None:
    from consentrules_ota.reader import OtaReader

    registry.add(OtaReader())


@hookimpl(trylast=True)
def consentrules_claim_matcher(config: Any) -> Any:
    from pathlib import Path

    from consentrules import UsageError
    from consentrules_ota.claims import PatternError
    from consentrules_ota.reader import PatternMatcher

    path = config.getoption("ota_patterns")
    try:
        return PatternMatcher(Path(path) if path else None, pack_patterns(config))
    except PatternError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"--ota-patterns: cannot read {path}: {exc.strerror}") from None
