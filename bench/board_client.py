"""A workshop board as its browser drives it, for the benchmarks (no browser).

The board's live check (``pages/ui/rooms/live.py``) is a small component that asks the
server's ``<app>/_mash/live`` endpoint over plain HTTP whether the room changed, and only then
sets its value, which reruns the board's fragment. :class:`LiveBoard` does the same over one
websocket (Streamlit's own protocol) and one keep-alive HTTP connection.
"""

from __future__ import annotations

import asyncio
import json
import time
from urllib.parse import urlsplit

COMPONENT = "mash_live"


class Http:
    """One keep-alive HTTP/1.1 connection for small GETs (as a browser keeps one open)."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.prefix = parts.path.rstrip("/")
        self.reader = self.writer = None

    async def get(self, path: str, timeout_s: float = 30.0) -> tuple[int, bytes]:
        for attempt in (0, 1):
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection(self.host,
                                                                             self.port)
                self.writer.write(f"GET {self.prefix}/{path} HTTP/1.1\r\nHost: {self.host}\r\n"
                                  "Connection: keep-alive\r\n\r\n".encode())
                await self.writer.drain()
                head = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), timeout_s)
                lines = head.decode("latin-1").split("\r\n")
                status = int(lines[0].split()[1])
                length = 0
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                body = await asyncio.wait_for(self.reader.readexactly(length), timeout_s)
                return status, body
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def live_element(msgs) -> tuple[str, str, dict] | None:
    """(widget id, fragment id, args) of the live check's component in a run's messages."""
    found = None
    for m in msgs:
        if m.WhichOneof("type") != "delta" or m.delta.WhichOneof("type") != "new_element":
            continue
        el = m.delta.new_element
        if el.WhichOneof("type") == "component_instance" and (
                el.component_instance.component_name.endswith(COMPONENT)):
            found = (el.component_instance.id, m.delta.fragment_id,
                     json.loads(el.component_instance.json_args))
    return found


def trigger_msg(query: str, page_name: str, url: str, page_hash: str, fragment_id: str,
                widget_id: str, n: int) -> bytes:
    """The ``rerun_script`` the browser sends when the live component sets its value."""
    from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: TID251 (bench only)

    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query
    state.page_name = page_name
    state.page_script_hash = page_hash
    state.fragment_id = fragment_id
    state.context_info.url = url
    widget = state.widget_states.widgets.add()
    widget.id = widget_id
    widget.json_value = json.dumps({"n": n, "why": "changed"})
    return msg.SerializeToString()


class LivePoller:
    """Polls like the component: ``step()`` asks the endpoint once and says what to do."""

    def __init__(self, http: Http, args: dict) -> None:
        self.http = http
        self.args = args
        self.polls = 0
        self.answers: dict[str, int] = {}

    async def ask(self) -> str:
        status, body = await self.http.get(f"_mash/live?w={self.args['w']}&v={self.args['v']}"
                                           f"&b={self.args.get('b', '')}")
        self.polls += 1
        answer = json.loads(body)["s"] if status == 200 else "down"
        self.answers[answer] = self.answers.get(answer, 0) + 1
        return answer


async def sleep_until(t: float) -> None:
    await asyncio.sleep(max(0.0, t - time.perf_counter()))


def trigger_msg_renumbered(payload: bytes, n: int) -> bytes:
    """The same trigger with the component's value numbered ``n`` (a new value each time)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: TID251 (bench only)

    msg = BackMsg()
    msg.ParseFromString(payload)
    msg.rerun_script.widget_states.widgets[0].json_value = json.dumps({"n": n, "why": "changed"})
    return msg.SerializeToString()
