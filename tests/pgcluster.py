"""A throwaway PostgreSQL cluster for tests and benchmarks (initdb + pg_ctl in a temp dir).

Used when ``MASH_TEST_DATABASE_URL`` is not set. As root, the cluster runs as the
``postgres`` user (PostgreSQL refuses to run as root). ``.ci/run`` does the same in bash.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


class PgUnavailable(Exception):
    """No PostgreSQL could be started here; the message says why."""


def _bin_dir() -> Path:
    override = os.environ.get("MASH_PG_BIN")
    candidates = [override] if override else sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2])
    )[::-1]
    for folder in candidates:
        if folder and (Path(folder) / "initdb").is_file():
            return Path(folder)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PgUnavailable(
        "no PostgreSQL server binaries (initdb) found; install Debian's postgresql package "
        "or set MASH_TEST_DATABASE_URL"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    url: str
    folder: Path
    bin_dir: Path
    as_postgres: bool

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        return _run(self.as_postgres, *args)

    options: str = ""

    def stop(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"),
                  "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def pause(self) -> None:
        """Stop the server (fast shutdown: open connections are cut), keeping its data."""
        done = self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"),
                         "-m", "fast", "-w", "stop")
        if done.returncode != 0:
            raise PgUnavailable(f"pg_ctl stop failed: {done.stderr.strip()[-300:]}")

    def resume(self) -> None:
        """Start the paused server again on the same port."""
        done = self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), "-l",
                         str(self.folder / "server.log"), "-o", self.options, "-w", "-t", "60",
                         "start")
        if done.returncode != 0:
            raise PgUnavailable(f"pg_ctl start failed: {done.stderr.strip()[-300:]}")


def _run(as_postgres: bool, *args: str) -> subprocess.CompletedProcess:
    cmd = ["runuser", "-u", "postgres", "--", *args] if as_postgres else list(args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def start_cluster() -> Cluster:
    """Start a fresh cluster on a free port of 127.0.0.1; raises :class:`PgUnavailable`."""
    bin_dir = _bin_dir()
    as_postgres = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="mash-pg-"))
    if as_postgres:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(folder, ignore_errors=True)
            raise PgUnavailable("running as root and there is no 'postgres' user") from None
        if not shutil.which("runuser"):
            raise PgUnavailable("running as root and runuser is missing")
        os.chown(folder, user.pw_uid, user.pw_gid)
    data = folder / "data"
    done = _run(as_postgres, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust",
                "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync")
    if done.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise PgUnavailable(f"initdb failed: {last}")
    for _attempt in range(3):  # another process may take the free port first
        port = _free_port()
        options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        done = _run(as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-l",
                    str(folder / "server.log"), "-o", options, "-w", "-t", "60", "start")
        if done.returncode == 0:
            return Cluster(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
                           folder, bin_dir, as_postgres, options)
    log = (folder / "server.log").read_text(errors="replace") if (
        folder / "server.log").exists() else ""
    shutil.rmtree(folder, ignore_errors=True)
    last = (log.strip().splitlines() or [done.stderr.strip() or "no output"])[-1]
    raise PgUnavailable(f"pg_ctl could not start a server: {last}")


def schema_url(base_url: str, schema: str) -> str:
    """``base_url`` with every connection's search_path set to ``schema``."""
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def create_schema(base_url: str, schema: str) -> None:
    engine = create_engine(base_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        engine.dispose()


def drop_schema(base_url: str, schema: str) -> None:
    engine = create_engine(base_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        engine.dispose()
