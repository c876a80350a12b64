"""Loading rule files: find them, validate them in stages, build :class:`Rule` objects.

Stages, each run on every file so that all problems are reported at once:

1. YAML with positions (duplicate keys are errors);
2. the rule-file JSON Schema (``schemas/rules.schema.json``);
3. each rule's ``check`` against its kind's own schema, chosen by ``kind``;
4. the kind's ``prepare`` (values a schema cannot judge), known region terms, unique ids.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from consentrules.model import Damages
from consentrules.model import Expectation
from consentrules.model import Fixture
from consentrules.model import Reference
from consentrules.model import Rule
from consentrules.model import Selector
from consentrules.model import Severity
from consentrules.model.errors import InputError
from consentrules.model.errors import Problem
from consentrules.model.regions import RegionRegistry
from consentrules.model.regions import UnknownRegionError
from consentrules.plugin.registry import CheckKindRegistry
from consentrules.plugin.registry import ParamError
from consentrules.sources.rulefiles import find_rule_files
from consentrules.sources.schema import check_schema
from consentrules.sources.schema import fingerprint
from consentrules.sources.schema import load_schema
from consentrules.sources.schema import validate
from consentrules.sources.schema import validate_with_paths
from consentrules.sources.yamlsource import Document
from consentrules.sources.yamlsource import load_document
from consentrules.sources.yamlsource import pointer


class RuleLoader:
    """Loads rule files against one set of check kinds and one region registry."""

    def __init__(self, kinds: CheckKindRegistry, regions: RegionRegistry) -> None:
        self.kinds = kinds
        self.regions = regions
        #: The rule files the last :meth:`load_paths` read.
        self.files: list[Path] = []
        self._schemas: str | None = None

    def load_paths(self, paths: Iterable[Path]) -> list[Rule]:
        """Every rule in every file; raise one :class:`InputError` listing all problems."""
        rules: list[Rule] = []
        problems: list[Problem] = []
        first_seen: dict[str, Rule] = {}
        self.files = find_rule_files(paths)
        for path in self.files:
            try:
                loaded = self.load_file(path)
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            for rule in loaded:
                if rule.id in first_seen:
                    other = first_seen[rule.id]
                    problems.append(
                        Problem(
                            rule.path,
                            f"rule id {rule.id!r} is already used by {other.path}:{other.line}",
                            line=rule.line,
                            hint="rule ids must be unique across every rule file loaded",
                        )
                    )
                    continue
                first_seen[rule.id] = rule
                rules.append(rule)
        if problems:
            raise InputError(problems)
        return rules

    def load_file(self, path: Path) -> list[Rule]:
        from consentrules.sources import cache

        schemas = self.schemas_fingerprint()
        cached = cache.get(path, schemas)
        if cached is not None:
            data, positions = cached
            try:
                return self.load_document(
                    Document(str(path), data, positions), path.parent.name, validated=True
                )
            except InputError:
                pass  # e.g. a plugin's kind changed: read the file again, for exact positions
        doc = load_document(path)
        rules = self.load_document(doc, pack=path.parent.name)
        cache.put(path, doc.data, _positions(doc, rules), schemas)
        return rules

    def schemas_fingerprint(self) -> str:
        """A fingerprint of the schemas a rule file is validated against: the rule schema and
        every loaded check kind's. A cached file, valid when stored under the same ones, is
        not validated again (the kinds still prepare every rule)."""
        if self._schemas is None:
            kinds = {
                name: check_schema(self.kinds.get(name)) for name in sorted(self.kinds.names())
            }
            self._schemas = fingerprint({"rules": load_schema("rules"), "kinds": kinds})
        return self._schemas

    def load_document(
        self, doc: Document, pack: str | None = None, *, validated: bool = False
    ) -> list[Rule]:
        """The rules of one rule file; ``validated``: the data is known to be valid under the
        schemas of :meth:`schemas_fingerprint` (it comes from the cache)."""
        data = doc.data
        if not isinstance(data, dict):
            raise InputError(
                [Problem(doc.path, "a rule file must be a mapping with a 'rules' list", line=1)]
            )
        found = (
            []
            if validated
            else validate_with_paths(
                data, load_schema("rules"), path=doc.path, source_map=doc.source_map
            )
        )
        problems = [problem for _, problem in found]
        bad_rules = {p[1] for p, _ in found if len(p) >= 2 and p[0] == "rules"}
        if any(len(p) < 2 for p, _ in found):
            raise InputError(problems)  # the envelope itself is wrong: nothing to build
        rules = []
        by_default = data.get("run_by_default", True)
        for index, raw in enumerate(data["rules"]):
            if index in bad_rules:
                continue
            rule = self._build(doc, raw, index, pack, problems, validated)
            if rule is not None:
                rules.append(
                    rule if by_default else dataclasses.replace(rule, run_by_default=False)
                )
        if problems:
            raise InputError(problems)
        return rules

    def _problem(
        self, doc: Document, ptr: str, message: str, hint: str | None, rule_id: str | None
    ) -> Problem:
        locate = getattr(doc.source_map, "locate_key", doc.source_map.locate)
        position = locate(ptr)
        line, column = position if position else (None, None)
        return Problem(doc.path, message, line=line, column=column, hint=hint, rule_id=rule_id)

    def _selector(
        self, doc: Any, raw: Any, ptr: str, rule_id: str, problems: list[Problem]
    ) -> Selector:
        """A rule's selector, with its alternatives (``any``), each read the same way."""
        alternatives = raw.get("any")
        return Selector(
            purposes=_tuple(raw.get("purposes")),
            data_categories=_tuple(raw.get("data_categories")),
            recipients=_tuple(raw.get("recipients")),
            ids=_tuple(raw.get("ids")),
            regions=self._regions(doc, raw.get("regions"), f"{ptr}/regions", rule_id, problems),
            default=raw.get("default"),
            practice=_tuple(raw.get("practice")),
            legal_basis=_tuple(raw.get("legal_basis")),
            any=(
                tuple(
                    self._selector(doc, sub, f"{ptr}/any/{index}", rule_id, problems)
                    for index, sub in enumerate(alternatives)
                )
                if alternatives
                else None
            ),
            none=(
                tuple(
                    self._selector(doc, sub, f"{ptr}/none/{index}", rule_id, problems)
                    for index, sub in enumerate(raw["none"])
                )
                if raw.get("none")
                else None
            ),
        )

    def _regions(
        self, doc: Document, terms: Any, ptr: str, rule_id: str, problems: list[Problem]
    ) -> tuple[str, ...] | None:
        if terms is None:
            return None
        for index, term in enumerate(terms):
            try:
                self.regions.expand(term)
            except UnknownRegionError as exc:
                problems.append(self._problem(doc, f"{ptr}/{index}", str(exc), None, rule_id))
        return tuple(terms)

    def _build(
        self,
        doc: Document,
        raw: Mapping[str, Any],
        index: int,
        pack: str | None,
        problems: list[Problem],
        validated: bool = False,
    ) -> Rule | None:
        rule_ptr = pointer("rules", index)
        rule_id = str(raw["id"])
        check = raw["check"]
        kind_name = check["kind"]
        before = len(problems)
        if kind_name not in self.kinds:
            import difflib

            close = difflib.get_close_matches(kind_name, self.kinds.names(), n=1)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else f"known kinds: {', '.join(sorted(self.kinds.names()))}"
            )
            problems.append(
                self._problem(
                    doc,
                    f"{rule_ptr}/check/kind",
                    f"unknown check kind {kind_name!r}",
                    hint,
                    rule_id,
                )
            )
            return None
        kind = self.kinds.get(kind_name)
        if not validated:
            problems.extend(
                validate(
                    check,
                    check_schema(kind),
                    path=doc.path,
                    source_map=doc.source_map,
                    base=("rules", index, "check"),
                    rule_id=rule_id,
                )
            )
        selector = self._selector(
            doc, raw.get("selector") or {}, f"{rule_ptr}/selector", rule_id, problems
        )
        jurisdictions = self._regions(
            doc, raw.get("jurisdictions"), f"{rule_ptr}/jurisdictions", rule_id, problems
        )
        if len(problems) > before:
            return None
        params = {k: v for k, v in check.items() if k != "kind"}
        refused: ParamError | None = None
        with self.kinds.blame(kind_name, f"failed to prepare rule {rule_id!r}"):
            try:
                prepared = kind.prepare(params, self.regions)
            except ParamError as exc:  # the rule's fault, not the kind's
                refused = exc
        if refused is not None:
            ptr = pointer("rules", index, "check", *refused.key)
            problems.append(self._problem(doc, ptr, str(refused), refused.hint, rule_id))
            return None
        review = None
        if raw.get("review"):
            from consentrules.sources.reviews import load_review

            review = load_review(raw["review"], doc, index, rule_id, self.regions, problems)
            if review is None:
                return None
        from consentrules.sources.rule_dates import rule_dates

        dates = rule_dates(self, doc, raw, rule_ptr, rule_id, problems)
        if dates is None:
            return None
        position = doc.source_map.locate(rule_ptr)
        fixtures = tuple(
            _fixture(doc, raw_fixture, f"{rule_ptr}/fixtures/{i}")
            for i, raw_fixture in enumerate(raw.get("fixtures") or ())
        )
        return Rule(
            id=rule_id,
            title=raw["title"],
            message=str(raw.get("message") or "").strip(),
            restates=tuple(raw.get("restates") or ()),
            severity=Severity.parse(raw["severity"]),
            check_kind=kind_name,
            params=params,
            description=raw.get("description", "").strip(),
            remediation=raw.get("remediation", "").strip(),
            damages=_damages(raw.get("damages")),
            references=tuple(
                Reference(title=ref["title"], url=ref.get("url"))
                for ref in raw.get("references") or ()
            ),
            tags=tuple(raw.get("tags") or ()),
            jurisdictions=jurisdictions or (),
            selector=selector,
            pack=pack,
            path=doc.path,
            line=position[0] if position else None,
            prepared=prepared,
            fixtures=fixtures,
            review=review,
            **dates,
        )


def _positions(doc: Document, rules: list[Rule]) -> dict[str, tuple[int, int]]:
    """The positions a loaded rule file's Rules need again: each rule's and fixture's line."""
    table: dict[str, tuple[int, int]] = {}
    for index, rule in enumerate(rules):
        pointers = [pointer("rules", index), *(f.pointer for f in rule.fixtures)]
        for ptr in pointers:
            position = doc.source_map.locate(ptr)
            if position is not None:
                table[ptr] = position
    return table


def _fixture(doc: Document, raw: Mapping[str, Any], ptr: str) -> Fixture:
    position = doc.source_map.locate(ptr)
    return Fixture(
        name=raw["name"],
        expect=tuple(
            Expectation(
                target=e["target"],
                target_kind=e.get("target_kind"),
                status=e.get("status", "violation"),
                regions=_tuple(e.get("regions")),
                message_contains=e.get("message_contains"),
            )
            for e in raw["expect"]
        ),
        snapshot=raw.get("snapshot"),
        snapshot_file=raw.get("snapshot_file"),
        as_of=raw.get("as_of"),
        line=position[0] if position else None,
        pointer=ptr,
    )


def _tuple(value: Any) -> tuple[str, ...] | None:
    return None if value is None else tuple(value)


def _damages(raw: Any) -> Damages | None:
    if not raw:
        return None
    return Damages(
        per_person_min=float(raw["per_person_min"]),
        currency=raw["currency"],
        law=raw["law"],
        per_person_max=None if raw.get("per_person_max") is None else float(raw["per_person_max"]),
        note=str(raw.get("note", "")),
    )
