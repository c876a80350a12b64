"""Which rules a run evaluates: the rule files, and the selection options applied to them."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from consentrules.model import Rule
from consentrules.model import Severity
from consentrules.model.errors import UsageError
from consentrules.plugin.config import Config
from consentrules.sources.loading import RuleLoader


def rule_paths(config: Config) -> list[Path]:
    given = config.getoption("rules")
    if given:
        return [Path(p) for p in given]
    paths = [_short(p) for p in config.plugin_rule_paths()]
    if not paths:
        raise UsageError(
            "no rules to check against: give --rules PATH (the bundled rules were not found)"
        )
    return paths


def _short(path: Path) -> Path:
    """A path relative to the working directory when it is inside it (shorter messages)."""
    import os

    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return Path(relative) if not relative.startswith("..") else path


def load_rules(
    config: Config,
    paths: Iterable[Path] | None = None,
    *,
    select: bool = True,
    opt_in: bool = False,
) -> list[Rule]:
    """Load and validate rules, keep the selected ones, and let plugins adjust them. With
    ``opt_in``, the rules of opt-in packs are kept too (for listing and testing them)."""
    loader = RuleLoader(config.check_kinds, config.regions)
    rules = loader.load_paths(rule_paths(config) if paths is None else paths)
    config.all_rules, config.rule_files = rules, loader.files
    if select:
        rules = select_rules(rules, config.options, config.regions, opt_in=opt_in)
    config.pluginmanager.call_each("consentrules_modify_rules", config=config, rules=rules)
    return rules


def _closest(name: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def severity_overrides(value: Any) -> dict[str, Severity]:
    """``{ID: severity}`` from a mapping or from ``ID=severity`` strings."""
    items = (
        value.items()
        if isinstance(value, dict)
        else (item.split("=", 1) if "=" in item else (item, "") for item in value or ())
    )
    out = {}
    for rule_id, level in items:
        try:
            out[rule_id.strip()] = Severity.parse(str(level).strip())
        except ValueError as exc:
            raise UsageError(f"--severity-override {rule_id}={level}: {exc}") from None
    return out


def select_rules(
    rules: list[Rule], options: Mapping[str, Any], regions: Any, *, opt_in: bool = False
) -> list[Rule]:
    """Keep the rules the selection options ask for; apply disables and severity overrides.

    Packs, rule ids and regions that name nothing are usage errors (a typo in a CI config
    must not silently check less).
    """
    import dataclasses

    from consentrules.model.regions import UnknownRegionError

    ids = {rule.id for rule in rules}
    packs = {rule.pack for rule in rules if rule.pack}
    for pack in options.get("pack") or ():
        if pack not in packs:
            raise UsageError(
                f"--pack {pack!r}: no such pack{_closest(pack, packs)} "
                f"(packs: {', '.join(sorted(packs))})"
            )
    tags = {tag for rule in rules for tag in rule.tags}
    for tag in options.get("tag") or ():
        if tag not in tags:
            raise UsageError(
                f"--tag {tag!r}: no loaded rule has this tag{_closest(tag, tags)} "
                f"(tags: {', '.join(sorted(tags)) or 'none'})"
            )
    wanted_ids = list(options.get("rule") or ())
    disabled = set(options.get("disable_rule") or ())
    overrides = severity_overrides(options.get("severity_override"))
    for rule_id in [*wanted_ids, *sorted(disabled | set(overrides))]:
        if not any(fnmatch.fnmatchcase(i, rule_id) for i in ids):
            raise UsageError(f"no rule with id {rule_id!r}{_closest(rule_id, ids)}")
    wanted_regions: frozenset[str] | None = None
    if options.get("jurisdiction"):
        try:
            wanted_regions = regions.expand_all(options["jurisdiction"])
        except UnknownRegionError as exc:
            raise UsageError(f"--jurisdiction: {exc}") from None
    minimum = Severity.parse(options["min_severity"]) if options.get("min_severity") else None
    selected = []
    for rule in rules:
        if rule.id in disabled:
            continue
        if wanted_ids and not any(fnmatch.fnmatchcase(rule.id, w) for w in wanted_ids):
            continue
        if rule.id in overrides:
            rule = dataclasses.replace(rule, severity=overrides[rule.id])
        if options.get("pack") and rule.pack not in options["pack"]:
            continue
        if options.get("tag") and not set(options["tag"]) & set(rule.tags):
            continue
        if (
            wanted_regions is not None
            and rule.jurisdictions
            and not regions.expand_all(rule.jurisdictions) & wanted_regions
        ):
            continue
        if minimum is not None and rule.severity < minimum:
            continue
        if not (rule.run_by_default or opt_in or _named(rule, options, wanted_ids)):
            continue  # an opt-in pack (commitments beyond the law): only when asked for
        selected.append(rule)
    return selected


def _named(rule: Rule, options: Mapping[str, Any], wanted_ids: list[str]) -> bool:
    """Whether the selection options name this rule: its pack, its id or one of its tags."""
    return (
        rule.pack in (options.get("pack") or ())
        or any(fnmatch.fnmatchcase(rule.id, w) for w in wanted_ids)
        or bool(set(options.get("tag") or ()) & set(rule.tags))
    )


def check_restates(config: Config, rules: list[Any]) -> None:
    """A rule's ``restates`` must name a rule that exists (among the files validated or the
    bundled rules): a typo would leave two findings of one problem apart, silently."""
    import difflib

    from consentrules.model.errors import InputError
    from consentrules.model.errors import Problem
    from consentrules.sources.bundled import bundled_rules_path

    known = {rule.id for rule in rules}
    known |= {rule.id for rule in load_rules(config, [bundled_rules_path()], select=False)}
    problems = []
    for rule in rules:
        for other in rule.restates:
            if other not in known:
                close = difflib.get_close_matches(other, sorted(known), n=1)
                problems.append(
                    Problem(
                        rule.path,
                        f"rule {rule.id} restates {other!r}, which is no rule here or bundled",
                        line=rule.line,
                        hint=f"did you mean {close[0]!r}?" if close else "name an existing rule id",
                        rule_id=rule.id,
                    )
                )
    if problems:
        raise InputError(problems)
