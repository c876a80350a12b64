"""What every bundled rule must carry: a region scope, a citation with a URL, and fixtures that
show the scope (one that fires inside it, one that stays quiet)."""

from __future__ import annotations

import pytest

from consentrules.model.regions import default_registry
from consentrules.sources.bundled import bundled_rules_path
from consentrules.sources.loading import RuleLoader
from consentrules.testing import builtin_check_kinds

RULES = RuleLoader(builtin_check_kinds(), default_registry()).load_paths([bundled_rules_path()])


def region_scope(rule) -> tuple[str, ...]:
    """The regions a rule judges: its check's ``regions``, else its selector's."""
    return tuple(rule.params.get("regions") or rule.selector.regions or ())


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_every_rule_has_a_region_scope_and_a_cited_url(rule):
    assert region_scope(rule), f"{rule.id} has no region scope (check.regions or selector.regions)"
    assert rule.jurisdictions, f"{rule.id} names no jurisdictions"
    registry = default_registry()
    assert registry.mask_all(region_scope(rule)) & registry.mask_all(rule.jurisdictions)
    cited = [ref for ref in rule.references if ref.url and ref.url.startswith("https://")]
    assert cited, f"{rule.id} cites no law with an https URL"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_every_rule_has_firing_and_quiet_fixtures(rule):
    firing = [f for f in rule.fixtures if any(e.status == "violation" for e in f.expect)]
    quiet = [f for f in rule.fixtures if not f.expect]
    assert firing, f"{rule.id} has no fixture that fires"
    assert quiet, f"{rule.id} has no fixture that stays quiet"


def test_a_rule_without_a_scope_is_caught():
    unscoped = RuleLoader(builtin_check_kinds(), default_registry()).load_document(
        _document({"id": "X", "title": "x", "severity": "low", "check": {"kind": "opt_in_default"}})
    )[0]
    assert not region_scope(unscoped)


def _document(rule):
    from consentrules import Document
    from consentrules.model import NoSourceMap

    return Document("rules.yaml", {"rules": [rule]}, NoSourceMap())


SETTLED = ("statute", "case law", "regulator guidance", "our reading", "disputed", "a record")


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_docs_say_what_each_rule_rests_on_and_how_settled_it_is(rule):
    from conftest import ROOT

    doc = (ROOT / "docs" / "rules.md").read_text()
    rows = [line for line in doc.splitlines() if line.startswith(f"| {rule.id} |")]
    assert len(rows) == 1, f"docs/rules.md has no row for {rule.id}"
    cells = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert cells[1].startswith(rule.severity.label), (rule.id, cells[1])
    assert any(word in cells[-1] for word in SETTLED), (rule.id, cells[-1])
    if rule.in_force_from is not None:
        assert f"from {rule.in_force_from}" in cells[2], (rule.id, cells[2])
