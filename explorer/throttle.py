"""Slow down repeated wrong join codes (or facilitator keys), and limit what one client may do.

:class:`CodeAttempts` is a pure value: the page keeps :meth:`CodeAttempts.as_plain` in session
state and passes the clock in, so the rule is tested without waiting. The same rule is kept per
client address by :class:`ClientLimits` (one per process), so neither a page reload (a new
session) nor many sessions from one address escape it.

The first :data:`~explorer.limits.CODE_FREE_FAILURES` wrong tries cost nothing; after that
each wrong try doubles the wait before the next one is looked at, from
:data:`~explorer.limits.CODE_DELAY_BASE_S` up to :data:`~explorer.limits.CODE_DELAY_MAX_S`.
A right code does **not** reset the count (an attacker's own room, typed in another spelling,
would otherwise reset it at will); the count is forgotten after
:data:`~explorer.limits.CODE_FORGET_S` seconds without a wrong try.

>>> a = CodeAttempts()
>>> for _ in range(3):
...     a = a.failed(now=100.0)
>>> a.wait_s(100.0)
0.0
>>> a = a.failed(now=100.0)
>>> a.wait_s(100.0), a.wait_s(101.5)
(2.0, 0.5)
>>> a.failed(now=102.0).wait_s(102.0)
4.0
>>> a.succeeded().wait_s(100.0)
2.0
>>> a.failed(now=100.0 + 3601).wait_s(100.0 + 3601)
0.0
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from explorer.limits import (
    CODE_DELAY_BASE_S,
    CODE_DELAY_MAX_S,
    CODE_FORGET_S,
    CODE_FREE_FAILURES,
)


@dataclass(frozen=True)
class CodeAttempts:
    """Wrong tries so far, the clock time before which no try is looked at, and the last one."""

    failures: int = 0
    not_before: float = 0.0
    last_failure: float = 0.0

    def wait_s(self, now: float) -> float:
        """Seconds to wait before the next try is looked at (0 when it may go ahead)."""
        return max(0.0, self.not_before - now)

    def failed(self, now: float) -> CodeAttempts:
        forgotten = self.failures and now - self.last_failure > CODE_FORGET_S
        failures = (0 if forgotten else self.failures) + 1
        extra = failures - CODE_FREE_FAILURES
        delay = 0.0
        if extra > 0:
            delay = min(CODE_DELAY_MAX_S, CODE_DELAY_BASE_S * 2 ** min(extra - 1, 30))
        return CodeAttempts(failures, now + delay, now)

    def succeeded(self) -> CodeAttempts:
        """A right code changes nothing: the wrong ones before it still count."""
        return self

    def as_plain(self) -> dict[str, Any]:
        return {"failures": self.failures, "not_before": self.not_before,
                "last_failure": self.last_failure}

    @classmethod
    def from_plain(cls, value: Any) -> CodeAttempts:
        """From :meth:`as_plain` output; anything else starts afresh."""
        if isinstance(value, dict):
            failures, not_before = value.get("failures"), value.get("not_before")
            last = value.get("last_failure", not_before)
            if (isinstance(failures, int) and isinstance(not_before, (int, float))
                    and isinstance(last, (int, float))):
                return cls(max(0, failures), float(not_before), float(last))
        return cls()


def client_address(peer: str | None, headers: Mapping[str, str] | None,
                   trust_forwarded_for: bool) -> str:
    """The address to count a client by.

    ``peer`` is the connection's address (Streamlit's ``st.context.ip_address``: None on
    localhost). Behind a reverse proxy every connection comes from the proxy, so with
    ``trust_forwarded_for`` (``MASH_TRUST_FORWARDED_FOR=1``, set only when a proxy that
    overwrites or appends ``X-Forwarded-For`` is the only way in) the **last** address in
    ``X-Forwarded-For`` is used: the one the proxy itself added. Earlier entries are written by
    the client and could be anything.

    >>> client_address("10.0.0.5", {"X-Forwarded-For": "1.2.3.4, 203.0.113.9"}, True)
    '203.0.113.9'
    >>> client_address("10.0.0.5", {"X-Forwarded-For": "1.2.3.4"}, False)
    '10.0.0.5'
    >>> client_address(None, None, False)
    'local'
    """
    if trust_forwarded_for and headers:
        forwarded = ""
        for name, value in headers.items():
            if name.lower() == "x-forwarded-for":
                forwarded = value
        last = forwarded.split(",")[-1].strip()
        if last and len(last) <= 64:
            return last
    return peer or "local"


class ClientLimits:
    """Per-process, thread-safe counters by client address (bounded in memory).

    * :meth:`code_wait_s` / :meth:`code_failed`: the wrong-code rule of :class:`CodeAttempts`,
      per address;
    * :meth:`allow`: at most ``limit`` events per ``window_s`` seconds for a key (opening rooms
      per address; joining a room per address).

    Several replicas each keep their own counts (a client is normally held on one replica by
    its sticky-session cookie); the limits are a brake on one client, not accounting.

    >>> lim = ClientLimits()
    >>> [lim.allow(("open", "1.2.3.4"), 2, 60.0, now=0.0) for _ in range(3)]
    [True, True, False]
    >>> lim.allow(("open", "1.2.3.4"), 2, 60.0, now=61.0)
    True
    """

    MAX_KEYS = 20_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._codes: OrderedDict[str, CodeAttempts] = OrderedDict()
        self._events: OrderedDict[Any, deque[float]] = OrderedDict()

    def clear(self) -> None:
        with self._lock:
            self._codes.clear()
            self._events.clear()

    def _trim(self, table: OrderedDict) -> None:
        while len(table) > self.MAX_KEYS:
            table.popitem(last=False)

    def code_wait_s(self, address: str, now: float) -> float:
        with self._lock:
            attempts = self._codes.get(address)
            return attempts.wait_s(now) if attempts else 0.0

    def code_failed(self, address: str, now: float) -> None:
        with self._lock:
            self._codes[address] = self._codes.pop(address, CodeAttempts()).failed(now)
            self._trim(self._codes)

    def allow(self, key: Any, limit: int, window_s: float, *, now: float) -> bool:
        """Count one event for ``key`` if fewer than ``limit`` happened in the last window."""
        with self._lock:
            times = self._events.pop(key, None) or deque()
            while times and now - times[0] >= window_s:
                times.popleft()
            allowed = len(times) < limit
            if allowed:
                times.append(now)
            self._events[key] = times
            self._trim(self._events)
            return allowed

    def count(self, key: Any, window_s: float, *, now: float) -> int:
        """How many events ``key`` had in the last window (nothing counted)."""
        with self._lock:
            times = self._events.get(key) or ()
            return sum(1 for t in times if now - t < window_s)

    def retry_after_s(self, key: Any, window_s: float, *, now: float) -> float:
        """Seconds until the oldest event of ``key`` leaves the window."""
        with self._lock:
            times = self._events.get(key)
            return max(0.0, window_s - (now - times[0])) if times else 0.0
