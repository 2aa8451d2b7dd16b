"""pages/ui/wakeups.py: the runtime asks its event loop to flush only when no flush is already
due (Streamlit 1.67's ``Runtime._enqueued_some_message``)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from streamlit.runtime.runtime import Runtime  # noqa: TID251 (what the patch changes)

from pages.ui import wakeups


class Loop:
    def __init__(self) -> None:
        self.calls: list = []

    def call_soon_threadsafe(self, callback) -> None:
        self.calls.append(callback)


def fake_runtime(event: asyncio.Event, loop: Loop):
    objs = SimpleNamespace(need_send_data=event, eventloop=loop)
    return SimpleNamespace(_async_objs=objs, _get_async_objs=lambda: objs)


def test_one_wake_up_while_a_flush_is_due(monkeypatch):
    monkeypatch.setattr(Runtime, "_enqueued_some_message", Runtime._enqueued_some_message)
    assert wakeups.coalesce()
    assert wakeups.coalesce()  # installed once, not wrapped twice
    assert Runtime._enqueued_some_message.mash_coalesced
    event, loop = asyncio.Event(), Loop()
    runtime = fake_runtime(event, loop)
    Runtime._enqueued_some_message(runtime)
    assert loop.calls == [event.set]  # nothing due: the loop is woken
    event.set()  # the loop has not flushed yet
    for _ in range(40):
        Runtime._enqueued_some_message(runtime)
    assert loop.calls == [event.set]  # ... so forty more messages add no wake-up
    event.clear()  # the loop cleared the flag and flushes: the next message wakes it again
    Runtime._enqueued_some_message(runtime)
    assert loop.calls == [event.set, event.set]

