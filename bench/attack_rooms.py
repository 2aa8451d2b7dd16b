"""Attack the workshop rooms as an outside tester would, over the real server (issue 22).

Run from the repository root::

    python bench/attack_rooms.py [--seconds 60]

One app server on a throwaway PostgreSQL cluster (``tests/pgcluster.py``); every request is a
fresh Streamlit session over the app's own websocket protocol (what a script or a reload does),
from one client address (127.0.0.1). Counted (the wrong codes last: they slow this address
down, as they should, for everything after):

1. wrong join codes: as many fresh sessions as possible, each opening ``/workshop?room=CODE``
   with a random code, for ``--seconds``: how many were looked at (answered "no open room")
   and how many were slowed ("Too many wrong codes"); then whether the real room's code,
   typed in another spelling, still gets through (it must not reset the throttle);
2. identity in links: a member's private link opened in a new session; whether the token is
   still in the address the server reports back;
3. an entry too long for a share link: the board, as a member and as the facilitator, must
   finish its run without an exception and keep the facilitator's controls;
4. a database that goes away (a throwaway PostgreSQL stopped with ``pg_ctl -m immediate``):
   the page must finish with the calm line and no exception, and the board must come back by
   itself once the database is started again;
5. the live board's check (``<app>/_mash/live``) flooded from one client that has a board's
   link, asking under made-up board ids for ``FLOOD_S`` seconds, while the room changes every
   3 s and one real board asks every 2 s as a browser does: how many changes the real board
   was told of, and how late, the status
   page's time meanwhile, and how malformed checks (a bad version, a long or non-ASCII board
   id, an unknown room) are answered (never a server error);
6. opening rooms from one client address: ``OPEN_TRIES`` fresh sessions each type a room name
   and press "Open the room" (the widgets' values sent as the browser sends them): how many
   rooms were opened, and whether each refusal says what to do;
7. members from one client address: ``MEMBER_TRIES`` fresh sessions each press "Send to room"
   on the planner with a scenario (each joins as a new member): how many members were added.

Results go to ``bench-results/attack_rooms.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.bench_room_flood import _load_conftest, back_msg  # noqa: E402
from explorer import rooms  # noqa: E402
from explorer.limits import ROOM_CODE_ALPHABET, ROOM_CODE_LENGTH  # noqa: E402
from explorer.scenario import HubSpec, Scenario  # noqa: E402
from explorer.storage import db  # noqa: E402
from tests import pgcluster  # noqa: E402

AUTHORITIES = ("W06000001", "W06000002", "W06000003", "W06000004", "W06000005", "W06000006",
               "W06000008", "W06000009", "W06000010", "W06000011", "W06000012", "W06000013",
               "W06000014", "W06000015", "W06000016", "W06000018", "W06000019", "W06000020",
               "W06000021", "W06000022", "W06000023", "W06000024")
LONG = Scenario("Long names", tuple(
    HubSpec(f"{n:02d} " + "x" * 97, "per_authority", (AUTHORITIES[n % 22],), None)
    for n in range(26)))


async def run_page(base: str, page: str, query: str) -> dict:
    """One fresh session running ``page?query`` once: what it sent back."""
    import websockets
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: TID251 (bench only)

    body = b""
    out = {"status": None, "query": None, "exception": False}
    async with websockets.connect(base.replace("http", "ws", 1) + "/_stcore/stream",
                                  subprotocols=["streamlit"], max_size=None, compression=None,
                                  ping_interval=None) as ws:
        await ws.send(back_msg(query, page, f"{base}/{page}?{query}"))
        while True:
            data = await asyncio.wait_for(ws.recv(), 60)
            body += data
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "page_info_changed":
                out["query"] = msg.page_info_changed.query_string
            elif kind == "delta" and msg.delta.new_element.WhichOneof("type") == "exception":
                out["exception"] = True
            elif kind == "script_finished" and (
                    msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN):
                out["status"] = int(msg.script_finished)
                break
    out["body"] = body
    return out


async def attack(server, cluster, created, member_token: str, seconds: float) -> dict:
    base, code = server.url, created.room.code
    result: dict = {}
    # 2. Identity in links.
    page = await run_page(base, "what-if", f"room={code}&member={member_token}")
    result["private_link"] = {
        "token_left_in_address": member_token in (page["query"] or ""),
        "address_reported": (page["query"] or "").replace(member_token, "<token>"),
    }
    # 3. An entry too long for a link.
    outcomes = []
    for query in (f"room={code}", f"room={code}&key={created.key}"):
        page = await run_page(base, "workshop", query)
        outcomes.append({"finished": page["status"], "exception": page["exception"],
                         "controls": b"Facilitator controls" in page["body"],
                         "file_offered": b"Scenario file of an entry" in page["body"]})
    result["long_entry"] = outcomes
    # 4. The database goes away, then comes back.
    data = str(cluster.folder / "data")
    cluster._run(str(cluster.bin_dir / "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop")
    try:
        away = [await run_page(base, page, f"room={code}") for page in ("workshop", "what-if")]
        result["database_away"] = {
            "exceptions": sum(p["exception"] for p in away),
            "calm_lines": sum(b"unavailable for the moment" in p["body"] for p in away),
            "address_shown": sum(b"127.0.0.1" in p["body"] or b"postgres" in p["body"]
                                 for p in away),
        }
    finally:
        port = cluster.url.rsplit(":", 1)[1].split("/")[0]
        options = (f"-p {port} -k {cluster.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c max_connections=300")
        cluster._run(str(cluster.bin_dir / "pg_ctl"), "-D", data, "-l",
                     str(cluster.folder / "server.log"), "-o", options, "-w", "start")
    back, waited = False, 0.0
    while not back and waited < 60:
        page = await run_page(base, "workshop", f"room={code}")
        back = b"Attack test room" in page["body"] and not page["exception"]
        if not back:
            await asyncio.sleep(2)
            waited += 2
    result["database_back"] = {"board_shown_again": back, "after_s": waited}
    # 5. The live check flooded under made-up board ids.
    result["live_check_flood"] = await flood_live_check(base, code)
    # 6. Opening rooms from one address.
    result["opening_rooms"] = await open_rooms(base, engine_url=_DB_URL[0])
    # 7. Many members from one address.
    result["members_from_one_address"] = await many_members(base, code, _DB_URL[0])
    # 1. Wrong codes from fresh sessions.
    looked, slowed, other, started = 0, 0, 0, time.perf_counter()
    rng = random.Random(22)
    while time.perf_counter() - started < seconds:
        guess = "".join(rng.choice(ROOM_CODE_ALPHABET) for _ in range(ROOM_CODE_LENGTH))
        page = await run_page(base, "workshop", f"room={guess}")
        if b"Too many wrong codes" in page["body"]:
            slowed += 1
        elif b"no open room has the code" in page["body"]:
            looked += 1
        else:
            other += 1
    right = await run_page(base, "workshop", f"room={code.lower()}")
    result["wrong_codes"] = {
        "seconds": seconds, "sessions": looked + slowed + other, "looked_at": looked,
        "slowed": slowed, "other": other,
        "right_code_in_other_spelling_still_slowed": b"Too many wrong codes" in right["body"],
    }
    return result


FLOOD_S = 15.0


async def flood_live_check(base: str, code: str) -> dict:
    import re

    from bench.bench_room_flood import status_view
    from bench.board_client import Http

    page = await run_page(base, "workshop", f"room={code}")
    found = re.search(rb'"w": ?"([0-9a-f]{24})".*?"v": ?(\d+)', page["body"])
    if found is None:
        return {"watch_token_found": False}
    watch, drawn = found.group(1).decode(), int(found.group(2))
    ids = re.search(rb'"b": ?"([A-Za-z0-9]{1,32})"', page["body"])
    real_id = ids.group(1).decode() if ids else ""
    engine = db.make_engine(_DB_URL[0])
    answers: dict[str, int] = {}
    real: list[str] = []
    changes: list[float] = []  # when the room changed (a member sent an entry)
    told: list[float] = []  # when the real board was told to redraw
    status_ms: list[float] = []
    stop = asyncio.Event()
    hub = Scenario("Change", (HubSpec("Test hub A", "per_authority", ("W06000023",), None),))

    def change() -> None:
        rooms.send_entry(engine, code, rooms.join_room(engine, code).token, hub)

    def version() -> int:
        return rooms.room_version(engine, code, public=True)

    async def changer() -> None:
        while not stop.is_set():
            await asyncio.to_thread(change)
            changes.append(time.perf_counter())
            await asyncio.sleep(3.0)

    async def attacker(n: int) -> None:
        http, i = Http(base), 0
        while not stop.is_set():
            status, body = await http.get(f"_mash/live?w={watch}&v=0&b=fake{n}x{i}")
            key = json.loads(body)["s"] if status == 200 else f"http {status}"
            answers[key] = answers.get(key, 0) + 1
            i += 1
        await http.close()

    async def real_board() -> None:  # redraws (draws the newest version) when told to
        nonlocal drawn
        http = Http(base)
        while not stop.is_set():
            status, body = await http.get(f"_mash/live?w={watch}&v={drawn}&b={real_id}")
            real.append(json.loads(body)["s"] if status == 200 else f"http {status}")
            if real[-1] == "changed":
                told.append(time.perf_counter())
                drawn = await asyncio.to_thread(version)
            await asyncio.sleep(2.0)
        await http.close()

    async def status_pages() -> None:
        while not stop.is_set():
            status_ms.append(await status_view(base))
            await asyncio.sleep(1.0)

    tasks = [asyncio.create_task(attacker(n)) for n in range(4)]
    tasks += [asyncio.create_task(t()) for t in (changer, real_board, status_pages)]
    await asyncio.sleep(FLOOD_S)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    engine.dispose()
    # Each change's lag: to the first time the real board was told to redraw after it.
    lags = [min((t - c for t in told if t >= c), default=None) for c in changes]
    odd = {}
    http = Http(base)
    for label, query in (("bad version", f"w={watch}&v=abc&b=x"),
                         ("huge version", f"w={watch}&v={'9' * 5000}&b=x"),
                         ("long board id", f"w={watch}&v=0&b={'x' * 5000}"),
                         ("non-ASCII board id", f"w={watch}&v=0&b=%C3%A9%E2%80%AE"),
                         ("unknown room", "w=ffffffffffffffffffffffff&v=0&b=x"),
                         ("nothing", "")):
        status, body = await http.get(f"_mash/live?{query}")
        odd[label] = json.loads(body)["s"] if status == 200 else f"http {status}"
    await http.close()
    return {
        "seconds": FLOOD_S, "attacker_checks": sum(answers.values()),
        "attacker_answers": answers, "real_board_answers": real,
        "real_board_id_signed_by_server": bool(real_id),
        "room_changes": len(changes),
        "changes_the_real_board_was_told_of": sum(x is not None for x in lags),
        "real_board_lag_s": [None if x is None else round(x, 2) for x in lags],
        "status_ms": [round(x, 1) for x in status_ms],
        "status_median_ms": round(sorted(status_ms)[len(status_ms) // 2], 1)
        if status_ms else None,
        "malformed_checks": odd,
    }


_DB_URL: list[str] = []
OPEN_TRIES = 12


async def press(base: str, page: str, query: str, typed: str | None, label: str) -> dict:
    """One fresh session on ``page?query``: type ``typed`` in the first text field (if not
    None), press the button labelled ``label``."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: TID251 (bench only)
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: TID251 (bench only)

    async def run(ws) -> tuple[list, bytes]:
        msgs, body = [], b""
        while True:
            data = await asyncio.wait_for(ws.recv(), 60)
            body += data
            msg = ForwardMsg()
            msg.ParseFromString(data)
            msgs.append(msg)
            if msg.WhichOneof("type") == "script_finished" and (
                    msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN):
                return msgs, body

    async with websockets.connect(base.replace("http", "ws", 1) + "/_stcore/stream",
                                  subprotocols=["streamlit"], max_size=None, compression=None,
                                  ping_interval=None) as ws:
        url = f"{base}/{page}" + (f"?{query}" if query else "")
        await ws.send(back_msg(query, page, url))
        msgs, _ = await run(ws)
        page_hash, name_id, button_id = "", None, None
        for m in msgs:
            kind = m.WhichOneof("type")
            if kind == "navigation" and m.navigation.page_script_hash:
                page_hash = m.navigation.page_script_hash
            if kind != "delta" or m.delta.WhichOneof("type") != "new_element":
                continue
            el = m.delta.new_element
            if el.WhichOneof("type") == "text_input" and name_id is None:
                name_id = el.text_input.id
            elif el.WhichOneof("type") == "button" and el.button.label == label:
                button_id = el.button.id
        if (typed is not None and name_id is None) or button_id is None:
            return {"opened": False, "form_found": False, "body": b""}
        back = BackMsg()
        state = back.rerun_script
        state.page_name = page
        state.query_string = query
        state.page_script_hash = page_hash
        state.context_info.url = url
        if typed is not None:
            field = state.widget_states.widgets.add()
            field.id, field.string_value = name_id, typed
        pressed = state.widget_states.widgets.add()
        pressed.id, pressed.trigger_value = button_id, True
        await ws.send(back.SerializeToString())
        _msgs, body = await run(ws)
    return {"form_found": True, "body": body}


MEMBER_TRIES = 64


async def many_members(base: str, code: str, engine_url: str) -> dict:
    """``MEMBER_TRIES`` fresh sessions from one address each press Send on the planner with
    a one-hub scenario (each joins the room as a new member)."""
    from explorer.scenario import share_token_or_none

    token = share_token_or_none(Scenario("Junk", (HubSpec("Test hub A", "per_authority",
                                                          ("W06000023",), None),)))
    engine = db.make_engine(engine_url)
    try:
        before = rooms.board(engine, code).members
        refused, no_button = 0, 0
        for _ in range(MEMBER_TRIES):
            page = await press(base, "what-if", f"room={code}&scenario={token}", None,
                               "Send to room")
            if not page["form_found"]:
                no_button += 1
            elif b"too many members have joined this room from this address" in page["body"]:
                refused += 1
        added = rooms.board(engine, code).members - before
    finally:
        engine.dispose()
    return {"tries": MEMBER_TRIES, "members_added": added, "refused": refused,
            "send_button_not_found": no_button}


async def open_rooms(base: str, engine_url: str) -> dict:
    engine = db.make_engine(engine_url)
    try:
        before = len(rooms.list_rooms(engine))
        refusals, says_what_to_do, no_form = 0, 0, 0
        for i in range(OPEN_TRIES):
            page = await press(base, "workshop", "", f"Attack room {i}", "Open the room")
            if not page["form_found"]:
                no_form += 1
            elif b"rooms have been opened from this address" in page["body"]:
                refusals += 1
                says_what_to_do += b"Use a room you opened already" in page["body"]
        opened = len(rooms.list_rooms(engine)) - before
    finally:
        engine.dispose()
    return {"tries": OPEN_TRIES, "rooms_opened": opened, "refused": refusals,
            "refusals_saying_what_to_do": says_what_to_do, "form_not_found": no_form}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=REPO / "bench-results" / "attack_rooms.json")
    args = parser.parse_args()
    conftest = _load_conftest()
    with tempfile.TemporaryDirectory(prefix="attack-rooms-") as tmp:
        root = Path(tmp)
        cluster = pgcluster.start_cluster()
        env = {"MASH_DATABASE_URL": cluster.url, "MASH_CACHE_DIR": str(root / "cache")}
        _DB_URL[:] = [cluster.url]
        engine = db.make_engine(cluster.url)
        db.upgrade(engine)
        created = rooms.create_room(engine, "Attack test room")
        member = rooms.join_room(engine, created.room.code)
        rooms.send_entry(engine, created.room.code, member.token, LONG)
        server = conftest.start_server(REPO / "app.py", env, log_path=root / "app.log")
        try:
            result = asyncio.run(attack(server, cluster, created, member.token, args.seconds))
        finally:
            conftest.stop_server(server)
            engine.dispose()
            cluster.stop()
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
