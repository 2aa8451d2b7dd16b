"""The redraw budget of open boards (explorer/rooms/redraws.py), on a hand-driven clock."""

from __future__ import annotations

import pytest

from explorer.rooms.redraws import RedrawBudget


def test_a_room_gets_its_burst_then_its_rate():
    budget = RedrawBudget(room_rate=2, room_burst=3, total_rate=100, total_burst=100)
    assert [budget.admit("A", now=0.0, board=b) for b in "abcd"] == [True, True, True, False]
    assert budget.admit("A", now=0.25, board="d") is False  # half a redraw earned so far
    assert budget.admit("A", now=0.5, board="d") is True  # one earned at 2 a second
    assert budget.admit("A", now=0.5, board="e") is False
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


def test_a_full_burst_is_not_kept_for_a_board_that_is_late():
    budget = RedrawBudget(room_rate=1, room_burst=2, total_rate=100, total_burst=100)
    budget.admit("R", now=0.0)
    budget.admit("R", now=0.0)
    assert not budget.admit("R", now=0.1, board="late")
    assert not budget.admit("R", now=1.5, board="other")  # 1.5 in hand, kept for "late"
    assert budget.admit("R", now=2.5, board="other")  # 2 in hand (full): given, not lost


@pytest.mark.parametrize("bad", [{"room_rate": 0}, {"total_burst": -1}])
def test_a_budget_of_nothing_is_refused(bad):
    with pytest.raises(ValueError):
        RedrawBudget(**bad)


def test_the_redraw_earned_goes_to_the_board_that_waited_longest():
    budget = RedrawBudget(room_rate=1, room_burst=2, total_rate=100, total_burst=100)
    assert budget.admit("R", now=0.0, board="first")  # the two redraws in hand
    assert budget.admit("R", now=0.0, board="second")
    assert not budget.admit("R", now=0.1, board="old")  # queues first
    assert not budget.admit("R", now=0.2, board="new")
    assert not budget.admit("R", now=1.5, board="new")  # 1.5 in hand, but "old" is ahead
    assert budget.admit("R", now=1.9, board="old")  # kept for it
    assert budget.waiting("R") == 1
    assert budget.admit("R", now=3.0, board="new")  # next in line
    assert budget.waiting("R") == 0


def test_a_board_that_stops_asking_loses_its_place():
    budget = RedrawBudget(room_rate=0.25, room_burst=9, total_rate=100, total_burst=100,
                          stale_s=5)
    for _ in range(9):
        budget.admit("R", now=0.0, board="x")
    assert not budget.admit("R", now=0.5, board="closed")
    assert not budget.admit("R", now=0.6, board="open")
    assert not budget.admit("R", now=5.4, board="open")  # 1.35 in hand, "closed" ahead
    assert budget.admit("R", now=5.7, board="open")  # "closed" has not asked for 5.2 s
    assert budget.waiting("R") == 0


def test_a_board_without_an_id_waits_behind_the_queue():
    budget = RedrawBudget(room_rate=1, room_burst=2, total_rate=100, total_burst=100)
    budget.admit("R", now=0.0)
    budget.admit("R", now=0.0)
    assert not budget.admit("R", now=0.1, board="a")
    assert not budget.admit("R", now=1.2)  # 1.2 in hand, one board ahead
    assert budget.admit("R", now=2.1)  # 2.1 in hand: one for "a", one for this
    assert budget.admit("R", now=2.1, board="a")


def test_the_queue_of_a_room_is_bounded():
    budget = RedrawBudget(room_rate=1, room_burst=2, total_rate=100, total_burst=100,
                          max_queue=3)
    budget.admit("R", now=0.0)
    budget.admit("R", now=0.0)
    for b in "abcdef":
        budget.admit("R", now=0.1, board=b)
    assert budget.waiting("R") == 3


def _flood(budget_boards: bool) -> dict[str, list[float]]:
    """Six boards asking every 2 s (0.3 s apart) in a room that changes all the time, with a
    redraw budget of one a second (bursts of two: the rate times the poll interval): when each
    board was admitted."""
    budget = RedrawBudget(room_rate=1, room_burst=2, total_rate=100, total_burst=100)
    boards = [f"b{i}" for i in range(6)]
    admitted: dict[str, list[float]] = {b: [] for b in boards}
    for step in range(40):  # 80 s
        for i, b in enumerate(boards):
            now = step * 2.0 + i * 0.3
            if budget.admit("R", now=now, board=b if budget_boards else None):
                admitted[b].append(now)
    return admitted


def test_in_a_flood_every_board_gets_its_turn():
    """Issue 22: with the boards' ids, six boards sharing one redraw a second each redraw
    every 6 s (their share); without them, the boards that ask first take it all."""
    fair = _flood(True)
    gaps = [(a, round(b - a, 6)) for times in fair.values()
            for a, b in zip(times, times[1:], strict=False)]
    assert all(len(times) >= 12 for times in fair.values()), fair
    assert max(g for _, g in gaps) <= 8.0, gaps  # one poll over its share while queues form
    assert {g for a, g in gaps if a >= 20} == {6.0}
    unfair = _flood(False)
    assert min(len(times) for times in unfair.values()) <= 1, unfair


def test_made_up_board_ids_cannot_hold_a_rooms_redraws():
    """A client with a board's link that asks under thousands of made-up ids (never asking
    again) fills the queue, but the room's redraws are not lost: once the burst is full, the
    next board to ask gets one; the queue stays bounded."""
    budget = RedrawBudget(room_rate=1, room_burst=5, total_rate=100, total_burst=100,
                          max_queue=50)
    for _ in range(5):
        budget.admit("R", now=0.0)
    for i in range(500):
        budget.admit("R", now=0.0, board=f"fake{i}")
    assert budget.waiting("R") == 50
    assert not budget.admit("R", now=1.0, board="real")
    assert budget.admit("R", now=5.0, board="real")  # the burst is full: not kept for fakes
    assert budget.admit("R", now=7.0, board="late")  # the fakes stopped asking: dropped
    assert budget.waiting("R") == 0


def test_checks_without_an_id_take_only_what_the_boards_leave():
    """Issue 22's attack: one client asks a hundred times a second without a board id while
    three boards ask every 2 s in a room that changes all the time: each board still redraws
    at every other check at least (it joins the queue, then redraws at its next check)."""
    budget = RedrawBudget(room_rate=2, room_burst=4, total_rate=100, total_burst=100)
    admitted = {"a": 0, "b": 0, "c": 0, None: 0}
    for tick in range(6000):  # 60 s in hundredths
        now = tick / 100
        if budget.admit("R", now=now):
            admitted[None] += 1
        for i, b in enumerate("abc"):
            if tick % 200 == 50 * i and budget.admit("R", now=now, board=b):
                admitted[b] += 1
    assert min(admitted[b] for b in "abc") >= 25, admitted  # about one every 2 s each
    assert admitted[None] <= 40, admitted
