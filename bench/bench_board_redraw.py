"""A board's redraw, alone: server CPU per fragment rerun of one workshop board (issue 22).

Run from the repository root::

    python bench/bench_board_redraw.py [--reruns 1000] [--entries 20]

One app server (SQLite under a temporary MASH_STATE_DIR), one room of ``--entries`` entries with
votes revealed, one board over Streamlit's own websocket protocol. The board's live component
is made to ask for a redraw ``--reruns`` times, one after the other, with nothing changed (so
what is measured is the redraw itself: Streamlit's fragment run, the board's table, counts and
Compare, and the messages sent; the table and figures are built once per room version and
shared, see ``pages/ui/rooms/rendered.py``). Prints the server's CPU time per redraw
(``/proc/PID/stat``), the wall time and the bytes sent per redraw, and the messages of the last
one. No target: ``bench/bench_room_flood.py`` holds the room's targets; this says where a
redraw's cost moved.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
for path in (REPO, REPO / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import bench_room_flood as flood  # noqa: E402
import board_client  # noqa: E402

from explorer import rooms  # noqa: E402
from explorer.storage import db  # noqa: E402


async def redraws(server, code: str, reruns: int) -> dict:
    import websockets
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: TID251 (bench only)

    url, query = f"{server.url}/workshop?room={code}", f"room={code}"
    page_hash = ""

    async def until_finished(ws) -> tuple[list, int]:
        nonlocal page_hash
        msgs, size = [], 0
        while True:
            data = await asyncio.wait_for(ws.recv(), 60)
            size += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            msgs.append(msg)
            kind = msg.WhichOneof("type")
            if kind == "navigation" and msg.navigation.page_script_hash:
                page_hash = msg.navigation.page_script_hash
            if (kind == "script_finished"
                    and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN):
                return msgs, size

    async with websockets.connect(server.url.replace("http", "ws", 1) + "/_stcore/stream",
                                  subprotocols=["streamlit"], max_size=None, compression=None,
                                  ping_interval=None) as ws:
        await ws.send(flood.back_msg(query, "workshop", url))
        msgs, _ = await until_finished(ws)
        found = board_client.live_element(msgs)
        if found is None:
            raise SystemExit("the board drew no live component: is the room there?")
        widget, fragment, _args = found
        await asyncio.sleep(2)
        pid = server.process.pid
        c0, t0, sent = flood.cpu_seconds(pid), time.perf_counter(), 0
        for n in range(1, reruns + 1):
            await ws.send(board_client.trigger_msg(query, "workshop", url, page_hash, fragment,
                                                   widget, n))
            msgs, size = await until_finished(ws)
            sent += size
        cpu, wall = flood.cpu_seconds(pid) - c0, time.perf_counter() - t0
    kinds: dict[str, int] = {}
    for msg in msgs:
        kind = msg.WhichOneof("type")
        if kind == "delta":
            delta = msg.delta.WhichOneof("type")
            kind = "element:" + (msg.delta.new_element.WhichOneof("type") or "")\
                if delta == "new_element" else "delta:" + delta
        kinds[kind] = kinds.get(kind, 0) + 1
    return {"reruns": reruns, "cpu_ms_per_redraw": round(cpu / reruns * 1000, 2),
            "wall_ms_per_redraw": round(wall / reruns * 1000, 2),
            "bytes_per_redraw": round(sent / reruns), "messages_of_one_redraw": kinds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=20)
    args = parser.parse_args()
    conftest = flood._load_conftest()
    with tempfile.TemporaryDirectory(prefix="bench-redraw-") as tmp:
        root = Path(tmp)
        env = {"MASH_STATE_DIR": str(root / "state"), "MASH_CACHE_DIR": str(root / "cache")}
        engine = db.make_engine(db.database_url(env))
        db.upgrade(engine)
        created, _ids = flood.room_with_entries(engine, "Redraw test room", args.entries)
        code = created.room.code
        rooms.set_votes_revealed(engine, code, created.key, True)
        server = conftest.start_server(REPO / "app.py", env, log_path=root / "app.log")
        try:
            result = asyncio.run(redraws(server, code, args.reruns))
        finally:
            conftest.stop_server(server)
            engine.dispose()
    print(f"{result['reruns']} redraws with nothing changed: server CPU "
          f"{result['cpu_ms_per_redraw']} ms per redraw, wall {result['wall_ms_per_redraw']} ms, "
          f"{result['bytes_per_redraw']} bytes sent per redraw")
    print("messages of one redraw:", result["messages_of_one_redraw"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
