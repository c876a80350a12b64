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


def _doc_texts():
    from conftest import ROOT

    docs = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
    docs += sorted((ROOT / "plugins").glob("*/README.md"))
    return {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8") for path in docs}


def _used_names() -> dict[str, set[str]]:
    """Every root name the docs, the tutorial and the example plugins use: ``consentrules.X``
    in prose and code, and ``from consentrules import X`` in code blocks and plugin code."""
    import ast
    import re

    from conftest import ROOT

    used: dict[str, set[str]] = {}
    sources = dict(_doc_texts())
    for path in sorted((ROOT / "plugins").glob("*/**/*.py")):
        sources[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    for where, text in sources.items():
        for name in re.findall(r"\bconsentrules\.([A-Za-z_][A-Za-z0-9_]*)\b", text):
            if name[:1].isupper() or name in consentrules.__all__:
                used.setdefault(name, set()).add(where)
        code = [text] if where.endswith(".py") else re.findall(r"```python\n(.*?)```", text, re.S)
        for block in code:
            try:
                tree = ast.parse(block)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module == "consentrules":
                    for alias in node.names:
                        used.setdefault(alias.name, set()).add(where)
    return used


def _listed() -> set[str]:
    """The names the public-API table of docs/plugins.md lists."""
    import re

    from conftest import ROOT

    text = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    section = text.split("## The public API", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {
        name
        for row in rows
        for name in re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", row.split(" | ")[0])
    }


def test_every_name_the_docs_and_plugins_use_is_exported_and_listed():
    used = _used_names()
    assert {"snapshot_from_document", "Notice", "load_mapping", "Problem"} <= set(used)
    missing = {
        name: sorted(where) for name, where in used.items() if name not in consentrules.__all__
    }
    assert not missing, f"used but not exported from the package root: {missing}"
    unlisted = {name: sorted(where) for name, where in used.items() if name not in _listed()}
    assert not unlisted, f"used but not in docs/plugins.md's public-API list: {unlisted}"


def test_the_public_api_list_is_exactly_what_the_package_exports():
    assert _listed() == set(consentrules.__all__)


def test_the_docs_name_no_private_module_path():
    import re

    private = re.compile(
        r"\bconsentrules\.(?:model|plugin|sources|engine|cli|report|ci)\.[A-Za-z_.]+"
    )
    found = {
        where: hits
        for where, text in _doc_texts().items()
        if (hits := [m for m in private.findall(text) if not m.endswith((".json", ".py"))])
        # (module paths a user runs, `python -m consentrules.x.y`, are commands, not API)
        and not all(f"python -m {m}" in text for m in hits)
    }
    assert not found, f"docs point at private paths: {found}"
