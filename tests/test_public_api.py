"""The package's public names: what ``__all__`` promises, the lazy loader delivers."""

from __future__ import annotations

import importlib

import pytest

import consentrules


def test_all_lists_exactly_the_lazy_exports():
    assert sorted(consentrules.__all__) == sorted([*consentrules._EXPORTS, "__version__"])


def test_every_public_name_is_the_object_its_module_defines():
    for name, module in consentrules._EXPORTS.items():
        assert getattr(consentrules, name) is getattr(importlib.import_module(module), name)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        consentrules.Nope  # noqa: B018


def _imports(source: str) -> list[str]:
    import ast

    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


PUBLIC = {"consentrules", "consentrules.testing"}


def _private_imports(source: str) -> list[str]:
    return [
        name
        for name in _imports(source)
        if (name == "consentrules" or name.startswith("consentrules.")) and name not in PUBLIC
    ]


def test_plugins_import_only_the_public_api():
    from conftest import ROOT

    offenders = {}
    for path in sorted((ROOT / "plugins").glob("*/**/*.py")):
        found = _private_imports(path.read_text(encoding="utf-8"))
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert not offenders, f"plugins import private modules: {offenders}"


def test_the_tutorial_imports_only_the_public_api():
    import re

    from conftest import ROOT

    text = (ROOT / "docs" / "tutorial-adapter.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks
    found = [name for block in blocks for name in _private_imports(block)]
    assert not found, f"the tutorial imports private modules: {found}"


def test_a_private_import_is_caught():
    assert _private_imports("from consentrules.sources.yamlsource import read_text\n") == [
        "consentrules.sources.yamlsource"
    ]
    assert (
        _private_imports("from consentrules import read_text\nimport consentrules.testing\n") == []
    )


def test_snapshot_from_data_names_json_pointers():
    from consentrules import InputError
    from consentrules import snapshot_from_data

    data = {
        "platform": "X",
        "taken_at": "2024-01-01",
        "settings": [{"id": "a", "default": True, "activated_at": "2024-02-30"}],
    }
    with pytest.raises(InputError) as info:
        snapshot_from_data(data, "vendor-export.json")
    (problem,) = info.value.problems
    assert problem.path == "vendor-export.json" and problem.line is None
    assert "(at /settings/0/activated_at)" in problem.message
    data["settings"][0]["activated_at"] = "2024-02-03"
    assert snapshot_from_data(data).settings[0].id == "a"
