"""A workshop under load: one board and 30 members in headless Chromium against a real server.

Run from the repository root::

    python bench/bench_workshop.py [--members 30] [--idle-s 60] [--postgres]

Measures, on one app server (SQLite under a temporary MASH_STATE_DIR, or with ``--postgres``
a throwaway PostgreSQL / ``MASH_TEST_DATABASE_URL``):

1. server CPU while the room sits idle, with the facilitator's board open and every member's
   planner open on the join link (target: under 10% of one core), and again with every member
   on the board as well (each board polls the room version);
2. Send to room -> entry on the board: a member presses Send and the board (another browser
   context) is watched until the entry's row appears (target: under 5 s; 5 sends);
3. all members pressing Send at once: every entry stored once (the database is checked), and
   the time until the board shows them all.

Server CPU is the server process's own user+system time (``/proc/PID/stat``) over the idle
window. Results go to ``bench-results/workshop.json``; exit status 1 if a target is missed or
an entry was lost or doubled.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from explorer import rooms  # noqa: E402
from explorer.data import load_dataset  # noqa: E402
from explorer.presets import load_presets  # noqa: E402
from explorer.scenario import encode_share  # noqa: E402
from explorer.storage import db  # noqa: E402
from tests import pgcluster  # noqa: E402
from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    boundaries_setting,
    start_server,
    stop_server,
)

CPU_TARGET = 0.10
LATENCY_TARGET_S = 5.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def idle_cpu(pid: int, seconds: float) -> float:
    """Share of one core the server used over ``seconds`` of wall time."""
    start_cpu, start = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return (cpu_seconds(pid) - start_cpu) / (time.monotonic() - start)


def entries_shown(board) -> int:
    """The board's own count line ("Entries: N · ..."); the table itself draws only the rows
    in view, so it cannot be counted from the page."""
    for text in board.locator("[data-testid='stText']").all_inner_texts():
        if text.startswith("Entries: "):
            return int(text.split()[1])
    return -1


def wait_on_board(board, count: int, timeout_s: float = 60.0) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        if entries_shown(board) >= count:
            return time.monotonic() - start
        board.wait_for_timeout(50)
    raise RuntimeError(f"the board never showed {count} entries")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--idle-s", type=float, default=60.0)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing")
        return 1
    ds = load_dataset()
    scenarios = [p.scenario for p in load_presets(ds)]
    tmp = Path(tempfile.mkdtemp(prefix="bench-workshop-"))
    cluster = None
    if args.postgres:
        given = os.environ.get("MASH_TEST_DATABASE_URL", "").strip()
        if given:
            url = db.database_url({"MASH_DATABASE_URL": given})
        else:
            cluster = pgcluster.start_cluster()
            url = cluster.url
        env_db = {"MASH_DATABASE_URL": url}
    else:
        url = f"sqlite:///{tmp / 'state' / 'rooms.db'}"
        env_db = {"MASH_STATE_DIR": str(tmp / "state")}
    engine = db.make_engine(url)
    db.upgrade(engine)
    created = rooms.create_room(engine, "Benchmark workshop")
    code = created.room.code
    server = start_server(REPO / "app.py", {"MASH_BOUNDARIES": boundaries_setting(),
                                            "MASH_CACHE_DIR": str(tmp / "cache"), **env_db},
                          log_path=tmp / "server.log")
    pid = server.process.pid
    result: dict = {"backend": "postgresql" if args.postgres else "sqlite",
                    "members": args.members, "machine": f"{os.cpu_count()} cores, shared"}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            fac = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
            fac.set_default_timeout(120_000)
            fac.goto(f"{server.url}/workshop?room={code}&key={created.key}")
            fac.get_by_text("Facilitator controls").wait_for()
            members = []
            for i in range(args.members):
                ctx = browser.new_context(viewport={"width": 1000, "height": 800})
                ctx.set_default_timeout(120_000)
                page = ctx.new_page()
                token = encode_share(scenarios[i % len(scenarios)])
                page.goto(f"{server.url}/what-if?room={code}&scenario={token}")
                page.get_by_text(f"Workshop room {code}").wait_for()
                box = page.get_by_label("Your name on the board (optional)")
                box.fill(f"Bench member {i + 1:02d}")
                box.press("Enter")
                members.append(page)
            result["server_rss_mb_start"] = round(rss_mb(pid), 1)
            print(f"{len(members)} members and the board open; settling 10 s")
            time.sleep(10)
            cpu = idle_cpu(pid, args.idle_s)
            result["idle_cpu_planners"] = round(cpu, 4)
            print(f"idle, board + {len(members)} planners: server CPU {cpu:.1%} of one core "
                  f"over {args.idle_s:g} s (target < {CPU_TARGET:.0%})")

            latencies = []
            for n, page in enumerate(members[:5], start=1):
                start = time.monotonic()
                page.get_by_role("button", name="Send to room").click()
                wait_on_board(fac, n)
                latencies.append(time.monotonic() - start)
            result["send_to_board_s"] = [round(x, 2) for x in latencies]
            print(f"Send -> on the board: median {statistics.median(latencies):.2f} s, "
                  f"max {max(latencies):.2f} s (target < {LATENCY_TARGET_S:g} s)")

            buttons = [page.locator(".st-key-room_send button") for page in members]
            for button in buttons:
                button.wait_for()
            start = time.monotonic()
            for button in buttons:  # a DOM click each, without Playwright's actionability waits
                button.dispatch_event("click")
            clicked = time.monotonic() - start
            try:
                wait_on_board(fac, len(members), timeout_s=180)
            except RuntimeError as exc:
                print(exc)
            burst_s = time.monotonic() - start
            stored = rooms.board(engine, code).entries
            authors = sorted(e.author for e in stored)
            once = authors == sorted(f"Bench member {i + 1:02d}" for i in range(len(members)))
            result["burst"] = {"clicks_spread_s": round(clicked, 2),
                               "all_on_board_s": round(burst_s, 2), "stored": len(stored),
                               "all_stored_once": once}
            print(f"{len(members)} members pressing Send together (clicks spread over "
                  f"{clicked:.1f} s): {len(stored)} stored, each once: {'yes' if once else 'NO'};"
                  f" all on the board after {burst_s:.1f} s")

            for i, page in enumerate(members):
                # The board in the member's own session (their identity is never in a link).
                page.get_by_role("link", name="Open the board").click()
                page.get_by_text("Your votes").wait_for()
                if i % 10 == 9:
                    print(f"  {i + 1} members on the board")
            time.sleep(10)
            cpu_boards = idle_cpu(pid, args.idle_s)
            result["idle_cpu_boards"] = round(cpu_boards, 4)
            result["server_rss_mb_end"] = round(rss_mb(pid), 1)
            print(f"idle, board + {len(members)} members on the board (each polling every "
                  f"2 s): server CPU {cpu_boards:.1%} of one core; server memory "
                  f"{result['server_rss_mb_start']:.0f} -> {result['server_rss_mb_end']:.0f} MB")
            browser.close()
    finally:
        stop_server(server)
        engine.dispose()
        if cluster:
            cluster.stop()
    result["ok"] = bool(result.get("idle_cpu_planners", 1) < CPU_TARGET
                        and max(result.get("send_to_board_s", [99])) < LATENCY_TARGET_S
                        and result.get("burst", {}).get("all_stored_once"))
    out = REPO / "bench-results"
    out.mkdir(exist_ok=True)
    (out / f"workshop-{result['backend']}.json").write_text(json.dumps(result, indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    sys.exit(main())
