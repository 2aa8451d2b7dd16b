"""How often open boards may redraw: a budget per room and one for the whole process.

A board's browser asks the server a few times a minute whether its room has changed (see
``pages/ui/rooms/live.py``). When it has, the board redraws its table, which costs the server a
few milliseconds. A room whose members keep changing votes, with many boards open, could
otherwise take the whole server: :class:`RedrawBudget` lets each room redraw its boards at most
``room_rate`` times a second (bursts up to ``room_burst``), and all rooms together at most
``total_rate`` (bursts up to ``total_burst``). A board refused now is told to wait; it asks
again at its next poll, so it is late, never wrong.

The budget lives in one server process's memory: with several replicas, each replica has its
own (each serves its own boards).

>>> budget = RedrawBudget(room_rate=1, room_burst=2, total_rate=10, total_burst=10)
>>> [budget.admit("ROOM1", now=0.0) for _ in range(3)]
[True, True, False]
>>> budget.admit("ROOM2", now=0.0)  # another room has its own share
True
>>> budget.admit("ROOM1", now=1.0)  # one more a second later
True
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


@dataclass
class _Bucket:
    tokens: float
    at: float


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
    _rooms: dict[str, _Bucket] = field(default_factory=dict)
    _total: _Bucket | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    refused: int = 0

    def __post_init__(self) -> None:
        if min(self.room_rate, self.room_burst, self.total_rate, self.total_burst) <= 0:
            raise ValueError("redraw rates and bursts must be positive")

    @staticmethod
    def _refill(bucket: _Bucket, rate: float, burst: float, now: float) -> None:
        bucket.tokens = min(burst, bucket.tokens + max(0.0, now - bucket.at) * rate)
        bucket.at = now

    def admit(self, room: str, now: float | None = None) -> bool:
        """May one board of ``room`` redraw now? Takes one redraw from both budgets if so."""
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
            if bucket.tokens < 1.0 or total.tokens < 1.0:
                self.refused += 1
                return False
            bucket.tokens -= 1.0
            total.tokens -= 1.0
            return True

    def _forget_full(self, now: float) -> None:
        for code, bucket in list(self._rooms.items()):
            self._refill(bucket, self.room_rate, self.room_burst, now)
            if bucket.tokens >= self.room_burst:
                del self._rooms[code]
        while len(self._rooms) >= self.max_rooms:  # all busy: drop the oldest
            del self._rooms[next(iter(self._rooms))]
