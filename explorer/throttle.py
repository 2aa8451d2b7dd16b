"""Slow down repeated wrong join codes (or facilitator keys) from one session.

A pure value: the page keeps :meth:`CodeAttempts.as_plain` in session state and passes the
clock in, so the rule is tested without waiting.

The first :data:`~explorer.limits.CODE_FREE_FAILURES` wrong tries cost nothing; after that
each wrong try doubles the wait before the next one is looked at, from
:data:`~explorer.limits.CODE_DELAY_BASE_S` up to :data:`~explorer.limits.CODE_DELAY_MAX_S`.
A right code resets the count.

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
0.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from explorer.limits import CODE_DELAY_BASE_S, CODE_DELAY_MAX_S, CODE_FREE_FAILURES


@dataclass(frozen=True)
class CodeAttempts:
    """Wrong tries so far, and the clock time before which no try is looked at."""

    failures: int = 0
    not_before: float = 0.0

    def wait_s(self, now: float) -> float:
        """Seconds to wait before the next try is looked at (0 when it may go ahead)."""
        return max(0.0, self.not_before - now)

    def failed(self, now: float) -> CodeAttempts:
        failures = self.failures + 1
        extra = failures - CODE_FREE_FAILURES
        delay = 0.0
        if extra > 0:
            delay = min(CODE_DELAY_MAX_S, CODE_DELAY_BASE_S * 2 ** min(extra - 1, 30))
        return CodeAttempts(failures, now + delay)

    def succeeded(self) -> CodeAttempts:
        return CodeAttempts()

    def as_plain(self) -> dict[str, Any]:
        return {"failures": self.failures, "not_before": self.not_before}

    @classmethod
    def from_plain(cls, value: Any) -> CodeAttempts:
        """From :meth:`as_plain` output; anything else starts afresh."""
        if isinstance(value, dict):
            failures, not_before = value.get("failures"), value.get("not_before")
            if isinstance(failures, int) and isinstance(not_before, (int, float)):
                return cls(max(0, failures), float(not_before))
        return cls()
