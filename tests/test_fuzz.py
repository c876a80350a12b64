"""Property-based tests: any input loads and evaluates, or is the project's own input error.

CI runs a modest number of examples; a longer run (see docs/hardening.md) sets
CONSENTRULES_FUZZ_EXAMPLES.
"""

from __future__ import annotations

import contextlib
import io
import json
import os

import yaml
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from consentrules.engine.evaluate import Engine
from consentrules.model import Report
from consentrules.model.errors import InputError
from consentrules.plugin.config import make_config
from consentrules.report.json_reporter import report_dict
from consentrules.report.text import TextReporter
from consentrules.sources.bundled import bundled_rules_path
from consentrules.sources.loading import RuleLoader
from consentrules.sources.snapshots import snapshot_from_document
from consentrules.sources.yamlsource import load_json_text
from consentrules.sources.yamlsource import load_yaml_text

EXAMPLES_COUNT = int(os.environ.get("CONSENTRULES_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES_COUNT,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
CONFIG = make_config(autoload=False)
RULES = RuleLoader(CONFIG.check_kinds, CONFIG.regions).load_paths([bundled_rules_path()])
ENGINE = Engine(CONFIG.check_kinds, CONFIG.regions)
VALID_TEXT = (EXAMPLES / "ai-training-2024" / "violating.yaml").read_text()

# Values drawn from the vocabulary, so that structured fuzzing reaches the check kinds.
WORDS = st.sampled_from(
    [
        "ai_training",
        "advertising",
        "analytics",
        "private_messages",
        "third_parties",
        "affiliates",
        "first_party",
        "health",
        "EEA",
        "UK",
        "CH",
        "US",
        "US-CA",
        "ALL",
        "DE",
        "GB",
        "NO",
        "EAA",
        "2024-08-01",
        "2024-08",
        "2024-13-01",
        "0001-01-01",
        "",
        "privacy_policy",
        "faq",
    ]
)
SCALARS = st.one_of(
    WORDS,
    st.booleans(),
    st.none(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(WORDS, st.text(max_size=6)), inner, max_size=4),
    ),
    max_leaves=12,
)
SETTING_KEYS = [
    "id",
    "title",
    "purposes",
    "data_categories",
    "recipients",
    "default",
    "region_defaults",
    "regions",
    "activated_at",
    "history",
    "metadata",
    "bogus",
]


@st.composite
def settings_(draw):
    out = {"id": draw(st.text(min_size=1, max_size=8))}
    for key in draw(st.lists(st.sampled_from(SETTING_KEYS), max_size=8, unique=True)):
        if key == "regions":
            out[key] = {
                "include": draw(st.lists(WORDS, max_size=3)),
                "exclude": draw(st.lists(WORDS, max_size=3)),
            }
        elif key in ("purposes", "data_categories", "recipients"):
            out[key] = draw(st.lists(WORDS, max_size=3, unique=True))
        elif key == "default":
            out[key] = draw(st.one_of(st.booleans(), st.none(), WORDS))
        elif key == "region_defaults":
            out[key] = draw(st.dictionaries(WORDS, st.one_of(st.booleans(), st.none()), max_size=3))
        elif key == "history":
            out[key] = draw(
                st.lists(
                    st.fixed_dictionaries(
                        {"date": WORDS},
                        optional={
                            "default": st.booleans(),
                            "regions": st.fixed_dictionaries(
                                {"include": st.lists(WORDS, max_size=2)}
                            ),
                        },
                    ),
                    max_size=3,
                )
            )
        else:
            out[key] = draw(VALUES)
    return out


@st.composite
def snapshots(draw):
    data = {
        "platform": draw(st.one_of(st.just("P"), VALUES)),
        "taken_at": draw(st.one_of(st.just("2024-11-20"), WORDS)),
        "settings": draw(st.lists(settings_(), max_size=5)),
    }
    if draw(st.booleans()):
        data["disclosures"] = draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "id": st.text(min_size=1, max_size=5),
                        "kind": st.sampled_from(["privacy_policy", "faq"]),
                        "versions": st.lists(
                            st.fixed_dictionaries(
                                {"published_at": WORDS},
                                optional={
                                    "purposes": st.lists(WORDS, max_size=3, unique=True),
                                    "describes_opt_out": st.booleans(),
                                },
                            ),
                            max_size=3,
                        ),
                    }
                ),
                max_size=2,
            )
        )
    if draw(st.integers(0, 9)) == 0:
        data[draw(WORDS)] = draw(VALUES)  # an unknown top-level key now and then
    return data


def evaluate(snapshot) -> str:
    findings = []
    for rule in RULES:
        findings.extend(ENGINE.evaluate([rule], snapshot))
    report = Report(findings=findings, rules={r.id: r for r in RULES}, snapshots=[])
    text = io.StringIO()
    TextReporter().render(report, text, CONFIG)
    return json.dumps(report_dict(report), sort_keys=True, default=str) + text.getvalue()


@FUZZ
@given(snapshots(), st.sampled_from(["yaml", "json"]))
def test_structured_snapshots_load_and_evaluate_or_are_input_errors(data, form):
    text = json.dumps(data, allow_nan=True) if form == "json" else yaml.safe_dump(data)
    try:
        doc = (load_json_text if form == "json" else load_yaml_text)(text, f"fuzz.{form}")
        snapshot = snapshot_from_document(doc, CONFIG.regions)
    except InputError as exc:
        assert exc.problems and all(p.path == f"fuzz.{form}" for p in exc.problems)
        return
    first = evaluate(snapshot)
    assert first == evaluate(snapshot)  # deterministic, byte for byte


@FUZZ
@given(st.data())
def test_mutated_text_loads_or_is_an_input_error(data):
    text = VALID_TEXT
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["delete", "insert", "truncate"]))
        if action == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 20)) :]
        elif action == "insert":
            text = text[:at] + data.draw(st.text(max_size=8)) + text[at:]
        else:
            text = text[:at]
    try:
        snapshot = snapshot_from_document(load_yaml_text(text, "m.yaml"), CONFIG.regions)
    except InputError:
        return
    evaluate(snapshot)


@FUZZ
@given(st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_arbitrary_text_never_escapes_as_another_error(text):
    for loader, name in ((load_yaml_text, "a.yaml"), (load_json_text, "a.json")):
        with contextlib.suppress(InputError):
            snapshot_from_document(loader(text, name), CONFIG.regions)


RULE_KEYS = [
    "kind",
    "regions",
    "when",
    "mode",
    "document_kind",
    "min_days_before",
    "retain",
    "require",
    "purposes",
    "date",
    "subject",
    "forbid",
    "require_",
    "bogus",
]


@st.composite
def rule_files(draw):
    check = {
        "kind": draw(
            st.sampled_from(
                ["opt_in_default", "regional_exclusion", "disclosure_timing", "condition", "nope"]
            )
        )
    }
    for key in draw(st.lists(st.sampled_from(RULE_KEYS[1:]), max_size=4, unique=True)):
        if key in ("forbid", "require_"):
            check[key.rstrip("_")] = {
                "field": draw(WORDS),
                draw(
                    st.sampled_from(
                        ["equals", "contains", "matches", "before", "gt", "in", "exists"]
                    )
                ): draw(VALUES),
            }
        else:
            check[key] = draw(VALUES)
    rule = {
        "id": draw(st.sampled_from(["R-1", "r 2", "", "R3"])),
        "title": "t",
        "severity": draw(st.sampled_from(["low", "high", "urgent"])),
        "check": check,
    }
    if draw(st.booleans()):
        rule["selector"] = {
            draw(st.sampled_from(["purposes", "regions", "ids", "nope"])): draw(
                st.lists(WORDS, max_size=2)
            )
        }
    return {"rules": [rule]}


@FUZZ
@given(rule_files())
def test_rule_files_load_and_run_or_are_input_errors(data):
    loader = RuleLoader(CONFIG.check_kinds, CONFIG.regions)
    try:
        rules = loader.load_document(load_yaml_text(yaml.safe_dump(data), "r.yaml"))
    except InputError:
        return
    snapshot = snapshot_from_document(load_yaml_text(VALID_TEXT, "v.yaml"), CONFIG.regions)
    for rule in rules:
        ENGINE.evaluate([rule], snapshot)


@FUZZ
@given(st.dictionaries(st.text(max_size=5), VALUES, max_size=5), st.sampled_from([None, 0, 2]))
def test_json_reader_reads_what_json_reads(data, indent):
    text = json.dumps(data, indent=indent)  # finite numbers only: NaN is refused on purpose
    if "NaN" in text or "Infinity" in text:
        return
    assert load_json_text(text, "d.json").data == json.loads(text)
