"""One event-loop wake-up per batch of messages, not one per message (issue 20).

Every element a script run draws is queued for the browser, and Streamlit's runtime then asks
its event loop to flush the queues with ``loop.call_soon_threadsafe(need_send_data.set)``: a
write to the loop's self-pipe, a thread hand-off and a wake-up, per message (a planner rerun
sends ~45 messages; py-spy put ~2.4 ms of its ~10 ms in ``_write_to_self``).

When ``need_send_data`` is already set the loop has not flushed yet, and it clears the flag
*before* it flushes every session's queue, so a message queued before the flag was read is
sent by that flush: asking again adds nothing. :func:`coalesce` makes the runtime skip the call
then. It is installed once per process (and given to the sessions already open, which keep
the callback they were created with); ``MASH_SOCKET_TUNING=off`` leaves it out with the other
server tweaks. Written against Streamlit 1.67 (``Runtime._enqueued_some_message``);
tests/unit/test_wakeups.py checks the method is there and does what it should.
"""

from __future__ import annotations

import logging

log = logging.getLogger("mash.server")


def coalesce() -> bool:
    """Patch Streamlit's runtime, once per process; False if its method is not there (a
    Streamlit that changed: nothing is done)."""
    from streamlit.runtime.runtime import Runtime

    original = getattr(Runtime, "_enqueued_some_message", None)
    if original is None:
        log.warning("Streamlit's runtime changed: one wake-up per message is kept")
        return False
    if getattr(original, "mash_coalesced", False):
        return True

    def _enqueued_some_message(self) -> None:
        objs = getattr(self, "_async_objs", None)
        if objs is not None and objs.need_send_data.is_set():
            return  # the loop has not flushed yet: its flush sends this message too
        original(self)

    _enqueued_some_message.mash_coalesced = True  # type: ignore[attr-defined]
    _enqueued_some_message.__doc__ = original.__doc__
    Runtime._enqueued_some_message = _enqueued_some_message
    _open_sessions_too()
    return True


def _open_sessions_too() -> None:
    from streamlit import runtime

    if not runtime.exists():
        return
    rt = runtime.get_instance()
    try:
        infos = rt._session_mgr.list_sessions()
    except AttributeError:
        return
    for info in infos:
        session = info.session
        callback = getattr(session, "_message_enqueued_callback", None)
        if getattr(callback, "__self__", None) is rt:
            session._message_enqueued_callback = rt._enqueued_some_message
