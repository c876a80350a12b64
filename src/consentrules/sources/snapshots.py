"""Build a :class:`Snapshot` from plain data in the native format (version 1).

Validation runs in stages and reports every problem it finds, not just the first:
the JSON Schema (``schemas/snapshot.schema.json``), then what a schema cannot say: dates that
exist, region terms the registry knows (with "did you mean"), ids that are unique, history in
date order.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

from consentrules.model import Claim
from consentrules.model import Disclosure
from consentrules.model import DisclosureVersion
from consentrules.model import HistoryEntry
from consentrules.model import Notice
from consentrules.model import RegionScope
from consentrules.model import Setting
from consentrules.model import Snapshot
from consentrules.model.dates import DateFormatError
from consentrules.model.dates import PartialDate
from consentrules.model.dates import parse_date
from consentrules.model.errors import InputError
from consentrules.model.errors import Problem
from consentrules.model.regions import RegionRegistry
from consentrules.model.regions import UnknownRegionError
from consentrules.model.regions import default_registry
from consentrules.sources.files import file_day
from consentrules.sources.practice import FACTS
from consentrules.sources.practice import practice_facts
from consentrules.sources.rustschema import known_terms_valid
from consentrules.sources.schema import load_schema
from consentrules.sources.schema import validate
from consentrules.sources.yamlsource import Document
from consentrules.sources.yamlsource import pointer

_NO_METADATA: Mapping[str, Any] = MappingProxyType({})


#: Region lists longer than this (include and exclude together) are not shared between settings.
LONG_SCOPE = 16


class _Builder:
    def __init__(
        self, doc: Document, registry: RegionRegistry, *, terms_known: bool = False
    ) -> None:
        self.doc = doc
        self.registry = registry
        #: Every term of the region lists is known to the registry (validated so).
        self.terms_known = terms_known
        self.problems: list[Problem] = []
        # Large snapshots repeat the same dates and region lists: parse and check each once.
        self._dates: dict[Any, PartialDate] = {}
        self._known_terms: set[str] = set()
        self._scopes: dict[tuple[tuple[str, ...], tuple[str, ...]], RegionScope] = {}
        self._stated: dict[tuple[str, ...], frozenset[str]] = {}
        self._facts: dict[frozenset[str], bool] = {}

    def problem(self, ptr: str, message: str, hint: str | None = None) -> None:
        position = self.doc.source_map.locate(ptr)
        line, column = position if position else (None, None)
        self.problems.append(Problem(self.doc.path, message, line=line, column=column, hint=hint))

    def date(self, value: Any, owner: str, key: str) -> PartialDate | None:
        """The date ``value`` stated at ``owner``/``key`` (the pointer is built only for an
        error: a large snapshot states hundreds of thousands of dates)."""
        if value is None:
            return None
        cached = self._dates.get(value)
        if cached is not None:
            return cached
        try:
            parsed = parse_date(value)
        except DateFormatError as exc:
            self.problem(f"{owner}/{key}", str(exc))
            return None
        self._dates[value] = parsed
        return parsed

    def _has_facts(self, stated: frozenset[str]) -> bool:
        """Whether a setting with these keys states practice facts (once per key set)."""
        found = self._facts.get(stated)
        if found is None:
            found = self._facts[stated] = not FACTS.isdisjoint(stated)
        return found

    def stated(self, raw: Mapping[str, Any]) -> frozenset[str]:
        """The keys of ``raw``; settings mostly share one key set, so share one frozenset."""
        keys = tuple(raw)
        found = self._stated.get(keys)
        if found is None:
            found = self._stated[keys] = frozenset(keys)
        return found

    def region_hint(self) -> str:
        return (
            "use an ISO 3166-1 alpha-2 code, an ISO 3166-2 subdivision such as US-CA or ES-CT, or a group: "
            + ", ".join(self.registry.groups)
        )

    def region_terms(self, terms: Any, ptr: str) -> tuple[str, ...]:
        out = []
        for index, term in enumerate(terms):
            if term in self._known_terms:
                out.append(term)
                continue
            try:
                self.registry.expand(term)
            except UnknownRegionError as exc:
                self.problem(f"{ptr}/{index}", str(exc), self.region_hint())
                continue
            self._known_terms.add(term)
            out.append(term)
        return tuple(out)

    def scope(self, raw: Any, owner: str) -> RegionScope | None:
        """The ``regions`` of the setting or history entry at ``owner``."""
        if raw is None:
            return None
        key = (tuple(raw.get("include") or ()), tuple(raw.get("exclude") or ()))
        if self.terms_known and len(key[0]) + len(key[1]) > LONG_SCOPE:
            # Known terms: no lookup. A long list is rarely repeated, and keying a cache by it
            # would hash every code (the evaluation caches masks by the lists' values anyway).
            return RegionScope(*key)
        scope = self._scopes.get(key)
        if scope is None:
            known = self._known_terms
            if known.issuperset(key[0]) and known.issuperset(key[1]):
                scope = self._scopes[key] = RegionScope(include=key[0], exclude=key[1])
                return scope
            ptr = owner + "/regions"
            include = self.region_terms(key[0], ptr + "/include")
            exclude = self.region_terms(key[1], ptr + "/exclude")
            scope = RegionScope(include=include, exclude=exclude)
            if (include, exclude) == key:  # every term known: reuse for the same lists
                self._scopes[key] = scope
        return scope

    def region_defaults(self, raw: Any, ptr: str) -> tuple[tuple[str, bool | None], ...]:
        if not raw:
            return ()
        out = []
        for term, value in raw.items():
            try:
                self.registry.expand(term)
            except UnknownRegionError as exc:
                self.problem(pointer(*_split(ptr), term), str(exc))
                continue
            out.append((term, value))
        by_weight: dict[int, dict[str, bool | None]] = {}
        for term, value in out:
            by_weight.setdefault(self.registry.weight(term), {})[term] = value
        for same in by_weight.values():
            if len(same) > 1 and len(set(same.values())) > 1:
                overlapping = [
                    (a, b)
                    for a in same
                    for b in same
                    if a < b and self.registry.expand(a) & self.registry.expand(b)
                ]
                for a, b in overlapping:
                    self.problem(
                        ptr,
                        f"region_defaults {a!r} and {b!r} overlap, are equally specific and "
                        "disagree",
                        "give the overlapping part its own, more specific entry",
                    )
        return tuple(out)

    def setting(self, raw: Mapping[str, Any], index: int) -> Setting:
        ptr = f"/settings/{index}"
        get = raw.get
        history_raw = get("history")
        region_defaults = get("region_defaults")
        metadata = get("metadata")
        activated = self.date(get("activated_at"), ptr, "activated_at")
        stated = self.stated(raw)
        # Setting's fields up to ``pointer``, in their order: given by position, as a large
        # snapshot builds one setting per element (keywords cost a third more).
        fields = (
            str(raw["id"]),
            str(get("title") or raw["id"]),
            tuple(get("purposes") or ()),
            tuple(get("data_categories") or ()),
            tuple(get("recipients") or ()),
            get("default"),
            (
                self.region_defaults(region_defaults, ptr + "/region_defaults")
                if region_defaults
                else ()
            ),
            self.scope(get("regions"), ptr),
            activated,
            get("default_note"),
            stated,
            self.history(history_raw, index, activated) if history_raw else (),
            dict(metadata) if metadata else _NO_METADATA,
            ptr,
        )
        if self._has_facts(stated):
            return Setting(*fields, **practice_facts(self, raw, ptr))
        return Setting(*fields)

    def history(
        self, entries: Any, index: int, activated: PartialDate | None = None
    ) -> tuple[HistoryEntry, ...]:
        from consentrules.sources.history import build_history

        return build_history(self, entries, index, activated)

    def disclosure(self, raw: Mapping[str, Any], index: int) -> Disclosure:
        versions = []
        for v_index, version in enumerate(raw.get("versions") or ()):
            v_ptr = pointer("disclosures", index, "versions", v_index)
            published = self.date(version.get("published_at"), v_ptr, "published_at")
            versions.append(
                DisclosureVersion(
                    version=str(version.get("version", published or v_index + 1)),
                    published_at=published,
                    effective_at=self.date(version.get("effective_at"), v_ptr, "effective_at"),
                    url=version.get("url"),
                    purposes=tuple(version.get("purposes") or ()),
                    describes_opt_out=version.get("describes_opt_out"),
                    statements=tuple(version.get("statements") or ()),
                    excerpts=tuple(version.get("excerpts") or ()),
                    pointer=v_ptr,
                    regions=(
                        self.region_terms(version["regions"], v_ptr + "/regions")
                        if version.get("regions")
                        else None
                    ),
                    source=version.get("source"),
                    sha256=version.get("sha256"),
                    recorded_at=version.get("recorded_at"),
                    stated_dates=tuple(
                        (item["kind"], item["date"], item.get("text", ""))
                        for item in version.get("stated_dates") or ()
                    ),
                    claims=tuple(
                        Claim(
                            item["token"],
                            item["excerpt"],
                            item.get("heading", ""),
                            item.get("recipient", ""),
                        )
                        for item in version.get("claims") or ()
                    ),
                    dated_by=version.get("dated_by", ""),
                    capture=(version.get("capture") or {}).get("kind"),
                    capture_note=(version.get("capture") or {}).get("note", ""),
                    purpose_recipients=(
                        None
                        if version.get("recipients") is None
                        else tuple(
                            (purpose, recipient)
                            for purpose, names in version["recipients"].items()
                            for recipient in names
                        )
                    ),
                )
            )
        return Disclosure(
            id=str(raw["id"]),
            kind=str(raw["kind"]),
            title=str(raw.get("title") or raw["id"]),
            versions=tuple(versions),
            url=raw.get("url"),
            pointer=pointer("disclosures", index),
        )

    def unique(self, items: list[Any], what: str, collection: str, first_index: int = 0) -> None:
        if len({item.id for item in items}) == len(items):
            return
        first: dict[str, int] = {}
        for index, item in enumerate(items, first_index):
            if item.id in first:
                self.problem(
                    pointer(collection, index, "id"),
                    f"{what} id {item.id!r} is used twice (first at {collection}[{first[item.id]}])",
                    f"give every {what} its own id",
                )
            else:
                first[item.id] = index


def _split(ptr: str) -> list[str]:
    return ptr.lstrip("/").split("/") if ptr else []


def snapshot_from_document(
    doc: Document,
    registry: RegionRegistry | None = None,
    *,
    adapter: str = "native",
    first_index: int = 0,
    notices: Sequence[Notice] = (),
    taken_at_from_file: bool = False,
) -> Snapshot:
    """Validate a native-format document and build the Snapshot.

    ``first_index`` is the index in the file of the document's first setting, when the
    document holds a run of a larger snapshot's settings (see :mod:`consentrules.execute.split`).
    ``notices`` reach every report of the run (an adapter's "3 flags had no purpose
    metadata"). With ``taken_at_from_file``, a document without ``taken_at`` (an export that
    carries no time) is dated by the file's modification day, and a notice says so.

    :raises InputError: listing every problem, each with file, line and a hint.
    """
    data = doc.data
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({data!r})"
        raise InputError(
            [
                Problem(
                    doc.path,
                    f"a snapshot must be a mapping with platform, taken_at and settings, not {kind}",
                    line=1,
                )
            ]
        )
    notices = list(notices)
    if taken_at_from_file and "taken_at" not in data:
        day = file_day(doc.path)
        data = {**data, "taken_at": day}
        notices.append(
            Notice(
                "note",
                f"the file states no time: it is taken as of {day}, the day it was last "
                "modified (judge it as of another day with --as-of DATE)",
                path=doc.path,
                category="file_date",
            )
        )
    schema = load_schema("snapshot")
    registry = registry or default_registry()
    # A large snapshot whose region lists hold only terms the registry knows is validated and
    # its terms looked up in one pass (see known_terms_valid); anything else as usual.
    known = known_terms_valid(data, schema, registry.known_terms)
    problems = [] if known else validate(data, schema, path=doc.path, source_map=doc.source_map)
    if problems:
        raise InputError(problems)
    builder = _Builder(doc, registry, terms_known=known)
    taken_at = builder.date(data["taken_at"], "", "taken_at")
    settings = [builder.setting(raw, i) for i, raw in enumerate(data["settings"], first_index)]
    disclosures = [
        builder.disclosure(raw, i) for i, raw in enumerate(data.get("disclosures") or ())
    ]
    register = getattr(doc.source_map, "register_ids", None)
    if register is not None:  # JSON: locate settings by their ids, without a second parse
        register("settings", [setting.id for setting in settings], first_index)
    builder.unique(settings, "setting", "settings", first_index)
    builder.unique(disclosures, "disclosure", "disclosures")
    users = []
    for term, count in (data.get("users") or {}).items():
        try:
            builder.registry.expand(term)
        except UnknownRegionError as exc:
            builder.problem(f"/users/{term}", str(exc), builder.region_hint())
            continue
        users.append((term, count))
    if builder.problems or taken_at is None:
        raise InputError(builder.problems)
    return Snapshot(
        platform=data["platform"],
        taken_at=taken_at,
        settings=tuple(settings),
        disclosures=tuple(disclosures),
        path=doc.path,
        source_map=doc.source_map,
        adapter=adapter,
        has_disclosures="disclosures" in data,
        users=tuple(users),
        notices=tuple(notices),
    )
