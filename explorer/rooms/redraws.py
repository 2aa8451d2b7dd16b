"""How often open boards may redraw: a budget per room and one for the whole process.

A board's browser asks the server a few times a minute whether its room has changed (see
``pages/ui/rooms/live.py``). When it has, the board redraws its table, which costs the server a
few milliseconds. A room whose members keep changing votes, with many boards open, could
otherwise take the whole server: :class:`RedrawBudget` lets each room redraw its boards at most
``room_rate`` times a second (bursts up to ``room_burst``), and all rooms together at most
``total_rate`` (bursts up to ``total_burst``). A board refused now is told to wait; it asks
again at its next poll, so it is late, never wrong.

Within a room, the share goes to the boards that have waited longest. A board that names
itself (``board``: an opaque id its browser makes up when the board is drawn) joins the room's
queue the first time it is told to wait, and keeps its place however often it asks; a redraw
is given only to a board with fewer boards ahead of it than the room has redraws in hand, so
the redraws earned while the oldest board is between two polls are kept for it, not taken by
whichever board happens to ask first (unless the room's burst is full: what is kept beyond it
would be lost, so it goes to whoever asks; a burst of at least the rate times the boards' poll
interval keeps every board's turn). A board admitted leaves the queue, and joins at the back
when the room changes again; a board that stops asking (closed) is dropped after ``stale_s``.
A check that names no board (or one the server did not sign, see ``pages/ui/rooms/live.py``)
takes no place in the queue and gets a redraw only when no board is waiting for it and the room
has more than half its burst in hand, so a client asking under made-up ids, however often,
takes only what the room's boards leave.
Each board redraws at most once per change it is shown (coalesced: it draws the newest version).

The budget lives in one server process's memory: with several replicas, each replica has its
own (each serves its own boards).

>>> budget = RedrawBudget(room_rate=1, room_burst=2, total_rate=10, total_burst=10)
>>> [budget.admit("ROOM1", now=0.0) for _ in range(3)]
[True, True, False]
>>> budget.admit("ROOM2", now=0.0)  # another room has its own share
True
>>> budget.admit("ROOM1", now=1.0)  # one more a second later
True

Oldest-waiting first: board ``a`` waited first, so the redraw earned goes to it even though
``b`` asks for it first.

>>> budget = RedrawBudget(room_rate=1, room_burst=2, total_rate=10, total_burst=10)
>>> budget.admit("R", now=0.0, board="x"), budget.admit("R", now=0.0, board="y")
(True, True)
>>> budget.admit("R", now=0.1, board="a"), budget.admit("R", now=0.2, board="b")
(False, False)
>>> budget.admit("R", now=1.1, board="b"), budget.admit("R", now=1.3, board="a")
(False, True)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from explorer import limits

#: Defaults (explorer/limits.py): a room of 30 boards redrawing every 2 s asks for 15 redraws
#: a second; more than 20 a second in one room is a room that floods.
ROOM_RATE = float(limits.ROOM_REDRAWS_PER_S)
ROOM_BURST = float(limits.ROOM_REDRAW_BURST)
TOTAL_RATE = float(limits.SERVER_REDRAWS_PER_S)
TOTAL_BURST = float(limits.SERVER_REDRAW_BURST)
#: A board in a room's queue that has not asked for this long is taken to be closed (a board
#: asks every ``BOARD_POLL_S``; a late poll on a busy machine keeps its place).
STALE_S = 2.5 * limits.BOARD_POLL_S
#: Most boards remembered in one room's queue (boards beyond it wait behind all of them).
MAX_QUEUE = limits.ROOM_REDRAW_QUEUE


@dataclass
class _Bucket:
    tokens: float
    at: float
    #: Boards waiting, oldest first: board id -> when it last asked.
    queue: dict[str, float] = field(default_factory=dict)


@dataclass
class RedrawBudget:
    """Token buckets: one per room and one for all rooms (see the module's docstring)."""

    room_rate: float = ROOM_RATE
    room_burst: float = ROOM_BURST
    total_rate: float = TOTAL_RATE
    total_burst: float = TOTAL_BURST
    clock: Callable[[], float] = time.monotonic
    #: Rooms whose bucket is full are forgotten: at most this many are remembered.
    max_rooms: int = 4096
    stale_s: float = STALE_S
    max_queue: int = MAX_QUEUE
    _rooms: dict[str, _Bucket] = field(default_factory=dict)
    _total: _Bucket | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    refused: int = 0

    def __post_init__(self) -> None:
        if min(self.room_rate, self.room_burst, self.total_rate, self.total_burst,
               self.stale_s, self.max_queue) <= 0:
            raise ValueError("redraw rates and bursts must be positive")

    @staticmethod
    def _refill(bucket: _Bucket, rate: float, burst: float, now: float) -> None:
        bucket.tokens = min(burst, bucket.tokens + max(0.0, now - bucket.at) * rate)
        bucket.at = now

    def admit(self, room: str, now: float | None = None, board: str | None = None) -> bool:
        """May one board of ``room`` redraw now? Takes one redraw from both budgets if so.

        ``board``: the asking board's id, for its place in the room's queue (see the module's
        docstring); a check without one takes only what no board waits for, and never the
        room's last half burst."""
        now = self.clock() if now is None else now
        with self._lock:
            total = self._total
            if total is None:
                total = self._total = _Bucket(self.total_burst, now)
            self._refill(total, self.total_rate, self.total_burst, now)
            bucket = self._rooms.get(room)
            if bucket is None:
                if len(self._rooms) >= self.max_rooms:
                    self._forget_full(now)
                bucket = self._rooms[room] = _Bucket(self.room_burst, now)
            self._refill(bucket, self.room_rate, self.room_burst, now)
            queue = bucket.queue
            if board is not None and (board in queue or len(queue) < self.max_queue
                                      or self._prune(queue, now) < self.max_queue):
                queue[board] = now  # joins at the back, or keeps its place (dict order)
            ahead = self._ahead(queue, board, now, enough=int(bucket.tokens) + 1)
            if board is None:  # only what no board waits for, and never the room's last half
                ok = bucket.tokens >= max(ahead + 1.0, self.room_burst / 2)
            else:  # its turn, or the burst is full (kept longer, redraws would be lost)
                ok = bucket.tokens >= ahead + 1.0 or bucket.tokens >= self.room_burst
            if not ok or total.tokens < 1.0:
                self.refused += 1
                return False
            if board is not None:
                queue.pop(board, None)
            bucket.tokens -= 1.0
            total.tokens -= 1.0
            return True

    def _ahead(self, queue: dict[str, float], board: str | None, now: float,
               enough: int) -> int:
        """How many boards that still ask are ahead of ``board`` in ``queue`` (all of them
        if it is not in it), counted up to ``enough`` (so the work is bounded by the burst,
        not by the queue); boards passed that stopped asking are dropped."""
        ahead, stale = 0, []
        for other, asked in queue.items():
            if other == board or ahead >= enough:
                break
            if now - asked > self.stale_s:
                stale.append(other)
            else:
                ahead += 1
        for other in stale:
            del queue[other]
        return ahead

    def _prune(self, queue: dict[str, float], now: float) -> int:
        for other in [o for o, asked in queue.items() if now - asked > self.stale_s]:
            del queue[other]
        return len(queue)

    def waiting(self, room: str) -> int:
        """Boards of ``room`` in its queue now (for tests and the bench)."""
        with self._lock:
            bucket = self._rooms.get(room)
            return 0 if bucket is None else len(bucket.queue)

    def _forget_full(self, now: float) -> None:
        for code, bucket in list(self._rooms.items()):
            self._refill(bucket, self.room_rate, self.room_burst, now)
            if bucket.tokens >= self.room_burst and not bucket.queue:
                del self._rooms[code]
        while len(self._rooms) >= self.max_rooms:  # all busy: drop the oldest
            del self._rooms[next(iter(self._rooms))]

