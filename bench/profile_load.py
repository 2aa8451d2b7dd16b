"""Profile the app's server under load: py-spy on a server pinned to one CPU while rooms of
N sessions open a page at once (over Streamlit's websocket, as ``bench_load.py`` does).

Writes py-spy's ``raw`` (collapsed stacks) output and a summary of where the server's samples
went, by the outermost frame of the app's own code and by a few well-known places
(serialising messages, the websocket, the script runner, the app's modules). ::

    python bench/profile_load.py --target what_if --sessions 60 --rounds 4 --pin 0
    python bench/profile_load.py --target board --sessions 60 --rounds 10 --pin 0
    python bench/profile_load.py --target status --serial 300 --pin 0

``--target rerun`` profiles ``--serial`` (default 300) planner reruns after an edit, one
after another (``bench_whatif_page.py``). ``--target board`` keeps ``--sessions`` boards of
one room polling (their fragment reruns) for ``--rounds`` x 2 s instead, or with ``--serial``
reruns one board's fragment that many times.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _bench_load():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_load", REPO / "bench" / "bench_load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


#: (label, substring of a frame) in the order they are tried, innermost frame first wins.
BUCKETS = (
    ("protobuf serialise", "SerializeToString"),
    ("message cache / hashing", "populate_hash_if_needed"),
    ("websocket write", "websocket.py"),
    ("tornado / asyncio", "tornado/"),
    ("folium component args (json)", "json/encoder.py"),
)


def summarise(raw: Path, top: int = 25) -> str:
    """Per-frame inclusive sample shares from py-spy's collapsed stacks."""
    total = 0
    inclusive: collections.Counter[str] = collections.Counter()
    leaf: collections.Counter[str] = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        for frame in set(frames):
            inclusive[frame] += n
        leaf[frames[-1]] += n
    out = [f"{total} samples"]
    out.append("\ninclusive (frame and what it calls):")
    for frame, n in inclusive.most_common(top):
        out.append(f"{100 * n / total:5.1f}%  {frame}")
    out.append("\nself (innermost frame):")
    for frame, n in leaf.most_common(top):
        out.append(f"{100 * n / total:5.1f}%  {frame}")
    return "\n".join(out)


def record(pid: int, rate: int, raw: Path, gil: bool = True) -> subprocess.Popen:
    """py-spy sampling ``pid`` (no line numbers) into ``raw``. With ``gil``, only the thread
    holding the GIL is sampled: the server's Python work. Without, threads waiting for the GIL
    or sleeping in C (a watcher's ``time.sleep``) look busy too."""
    return subprocess.Popen(
        [
            "py-spy",
            "record",
            "--pid",
            str(pid),
            "--format",
            "raw",
            "--rate",
            str(rate),
            "--nonblocking",
            "--nolineno",
            "-o",
            str(raw),
            *(["--gil"] if gil else []),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=("status", "what_if", "board", "rerun"),
                        default="what_if")
    parser.add_argument("--sessions", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--pin", type=int, default=None, metavar="CPU")
    parser.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    parser.add_argument(
        "--serial",
        type=int,
        default=0,
        help="instead of rooms, this many first views one after another (no "
        "contention: samples are CPU time); implies --all-threads",
    )
    parser.add_argument(
        "--all-threads",
        action="store_true",
        help="sample every thread, not only the one holding the GIL",
    )
    parser.add_argument("--out", type=Path, default=REPO / "bench-results" / "profile")
    args = parser.parse_args()
    bl = _bench_load()
    conftest = bl._load(REPO / "tests" / "browser" / "conftest.py", "browser_conftest")
    queries, expects = bl.what_if_sessions(args.sessions)
    target = {
        "status": bl.Target("status", "app", "", [""], [[b"5 of 22"]]),
        "what_if": bl.Target("what_if", "app", "what-if", queries, expects),
    }.get(args.target)
    args.out.mkdir(parents=True, exist_ok=True)
    raw = args.out / f"{args.target}.txt"
    with tempfile.TemporaryDirectory(prefix="profile-load-") as tmp:
        root = Path(tmp)
        env = {"MASH_CACHE_DIR": str(root / "cache"), "MASH_STATE_DIR": str(root / "state")}
        query = ""
        if args.target == "board":
            from explorer import rooms
            from explorer.storage import db

            engine = db.make_engine(f"sqlite:///{root / 'state' / 'rooms.db'}")
            db.upgrade(engine)
            query = f"room={rooms.create_room(engine, 'Profile room').room.code}"
            engine.dispose()
        mine = os.sched_getaffinity(0)
        server = bl.start_pinned(
            conftest, args.pin, REPO / "app.py", env, log_path=root / "app.log"
        )
        if args.pin is not None and len(mine) > 1:
            os.sched_setaffinity(0, mine - {args.pin})
        spy = None
        try:

            async def go() -> None:
                nonlocal spy
                pid = server.process.pid
                if args.target == "rerun":  # the planner's rerun after an edit
                    wb = bl._load(REPO / "bench" / "bench_whatif_page.py", "bench_whatif_page")
                    await wb.run(server.url, pid, 5)
                    spy = record(pid, args.rate, raw, gil=False)
                    await asyncio.sleep(1.5)
                    found = await wb.run(server.url, pid, args.serial or 300)
                    print(f"planner reruns one after another: server CPU "
                          f"{found['server_cpu_ms_per_rerun']:.1f} ms per rerun", flush=True)
                elif target is not None:  # warm: the page once, not profiled
                    await bl.singles(server.url, target, 1, 60.0)
                    spy = record(pid, args.rate, raw, not (args.all_threads or args.serial))
                    await asyncio.sleep(1.5)
                    if args.serial:
                        cpu: dict[str, float] = {}
                        await bl.singles(server.url, target, args.serial, 120.0, pid, cpu)
                        print(
                            f"{args.serial} views one after another: server CPU "
                            f"{cpu[target.name]:.1f} ms per view",
                            flush=True,
                        )
                    for r in range(0 if args.serial else args.rounds):
                        result = await bl.room(
                            server.url, pid, target, args.sessions, 0.0, 1.0, 120.0
                        )
                        print(
                            f"round {r}: median {result['median_ms']:.0f} ms, "
                            f"ok {result['ok']}/{args.sessions}",
                            flush=True,
                        )
                else:
                    await bl.board_fragment(server.url, pid, query, 5, 60.0)
                    spy = record(pid, args.rate, raw, not (args.all_threads or args.serial))
                    await asyncio.sleep(1.5)
                    if args.serial:
                        found = await bl.board_fragment(server.url, pid, query, args.serial,
                                                        120.0)
                        print(f"{args.serial} fragment reruns one after another: {found}")
                        return
                    found = await bl.boards_polling(
                        server.url, pid, query, args.sessions, 2.0, 2.0 * args.rounds, 120.0
                    )
                    print(f"boards polling: {found}", flush=True)

            asyncio.run(go())
        finally:
            if spy is not None:
                spy.send_signal(2)  # SIGINT: py-spy writes its output and exits
                spy.wait(timeout=30)
            os.sched_setaffinity(0, mine)
            conftest.stop_server(server)
    text = summarise(raw)
    (args.out / f"{args.target}-summary.txt").write_text(text + "\n", encoding="utf-8")
    print(text)
    print(f"written: {raw}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
