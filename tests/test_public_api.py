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
