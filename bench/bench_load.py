"""Benchmark: a room of N sessions opening the app at once, over Streamlit's own protocol.

Starts three Streamlit servers the same way, each with the app's own ``.streamlit/config.toml``:
the app (``app.py``, bundled boundaries unless ``MASH_BOUNDARIES`` is set), a bare page with one
``st_folium`` map of 22 rectangles (the page of ``bench_status_page.py``) and a bare page with a
title and a line of text. For each target, N sessions open within ``--spread-s`` seconds (by
default all at once: spread over a second, fast pages barely overlap and the medians measure
latency, not load). Each
session is a websocket on ``/_stcore/stream`` that sends one ``BackMsg`` ``rerun_script``
(carrying ``query_string``, ``page_name`` and the page URL, as the browser does) and reads
``ForwardMsg`` frames until ``script_finished``; it checks that its own headline arrived
(what-if: each session its own scenario, named and with its own "N of 22 authorities
covered"). Reported per target: median, p95 and max time from opening the websocket to the
finished page, the bytes received, the server's RSS (current and peak), and the server's CPU
while the N sessions sit idle on the page for ``--idle-s`` seconds. Also, one session alone:
the median of ``--single`` sequential first views on a warm server, and the server's CPU time
per view over them.

``--pin CPU`` pins every server (the app and both bare pages alike) to that one CPU, as
``taskset -c CPU`` would: each server is started from this process while it is pinned, so the
server and every thread it makes later inherit the pin; this process then moves to the other
CPUs, so its own work does not compete with the servers'. Also measured on the app's server
(``--extras``): ``board``, the workshop board's live check with nothing changed (a room with a
board open; the browser asks ``<app>/_mash/live`` over HTTP every 2 s, ``bench/board_client.py``;
a fragment rerun on a server without that endpoint) as server CPU per check over
``--fragment-runs`` checks, the board's redraw after a change (its fragment rerun), and the
server's CPU while ``--sessions`` boards check at once for ``--idle-s`` seconds; ``planner``, the
what-if planner's rerun after an edit (the hub's members change, as in ``bench_whatif_page.py``) as
server CPU per rerun. Server CPU is the process's user + system time from ``/proc/PID/stat``, which
counts the script threads that have ended.

Targets (issue 20): the app's pages at most 1.0x the bare ``st_folium`` page (medians, same
run); server CPU per first view at most 20 ms (what-if) and 15 ms (status); a planner rerun
after an edit at most 10 ms and a board fragment rerun at most 2 ms of server CPU; the boards
polling under 5% of a core; one session's first view at most 100 ms; peak server memory under
400 MB. Writes
``bench-results/load.json`` and exits 1 if a target is missed, 2 if a session saw the wrong
page. The machine may be shared: compare ratios, and say what ``uptime`` said. ::

    python bench/bench_load.py --sessions 30 --rounds 3
    python bench/bench_load.py --sessions 60 --rounds 3 --pin 0
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
import board_client  # noqa: E402

RESULTS = REPO / "bench-results" / "load.json"
#: The websocket extension the clients offer: "deflate" as browsers do (the server decides;
#: ``--compression none`` offers nothing). Bytes counted are the messages' own (inflated) size.
COMPRESSION: str | None = "deflate"
# Targets of issue 20 (a room of 60 on one core).
RATIO_TARGET = 1.0
SINGLE_TARGET_MS = 100.0
CPU_TARGETS_MS = {"what_if": 20.0, "status": 15.0}  # server CPU per first view
RERUN_TARGET_MS = 10.0  # server CPU per planner rerun after an edit
FRAGMENT_TARGET_MS = 2.0  # server CPU per board fragment rerun, nothing changed
POLLING_TARGET = 0.05  # share of a core for --sessions boards polling at once
RSS_TARGET_MB = 400.0

BARE_PAGE = '''"""Bare page for bench_load.py: a title and a line of text."""

import streamlit as st

st.set_page_config(page_title="bare page", layout="wide")
st.title("Bare page")
st.write("Nothing else on this page.")
'''


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


@dataclass
class Target:
    """One page to open: where, with which query, and what each session must see."""

    name: str
    server: str  # key of the server
    page_name: str
    queries: list[str]  # one per session (cycled)
    expects: list[list[bytes]]  # texts each session must receive (parallel to queries)


@dataclass
class Outcome:
    ms: float = float("nan")
    bytes: int = 0
    frames: int = 0
    ok: bool = False
    problem: str = ""
    release: asyncio.Event = field(default_factory=asyncio.Event)


def what_if_sessions(n: int, seed: int = 8) -> tuple[list[str], list[list[bytes]]]:
    """``n`` different scenarios as share-link queries, with the name and headline each
    session must see (computed here by the app's own engine)."""
    from explorer import planner
    from explorer.coverage import evaluate_scenario
    from explorer.data import load_dataset
    from explorer.scenario import encode_share, parse_scenario

    ds = load_dataset()
    codes = [a.code for a in ds.authorities]
    rng = random.Random(seed)
    queries, expects = [], []
    for i in range(n):
        members = rng.sample(codes, rng.randint(1, 9))
        scenario = parse_scenario({
            "name": f"Bench room {i:02d}",
            "include_existing": i % 2 == 0,
            "max_travel_km": None,
            "hubs": [{"name": f"Hub {i:02d}", "model": "regional", "authorities": members,
                      "host": members[0]}],
        }, ds)
        head = planner.headline(evaluate_scenario(scenario, ds), ds, "en")
        queries.append(f"scenario={encode_share(scenario)}")
        expects.append([scenario.name.encode(), head["authorities"].encode()])
    return queries, expects


def back_msg(query: str, page_name: str, url: str) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: TID251 (bench only)

    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query
    state.page_name = page_name
    state.context_info.url = url
    state.context_info.timezone = "Europe/London"
    state.context_info.locale = "en-GB"
    return msg.SerializeToString()


async def one_session(ws_url: str, payload: bytes, expect: list[bytes], out: Outcome,
                      timeout_s: float) -> None:
    """Open a session, run the page once, wait for ``out.release``, close."""
    import websockets
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: TID251 (bench only)

    started = time.perf_counter()
    missing = list(expect)
    try:
        async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None,
                                      compression=COMPRESSION, open_timeout=timeout_s,
                                      ping_interval=None) as ws:
            await ws.send(payload)
            deadline = started + timeout_s
            while True:
                data = await asyncio.wait_for(ws.recv(), max(deadline - time.perf_counter(),
                                                             0.01))
                out.bytes += len(data)
                out.frames += 1
                missing = [m for m in missing if m not in data]
                if len(data) > 64:  # script_finished is a tiny message
                    continue
                msg = ForwardMsg()
                msg.ParseFromString(data)
                if msg.WhichOneof("type") != "script_finished":
                    continue
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                out.ms = (time.perf_counter() - started) * 1000
                out.ok = msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY and not missing
                if not out.ok:
                    out.problem = (f"finished with status {msg.script_finished}; missing "
                                   f"{[m.decode()[:40] for m in missing]}")
                break
            await out.release.wait()
    except (TimeoutError, OSError, Exception) as exc:  # noqa: B014 (report, do not crash)
        out.problem = out.problem or f"{type(exc).__name__}: {exc}"[:200]
        out.release.set()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, in seconds (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process, in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def start_pinned(conftest: ModuleType, cpu: int | None, *args, **kwargs):
    """``conftest.start_server(*args, **kwargs)``, pinned to ``cpu`` when given: the server is
    forked while this process is pinned, so it and every thread it starts inherit the pin."""
    if cpu is None:
        return conftest.start_server(*args, **kwargs)
    mine = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        server = conftest.start_server(*args, **kwargs)
    finally:
        os.sched_setaffinity(0, mine)
    pinned = {frozenset(os.sched_getaffinity(int(tid.name)))
              for tid in Path(f"/proc/{server.process.pid}/task").iterdir()}
    if pinned != {frozenset({cpu})}:
        raise RuntimeError(f"server {server.process.pid} not pinned to CPU {cpu}: {pinned}")
    return server


async def read_run(ws, timeout_s: float) -> tuple[float, int, list]:
    """Frames until the run (page or fragment) finishes: (ms, bytes, parsed messages)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: TID251 (bench only)

    started, size, msgs = time.perf_counter(), 0, []
    while True:
        data = await asyncio.wait_for(ws.recv(), timeout_s)
        size += len(data)
        msg = ForwardMsg()
        msg.ParseFromString(data)
        msgs.append(msg)
        if msg.WhichOneof("type") == "script_finished" and (
                msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN):
            return (time.perf_counter() - started) * 1000, size, msgs


def fragment_msg(query: str, page_name: str, url: str, page_hash: str, fragment: str) -> bytes:
    """The ``rerun_script`` the browser sends when a ``run_every`` fragment is due."""
    from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: TID251 (bench only)

    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query
    state.page_name = page_name
    state.page_script_hash = page_hash
    state.fragment_id = fragment
    state.is_auto_rerun = True
    state.context_info.url = url
    return msg.SerializeToString()


async def open_board(base: str, query: str, timeout_s: float):
    """A websocket with the board drawn: (socket, fragment rerun message, first view ms,
    live check) where the live check is None on a server whose boards poll with fragment
    reruns, else (HTTP connection, trigger message, component args) as the browser has them."""
    import websockets

    ws = await websockets.connect(base.replace("http://", "ws://") + "/_stcore/stream",
                                  subprotocols=["streamlit"], max_size=None,
                                  compression=COMPRESSION,
                                  open_timeout=timeout_s, ping_interval=None)
    url = f"{base}/workshop?{query}"
    await ws.send(back_msg(query, "workshop", url))
    ms, _size, msgs = await read_run(ws, timeout_s)
    hashes = [m.navigation.page_script_hash for m in msgs
              if m.WhichOneof("type") == "navigation"]
    found = board_client.live_element(msgs)
    if found is not None and hashes:
        widget, fragment, args = found
        live = (board_client.Http(base), board_client.trigger_msg(
            query, "workshop", url, hashes[-1], fragment, widget, 1), args, fragment)
        return ws, None, ms, live
    fragments = [m.auto_rerun.fragment_id for m in msgs if m.WhichOneof("type") == "auto_rerun"]
    if not fragments or not hashes:
        raise RuntimeError("the board page sent no live check (no room open?)")
    return ws, fragment_msg(query, "workshop", url, hashes[-1], fragments[-1]), ms, None


async def board_fragment(base: str, pid: int, query: str, runs: int, timeout_s: float) -> dict:
    """One board open, nothing changing in its room: its live check ``runs`` times in a row
    (an HTTP poll of the endpoint, or the fragment's rerun on a server without it), and its
    fragment's redraw (the table, as after a vote) ``runs // 4`` times."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: TID251 (bench only)

    ws, again, first_ms, live = await open_board(base, query, timeout_s)
    out = {"first_view_ms": first_ms, "live_endpoint": live is not None}
    try:
        if live is not None:
            http, trigger, args, fragment = live
            poller = board_client.LivePoller(http, args)
            times = []
            for i in range(runs + 5):
                if i == 5:
                    times, cpu0 = [], cpu_seconds(pid)
                t0 = time.perf_counter()
                if await poller.ask() != "same":
                    raise RuntimeError(f"live check {i}: {poller.answers}")
                times.append((time.perf_counter() - t0) * 1000)
            out.update({"check": "HTTP poll of /_mash/live",
                        "check_median_ms": statistics.median(times),
                        "server_cpu_ms_per_check": (cpu_seconds(pid) - cpu0) * 1000 / runs})
            await http.close()
            # The redraw a change causes (here with nothing changed: the same table again).
            again = trigger
        times, sizes = [], []
        reps = runs // 4 if live is not None else runs
        for i in range(reps + 5):
            if i == 5:  # five warm-up reruns, not counted
                times, sizes, cpu0 = [], [], cpu_seconds(pid)
            if live is not None:  # a new value each time, as the component sends
                again = board_client.trigger_msg_renumbered(again, i + 2)
            await ws.send(again)
            ms, size, msgs = await read_run(ws, timeout_s)
            if msgs[-1].script_finished != ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
                raise RuntimeError(f"fragment rerun {i} ended {msgs[-1].script_finished}")
            times.append(ms)
            sizes.append(size)
        cpu_ms = (cpu_seconds(pid) - cpu0) * 1000 / reps
    finally:
        await ws.close()
    if live is None:
        out.update({"check": "fragment rerun", "check_median_ms": statistics.median(times),
                    "server_cpu_ms_per_check": cpu_ms})
    out.update({"fragment_median_ms": statistics.median(times),
                "fragment_bytes": statistics.median(sizes),
                "server_cpu_ms_per_fragment": cpu_ms})
    return out


async def boards_polling(base: str, pid: int, query: str, n: int, poll_s: float, idle_s: float,
                         timeout_s: float) -> dict:
    """``n`` boards open, each checking its room every ``poll_s`` as the browser does (phases
    spread over the interval); the server's CPU share over ``idle_s``."""
    boards = []
    for _ in range(n):  # opened one after another: this measures polling, not opening
        boards.append(await open_board(base, query, timeout_s))
    stop = asyncio.Event()
    checks = [0]

    async def poll(ws, again, live, phase: float) -> None:
        await asyncio.sleep(phase)
        poller = board_client.LivePoller(live[0], live[2]) if live is not None else None
        while not stop.is_set():
            t0 = time.perf_counter()
            if poller is not None:
                await poller.ask()
            else:
                await ws.send(again)
                await read_run(ws, timeout_s)
            checks[0] += 1
            await asyncio.sleep(max(poll_s - (time.perf_counter() - t0), 0.0))

    tasks = [asyncio.create_task(poll(ws, again, live, poll_s * i / n))
             for i, (ws, again, _ms, live) in enumerate(boards)]
    await asyncio.sleep(poll_s + 1.0)  # every board polling
    cpu0, t0, runs0 = cpu_seconds(pid), time.perf_counter(), checks[0]
    await asyncio.sleep(idle_s)
    share = (cpu_seconds(pid) - cpu0) / (time.perf_counter() - t0)
    done = checks[0] - runs0
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    for ws, _again, _ms, live in boards:
        await ws.close()
        if live is not None:
            await live[0].close()
    return {"boards": n, "poll_s": poll_s, "cpu_share": share, "checks": done,
            "live_endpoint": boards[0][3] is not None,
            "rss_mb": rss_mb(pid)[0], "rss_peak_mb": rss_mb(pid)[1]}


async def room(base: str, pid: int, target: Target, n: int, spread_s: float, idle_s: float,
               timeout_s: float) -> dict:
    """N sessions on ``target``, opening within ``spread_s``; then ``idle_s`` of idling."""
    ws_url = base.replace("http://", "ws://") + "/_stcore/stream"
    outs = [Outcome() for _ in range(n)]
    tasks = []
    for i, out in enumerate(outs):
        query = target.queries[i % len(target.queries)]
        url = f"{base}/{target.page_name}" + (f"?{query}" if query else "")
        payload = back_msg(query, target.page_name, url)
        delay = spread_s * i / max(n - 1, 1)

        async def start(payload=payload, out=out, i=i, delay=delay):
            await asyncio.sleep(delay)
            await one_session(ws_url, payload, target.expects[i % len(target.expects)], out,
                              timeout_s)

        tasks.append(asyncio.create_task(start()))
    while not all(o.ms == o.ms or o.problem for o in outs):  # until each finished or failed
        await asyncio.sleep(0.02)
    rss_now, rss_peak = rss_mb(pid)
    await asyncio.sleep(1.0)  # let the last messages settle
    cpu0, t0 = cpu_seconds(pid), time.perf_counter()
    await asyncio.sleep(idle_s)
    idle_cpu = (cpu_seconds(pid) - cpu0) / (time.perf_counter() - t0)
    for out in outs:
        out.release.set()
    await asyncio.gather(*tasks)
    times = sorted(o.ms for o in outs if o.ok)
    return {
        "target": target.name,
        "sessions": n,
        "ok": sum(o.ok for o in outs),
        "problems": sorted({o.problem for o in outs if not o.ok})[:5],
        "min_ms": times[0] if times else float("nan"),
        "median_ms": statistics.median(times) if times else float("nan"),
        "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] if times
        else float("nan"),
        "max_ms": times[-1] if times else float("nan"),
        "median_bytes": statistics.median(o.bytes for o in outs),
        "rss_mb": rss_now,
        "rss_peak_mb": rss_peak,
        "idle_cpu_share": idle_cpu,
    }


async def singles(base: str, target: Target, runs: int, timeout_s: float,
                  pid: int | None = None, cpu: dict | None = None) -> list[float]:
    """``runs`` first views one after the other, each a new session. With ``pid``, the
    server's CPU time per view (ms) is stored in ``cpu[target.name]``.

    One more session stays connected meanwhile, as on any server in use: Streamlit empties its
    compiled-script cache whenever the last session leaves, which would make every view here
    compile the scripts again."""
    ws_url = base.replace("http://", "ws://") + "/_stcore/stream"
    out_ms, sizes = [], []
    keeper = Outcome()
    url = f"{base}/{target.page_name}"
    keeper_task = asyncio.create_task(one_session(
        ws_url, back_msg(target.queries[0], target.page_name, url), target.expects[0], keeper,
        timeout_s))
    while keeper.ms != keeper.ms and not keeper.problem:
        await asyncio.sleep(0.01)
    cpu0 = cpu_seconds(pid) if pid else 0.0
    for i in range(runs):
        query = target.queries[i % len(target.queries)]
        out = Outcome()
        out.release.set()
        url = f"{base}/{target.page_name}" + (f"?{query}" if query else "")
        await one_session(ws_url, back_msg(query, target.page_name, url),
                          target.expects[i % len(target.expects)], out, timeout_s)
        if not out.ok:
            raise RuntimeError(f"{target.name}: {out.problem}")
        out_ms.append(out.ms)
        sizes.append(out.bytes)
    if pid and cpu is not None:
        cpu[target.name] = (cpu_seconds(pid) - cpu0) * 1000 / runs
        cpu[f"{target.name} bytes"] = statistics.median(sizes)
    keeper.release.set()
    await keeper_task
    return out_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2,
                        help="rooms per target (0: only one-session views and --extras)")
    parser.add_argument("--spread-s", type=float, default=0.0,
                        help="sessions open evenly within this many seconds (default 0: all "
                             "at once, the harshest case)")
    parser.add_argument("--idle-s", type=float, default=10.0)
    parser.add_argument("--single", type=int, default=15, help="one-session views per target")
    parser.add_argument("--timeout-s", type=float, default=120.0)
    parser.add_argument("--targets", default="bare,bare_map,status,what_if")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--pin", type=int, default=None, metavar="CPU",
                        help="pin every server (app and bare pages alike) to this CPU")
    parser.add_argument("--extras", default="board,planner",
                        help="also measure: board (fragment rerun, boards polling), planner "
                             "(rerun after an edit); '' for none")
    parser.add_argument("--fragment-runs", type=int, default=200)
    parser.add_argument("--rerun-runs", type=int, default=40)
    parser.add_argument("--compression", choices=("deflate", "none"), default="deflate",
                        help="websocket compression the clients offer (browsers offer deflate)")
    args = parser.parse_args()
    global COMPRESSION
    COMPRESSION = None if args.compression == "none" else "deflate"
    if args.sessions < 1 or args.rounds < 0:
        parser.error("--sessions must be at least 1 and --rounds at least 0 (0: one-session "
                     "views and --extras only)")
    if args.pin is not None and args.pin not in os.sched_getaffinity(0):
        parser.error(f"--pin {args.pin}: this process may run only on "
                     f"{sorted(os.sched_getaffinity(0))}")
    extras = {e for e in args.extras.split(",") if e}

    conftest = _load(REPO / "tests" / "browser" / "conftest.py", "browser_conftest")
    status_bench = _load(REPO / "bench" / "bench_status_page.py", "bench_status_page")
    whatif_bench = _load(REPO / "bench" / "bench_whatif_page.py", "bench_whatif_page")
    queries, expects = what_if_sessions(args.sessions)
    targets = {
        "bare": Target("bare", "bare", "", [""], [[b"Bare page"]]),
        "bare_map": Target("bare_map", "bare_map", "", [""], [[b"st_folium"]]),
        "status": Target("status", "app", "", [""],
                         [[b"Multi-agency safeguarding hubs in Wales", b"5 of 22"]]),
        "what_if": Target("what_if", "app", "what-if", queries, expects),
    }
    chosen = [targets[name] for name in args.targets.split(",")]
    load_before = os.getloadavg()

    servers = {}
    results: list[dict] = []
    single: dict[str, list[float]] = {}
    single_cpu: dict[str, float] = {}
    extra: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        root = Path(tmp)
        env = {"MASH_CACHE_DIR": str(root / "cache")}
        if os.environ.get("MASH_BOUNDARIES"):
            env["MASH_BOUNDARIES"] = os.environ["MASH_BOUNDARIES"]
        pythonpath = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
        board_query = ""
        if "board" in extras:  # a room with no entries yet (SQLite in the temporary folder)
            from explorer import rooms
            from explorer.storage import db

            engine = db.make_engine(f"sqlite:///{root / 'state' / 'rooms.db'}")
            db.upgrade(engine)
            board_query = f"room={rooms.create_room(engine, 'Benchmark room').room.code}"
            engine.dispose()
        app_env = {**env, "MASH_STATE_DIR": str(root / "state")}
        mine = os.sched_getaffinity(0)
        try:
            servers["app"] = start_pinned(conftest, args.pin, REPO / "app.py", app_env,
                                          log_path=root / "app.log")
            bare_dir = status_bench.bare_app_dir(root)
            (bare_dir / "bare_page.py").write_text(BARE_PAGE, encoding="utf-8")
            servers["bare_map"] = start_pinned(
                conftest, args.pin, bare_dir / "bare_map.py", {**env, "PYTHONPATH": pythonpath},
                cwd=bare_dir, log_path=root / "bare_map.log")
            servers["bare"] = start_pinned(
                conftest, args.pin, bare_dir / "bare_page.py", {**env, "PYTHONPATH": pythonpath},
                cwd=bare_dir, log_path=root / "bare.log")
            if args.pin is not None and len(mine) > 1:
                os.sched_setaffinity(0, mine - {args.pin})  # the clients keep off that CPU

            async def run_all() -> None:
                for target in chosen:  # warm up: each page once, not counted
                    await singles(servers[target.server].url, target, 1, args.timeout_s)
                app = servers["app"]
                if "planner" in extras:
                    found = await whatif_bench.run(app.url, app.process.pid, args.rerun_runs)
                    extra["planner_rerun"] = {
                        "median_ms": statistics.median(found["rerun_ms"]),
                        "server_cpu_ms_per_rerun": found["server_cpu_ms_per_rerun"],
                        "rerun_bytes": found["rerun_bytes"]}
                if "board" in extras:
                    extra["board_fragment"] = await board_fragment(
                        app.url, app.process.pid, board_query, args.fragment_runs,
                        args.timeout_s)
                    extra["boards_polling"] = await boards_polling(
                        app.url, app.process.pid, board_query, args.sessions, 2.0,
                        args.idle_s, args.timeout_s)
                for name, row in extra.items():
                    print(f"{name}: " + ", ".join(
                        f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
                        for k, v in row.items()), flush=True)
                for target in chosen:
                    server = servers[target.server]
                    single[target.name] = await singles(server.url, target, args.single,
                                                        args.timeout_s, server.process.pid,
                                                        single_cpu)
                for r in range(args.rounds):
                    order = chosen if r % 2 == 0 else chosen[::-1]
                    for target in order:
                        server = servers[target.server]
                        result = await room(server.url, server.process.pid, target,
                                            args.sessions, args.spread_s, args.idle_s,
                                            args.timeout_s)
                        result["round"] = r
                        results.append(result)
                        print(f"round {r} {target.name:<9} median {result['median_ms']:7.0f} ms"
                              f"  p95 {result['p95_ms']:7.0f}  max {result['max_ms']:7.0f}  "
                              f"ok {result['ok']}/{result['sessions']}  "
                              f"rss {result['rss_mb']:.0f} MB  "
                              f"idle cpu {result['idle_cpu_share']:.1%}", flush=True)
                        await asyncio.sleep(1.0)

            asyncio.run(run_all())
        finally:
            os.sched_setaffinity(0, mine)
            for server in servers.values():
                conftest.stop_server(server)
    load_after = os.getloadavg()

    def summary(name: str, key: str) -> float:
        values = [r[key] for r in results if r["target"] == name]
        return statistics.median(values) if values else float("nan")

    names = [t.name for t in chosen]
    rows = {name: {k: summary(name, k) for k in ("median_ms", "p95_ms", "max_ms",
                                                  "median_bytes", "rss_mb", "rss_peak_mb",
                                                  "idle_cpu_share")} for name in names}
    for name in names:
        rows[name]["single_median_ms"] = statistics.median(single[name])
        rows[name]["server_cpu_ms_per_view"] = single_cpu[name]
        rows[name]["first_view_bytes"] = single_cpu[f"{name} bytes"]
    if "bare_map" in rows:  # CPU per view in the same run: robust to a busy machine's slowdown
        for name in names:
            rows[name]["cpu_ratio_to_bare_map"] = (rows[name]["server_cpu_ms_per_view"]
                                                   / rows["bare_map"]["server_cpu_ms_per_view"])
    failures = [r for r in results if r["ok"] < r["sessions"]]
    checks = {}
    if "bare_map" in rows:
        for name in ("status", "what_if"):
            if name in rows:
                ratio = rows[name]["median_ms"] / rows["bare_map"]["median_ms"]
                rows[name]["ratio_to_bare_map"] = ratio
                checks[f"{name} <= {RATIO_TARGET}x bare map"] = ratio <= RATIO_TARGET
    for name in ("status", "what_if"):
        if name in rows:
            checks[f"{name} one session <= {SINGLE_TARGET_MS:g} ms"] = (
                rows[name]["single_median_ms"] <= SINGLE_TARGET_MS)
    for name, limit in CPU_TARGETS_MS.items():
        if name in rows:
            checks[f"{name} server CPU per view <= {limit:g} ms"] = (
                rows[name]["server_cpu_ms_per_view"] <= limit)
    if "planner_rerun" in extra:
        checks[f"planner rerun server CPU <= {RERUN_TARGET_MS:g} ms"] = (
            extra["planner_rerun"]["server_cpu_ms_per_rerun"] <= RERUN_TARGET_MS)
    if "board_fragment" in extra:
        checks[f"board's live check, nothing changed, server CPU <= {FRAGMENT_TARGET_MS:g} ms"] = (
            extra["board_fragment"]["server_cpu_ms_per_check"] <= FRAGMENT_TARGET_MS)
        checks[f"{args.sessions} boards polling < {POLLING_TARGET:.0%} of a core"] = (
            extra["boards_polling"]["cpu_share"] < POLLING_TARGET)
    app_peak = max([r["rss_peak_mb"] for r in results if r["target"] in ("status", "what_if")]
                   + [x["rss_peak_mb"] for x in extra.values() if "rss_peak_mb" in x],
                   default=0.0)
    checks[f"app peak RSS < {RSS_TARGET_MB:g} MB"] = app_peak < RSS_TARGET_MB

    print(f"\nload average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
          f"({os.cpu_count()} cores); {args.sessions} sessions x {args.rounds} rounds, "
          f"opening within {args.spread_s:g} s; servers "
          + (f"pinned to CPU {args.pin}" if args.pin is not None else "not pinned"))
    print(f"{'target':<10}{'median':>8}{'p95':>8}{'max':>8}{'ratio':>7}{'alone':>7}"
          f"{'CPU/view':>9}{'KB':>7}{'RSS MB':>8}{'peak':>7}{'idle CPU':>9}")
    for name in names:
        row = rows[name]
        print(f"{name:<10}{row['median_ms']:>8.0f}{row['p95_ms']:>8.0f}{row['max_ms']:>8.0f}"
              f"{row.get('ratio_to_bare_map', float('nan')):>7.2f}"
              f"{row['single_median_ms']:>7.0f}{row['server_cpu_ms_per_view']:>9.1f}"
              f"{row['median_bytes'] / 1024:>7.0f}"
              f"{row['rss_mb']:>8.0f}{row['rss_peak_mb']:>7.0f}{row['idle_cpu_share']:>9.1%}")
    if "bare_map" in rows:
        print("server CPU per view / bare map's: " + ", ".join(
            f"{name} {rows[name]['cpu_ratio_to_bare_map']:.2f}" for name in names))
    for check, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {check}")
    for r in failures:
        print(f"WRONG PAGE round {r['round']} {r['target']}: {r['ok']}/{r['sessions']} ok; "
              f"{r['problems']}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "boundaries": os.environ.get("MASH_BOUNDARIES") or "bundled",
        "load_average": {"before": load_before, "after": load_after},
        "cores": os.cpu_count(),
        "summary": rows,
        "checks": checks,
        "rooms": results,
        "single_ms": single,
        "single_server_cpu_ms_per_view": single_cpu,
        "pin": args.pin,
        **extra,
    }, indent=2) + "\n", encoding="utf-8")
    print(f"written: {args.out}")
    if failures:
        return 2
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
