"""Rule files: schema and semantic errors point at the file, line and key."""

from __future__ import annotations

import textwrap

import pytest

from consentrules.model.errors import InputError
from consentrules.sources.loading import RuleLoader
from consentrules.testing import builtin_check_kinds


@pytest.fixture
def load(tmp_path, regions):
    loader = RuleLoader(builtin_check_kinds(), regions)

    def _load(text, name="rules.yaml"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(text))
        return loader.load_paths([path])

    return _load


def problems(load, text):
    with pytest.raises(InputError) as info:
        load(text)
    return info.value.problems


GOOD = """\
rules:
  - id: R1
    title: t
    severity: high
    selector: {purposes: [ai_training]}
    check:
      kind: opt_in_default
"""


def test_valid_file_loads_with_line_and_pack(load, tmp_path):
    (rule,) = load(GOOD)
    assert rule.id == "R1" and rule.line == 2 and rule.pack == tmp_path.name


def test_unknown_kind_names_line_and_suggests(load):
    (p,) = problems(load, GOOD.replace("opt_in_default", "opt_in_defaults"))
    assert (p.line, p.rule_id) == (7, "R1")
    assert "unknown check kind 'opt_in_defaults'" in p.message
    assert p.hint == "did you mean 'opt_in_default'?"


def test_unknown_key_points_at_the_key(load):
    (p,) = problems(
        load, GOOD.replace("    severity: high\n", "    severity: high\n    sevrity: low\n")
    )
    assert p.line == 5 and "unknown key 'sevrity'" in p.message
    assert p.hint == "did you mean 'severity'?"


def test_unknown_check_parameter_points_at_it(load):
    (p,) = problems(load, GOOD + "      regoins: [EEA]\n")
    assert p.line == 8 and "unknown key 'regoins'" in p.message and p.rule_id == "R1"


def test_wrong_type_names_the_path(load):
    (p,) = problems(load, GOOD.replace("purposes: [ai_training]", "purposes: ai_training"))
    assert p.line == 5
    assert "rules[0].selector.purposes must be of type array, not string" in p.message


def test_bad_severity_suggests(load):
    (p,) = problems(load, GOOD.replace("severity: high", "severity: hgh"))
    assert p.line == 4 and p.hint == "did you mean 'high'?"


def test_missing_required_key(load):
    (p,) = problems(load, GOOD.replace("    title: t\n", ""))
    assert "missing the required key 'title'" in p.message and p.line == 2


def test_unknown_region_in_selector(load):
    (p,) = problems(load, GOOD.replace("{purposes: [ai_training]}", "{regions: [EU, Germny]}"))
    assert p.line == 5 and "unknown region 'Germny'" in p.message


def test_duplicate_rule_ids_across_files_name_both(tmp_path, regions):
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD)
    with pytest.raises(InputError) as info:
        RuleLoader(builtin_check_kinds(), regions).load_paths([tmp_path])
    (p,) = info.value.problems
    assert p.path.endswith("b.yaml")
    assert "already used by" in p.message and "a.yaml:2" in p.message


def test_duplicate_yaml_key_is_an_error(load):
    (p,) = problems(load, GOOD.replace("    title: t\n", "    title: t\n    title: u\n"))
    assert p.line == 4 and "duplicate key 'title'" in p.message


def test_every_problem_of_every_rule_is_reported(load):
    text = GOOD + GOOD.replace("rules:\n", "").replace("R1", "R2").replace("opt_in_default", "nope")
    text = text.replace("severity: high", "severity: urgent", 1)
    found = problems(load, text)
    assert len(found) == 2 and {p.line for p in found} == {4, 13}


def test_not_a_mapping(load):
    (p,) = problems(load, "- just a list\n")
    assert "must be a mapping" in p.message


def test_bundled_rules_are_valid(regions):
    from consentrules.sources.bundled import bundled_rules_path

    rules = RuleLoader(builtin_check_kinds(), regions).load_paths([bundled_rules_path()])
    assert {r.pack for r in rules} == {
        "ai-training",
        "gdpr",
        "uk-gdpr",
        "ch-fadp",
        "ca-quebec",
        "us-ccpa-cpra",
        "us-state-privacy",
        "us-stored-communications",
        "eprivacy-cookies",
        "us-opt-out-signals",
        "us-interception",
        "children",
        "eu-digital",
        "policy-choices",
    }
    for rule in rules:
        assert rule.description and rule.remediation and rule.references
        assert all(ref.url and ref.url.startswith("https://") for ref in rule.references)
