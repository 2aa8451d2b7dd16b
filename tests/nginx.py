"""Debian's nginx for tests: a throwaway instance in a temporary prefix folder.

``start_nginx(server_blocks)`` writes a small main configuration (one worker, logs, pid and temp
files under the folder, ``daemon off``) whose ``http`` block includes ``server_blocks`` (for
example ``deploy/nginx.conf`` with its ports filled in), starts ``nginx -p FOLDER -c ...`` and
waits until it accepts connections. Every request is written to ``access.log`` with the
replica that answered it (``$upstream_addr``) and the sticky cookie, so tests can see where a
browser landed. When nginx is missing the tests skip with a message, except under ``CI=true``
where they fail (``.ci/run`` installs it). ``MASH_TEST_NGINX_LOGS=FOLDER`` keeps each instance's
``error.log`` and ``access.log`` there when it stops (the folder itself is removed).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHIPPED_CONF = REPO / "deploy" / "nginx.conf"
#: The ports ``deploy/nginx.conf`` ships with: nginx's own, then the two replicas.
SHIPPED_LISTEN = 8080
SHIPPED_REPLICAS = (8501, 8502)

ACCESS_FORMAT = ("'$msec $status cookie=$cookie_mash_replica upstream=$upstream_addr "
                 "\"$request_method $request_uri\"'")


def nginx_binary() -> str | None:
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    return found if Path(found).is_file() else None


def require_nginx() -> str:
    """The nginx binary, or skip (fail under ``CI=true``) saying what is missing."""
    binary = nginx_binary()
    if binary is None:
        message = "nginx is missing: install Debian's nginx (apt-get install -y nginx)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: these tests must run)", pytrace=False)
        pytest.skip(message)
    return binary


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fill_ports(text: str, listen: int, replicas: list[int]) -> str:
    """``deploy/nginx.conf`` with its listen port and replica addresses replaced, checking that
    each shipped value is there exactly once (so a change to the file cannot slip by)."""
    assert len(replicas) == len(SHIPPED_REPLICAS), "one port per shipped replica line"
    pairs = [(f"listen {SHIPPED_LISTEN};", f"listen 127.0.0.1:{listen};")]
    pairs += [(f"server 127.0.0.1:{old} ", f"server 127.0.0.1:{new} ")
              for old, new in zip(SHIPPED_REPLICAS, replicas, strict=True)]
    for old, new in pairs:
        assert text.count(old) == 1, f"{old!r} should appear once in deploy/nginx.conf"
        text = text.replace(old, new)
    return text


def established_to(port: int) -> int:
    """How many TCP connections on this machine are ESTABLISHED towards 127.0.0.1:``port``
    (read from ``/proc/net/tcp``): for a replica's port behind nginx, nginx's connections."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            if remote_port == port and fields[3] == "01":  # 01: ESTABLISHED
                count += 1
    return count


def idle_close_seconds(port: int, path: str, *, limit_s: float = 30.0) -> float:
    """Seconds a server on 127.0.0.1:``port`` keeps a keep-alive connection open after
    answering one HTTP/1.1 GET of ``path``, measured on a raw socket (``limit_s`` if it never
    closes it)."""
    with socket.create_connection(("127.0.0.1", port), timeout=limit_s) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError(f"127.0.0.1:{port} closed the connection unanswered")
            answer += chunk
        answered = time.monotonic()
        try:
            while sock.recv(65536):  # the rest of the body, then the close (b"")
                pass
        except TimeoutError:
            return limit_s
        return time.monotonic() - answered


def with_prefix(text: str, prefix: str) -> str:
    """``deploy/nginx.conf``'s documented prefix option: ``location /`` becomes
    ``location /PREFIX/`` (checked to be there exactly once)."""
    assert text.count("    location / {") == 1, "one 'location /' in deploy/nginx.conf"
    return text.replace("    location / {", f"    location /{prefix}/ {{")


def main_conf(folder: Path, include: Path) -> str:
    """A whole nginx.conf whose http block includes ``include``; paths inside ``folder``."""
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers may write temp files
    temp = "\n".join(f"    {kind}_temp_path {folder / 'temp' / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (
        f"{user}worker_processes 1;\n"
        f"error_log {folder / 'error.log'} info;\n"
        f"pid {folder / 'nginx.pid'};\n"
        "events { worker_connections 512; }\n"
        "http {\n"
        "    default_type application/octet-stream;\n"
        f"    log_format mash_test {ACCESS_FORMAT};\n"
        f"    access_log {folder / 'access.log'} mash_test;\n"
        f"{temp}\n"
        f"    include {include};\n"
        "}\n"
    )


def check_config(server_blocks: str, folder: Path) -> subprocess.CompletedProcess:
    """``nginx -t`` on a main configuration including ``server_blocks``."""
    binary = require_nginx()
    (folder / "temp").mkdir(parents=True, exist_ok=True)
    site = folder / "site.conf"
    site.write_text(server_blocks)
    conf = folder / "nginx.conf"
    conf.write_text(main_conf(folder, site))
    return subprocess.run([binary, "-t", "-p", str(folder), "-e", str(folder / "error.log"),
                           "-c", str(conf)], capture_output=True, text=True, timeout=30)


@dataclass
class Nginx:
    url: str
    port: int
    folder: Path
    process: subprocess.Popen

    def access_lines(self) -> list[str]:
        path = self.folder / "access.log"
        return path.read_text(errors="replace").splitlines() if path.exists() else []

    def replica_of_cookies(self) -> dict[str, str]:
        """Sticky cookie -> the replica (host:port) that last answered a request carrying it.
        A request that tried a dead replica first logs ``dead, live``: the last one answered."""
        seen: dict[str, str] = {}
        for line in self.access_lines():
            match = re.search(r"cookie=(\S+) upstream=([^\"]+?) \"", line)
            if match and match.group(1) != "-" and match.group(2) != "-":
                seen[match.group(1)] = match.group(2).split(",")[-1].strip()
        return seen

    def error_log(self, chars: int = 3000) -> str:
        path = self.folder / "error.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # SIGTERM: fast shutdown
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        keep = os.environ.get("MASH_TEST_NGINX_LOGS")
        if keep:
            target = Path(keep) / self.folder.name
            target.mkdir(parents=True, exist_ok=True)
            for name in ("error.log", "access.log"):
                if (self.folder / name).exists():
                    shutil.copy(self.folder / name, target / name)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_nginx(server_blocks_for_port, *, timeout_s: float = 20.0) -> Nginx:
    """Start nginx with ``server_blocks_for_port(port)`` (the http-level text for a free port);
    returns once it accepts connections on 127.0.0.1:port."""
    binary = require_nginx()
    folder = Path(tempfile.mkdtemp(prefix="mash-nginx-"))
    (folder / "temp").mkdir()
    last_error = ""
    for _attempt in range(3):  # another process may take the free port first
        port = free_port()
        site = folder / "site.conf"
        site.write_text(server_blocks_for_port(port))
        conf = folder / "nginx.conf"
        conf.write_text(main_conf(folder, site))
        process = subprocess.Popen(
            [binary, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf),
             "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return Nginx(f"http://127.0.0.1:{port}", port, folder, process)
            except OSError:
                time.sleep(0.1)
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        last_error = (process.stderr.read().decode(errors="replace") if process.stderr else "")
        last_error = last_error.strip() or (folder / "error.log").read_text(errors="replace")
    shutil.rmtree(folder, ignore_errors=True)
    raise RuntimeError(f"nginx did not start: {last_error[-2000:]}")
