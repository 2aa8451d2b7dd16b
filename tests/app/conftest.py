"""App tests share one process: the per-process limits by client address start afresh."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_client_limits():
    from pages.ui.rooms import state

    limits = getattr(state, "LIMITS", None)  # (absent before issue 22: tests run on old code)
    if limits is not None:
        limits.clear()
    yield
    if limits is not None:
        limits.clear()
