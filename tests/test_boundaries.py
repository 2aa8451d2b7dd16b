"""Tests for geo.boundaries: validation, simplification, the obtain chain, cache and tiles.

Hermetic: the only network used is a real HTTP server on 127.0.0.1 started here; any other
host look-up fails the test. Tests that need the shared boundary file (``../shared``) skip
cleanly when it is absent; the rest use squares built here.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, mapping

from explorer.model import WELSH_CODES
from geo import boundaries as bd
from geo.boundaries import (
    DEFAULT_SOURCES,
    Boundaries,
    BoundaryError,
    Source,
    default_cache_dir,
    load_tiles,
    obtain_boundaries,
    simplify,
    validate,
)

SHARED_GEOJSON = Path(__file__).resolve().parents[1] / ".." / "shared" / "geo" / (
    "wales_lad_2013.geojson"
)


# --------------------------------------------------------------------------------------------
# Fixtures: data
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_bytes() -> bytes:
    if not SHARED_GEOJSON.is_file():
        pytest.skip("../shared/geo/wales_lad_2013.geojson is absent")
    return SHARED_GEOJSON.read_bytes()


@pytest.fixture(scope="module")
def shared_gdf(shared_bytes: bytes) -> gpd.GeoDataFrame:
    return validate(shared_bytes, str(SHARED_GEOJSON))


def _grid(n_per_edge: int = 8) -> gpd.GeoDataFrame:
    """22 touching squares (a 5 x 5 grid minus 3) over mid Wales, edges densified.

    Vertices come from one integer lattice, so shared edges are vertex-identical (a coverage).
    """
    lon0, lat0, dlon, dlat = -4.5, 52.9, 0.3, 0.2
    step_lon, step_lat = dlon / n_per_edge, dlat / n_per_edge

    def point(i: int, j: int) -> tuple[float, float]:
        return (round(lon0 + i * step_lon, 9), round(lat0 - j * step_lat, 9))

    geoms = []
    for k in range(22):
        row, col = divmod(k, 5)
        i0, j0, n = col * n_per_edge, row * n_per_edge, n_per_edge
        ring = (
            [point(i0 + t, j0 + n) for t in range(n)]  # south edge, west to east
            + [point(i0 + n, j0 + n - t) for t in range(n)]  # east edge, northwards
            + [point(i0 + n - t, j0) for t in range(n)]  # north edge, westwards
            + [point(i0, j0 + t) for t in range(n)]  # west edge, southwards
        )
        geoms.append(Polygon(ring))
    return gpd.GeoDataFrame({"code": list(WELSH_CODES)}, geometry=geoms, crs=4326)


@pytest.fixture(scope="module")
def grid() -> gpd.GeoDataFrame:
    return _grid()


def _collection(
    gdf: gpd.GeoDataFrame,
    field_name: str = "LAD13CD",
    extra: dict | None = None,
    crs_name: str | None = None,
) -> dict:
    features = [
        {
            "type": "Feature",
            "properties": {field_name: code, "NAME": f"Area {code}", "OBJECTID": i},
            "geometry": mapping(geom),
        }
        for i, (code, geom) in enumerate(zip(gdf["code"], gdf.geometry, strict=True))
    ]
    out: dict = {"type": "FeatureCollection", "features": features}
    if crs_name:
        out["crs"] = {"type": "name", "properties": {"name": crs_name}}
    if extra:
        out.update(extra)
    return out


def _dumps(obj: dict) -> bytes:
    return json.dumps(obj).encode()


@pytest.fixture(scope="module")
def grid_bytes(grid: gpd.GeoDataFrame) -> bytes:
    return _dumps(_collection(grid))


def _decimals_over(text: str, decimals: int) -> list[str]:
    return re.findall(rf"\d\.\d{{{decimals + 1},}}", text)


# --------------------------------------------------------------------------------------------
# Fixtures: hermetic network and a real HTTP server on 127.0.0.1
# --------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _only_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any look-up of a host other than 127.0.0.1/localhost; bypass any proxy."""
    real = socket.getaddrinfo

    def guarded(host, *args, **kwargs):
        if host not in ("127.0.0.1", "localhost", b"127.0.0.1", b"localhost"):
            raise AssertionError(f"test tried to reach {host!r}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@dataclass
class Route:
    """What the test server does for one path."""

    body: bytes = b""
    status: int = 200
    hang_s: float = 0.0  # wait this long (or until teardown) before answering
    trickle_s: float = 0.0  # send the body one byte per trickle_s
    content_length: int | None = None  # override the Content-Length header
    gzip: bool = False


@dataclass
class LocalServer:
    base: str
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, path: str) -> int:
        return sum(1 for p in self.requests if urlsplit(p).path == path)


@contextlib.contextmanager
def serve() -> Iterator[LocalServer]:
    """A ThreadingHTTPServer on 127.0.0.1 (port 0) in a thread; routes set by the test."""
    stop = threading.Event()
    holder: dict[str, LocalServer] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            server = holder["server"]
            server.requests.append(self.path)
            route = server.routes.get(urlsplit(self.path).path)
            try:
                if route is None:
                    self.send_error(404)
                    return
                if route.hang_s and stop.wait(route.hang_s):
                    return
                body = route.body
                if route.gzip:
                    body = gzip.compress(body)
                self.send_response(route.status)
                self.send_header("Content-Type", "application/geo+json")
                length = len(body) if route.content_length is None else route.content_length
                self.send_header("Content-Length", str(length))
                if route.gzip:
                    self.send_header("Content-Encoding", "gzip")
                self.end_headers()
                if route.trickle_s:
                    for i in range(len(body)):
                        if stop.is_set():
                            return
                        self.wfile.write(body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(route.trickle_s)
                else:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    holder["server"] = LocalServer(base=f"http://127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield holder["server"]
    finally:
        stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with serve() as srv:
        yield srv


@pytest.fixture
def other_server() -> Iterator[LocalServer]:
    with serve() as srv:
        yield srv


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/nothing.json"


def _obtain(tmp_path: Path, sources, env: dict | None = None, **kwargs) -> Boundaries:
    return obtain_boundaries(
        env=env or {}, cache_dir=tmp_path / "cache", sources=sources, **kwargs
    )


def _codes(result: Boundaries) -> list[str]:
    return [f["properties"]["code"] for f in json.loads(result.geojson)["features"]]


# --------------------------------------------------------------------------------------------
# validate
# --------------------------------------------------------------------------------------------


@pytest.mark.shared
def test_validate_shared_file(shared_gdf: gpd.GeoDataFrame) -> None:
    assert list(shared_gdf.columns) == ["code", "geometry"]
    assert list(shared_gdf["code"]) == list(WELSH_CODES)
    assert shared_gdf.crs.to_epsg() == 4326
    assert shared_gdf.is_valid.all() and not shared_gdf.is_empty.any()
    assert set(shared_gdf.geom_type) <= {"Polygon", "MultiPolygon"}


@pytest.mark.parametrize("name", ["LAD24CD", "lad19cd", "code", "CTYUA23CD", "gss"])
def test_validate_detects_code_field(grid: gpd.GeoDataFrame, name: str) -> None:
    shuffled = grid.iloc[::-1].reset_index(drop=True)
    out = validate(_dumps(_collection(shuffled, field_name=name)), "renamed.geojson")
    assert list(out["code"]) == list(WELSH_CODES)
    assert list(out.columns) == ["code", "geometry"]


@pytest.mark.shared
def test_validate_renamed_shared_field(shared_bytes: bytes) -> None:
    text = shared_bytes.decode().replace('"LAD13CD"', '"lad19cd"')
    assert list(validate(text, "x")["code"]) == list(WELSH_CODES)


def test_validate_picks_field_with_most_codes(grid: gpd.GeoDataFrame) -> None:
    fc = _collection(grid, field_name="LAD24CD")
    for feature in fc["features"]:
        feature["properties"]["PARENT"] = "W06000001"  # one Welsh code, repeated
    assert list(validate(fc, "x")["code"]) == list(WELSH_CODES)


def test_validate_drops_non_welsh_features(grid: gpd.GeoDataFrame) -> None:
    fc = _collection(grid)
    english = dict(fc["features"][0])
    english["properties"] = {"LAD13CD": "E06000001"}
    fc["features"].insert(3, english)
    out = validate(fc, "x")
    assert len(out) == 22 and "E06000001" not in set(out["code"])


def test_validate_refuses_non_welsh_file(grid: gpd.GeoDataFrame) -> None:
    english = grid.assign(code=[f"E0600{n:04d}" for n in range(1, 23)])
    with pytest.raises(BoundaryError, match=r"english\.geojson: found 0 of the 22 Welsh"):
        validate(_dumps(_collection(english)), "english.geojson")


def test_validate_refuses_truncated_json(grid_bytes: bytes) -> None:
    with pytest.raises(BoundaryError, match="not valid JSON, perhaps truncated") as info:
        validate(grid_bytes[: len(grid_bytes) // 2], "https://example.org/cut.json")
    assert info.value.origin == "https://example.org/cut.json"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "empty file"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"[1, 2]", "not a GeoJSON FeatureCollection"),
        (b'{"type": "Feature", "properties": {}}', "not a GeoJSON FeatureCollection"),
        (b'{"type": "Topology", "objects": {}}', "TopoJSON"),
        (b'{"error": {"code": 400, "message": "Invalid URL"}}', "error: Invalid URL"),
    ],
)
def test_validate_refuses_non_geojson(payload: bytes, message: str) -> None:
    with pytest.raises(BoundaryError, match=message):
        validate(payload, "bad.json")


def test_validate_refuses_missing_feature(grid: gpd.GeoDataFrame) -> None:
    short = grid[grid["code"] != "W06000015"]
    with pytest.raises(BoundaryError, match=r"found 21 of the 22 .*missing W06000015"):
        validate(_dumps(_collection(short)), "x")


def test_validate_refuses_duplicate(grid: gpd.GeoDataFrame) -> None:
    doubled = gpd.GeoDataFrame(pd.concat([grid, grid.iloc[[4]]], ignore_index=True), crs=4326)
    with pytest.raises(BoundaryError, match="W06000005 appear.* more than once"):
        validate(doubled, "x")


def test_validate_refuses_metres_without_crs(grid: gpd.GeoDataFrame) -> None:
    metres = grid.to_crs(27700)
    fc = _collection(metres)  # no "crs" member: readers assume WGS84
    with pytest.raises(BoundaryError, match="not longitude/latitude degrees"):
        validate(_dumps(fc), "bng.geojson")
    with pytest.raises(BoundaryError, match="not longitude/latitude degrees"):
        validate(metres.set_crs(None, allow_override=True), "bng gdf")


def test_validate_reprojects_declared_bng(grid: gpd.GeoDataFrame) -> None:
    metres = grid.to_crs(27700)
    out = validate(_dumps(_collection(metres, crs_name="urn:ogc:def:crs:EPSG::27700")), "x")
    assert out.crs.to_epsg() == 4326
    assert out.total_bounds == pytest.approx(grid.total_bounds, abs=1e-6)
    assert validate(metres, "gdf in BNG").crs.to_epsg() == 4326


def test_validate_refuses_swapped_axes(grid: gpd.GeoDataFrame) -> None:
    swapped = grid.set_geometry(shapely.transform(grid.geometry.values, lambda c: c[:, ::-1]))
    with pytest.raises(BoundaryError, match="not in Wales"):
        validate(swapped, "swapped")


def test_validate_refuses_unknown_crs(grid: gpd.GeoDataFrame) -> None:
    with pytest.raises(BoundaryError, match="unknown coordinate reference system"):
        validate(_collection(grid, crs_name="urn:nonsense:42"), "x")


def test_validate_refuses_non_polygon_and_missing_geometry(grid: gpd.GeoDataFrame) -> None:
    fc = _collection(grid)
    fc["features"][2]["geometry"] = {"type": "Point", "coordinates": [-3.5, 52.5]}
    with pytest.raises(BoundaryError, match="W06000003 is a Point, not a polygon"):
        validate(fc, "x")
    fc["features"][2]["geometry"] = None
    with pytest.raises(BoundaryError, match="W06000003 has no geometry"):
        validate(fc, "x")
    fc["features"][2]["geometry"] = {"type": "Polygon", "coordinates": [[[1, 2]]]}
    with pytest.raises(BoundaryError, match="W06000003 has an unreadable geometry"):
        validate(fc, "x")


def test_validate_repairs_invalid_polygon(grid: gpd.GeoDataFrame) -> None:
    bowtie = Polygon([(-3.0, 52.0), (-2.8, 52.2), (-2.8, 52.0), (-3.0, 52.2)])
    assert not bowtie.is_valid
    broken = grid.copy()
    broken.loc[21, "geometry"] = bowtie
    out = validate(broken, "x")
    assert out.is_valid.all()
    assert out.geometry.iloc[21].geom_type in ("Polygon", "MultiPolygon")
    assert out.geometry.iloc[21].area == pytest.approx(shapely.make_valid(bowtie).area)


# --------------------------------------------------------------------------------------------
# simplify
# --------------------------------------------------------------------------------------------


@pytest.mark.shared
def test_simplify_shared_file(shared_bytes: bytes, shared_gdf: gpd.GeoDataFrame) -> None:
    out = simplify(shared_gdf, tolerance_m=500.0, decimals=3)
    before = shapely.get_num_coordinates(shared_gdf.geometry.values).sum()
    after = shapely.get_num_coordinates(out.geometry.values).sum()
    assert after < before / 5
    assert list(out["code"]) == list(WELSH_CODES) and out.crs.to_epsg() == 4326
    assert out.is_valid.all() and not out.is_empty.any()
    assert set(out.geom_type) <= {"Polygon", "MultiPolygon"}

    metric = out.to_crs(27700)
    total = metric.area.sum()
    # Neighbours still share boundaries: no overlaps (union = sum) ...
    assert metric.union_all().area == pytest.approx(total, rel=0.005)
    # ... and the overall area hardly changed.
    assert total == pytest.approx(shared_gdf.to_crs(27700).area.sum(), rel=0.01)

    text = bd._to_text(out)
    assert not _decimals_over(text, 3)
    assert len(text.encode()) < 100_000
    assert len(shared_bytes) > 1_000_000


def test_simplify_grid_keeps_coverage(grid: gpd.GeoDataFrame) -> None:
    out = simplify(grid)
    assert shapely.get_num_coordinates(out.geometry.values).sum() < (
        shapely.get_num_coordinates(grid.geometry.values).sum()
    )
    assert out.is_valid.all() and len(out) == 22
    metric = out.to_crs(27700)
    assert metric.union_all().area == pytest.approx(metric.area.sum(), rel=0.005)
    assert not _decimals_over(bd._to_text(out), 3)
    # Exterior rings counter-clockwise (RFC 7946).
    assert all(shapely.is_ccw(g.exterior) for g in out.geometry)


def test_simplify_keeps_tiny_polygon() -> None:
    gdf = _grid()
    tiny = Polygon([(-2.8, 52.0), (-2.7996, 52.0), (-2.7996, 52.0003), (-2.8, 52.0003)])
    gdf.loc[21, "geometry"] = tiny
    with pytest.raises(BoundaryError, match="W06000024"):
        simplify(gdf, decimals=3)  # rounds to nothing at all
    out = simplify(gdf, decimals=4)
    assert not out.geometry.iloc[21].is_empty


# --------------------------------------------------------------------------------------------
# Download chain through a real HTTP server
# --------------------------------------------------------------------------------------------


@pytest.mark.shared
def test_download_then_cache(server: LocalServer, shared_bytes: bytes, tmp_path: Path) -> None:
    server.routes["/lad.json"] = Route(body=shared_bytes)
    sources = [Source("local test server", server.url("/lad.json"), "Test attribution")]
    calls: list[tuple[str, float]] = []
    first = _obtain(tmp_path, sources, progress=lambda m, f: calls.append((m, f)))
    assert first.source == "download" and not first.is_tiles and first.notice is None
    assert first.origin == server.url("/lad.json")
    assert first.attribution == "Test attribution"
    assert first.raw_bytes == len(shared_bytes)
    assert first.simplified_bytes == len(first.geojson.encode()) < 100_000
    assert _codes(first) == list(WELSH_CODES)
    assert calls and all(0.0 <= f <= 1.0 for _, f in calls)
    assert any(0.0 < f < 1.0 for _, f in calls)
    assert calls[0][0].startswith("Downloading boundaries from local test server")
    cache = tmp_path / "cache"
    assert sorted(p.name for p in cache.iterdir()) == [bd.CACHE_GEOJSON, bd.CACHE_META]

    second = _obtain(tmp_path, sources)
    assert server.count("/lad.json") == 1
    assert second.source == "cache" and second.geojson == first.geojson
    assert second.origin == first.origin and second.attribution == "Test attribution"


def test_download_result_shape(server: LocalServer, grid_bytes: bytes, tmp_path: Path) -> None:
    server.routes["/lad.json"] = Route(body=grid_bytes)
    result = _obtain(tmp_path, [Source("s", server.url("/lad.json"))])
    fc = json.loads(result.geojson)
    assert result.geojson == json.dumps(fc, separators=(",", ":"))
    assert set(fc) == {"type", "features"} and fc["type"] == "FeatureCollection"
    assert [f["properties"] for f in fc["features"]] == [{"code": c} for c in WELSH_CODES]
    assert not _decimals_over(result.geojson, 3)
    meta = json.loads((tmp_path / "cache" / bd.CACHE_META).read_text())
    data = (tmp_path / "cache" / bd.CACHE_GEOJSON).read_bytes()
    assert meta["sha256"] == hashlib.sha256(data).hexdigest()
    assert meta["origin"] == server.url("/lad.json") and meta["format"] == bd.CACHE_FORMAT
    assert meta["fetched_at"]


def test_gzip_download(server: LocalServer, grid_bytes: bytes, tmp_path: Path) -> None:
    server.routes["/lad.json"] = Route(body=grid_bytes, gzip=True)
    result = _obtain(tmp_path, [Source("s", server.url("/lad.json"))])
    assert result.source == "download"
    assert result.raw_bytes == len(gzip.compress(grid_bytes))


def test_http_error_falls_through(server: LocalServer, grid_bytes: bytes, tmp_path: Path) -> None:
    server.routes["/broken"] = Route(body=b"oops", status=500)
    server.routes["/lad.json"] = Route(body=grid_bytes)
    sources = [Source("first", server.url("/broken")), Source("second", server.url("/lad.json"))]
    result = _obtain(tmp_path, sources)
    assert result.source == "download" and result.origin == server.url("/lad.json")
    assert server.count("/broken") == 1


@pytest.mark.parametrize("bad", ["non_welsh", "truncated", "missing", "not_found"])
def test_bad_data_falls_through(
    server: LocalServer, grid: gpd.GeoDataFrame, grid_bytes: bytes, tmp_path: Path, bad: str
) -> None:
    bodies = {
        "non_welsh": _dumps(_collection(grid.assign(code=[f"E0800{n:04d}" for n in range(22)]))),
        "truncated": grid_bytes[:-100],
        "missing": _dumps(_collection(grid.iloc[:21])),
    }
    if bad in bodies:
        server.routes["/bad.json"] = Route(body=bodies[bad])
    server.routes["/lad.json"] = Route(body=grid_bytes)
    sources = [Source("bad", server.url("/bad.json")), Source("good", server.url("/lad.json"))]
    assert _obtain(tmp_path, sources).origin == server.url("/lad.json")
    assert server.count("/bad.json") == 1


def test_hanging_source_is_abandoned(
    server: LocalServer, other_server: LocalServer, grid_bytes: bytes, tmp_path: Path
) -> None:
    server.routes["/hang.json"] = Route(body=grid_bytes, hang_s=30)
    other_server.routes["/lad.json"] = Route(body=grid_bytes)
    sources = [
        Source("hangs", server.url("/hang.json")),
        Source("same host, skipped", server.url("/hang.json")),
        Source("good", other_server.url("/lad.json")),
    ]
    started = time.monotonic()
    result = _obtain(tmp_path, sources, timeout_s=1.0)
    elapsed = time.monotonic() - started
    assert result.source == "download" and result.origin == other_server.url("/lad.json")
    assert elapsed < 1.0 + 2.0
    assert server.count("/hang.json") == 1  # the second source on that host was skipped


def test_trickling_source_is_abandoned(server: LocalServer, grid_bytes: bytes,
                                       tmp_path: Path) -> None:
    server.routes["/slow.json"] = Route(body=grid_bytes, trickle_s=0.3)
    started = time.monotonic()
    result = _obtain(tmp_path, [Source("trickle", server.url("/slow.json"))], timeout_s=1.0)
    elapsed = time.monotonic() - started
    assert elapsed < 1.0 + 2.0
    assert result.is_tiles and "trickle: no complete answer within 1 s" in result.notice


def test_short_body_is_refused(server: LocalServer, grid_bytes: bytes, tmp_path: Path) -> None:
    server.routes["/short.json"] = Route(body=grid_bytes[:1000], content_length=5000)
    result = _obtain(tmp_path, [Source("short", server.url("/short.json"))], timeout_s=2.0)
    assert result.is_tiles and "connection closed after 1,000 of 5,000 bytes" in result.notice


def test_too_large_is_refused(
    server: LocalServer, grid_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bd, "MAX_BYTES", 1000)
    server.routes["/big.json"] = Route(body=grid_bytes)
    result = _obtain(tmp_path, [Source("big", server.url("/big.json"))])
    assert result.is_tiles and "big: too large" in result.notice


def test_all_sources_fail_gives_tiles_with_notice(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/e500"] = Route(status=500, body=b"x")
    sources = [
        Source("Refusing host", _closed_port_url()),
        Source("Broken server", server.url("/e500")),
        Source("Missing file", server.url("/missing.json")),
    ]
    calls: list[float] = []
    started = time.monotonic()
    result = _obtain(tmp_path, sources, progress=lambda m, f: calls.append(f))
    assert time.monotonic() - started < 5
    assert result.is_tiles and result.source == "tiles"
    assert result.origin == "geo/tiles_wales.geojson"
    assert "not a geographic boundary" in result.attribution.lower()
    notice = result.notice
    assert "unavailable" in notice and "MASH_BOUNDARIES" in notice and "online" in notice
    assert "Refusing host: cannot connect" in notice
    assert "Broken server: HTTP 500" in notice
    assert "Missing file: HTTP 404" in notice
    assert all(0.0 <= f <= 1.0 for f in calls)
    assert not (tmp_path / "cache" / bd.CACHE_GEOJSON).exists()


def test_no_sources_gives_tiles(tmp_path: Path) -> None:
    result = _obtain(tmp_path, [])
    assert result.is_tiles and "no download sources" in result.notice


def test_timeout_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="timeout_s"):
        _obtain(tmp_path, [], timeout_s=0)


# --------------------------------------------------------------------------------------------
# MASH_BOUNDARIES
# --------------------------------------------------------------------------------------------


def test_env_path(grid_bytes: bytes, tmp_path: Path) -> None:
    path = tmp_path / "mine.geojson"
    path.write_bytes(_dumps(_collection(_grid(), field_name="lad19cd")))
    result = _obtain(tmp_path, [], env={"MASH_BOUNDARIES": str(path)})
    assert result.source == "env" and result.origin == str(path) and not result.is_tiles
    assert result.raw_bytes == path.stat().st_size
    assert "MASH_BOUNDARIES" in result.attribution
    assert _codes(result) == list(WELSH_CODES)
    assert not (tmp_path / "cache").exists()  # MASH_BOUNDARIES is never cached


@pytest.mark.shared
def test_env_shared_path(tmp_path: Path) -> None:
    env = {"MASH_BOUNDARIES": str(SHARED_GEOJSON), "MASH_BOUNDARIES_ATTRIBUTION": "Chorley"}
    result = _obtain(tmp_path, [], env=env)
    assert result.source == "env" and result.attribution == "Chorley"
    assert result.simplified_bytes < 100_000 < result.raw_bytes


def test_env_url(server: LocalServer, grid_bytes: bytes, tmp_path: Path) -> None:
    server.routes["/mine.json"] = Route(body=grid_bytes)
    env = {"MASH_BOUNDARIES": server.url("/mine.json")}
    calls: list[float] = []
    result = _obtain(tmp_path, [], env=env, progress=lambda m, f: calls.append(f))
    assert result.source == "env" and result.origin == server.url("/mine.json")
    assert calls and all(0.0 <= f <= 1.0 for f in calls)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("{tmp}/nope.geojson", "no such file"),
        ("{tmp}", "is a directory"),
        ("{tmp}/english.geojson", "found 0 of the 22"),
        ("{url}/e500", "HTTP 500"),
        ("ftp://example.org/x.json", "only local paths and http(s) URLs"),
    ],
)
def test_bad_env_gives_tiles_with_notice(
    server: LocalServer, grid: gpd.GeoDataFrame, tmp_path: Path, value: str, problem: str
) -> None:
    (tmp_path / "english.geojson").write_bytes(
        _dumps(_collection(grid.assign(code=[f"E0600{n:04d}" for n in range(22)])))
    )
    server.routes["/e500"] = Route(status=500, body=b"x")
    value = value.format(tmp=tmp_path, url=server.base)
    good = [Source("never used", server.url("/never"))]
    result = _obtain(tmp_path, good, env={"MASH_BOUNDARIES": value})
    assert result.is_tiles and result.source == "tiles"
    assert f"MASH_BOUNDARIES is set to {value!r}" in result.notice
    assert problem in result.notice
    assert server.count("/never") == 0  # no silent fall-back to the download chain


# --------------------------------------------------------------------------------------------
# Cache
# --------------------------------------------------------------------------------------------


def _corrupt_truncate(cache: Path) -> None:
    path = cache / bd.CACHE_GEOJSON
    path.write_bytes(path.read_bytes()[:500])


def _corrupt_hash(cache: Path) -> None:
    meta = json.loads((cache / bd.CACHE_META).read_text())
    meta["sha256"] = "0" * 64
    (cache / bd.CACHE_META).write_text(json.dumps(meta))


def _corrupt_21_features(cache: Path) -> None:
    fc = json.loads((cache / bd.CACHE_GEOJSON).read_text())
    fc["features"] = fc["features"][:21]
    data = json.dumps(fc).encode()
    (cache / bd.CACHE_GEOJSON).write_bytes(data)
    meta = json.loads((cache / bd.CACHE_META).read_text())
    meta["sha256"] = hashlib.sha256(data).hexdigest()  # hash fine, content not
    (cache / bd.CACHE_META).write_text(json.dumps(meta))


def _corrupt_meta(cache: Path) -> None:
    (cache / bd.CACHE_META).write_text("{not json")


def _corrupt_format(cache: Path) -> None:
    meta = json.loads((cache / bd.CACHE_META).read_text())
    meta["format"] = -1
    (cache / bd.CACHE_META).write_text(json.dumps(meta))


def _remove_meta(cache: Path) -> None:
    (cache / bd.CACHE_META).unlink()


@pytest.mark.parametrize(
    "corrupt",
    [_corrupt_truncate, _corrupt_hash, _corrupt_21_features, _corrupt_meta, _corrupt_format,
     _remove_meta],
)
def test_corrupt_cache_is_refetched(
    server: LocalServer, grid_bytes: bytes, tmp_path: Path, corrupt: Callable[[Path], None]
) -> None:
    server.routes["/lad.json"] = Route(body=grid_bytes)
    sources = [Source("s", server.url("/lad.json"))]
    first = _obtain(tmp_path, sources)
    corrupt(tmp_path / "cache")
    second = _obtain(tmp_path, sources)
    assert server.count("/lad.json") == 2
    assert second.source == "download" and second.geojson == first.geojson
    third = _obtain(tmp_path, sources)
    assert third.source == "cache" and server.count("/lad.json") == 2


def test_corrupt_cache_named_in_notice(server: LocalServer, grid_bytes: bytes,
                                       tmp_path: Path) -> None:
    server.routes["/lad.json"] = Route(body=grid_bytes)
    _obtain(tmp_path, [Source("s", server.url("/lad.json"))])
    _corrupt_hash(tmp_path / "cache")
    result = _obtain(tmp_path, [Source("gone", server.url("/gone.json"))])
    assert result.is_tiles and "cache: discarded" in result.notice
    assert not any((tmp_path / "cache").iterdir())


def test_cache_write_is_atomic(
    server: LocalServer, grid_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.routes["/lad.json"] = Route(body=grid_bytes)
    sources = [Source("s", server.url("/lad.json"))]

    def failing_replace(src, dst):
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(bd.os, "replace", failing_replace)
        result = _obtain(tmp_path, sources)  # the cache cannot be written: still a result
    assert result.source == "download"
    assert list((tmp_path / "cache").iterdir()) == []  # no temp files, no partial file
    assert _obtain(tmp_path, sources).source == "download"
    names = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert names == [bd.CACHE_GEOJSON, bd.CACHE_META]


def test_unwritable_cache_dir(server: LocalServer, grid_bytes: bytes, tmp_path: Path) -> None:
    server.routes["/lad.json"] = Route(body=grid_bytes)
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = obtain_boundaries(
        env={}, cache_dir=blocker / "cache", sources=[Source("s", server.url("/lad.json"))]
    )
    assert result.source == "download"


def test_cache_dir_from_env(server: LocalServer, grid_bytes: bytes, tmp_path: Path) -> None:
    server.routes["/lad.json"] = Route(body=grid_bytes)
    env = {"MASH_CACHE_DIR": str(tmp_path / "envcache")}
    obtain_boundaries(env=env, sources=[Source("s", server.url("/lad.json"))])
    assert (tmp_path / "envcache" / bd.CACHE_GEOJSON).is_file()


def test_default_cache_dir(tmp_path: Path) -> None:
    assert default_cache_dir({"MASH_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert default_cache_dir({"XDG_CACHE_HOME": "/x/cache"}) == Path(
        "/x/cache/mash-wales-explorer"
    )
    assert default_cache_dir({"HOME": "/home/u"}) == Path("/home/u/.cache/mash-wales-explorer")
    assert default_cache_dir({"XDG_CACHE_HOME": "relative", "HOME": "/h"}) == Path(
        "/h/.cache/mash-wales-explorer"
    )


# --------------------------------------------------------------------------------------------
# Tiles and sources
# --------------------------------------------------------------------------------------------


def test_tiles() -> None:
    result = load_tiles()
    assert result.is_tiles and result.source == "tiles" and result.notice is None
    assert result.origin == "geo/tiles_wales.geojson"
    assert _codes(result) == list(WELSH_CODES)
    tiles = validate(result.geojson, "tiles")
    assert len(tiles) == 22
    centre = {c: g.centroid for c, g in zip(tiles["code"], tiles.geometry, strict=True)}
    cardiff, vale, caerphilly = centre["W06000015"], centre["W06000014"], centre["W06000018"]
    assert cardiff.x > vale.x and cardiff.y == pytest.approx(vale.y)
    assert cardiff.y < caerphilly.y and cardiff.x == pytest.approx(caerphilly.x)
    assert centre["W06000001"].x < centre["W06000002"].x  # Anglesey west of Gwynedd
    assert centre["W06000023"].y > centre["W06000024"].y  # Powys north of Merthyr
    geoms = list(tiles.geometry)
    for i, a in enumerate(geoms):
        for b in geoms[i + 1 :]:
            assert not a.intersects(b)  # gaps between tiles: no overlap, not even touching


def test_tile_file_layout() -> None:
    fc = json.loads(bd.TILES_PATH.read_text())
    props = {f["properties"]["code"]: f["properties"] for f in fc["features"]}
    assert set(props) == set(WELSH_CODES)
    assert len({(p["row"], p["col"]) for p in props.values()}) == 22
    assert (props["W06000015"]["row"], props["W06000015"]["col"]) == (4, 3)
    assert props["W06000015"]["name"] == "Cardiff"
    for feature in fc["features"]:
        box = shapely.geometry.shape(feature["geometry"])
        minx, miny, maxx, maxy = box.bounds
        p = feature["properties"]
        assert minx == pytest.approx(-5.0 + 0.45 * p["col"], abs=0.02)
        assert maxy == pytest.approx(53.5 - 0.28 * p["row"], abs=0.02)
        assert maxx - minx == pytest.approx(0.432, abs=1e-3)
        assert maxy - miny == pytest.approx(0.2688, abs=1e-3)


def test_default_sources() -> None:
    assert len(DEFAULT_SOURCES) >= 3
    ons = [s for s in DEFAULT_SOURCES if "arcgis.com" in s.url]
    assert "December 2024" in ons[0].name and "LAD24CD%20LIKE%20%27W%25%27" in ons[0].url
    for source in ons:
        assert "outSR=4326" in source.url and "f=geojson" in source.url
        assert "Open Government Licence" in source.attribution
    assert DEFAULT_SOURCES[-1].url == (
        "https://raw.githubusercontent.com/martinjc/UK-GeoJSON/master/json/administrative/wal/"
        "lad.json"
    )
    assert "Martin Chorley" in DEFAULT_SOURCES[-1].attribution
    assert all(s.url.startswith("https://") for s in DEFAULT_SOURCES)


def test_module_is_pure() -> None:
    text = Path(bd.__file__).read_text()
    assert not re.search(r"^\s*(import|from)\s+(streamlit|folium)", text, re.M)
