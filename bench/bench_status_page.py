"""Benchmark: the status page's first view against a bare map page, in headless Chromium.

Starts two Streamlit servers the same way (same config, Leaflet served from the same
package and ``static/``): one runs ``app.py``, the other a bare page holding only an ``st_folium``
map of 22 rectangles built with ``geo.assets.OfflineMap`` (no tiles, the same height and the
same column width as the status map). For ``--runs`` runs, alternating which server goes first,
each in a fresh browser context, it measures

* the time from navigation start to 22 clickable areas drawn in the map iframe (read from the
  browser's own clocks, polled every 4 ms inside the iframe);
* the bytes received over the websocket (Playwright ``framereceived``) until then.

One warm-up view per server is made first and not counted (the servers' caches fill then).
Targets: status map time <= 1.10 x bare time (medians) and websocket bytes <= 120 KB.
Prints the medians, the ratio and the largest websocket frames of the last status view
(decoded as Streamlit ForwardMsg where possible), writes ``bench-results/status_page.json``,
and exits non-zero if a target is missed. Run from anywhere::

    python bench/bench_status_page.py --runs 9

The app draws its bundled boundaries unless ``MASH_BOUNDARIES`` is set; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench-results" / "status_page.json"
TIME_RATIO_TARGET = 1.10
WS_BYTES_TARGET = 120 * 1024
N_AREAS = 22
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'

#: Runs in every frame before its scripts and stamps (epoch ms, polling every 4 ms) when the
#: map iframe exists in that document, when Leaflet (window.L) is loaded, and when N clickable
#: areas are drawn. (Not a MutationObserver or requestAnimationFrame: the component iframe
#: starts as about:blank, where this runs, and its window is then reused for the component's
#: document, so only timers survive.)
STAMPS_JS = """(() => {
  const now = () => performance.timeOrigin + performance.now();
  const started = performance.now();
  const timer = setInterval(() => {
    if (window.__iframeAt === undefined && document.querySelector('MAP_IFRAME'))
      window.__iframeAt = now();
    if (window.__leafletAt === undefined && window.L) window.__leafletAt = now();
    if (document.querySelectorAll('path.leaflet-interactive').length >= N_AREAS) {
      window.__drawnAt = now();
      clearInterval(timer);
    } else if (performance.now() - started > 120000) {
      clearInterval(timer);
    }
  }, 4);
})();""".replace("N_AREAS", str(N_AREAS)).replace("MAP_IFRAME", MAP_IFRAME)
#: Phases of a first view, in ms from navigation start, in the order they happen.
PHASES = ("ws_first_frame", "map_delta", "iframe", "leaflet", "drawn")

#: The bare page: only the map, in the same column as on the status page.
BARE_PAGE = '''"""Bare page for bench_status_page.py: only an st_folium map of 22 rectangles."""

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo.assets import OfflineMap
from pages.ui.server import leaflet_ready

st.set_page_config(page_title="bare map", layout="wide")
leaflet_ready()  # Leaflet served from the installed package
m = OfflineMap(location=[52.39, -3.99], zoom_start=7.75, zoom_snap=0.25, attr=None)
features = []
for i in range(22):
    row, col = divmod(i, 5)
    west, north = -5.0 + col * 0.45, 53.3 - row * 0.4
    ring = [[west, north], [west + 0.4, north], [west + 0.4, north - 0.35],
            [west, north - 0.35], [west, north]]
    features.append({"type": "Feature", "properties": {"code": f"R{i:02d}"},
                     "geometry": {"type": "Polygon", "coordinates": [ring]}})
folium.GeoJson({"type": "FeatureCollection", "features": features}).add_to(m)
map_col, _ = st.columns([3, 2])
with map_col:
    st_folium(m, key="bare_map", height=640, use_container_width=True,
              returned_objects=["last_active_drawing"])
'''


def load_conftest() -> ModuleType:
    """Server helpers shared with the browser tests (tests/browser/conftest.py)."""
    path = REPO / "tests" / "browser" / "conftest.py"
    spec = importlib.util.spec_from_file_location("browser_conftest", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


def bare_app_dir(root: Path) -> Path:
    """A folder with the bare page, a copy of the app's config and a link to its static/."""
    folder = root / "bare"
    (folder / ".streamlit").mkdir(parents=True)
    shutil.copy(REPO / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
    (folder / "static").symlink_to(REPO / "static", target_is_directory=True)
    (folder / "bare_map.py").write_text(BARE_PAGE, encoding="utf-8")
    return folder


def describe_frame(payload: bytes) -> str:
    """What a websocket frame holds, from Streamlit's ForwardMsg protobuf when it parses."""
    try:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: TID251 (bench only)

        msg = ForwardMsg()
        msg.ParseFromString(payload)
    except Exception:  # not a ForwardMsg, or Streamlit's layout changed
        return repr(payload[:60])
    kind = msg.WhichOneof("type")
    if kind != "delta":
        return kind or "?"
    delta = msg.delta
    what = delta.WhichOneof("type")
    if what == "new_element":
        element = delta.new_element
        what = element.WhichOneof("type")
        if what == "component_instance":
            instance = element.component_instance
            return (f"delta component_instance {instance.component_name} "
                    f"(json_args {len(instance.json_args):,} B)")
        if what == "markdown":
            return f"delta markdown {element.markdown.body[:40]!r}"
    return f"delta {what}"


def view(browser, url: str) -> dict:
    """One first view in a fresh context: ms to 22 areas drawn, websocket bytes until then,
    and the phases on the way (ms from navigation start)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    context.add_init_script(STAMPS_JS)
    page = context.new_page()
    frames: list[tuple[float, bytes]] = []  # (epoch ms when Playwright reported it, payload)

    def on_frame(payload: str | bytes) -> None:
        data = payload.encode() if isinstance(payload, str) else bytes(payload)
        frames.append((time.time() * 1000, data))

    page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
    try:
        page.goto(url, wait_until="commit")
        iframe = page.locator(MAP_IFRAME)
        iframe.wait_for(timeout=60_000)
        frame = iframe.element_handle().content_frame()
        frame.wait_for_function("window.__drawnAt !== undefined", timeout=60_000)
        received = list(frames)  # frames delivered by the time the map was seen drawn
        origin = page.evaluate("performance.timeOrigin")
        iframe_at = page.evaluate("window.__iframeAt")
        leaflet_at, drawn_at = frame.evaluate("[window.__leafletAt, window.__drawnAt]")
    finally:
        context.close()
    map_delta_at = next(
        (t for t, data in received if describe_frame(data).startswith("delta component")),
        float("nan"),
    )
    phases = {
        "ws_first_frame": received[0][0] - origin if received else float("nan"),
        "map_delta": map_delta_at - origin,
        "iframe": iframe_at - origin,
        "leaflet": leaflet_at - origin,
        "drawn": drawn_at - origin,
    }
    return {
        "ms": phases["drawn"],
        "ws_bytes": sum(len(data) for _, data in received),
        "ws_frames": len(received),
        "phases": phases,
        "largest": sorted((data for _, data in received), key=len, reverse=True)[:5],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="views per page (default 7)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    conftest = load_conftest()
    if not conftest.CHROMIUM.exists():
        print(f"{conftest.CHROMIUM} is missing", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    boundaries = os.environ.get("MASH_BOUNDARIES") or conftest.boundaries_setting()
    servers = []
    with tempfile.TemporaryDirectory(prefix="bench-status-") as tmp:
        root = Path(tmp)
        try:
            env = {"MASH_BOUNDARIES": boundaries, "MASH_CACHE_DIR": str(root / "cache")}
            app = conftest.start_server(REPO / "app.py", env, log_path=root / "app.log")
            servers.append(app)
            bare_dir = bare_app_dir(root)
            bare = conftest.start_server(
                bare_dir / "bare_map.py",
                {**env, "PYTHONPATH": os.pathsep.join(filter(None, [
                    str(REPO), os.environ.get("PYTHONPATH", "")]))},
                cwd=bare_dir,
                log_path=root / "bare.log",
            )
            servers.append(bare)
            pages = {"status": app.url + "/", "bare": bare.url + "/"}
            results: dict[str, list[dict]] = {"status": [], "bare": []}
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(conftest.CHROMIUM), args=conftest.CHROMIUM_ARGS
                )
                try:
                    warmup = {name: view(browser, url) for name, url in pages.items()}
                    for run in range(args.runs):
                        order = ("status", "bare") if run % 2 == 0 else ("bare", "status")
                        for name in order:
                            results[name].append(view(browser, pages[name]))
                finally:
                    browser.close()
        finally:
            for server in servers:
                conftest.stop_server(server)

    def median(name: str, key: str) -> float:
        return statistics.median(r[key] for r in results[name])

    status_ms, bare_ms = median("status", "ms"), median("bare", "ms")
    status_bytes, bare_bytes = median("status", "ws_bytes"), median("bare", "ws_bytes")
    ratio = status_ms / bare_ms
    time_ok = ratio <= TIME_RATIO_TARGET
    bytes_ok = status_bytes <= WS_BYTES_TARGET
    largest = [
        {"bytes": len(f), "what": describe_frame(f), "head": f[:48].hex()}
        for f in results["status"][-1]["largest"]
    ]

    print(f"boundaries: {boundaries or 'bundled'}")
    print(f"runs: {args.runs} per page, alternating, fresh browser context each "
          f"(+1 warm-up each: status {warmup['status']['ms']:.0f} ms, "
          f"bare {warmup['bare']['ms']:.0f} ms)")
    print(f"{'page':<8}{'median ms':>11}{'min ms':>9}{'max ms':>9}{'median ws bytes':>17}")
    for name in ("status", "bare"):
        ms = [r["ms"] for r in results[name]]
        print(f"{name:<8}{median(name, 'ms'):>11.0f}{min(ms):>9.0f}{max(ms):>9.0f}"
              f"{median(name, 'ws_bytes'):>17,.0f}")
    print(f"time ratio status/bare: {ratio:.3f} (target <= {TIME_RATIO_TARGET:.2f}) "
          f"{'PASS' if time_ok else 'FAIL'}")
    print(f"status websocket bytes: {status_bytes:,.0f} (target <= {WS_BYTES_TARGET:,}) "
          f"{'PASS' if bytes_ok else 'FAIL'}")
    print("phases, median ms from navigation start:")
    print(f"{'':<8}" + "".join(f"{p:>16}" for p in PHASES))
    for name in ("status", "bare"):
        print(f"{name:<8}" + "".join(
            f"{statistics.median(r['phases'][p] for r in results[name]):>16.0f}" for p in PHASES))
    print("largest websocket frames of the last status view:")
    for item in largest:
        print(f"  {item['bytes']:>9,} B  {item['what']}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "boundaries": boundaries or "bundled",
        "runs": args.runs,
        "targets": {"time_ratio": TIME_RATIO_TARGET, "ws_bytes": WS_BYTES_TARGET},
        "median": {"status_ms": status_ms, "bare_ms": bare_ms, "ratio": ratio,
                   "status_ws_bytes": status_bytes, "bare_ws_bytes": bare_bytes},
        "pass": {"time": time_ok, "ws_bytes": bytes_ok},
        "warmup": {name: {k: v for k, v in r.items() if k != "largest"}
                   for name, r in warmup.items()},
        "runs_detail": {name: [{k: v for k, v in r.items() if k != "largest"} for r in rs]
                        for name, rs in results.items()},
        "largest_status_frames": largest,
    }, indent=2) + "\n", encoding="utf-8")
    print(f"written: {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}")
    return 0 if time_ok and bytes_ok else 1


if __name__ == "__main__":
    sys.exit(main())
