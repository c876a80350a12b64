"""The plugin API is documented, and each hook is documented and exercised (datasette's rule)."""

from __future__ import annotations

import inspect
import re

import pytest

from conftest import ROOT
from consentrules import hookspecs
from consentrules.plugin.manager import BUILTIN_PLUGINS

DOC = (ROOT / "docs" / "plugins.md").read_text()
HOOKS = [name for name in hookspecs.__all__ if name.startswith("consentrules_")]


def test_every_hook_is_listed_in_all():
    defined = {
        n for n, obj in vars(hookspecs).items() if n.startswith("consentrules_") and callable(obj)
    }
    assert defined == set(HOOKS)


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_documented_with_its_signature(name):
    args = ", ".join(inspect.signature(getattr(hookspecs, name)).parameters)
    assert f"### `{name}({args})`" in DOC
    section = DOC.split(f"### `{name}(")[1].split("\n### ")[0]
    for word in ("**When:**", "**Arguments:**", "**Returns:**", "**firstresult:**", "```python"):
        assert word in section, f"{name}: {word} missing"


@pytest.mark.parametrize("name", HOOKS)
def test_hook_docstring_names_every_argument(name):
    function = getattr(hookspecs, name)
    for argument in inspect.signature(function).parameters:
        assert f":param {argument}:" in function.__doc__


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_exercised_by_a_test(name):
    sources = [
        p.read_text() for p in (ROOT / "tests").rglob("*.py") if p.name != "test_hookspecs.py"
    ]
    assert any(f"def {name}(" in text for text in sources), f"no test implements {name}"


def test_firstresult_statement_matches_the_specs():
    for name in HOOKS:
        opts = getattr(hookspecs, name).consentrules_spec
        section = DOC.split(f"### `{name}(")[1].split("\n### ")[0]
        said = "**firstresult:** yes" in section
        assert bool(opts.get("firstresult")) == said, name
    assert "exception is `consentrules_claim_matcher`" in DOC


def test_every_builtin_plugin_is_named_in_the_docs():
    for name in BUILTIN_PLUGINS:
        assert f"`{name}`" in DOC


def test_python_examples_in_the_docs_compile():
    blocks = re.findall(r"```python\n(.*?)```", DOC, flags=re.DOTALL)
    assert len(blocks) >= 9
    for block in blocks:
        compile(block, "docs/plugins.md", "exec")
