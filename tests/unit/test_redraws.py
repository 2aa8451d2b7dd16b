"""The redraw budget of open boards (explorer/rooms/redraws.py), on a hand-driven clock."""

from __future__ import annotations

import pytest

from explorer.rooms.redraws import RedrawBudget


def test_a_room_gets_its_burst_then_its_rate():
    budget = RedrawBudget(room_rate=2, room_burst=3, total_rate=100, total_burst=100)
    assert [budget.admit("A", now=0.0) for _ in range(4)] == [True, True, True, False]
    assert budget.admit("A", now=0.25) is False  # half a redraw earned so far
    assert budget.admit("A", now=0.5) is True  # one earned at 2 a second
    assert budget.admit("A", now=0.5) is False
    assert budget.refused == 3


def test_one_room_cannot_take_another_rooms_share():
    budget = RedrawBudget(room_rate=1, room_burst=2, total_rate=100, total_burst=100)
    assert sum(budget.admit("FLOOD", now=0.0) for _ in range(50)) == 2
    assert [budget.admit("QUIET", now=0.0) for _ in range(2)] == [True, True]


def test_all_rooms_together_have_a_ceiling():
    budget = RedrawBudget(room_rate=10, room_burst=10, total_rate=4, total_burst=5)
    admitted = sum(budget.admit(f"R{i}", now=0.0) for i in range(20))
    assert admitted == 5
    assert sum(budget.admit(f"R{i}", now=1.0) for i in range(20)) == 4  # 4 a second after


def test_rooms_remembered_are_bounded():
    budget = RedrawBudget(room_rate=1, room_burst=1, total_rate=1e6, total_burst=1e6,
                          max_rooms=10)
    for i in range(100):
        budget.admit(f"R{i}", now=float(i))
    assert len(budget._rooms) <= 10


@pytest.mark.parametrize("bad", [{"room_rate": 0}, {"total_burst": -1}])
def test_a_budget_of_nothing_is_refused(bad):
    with pytest.raises(ValueError):
        RedrawBudget(**bad)
