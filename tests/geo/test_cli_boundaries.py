"""``python -m explorer boundaries show|refresh|clear``: never the internet here (a local file
or a closed port on 127.0.0.1 as the source)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from geo import boundaries as bd
from tests.cli import run_cli

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MASH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MASH_BOUNDARIES", raising=False)
    return tmp_path / "cache"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_show_on_a_fresh_install(cache: Path) -> None:
    out = run_cli("boundaries", "show")
    assert out.returncode == 0, out.stderr
    first, second = out.stdout.splitlines()
    assert first.startswith("Local authority boundaries of Wales, 2013 (simplified for this app)"
                            " (bundled, ")
    assert second == f"Attribution: {bd.BUNDLED_ATTRIBUTION}"
    assert out.stderr == ""


def test_refresh_from_a_file_then_show_then_clear(cache: Path, tmp_path: Path) -> None:
    src = tmp_path / "lad 2024.geojson"
    src.write_text(bd.BUNDLED_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    out = run_cli("boundaries", "refresh", "--source", str(src), "--attribution", "Mine, OGL")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Cached Boundaries from the file lad 2024.geojson")
    assert out.stdout.rstrip().endswith("the app draws them from its next page view.")
    meta = json.loads((cache / bd.CACHE_META).read_text())
    assert meta["attribution"] == "Mine, OGL"
    shown = run_cli("boundaries", "show").stdout.splitlines()
    assert "(cache, " in shown[0] and shown[1] == "Attribution: Mine, OGL"
    cleared = run_cli("boundaries", "clear")
    assert cleared.returncode == 0 and cleared.stdout.startswith("Removed 2 file(s) from ")
    assert "(bundled, " in run_cli("boundaries", "show").stdout


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("{tmp}/missing.geojson", "error: {tmp}/missing.geojson: cannot be read"),
        ("{tmp}/page.html", "error: {tmp}/page.html: is a web page (perhaps an error page), not "
                            "a boundary file; download the GeoJSON itself"),
        ("http://127.0.0.1:{port}/lad.json",
         "error: http://127.0.0.1:{port}/lad.json: cannot connect"),
    ],
    ids=["missing", "html", "closed-port"],
)
def test_refresh_refusals_are_one_line(cache: Path, tmp_path: Path, source: str,
                                       line: str) -> None:
    (tmp_path / "page.html").write_text("<!doctype html><title>404</title>")
    port = _closed_port()
    out = run_cli("boundaries", "refresh", "--timeout", "5",
                  "--source", source.format(tmp=tmp_path, port=port))
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.splitlines()[-1] == line.format(tmp=tmp_path, port=port)
    assert len([x for x in out.stderr.splitlines() if x.startswith("error:")]) == 1
    assert not (cache / bd.CACHE_GEOJSON).exists()


def test_bad_timeout_and_missing_action(cache: Path) -> None:
    out = run_cli("boundaries", "refresh", "--timeout", "0")
    assert out.returncode == 2
    assert out.stderr == "error: python -m explorer boundaries refresh: --timeout must be above 0\n"
    out = run_cli("boundaries")
    assert out.returncode == 2 and len(out.stderr.splitlines()) == 1
