"""Workshop rooms storage: 30 members sending at the same moment, on SQLite and PostgreSQL.

Run from the repository root::

    python bench/bench_rooms.py [--members 30] [--rounds 5]

Each round opens a fresh room, has ``--members`` members join, then releases one thread per
member at a barrier to send an entry at once. It checks that every entry is stored exactly
once (no loss, no duplicate), and times the burst (barrier to last commit) and each send.
PostgreSQL comes from ``MASH_TEST_DATABASE_URL`` or a throwaway cluster (skipped with a
message when neither is possible). Results go to ``bench-results/rooms.json``; exit status 1
if any entry was lost or doubled.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from explorer import rooms  # noqa: E402
from explorer.data import load_dataset  # noqa: E402
from explorer.presets import load_presets  # noqa: E402
from explorer.storage import db  # noqa: E402
from tests import pgcluster  # noqa: E402


def burst(engine, members: int, scenarios) -> dict:
    created = rooms.create_room(engine, "Benchmark room")
    code = created.room.code
    tokens = [rooms.join_room(engine, code).token for _ in range(members)]
    barrier = threading.Barrier(members + 1)
    send_ms: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def send(i: int) -> None:
        barrier.wait()
        start = time.perf_counter()
        try:
            rooms.send_entry(engine, code, tokens[i], scenarios[i % len(scenarios)])
        except Exception as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
        with lock:
            send_ms.append((time.perf_counter() - start) * 1000)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(members)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    total_ms = (time.perf_counter() - start) * 1000
    board = rooms.board(engine, code)
    numbers = sorted(e.member_number for e in board.entries)
    rooms.delete_room(engine, code, created.key)
    return {
        "burst_ms": round(total_ms, 1),
        "send_median_ms": round(statistics.median(send_ms), 1),
        "send_max_ms": round(max(send_ms), 1),
        "stored": len(board.entries),
        "all_stored_once": numbers == list(range(1, members + 1)),
        "errors": errors,
    }


def run_backend(name: str, url: str, members: int, rounds: int, scenarios) -> dict:
    engine = db.make_engine(url)
    db.upgrade(engine)
    try:
        results = [burst(engine, members, scenarios) for _ in range(rounds)]
    finally:
        engine.dispose()
    summary = {
        "backend": name,
        "members": members,
        "rounds": results,
        "burst_ms_median": statistics.median(r["burst_ms"] for r in results),
        "ok": all(r["all_stored_once"] and not r["errors"] for r in results),
    }
    print(f"{name:<10} {members} members at once, {rounds} rounds: burst median "
          f"{summary['burst_ms_median']:.0f} ms (each send median "
          f"{statistics.median(r['send_median_ms'] for r in results):.0f} ms, worst "
          f"{max(r['send_max_ms'] for r in results):.0f} ms); all stored once: "
          f"{'yes' if summary['ok'] else 'NO'}")
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    ds = load_dataset()
    scenarios = [p.scenario for p in load_presets(ds)]
    out: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        out.append(run_backend("sqlite", f"sqlite:///{tmp}/rooms.db", args.members,
                               args.rounds, scenarios))
    given = os.environ.get("MASH_TEST_DATABASE_URL", "").strip()
    cluster = None
    try:
        if given:
            url = db.database_url({"MASH_DATABASE_URL": given})
        else:
            cluster = pgcluster.start_cluster()
            url = cluster.url
    except pgcluster.PgUnavailable as exc:
        print(f"postgresql skipped: {exc}")
    else:
        try:
            out.append(run_backend("postgresql", url, args.members, args.rounds, scenarios))
        finally:
            if cluster:
                cluster.stop()
    results = REPO / "bench-results"
    results.mkdir(exist_ok=True)
    (results / "rooms.json").write_text(json.dumps(out, indent=2))
    return 0 if all(r["ok"] for r in out) else 1


if __name__ == "__main__":
    sys.exit(main())
