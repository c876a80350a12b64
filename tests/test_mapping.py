"""Mapping files (issue 18, point 13): the format docs/mapping.md describes, read with the
public load_mapping, and the guide's own example."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from consentrules import InputError
from consentrules import load_mapping

GUIDE = (ROOT / "docs" / "mapping.md").read_text()


@pytest.fixture
def mapping(tmp_path):
    (text,) = [b for b in re.findall(r"```yaml\n(.*?)```", GUIDE, flags=re.DOTALL)]
    path = tmp_path / "consentrules-mapping.yaml"
    path.write_text(text)
    return load_mapping(path)


def test_the_guides_mapping_file_reads_and_the_first_match_wins(mapping):
    trained = mapping.lookup("summaries", metadata={"purpose": "model-training"})
    assert trained.purposes == ("ai_training",) and "private_messages" in trained.data_categories
    assert mapping.lookup("ai-chat").purposes == ("ai_training",)
    assert mapping.lookup("page-views", tags=["analytics"]).recipients == ("processors",)
    # every key of a match must hold
    assert mapping.lookup("share-feed") is None
    assert mapping.lookup("share-feed", tags=["partners"]).purposes == ("third_party_sharing",)
    assert mapping.lookup("dark-mode") is None and mapping.unmapped == "warn"


def test_a_wrong_mapping_file_names_the_file_and_line(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(
        "mappings:\n  - match: {key: 'x'}\n    purposes: [Not A Token]\nunmapped: maybe\n"
    )
    with pytest.raises(InputError) as error:
        load_mapping(path)
    text = error.value.format()
    assert "m.yaml:3" in text and "m.yaml:4" in text


def test_the_guides_adapter_snippet_compiles():
    blocks = re.findall(r"```python\n(.*?)```", GUIDE, flags=re.DOTALL)
    assert blocks
    for block in blocks:
        compile(block, "docs/mapping.md", "exec")
