"""nginx's idle connections to a replica against the replica's own idle close: how often nginx
sends a request on a connection the replica is closing, leaves the replica out for 10 s and
answers *502 Bad Gateway*.

Run from the repository root (needs Debian's nginx)::

    python bench/proxy_idle_race.py [--seconds 120] [--without-idle-close]

One app replica under the prefix ``/mash`` (``--server.baseUrlPath mash``) behind nginx with the
shipped ``deploy/nginx.conf`` and its prefix option, both replica lines on that replica (as in
``tests/browser/test_behind_nginx.py``). A burst of 12 concurrent GETs of the page, the health
check and the favicon every 4.92 to 5 s: Streamlit's server closes a connection idle for 5 s, so
some requests land just as it does. ``--without-idle-close`` takes the ``keepalive_timeout``
line out of the config: the race that line prevents. Prints the answers by status, how many
times nginx left the replica out, and nginx's distinct error lines. The race is rare and
irregular: compare long runs. No target: with the shipped config there should be no error.
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
for path in (REPO, REPO / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import bench_room_flood as flood  # noqa: E402

from tests import nginx as ngx  # noqa: E402

PREFIX = "mash"
BURST = 12
PATHS = (f"/{PREFIX}/", f"/{PREFIX}/_stcore/health", f"/{PREFIX}/favicon.png")


def proxied_conf(listen: int, replica_port: int, *, idle_close: bool) -> str:
    text = ngx.with_prefix(ngx.SHIPPED_CONF.read_text(), PREFIX)
    if not idle_close:
        assert text.count("    keepalive_timeout ") == 1
        text = "\n".join(line for line in text.splitlines()
                         if not line.startswith("    keepalive_timeout "))
    return ngx.fill_ports(text, listen, [replica_port, replica_port])


def bursts(base: str, seconds: float) -> collections.Counter:
    answers: collections.Counter = collections.Counter()
    lock = threading.Lock()

    def get(path: str) -> None:
        try:
            with urllib.request.urlopen(base + path, timeout=30) as answer:
                answer.read()
                status: object = answer.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError as error:
            status = type(error).__name__
        with lock:
            answers[status] += 1

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        threads = [threading.Thread(target=get, args=(random.choice(PATHS),))
                   for _ in range(BURST)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        time.sleep(5.0 - random.uniform(0.0, 0.08))
    return answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--without-idle-close", action="store_true",
                        help="remove keepalive_timeout from the shipped config")
    args = parser.parse_args()
    ngx.require_nginx()
    conftest = flood._load_conftest()
    with tempfile.TemporaryDirectory(prefix="bench-proxy-") as tmp:
        root = Path(tmp)
        env = {"MASH_STATE_DIR": str(root / "state"), "MASH_CACHE_DIR": str(root / "cache")}
        server = conftest.start_server(REPO / "app.py", env, log_path=root / "app.log",
                                       args=("--server.baseUrlPath", PREFIX))
        proxy = None
        try:
            port = int(server.url.split("/")[2].rsplit(":", 1)[1])
            proxy = ngx.start_nginx(lambda listen: proxied_conf(
                listen, port, idle_close=not args.without_idle_close))
            answers = bursts(proxy.url, args.seconds)
            errors = collections.Counter(
                re.sub(r"^\d+#\d+: (\*\d+ )?", "", line.split("] ", 1)[1].split(", client")[0])
                for line in proxy.error_log(10**7).splitlines()
                if "[error]" in line or "[warn]" in line)
        finally:
            if proxy is not None:
                proxy.stop()
            conftest.stop_server(server)
    config = "without keepalive_timeout" if args.without_idle_close else "shipped config"
    total = sum(answers.values())
    print(f"{config}: {total} requests in bursts of {BURST} every 5 s: "
          + ", ".join(f"{status}: {n}" for status, n in sorted(answers.items(), key=str)))
    left_out = sum(n for line, n in errors.items() if "temporarily disabled" in line)
    print(f"  nginx left the replica out {left_out} times (a request sent on a connection the "
          "replica was closing)")
    for line, n in errors.most_common(6):
        print(f"  nginx error.log x{n}: {line}")


if __name__ == "__main__":
    main()
