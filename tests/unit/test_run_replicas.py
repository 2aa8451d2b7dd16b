"""``deploy/run-replicas.sh`` for real (one replica, SQLite, a free port): it refuses several
replicas without a shared database and secret; it waits for health; a replica that dies is
started again; SIGTERM stops every replica and the launcher itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.nginx import free_port

REPO = Path(__file__).resolve().parents[2]
LAUNCHER = REPO / "deploy" / "run-replicas.sh"


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MASH_", "STREAMLIT_"))}
    env.update(STREAMLIT=str(Path(sys.executable).with_name("streamlit")),
               MASH_STATE_DIR=str(tmp_path / "state"), MASH_CACHE_DIR=str(tmp_path / "cache"),
               MASH_LOG_DIR=str(tmp_path / "logs"), **extra)
    return env


def wait_for_line(path: Path, text: str, count: int = 1, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().count(text) >= count:
            return
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not seen: {path.read_text() if path.exists() else ''}")


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.read() == b"ok"
    except OSError:
        return False


def test_several_replicas_need_a_shared_database_and_secret(tmp_path):
    done = subprocess.run(["bash", str(LAUNCHER), "2", str(free_port())],
                          env=env_for(tmp_path), capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "MASH_DATABASE_URL is not set" in done.stderr


def test_launcher_restarts_a_dead_replica_and_stops_on_sigterm(tmp_path):
    port = free_port()
    out = tmp_path / "launcher.out"
    with open(out, "wb") as sink:
        launcher = subprocess.Popen(["bash", str(LAUNCHER), "1", str(port)], cwd=REPO,
                                    env=env_for(tmp_path), stdout=sink,
                                    stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_line(out, "all 1 replicas healthy")
        assert healthy(port)
        first = int(out.read_text().split("(pid ")[1].split(",")[0])
        os.kill(first, signal.SIGKILL)
        wait_for_line(out, "stopped; starting it again")
        wait_for_line(out, "replica 1 of 1", count=2)
        deadline = time.monotonic() + 90
        while not healthy(port):
            assert time.monotonic() < deadline, out.read_text()
            time.sleep(0.5)
        second = int(out.read_text().rsplit("(pid ", 1)[1].split(",")[0])
        assert second != first

        launcher.send_signal(signal.SIGTERM)
        assert launcher.wait(timeout=30) == 143
        assert "all replicas stopped" in out.read_text()
        deadline = time.monotonic() + 15
        while healthy(port):
            assert time.monotonic() < deadline, "the replica outlived its launcher"
            time.sleep(0.5)
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)  # its own session: only what it started
            launcher.wait(timeout=10)
