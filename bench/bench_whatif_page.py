"""Benchmark: a what-if rerun after a hub change, on a real server (target: median <= 50 ms).

Starts the app with its own ``.streamlit/config.toml`` (bundled boundaries unless
``MASH_BOUNDARIES`` is set), opens ``/what-if`` with a one-hub scenario over Streamlit's own
websocket protocol (as ``bench_load.py`` does), then changes the hub's members back and forth:
each change is a ``BackMsg`` ``rerun_script`` carrying the members widget's new value, as the
browser sends it (naming the planner's fragment, so only the planner reruns). Times each
rerun from sending to ``script_finished`` and checks the headline
of the new scenario arrived; also reports the server's CPU time per rerun. Exits 1 if the
median misses the target. ::

    python bench/bench_whatif_page.py --runs 40
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET_MS = 50.0
MEMBERS = (["Powys", "Ceredigion", "Carmarthenshire"],
           ["Powys", "Ceredigion", "Carmarthenshire", "Pembrokeshire"])


def expected_headlines(ds) -> list[bytes]:
    from explorer import planner
    from explorer.coverage import evaluate_scenario
    from explorer.scenario import parse_scenario

    out = []
    for members in MEMBERS:
        s = parse_scenario({"name": "Bench", "hubs": [{"name": "Mid and West", "model":
                            "regional", "authorities": members, "host": "Powys"}]}, ds)
        out.append(planner.headline(evaluate_scenario(s, ds), ds, "en")["authorities"].encode())
    return out


def members_widget(msgs) -> str:
    """The id of the first hub's members multiselect, from a run's deltas."""
    return next(
        m.delta.new_element.multiselect.id for m in msgs
        if m.WhichOneof("type") == "delta"
        and m.delta.WhichOneof("type") == "new_element"
        and m.delta.new_element.WhichOneof("type") == "multiselect"
        and "wi_h" in m.delta.new_element.multiselect.id
        and "members" in m.delta.new_element.multiselect.id)


def widget_fragment(msgs, widget_id: str) -> str:
    """The fragment the widget is drawn in ('' if none): the browser names it when the widget
    changes, and the server then reruns only that fragment."""
    return next((m.delta.fragment_id for m in msgs
                 if m.WhichOneof("type") == "delta"
                 and m.delta.WhichOneof("type") == "new_element"
                 and m.delta.new_element.WhichOneof("type") == "multiselect"
                 and m.delta.new_element.multiselect.id == widget_id), "")


async def run(base: str, pid: int, runs: int) -> dict:
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: TID251 (bench only)
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: TID251 (bench only)

    bench_load = _bench_load()
    back_msg, cpu_seconds = bench_load.back_msg, bench_load.cpu_seconds
    from explorer.data import load_dataset
    from explorer.scenario import encode_share, parse_scenario

    ds = load_dataset()
    first = parse_scenario({"name": "Bench", "hubs": [{"name": "Mid and West", "model":
                            "regional", "authorities": MEMBERS[0], "host": "Powys"}]}, ds)
    query = f"scenario={encode_share(first)}"
    heads = expected_headlines(ds)
    url = f"{base}/what-if?{query}"

    sizes: list[int] = []

    async def until_finished(ws, expect: bytes | None) -> tuple[float, list[ForwardMsg], bool]:
        started, msgs, seen = time.perf_counter(), [], expect is None
        sizes.append(0)
        while True:
            data = await asyncio.wait_for(ws.recv(), 60)
            sizes[-1] += len(data)
            seen = seen or expect in data
            msg = ForwardMsg()
            msg.ParseFromString(data)
            msgs.append(msg)
            if msg.WhichOneof("type") == "script_finished" and (
                    msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN):
                return (time.perf_counter() - started) * 1000, msgs, seen

    ws_url = base.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None,
                                  compression=bench_load.COMPRESSION, ping_interval=None) as ws:
        await ws.send(back_msg(query, "what-if", url))
        first_ms, msgs, ok = await until_finished(ws, heads[0])
        assert ok, "first view without its headline"
        widget_id = members_widget(msgs)
        fragment = widget_fragment(msgs, widget_id)
        page_hash = next((m.navigation.page_script_hash for m in msgs
                          if m.WhichOneof("type") == "navigation"), "")
        times, cpu0 = [], cpu_seconds(pid)
        for i in range(runs + 2):
            if i == 2:  # the first two changes warm up (not counted)
                times, cpu0 = [], cpu_seconds(pid)
            which = (i + 1) % 2
            msg = BackMsg()
            msg.rerun_script.query_string = query
            msg.rerun_script.page_name = "what-if"
            msg.rerun_script.context_info.url = url
            if fragment:  # as the browser does for a widget inside a fragment
                msg.rerun_script.fragment_id = fragment
                msg.rerun_script.page_script_hash = page_hash
            state = msg.rerun_script.widget_states.widgets.add()
            state.id = widget_id
            state.string_array_value.data.extend(MEMBERS[which])
            await ws.send(msg.SerializeToString())
            ms, _msgs, seen = await until_finished(ws, heads[which])
            widget_id = members_widget(_msgs)  # its id changes with its default (the draft)
            fragment = widget_fragment(_msgs, widget_id) or fragment
            if not seen:
                texts = [m.delta.new_element.heading.body for m in _msgs
                         if m.WhichOneof("type") == "delta"
                         and m.delta.new_element.WhichOneof("type") == "heading"]
                raise RuntimeError(f"rerun {i}: headline {heads[which].decode()!r} missing; "
                                   f"headings {texts}")
            times.append(ms)
        cpu_ms = (cpu_seconds(pid) - cpu0) * 1000 / runs
    return {"first_view_ms": first_ms, "rerun_ms": times, "server_cpu_ms_per_rerun": cpu_ms,
            "fragment_rerun": bool(fragment),
            "rerun_bytes": statistics.median(sizes[-runs:])}


def _bench_load():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "bench_load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    conftest = _bench_load()._load(ROOT / "tests" / "browser" / "conftest.py",
                                   "browser_conftest")
    with tempfile.TemporaryDirectory(prefix="bench-whatif-") as tmp:
        env = {"MASH_CACHE_DIR": str(Path(tmp) / "cache")}
        if os.environ.get("MASH_BOUNDARIES"):
            env["MASH_BOUNDARIES"] = os.environ["MASH_BOUNDARIES"]
        server = conftest.start_server(ROOT / "app.py", env, log_path=Path(tmp) / "app.log")
        try:
            found = asyncio.run(run(server.url, server.process.pid, args.runs))
        finally:
            conftest.stop_server(server)
    times = found["rerun_ms"]
    median = statistics.median(times)
    result = {"command": " ".join([Path(sys.executable).name, *sys.argv]), "runs": args.runs,
              "median_ms": round(median, 1), "max_ms": round(max(times), 1),
              "server_cpu_ms_per_rerun": round(found["server_cpu_ms_per_rerun"], 1),
              "first_view_ms": round(found["first_view_ms"], 1), "target_ms": TARGET_MS,
              "rerun_bytes": found["rerun_bytes"], "fragment_rerun": found["fragment_rerun"],
              "load_average": os.getloadavg(), "boundaries":
              os.environ.get("MASH_BOUNDARIES") or "bundled", "ok": median <= TARGET_MS}
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "whatif_page.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"what-if rerun after a hub change: median {median:.1f} ms, max {max(times):.1f} ms "
          f"over {args.runs} runs; server CPU {result['server_cpu_ms_per_rerun']} ms per rerun "
          f"(target median <= {TARGET_MS:.0f} ms) -> {'ok' if result['ok'] else 'MISSED'}; "
          f"load average {result['load_average'][0]:.2f}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
