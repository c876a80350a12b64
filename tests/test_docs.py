"""The docs stay true to the code: every bundled rule and pack is listed where users look."""

from __future__ import annotations

import re

from conftest import ROOT
from consentrules.model.regions import default_registry
from consentrules.sources.bundled import bundled_rules_path
from consentrules.sources.loading import RuleLoader
from consentrules.testing import builtin_check_kinds

RULES = RuleLoader(builtin_check_kinds(), default_registry()).load_paths([bundled_rules_path()])


def test_rules_doc_lists_every_pack_and_rule_with_its_severity():
    doc = (ROOT / "docs" / "rules.md").read_text()
    table = doc.split("## The bundled packs")[1]
    for rule in RULES:
        assert f"`{rule.pack}`" in table, rule.pack
        short = rule.id if rule.id in table else "-" + rule.id.rsplit("-", 1)[1]
        assert re.search(rf"{re.escape(short)} \({rule.severity.label}\)", table) or (
            f"{rule.id} ({rule.severity.label})" in table
        ), rule.id


def test_readme_names_every_pack():
    readme = (ROOT / "README.md").read_text()
    for pack in {rule.pack for rule in RULES}:
        assert f"`{pack}`" in readme, pack


def test_readme_says_once_that_rules_are_not_legal_advice():
    readme = (ROOT / "README.md").read_text()
    assert readme.count("not legal advice") == 1


def _yaml_block(path, first_line_start):
    text = path.read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)
    (block,) = [b for b in blocks if b.startswith(first_line_start) and "fixtures:" in b]
    return block


def test_rule_examples_in_the_docs_pass_their_own_fixtures(tmp_path, consentrules_run):
    for name, doc in (
        ("readme.yaml", ROOT / "README.md"),
        ("guide.yaml", ROOT / "docs" / "rules.md"),
    ):
        block = _yaml_block(doc, "# yaml-language-server: $schema=../")
        path = tmp_path / name
        path.write_text(block.replace("   (path relative to this file)", ""))
        result = consentrules_run("test", str(path), "--require-fixtures")
        assert result.exit_code == 0, result.stdout + result.stderr


def test_rules_doc_lists_the_standard_vocabulary():
    from consentrules.model.vocabulary import VOCABULARY

    text = (ROOT / "docs" / "rules.md").read_text()
    for label, name in (
        ("Purposes", "purposes"),
        ("Data categories", "data_categories"),
        ("Recipients", "recipients"),
    ):
        listed = next(line for line in text.splitlines() if line.startswith(f"- {label}:"))
        assert set(re.findall(r"`([a-z_]+)`", listed)) == set(VOCABULARY[name]), label


def test_readme_figures_are_what_the_tool_says(consentrules_run):
    """The quick start's summary line and the bundled rule counts are the tool's own (a bare
    install: no plugin loaded)."""
    import re

    from conftest import EXAMPLES
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    result = consentrules_run("check", "examples/ai-training-2024/violating.yaml")
    last = result.stdout.strip().splitlines()[-1]
    assert last in readme, last
    listed = consentrules_run("rules", "list").stdout.strip().splitlines()[-1]  # "54 rules"
    total = int(listed.split()[0])
    ran = int(re.search(r"(\d+) rules\. FAILED", last).group(1))
    assert f"{total} rules, of which `check` runs {ran} by default" in readme
    assert EXAMPLES.exists()
