"""The setting index picks exactly what testing every setting with the selector picks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from consentrules.engine.evaluation import EvalContext
from consentrules.engine.selection import SettingIndex
from consentrules.engine.selection import selects
from consentrules.model import Selector
from consentrules.model.dates import parse_date
from consentrules.model.regions import default_registry
from consentrules.testing import make_snapshot

VALUES = st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=3, unique=True)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(VALUES, VALUES, VALUES), max_size=12),
    st.one_of(st.none(), VALUES),
    st.one_of(st.none(), VALUES),
    st.one_of(st.none(), VALUES),
    st.one_of(st.none(), st.just(["s-1*"])),
)
def test_index_selects_like_a_scan(rows, purposes, categories, recipients, ids):
    snapshot = make_snapshot(
        {
            "settings": [
                {"id": f"s-{i}", "purposes": p, "data_categories": c, "recipients": r}
                for i, (p, c, r) in enumerate(rows)
            ]
        }
    )
    selector = Selector(
        purposes=tuple(purposes) if purposes is not None else None,
        data_categories=tuple(categories) if categories is not None else None,
        recipients=tuple(recipients) if recipients is not None else None,
        ids=tuple(ids) if ids is not None else None,
    )
    ctx = EvalContext(snapshot, parse_date("2025-01-01"), default_registry())
    scanned = [s for s in snapshot.settings if selects(selector, s, ctx)]
    assert SettingIndex(snapshot.settings).select(selector, ctx) == scanned
