"""The app from a read-only source tree (a container image, a locked-down server): nothing is
written into it at run time, and every map still draws. The app is copied to a folder whose
files nobody may write; under root the server runs as ``nobody`` (root ignores file modes)."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from tests.browser.conftest import REPO, join, start_server, stop_server
from tests.browser.test_prefix import check_status_map, map_frame, open_app

pytestmark = pytest.mark.browser

PARTS = ("app.py", "pages", "geo", "explorer", "data", "static", ".streamlit")
NOBODY = 65534


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


def read_only_copy(root: Path) -> Path:
    app = root / "app"
    app.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "vendor")
    for part in PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, app / part, ignore=ignore)
        else:
            shutil.copy2(source, app / part)
    for path in [app, *app.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) | stat.S_IROTH
                   | (stat.S_IXOTH if path.is_dir() else 0))
    return app


def writable_by_server(path: Path, as_nobody: bool) -> Path:
    path.mkdir(parents=True)
    if as_nobody:
        os.chown(path, NOBODY, NOBODY)
    return path


def test_the_app_runs_from_a_read_only_tree_and_writes_nothing_there(browser, people):
    root = Path(tempfile.mkdtemp(prefix="mash-ro-"))
    root.chmod(0o755)  # nobody must reach the copy
    as_nobody = os.geteuid() == 0 and Path("/usr/bin/setpriv").exists()
    try:
        app = read_only_copy(root)
        before = snapshot(app / "static")
        env = {"HOME": str(writable_by_server(root / "home", as_nobody)),
               "MASH_CACHE_DIR": str(writable_by_server(root / "cache", as_nobody)),
               "MASH_STATE_DIR": str(writable_by_server(root / "state", as_nobody)),
               "PYTHONDONTWRITEBYTECODE": "1"}
        wrap = (["/usr/bin/setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
                 "--clear-groups"] if as_nobody else [])
        server = start_server(app / "app.py", env, cwd=app, wrap=wrap,
                              log_path=root / "server.log")
        try:
            if as_nobody:  # the premise: this server cannot write the copy
                status = Path(f"/proc/{server.process.pid}/status").read_text()
                assert f"Uid:\t{NOBODY}\t" in status
            check_status_map(browser, people, server.url)
            who = join(browser, people)
            map_frame(open_app(who.page, server.url, "/what-if"))
            open_app(who.page, server.url, "/workshop")
        finally:
            stop_server(server)
        log = (root / "server.log").read_text(errors="replace")
        assert "OSError" not in log and "PermissionError" not in log and "Traceback" not in log
        assert snapshot(app / "static") == before
        assert not (app / "static" / "vendor").exists()
    finally:
        for path in [root, *root.rglob("*")]:
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | stat.S_IWUSR)
        shutil.rmtree(root, ignore_errors=True)
