"""App tests share one process: the per-process limits by client address start afresh."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_client_limits():
    from pages.ui.rooms import state

    state.LIMITS.clear()
    yield
    state.LIMITS.clear()
