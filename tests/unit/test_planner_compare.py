"""The planner's side-by-side comparison never drops, merges or mislabels a column
(hardening issue, section 4)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from explorer import planner
from explorer.coverage import evaluate_scenario
from explorer.scenario import (
    HubSpec,
    Scenario,
)
from tests.inputs import DS, NEWPORT, POWYS


def _result(name: str, codes: tuple[str, ...] = ()):
    hubs = tuple(HubSpec(f"h{c}", "per_authority", (c,), None) for c in codes)
    return evaluate_scenario(Scenario(name, hubs), DS)


def test_compare_keeps_a_column_named_like_the_label_column():
    label = "Measure / authority"
    rows = planner.side_by_side_rows([_result(label, (POWYS,)), _result("B")], DS, "en")
    assert list(rows[0]) == [label, f"{label} (2)", "B"]
    assert rows[0][label] == "Authorities covered"
    assert (rows[0][f"{label} (2)"], rows[0]["B"]) == ("6", "5")


def test_compare_keeps_three_columns_for_a_a_and_a_2():
    results = [_result("A"), _result("A", (POWYS,)), _result("A (2)", (POWYS, NEWPORT))]
    rows = planner.side_by_side_rows(results, DS, "en")
    assert list(rows[0])[1:] == ["A", "A (2)", "A (2) (2)"]
    assert [rows[0][c] for c in ("A", "A (2)", "A (2) (2)")] == ["5", "6", "6"]


def test_compare_labels_the_current_unsaved_scenario():
    rows = planner.side_by_side_rows([_result("A"), _result("A", (POWYS,))], DS, "en",
                                     current_index=1)
    assert list(rows[0])[1:] == ["A", "A (current)"]
    rows = planner.side_by_side_rows([_result("A")], DS, "cy", current_index=0)
    assert list(rows[0])[1:] == ["A (presennol)"]


@settings(max_examples=200)
@given(st.lists(st.sampled_from(["A", "a", "A (2)", "A (2) (2)", "Measure / authority",
                                 "A (current)", "Ａ", "A\u200b", " A", "B"]) | st.text(max_size=6),
                min_size=1, max_size=5),
       st.none() | st.integers(0, 4))
def test_compare_never_drops_or_overwrites_a_column(names, current):
    current = current if current is not None and current < len(names) else None
    results = [_result(n or "x", (POWYS,) * (i % 2)) for i, n in enumerate(names)]
    rows = planner.side_by_side_rows(results, DS, "en", current_index=current)
    columns = list(rows[0])[1:]
    assert len(columns) == len(results)
    keys = {planner._label_key(c) for c in columns} | {planner._label_key(list(rows[0])[0])}
    assert len(keys) == len(results) + 1  # none looks like another, nor like the label column
    for column, r in zip(columns, results, strict=True):
        assert column.startswith(r.scenario_name)  # the scenario's own name stays visible
        assert rows[0][column] == str(r.authorities_covered)
