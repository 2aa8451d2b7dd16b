"""Tests for geo.boundaries: validation, simplification, the chain at page load (no network),
``boundaries refresh`` (downloads), the cache, file formats and tiles.

Hermetic: the only network used is a real HTTP server on 127.0.0.1 started here (for the
refresh command); any other host look-up fails the test. Tests that need the shared boundary
file (``../shared``) skip with a message when it is absent; the rest use squares built here.
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
    read_boundary_file,
    refresh_cache,
    simplify,
    validate,
)
from geo.boundaries import formats as bd_formats
from geo.boundaries import refresh as bd_refresh
from geo.boundaries import simplification as bd_simplification
from geo.boundaries import store as bd_store

SHARED_GEOJSON = Path(__file__).resolve().parents[2] / ".." / "shared" / "geo" / (
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
    #: Set by the handler when the request has arrived and it starts to hang.
    hanging: threading.Event | None = None
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
                if route.hang_s:
                    if route.hanging is not None:
                        route.hanging.set()
                    if stop.wait(route.hang_s):
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


def _obtain(tmp_path: Path, env: dict | None = None) -> Boundaries:
    return obtain_boundaries(env=env or {}, cache_dir=tmp_path / "cache")


def _refresh(tmp_path: Path, sources, **kwargs) -> Boundaries:
    return refresh_cache(env={}, cache_dir=tmp_path / "cache", sources=sources, **kwargs)


def _codes(result: Boundaries) -> list[str]:
    return [f["properties"]["code"] for f in json.loads(result.geojson)["features"]]


def _bundled_geojson() -> str:
    return bd.load_bundled().geojson


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
    with pytest.raises(BoundaryError, match=r"english\.geojson: has none of the 22 Welsh"):
        validate(_dumps(_collection(english)), "english.geojson")


def test_validate_refuses_truncated_json(grid_bytes: bytes) -> None:
    with pytest.raises(BoundaryError, match="is not valid JSON, perhaps truncated") as info:
        validate(grid_bytes[: len(grid_bytes) // 2], "https://example.org/cut.json")
    assert info.value.origin == "https://example.org/cut.json"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "empty file"),
        (b"\xff\xfe\x00garbage", "is not UTF-8 text"),
        (b"[1, 2]", "is not a GeoJSON FeatureCollection"),
        (b'{"type": "Feature", "properties": {}}', "is not a GeoJSON FeatureCollection"),
        (b'{"type": "Topology", "objects": {}}', "is TopoJSON; convert it with `ogr2ogr"),
        (b'{"error": {"code": 400, "message": "Invalid URL"}}', "error answer from a server"),
    ],
)
def test_validate_refuses_non_geojson(payload: bytes, message: str) -> None:
    with pytest.raises(BoundaryError, match=message):
        validate(payload, "bad.json")


def test_validate_refuses_missing_feature(grid: gpd.GeoDataFrame) -> None:
    short = grid[grid["code"] != "W06000015"]
    with pytest.raises(BoundaryError, match=r"has 21 of the 22 .*missing W06000015"):
        validate(_dumps(_collection(short)), "x")


def test_validate_refuses_duplicate(grid: gpd.GeoDataFrame) -> None:
    doubled = gpd.GeoDataFrame(pd.concat([grid, grid.iloc[[4]]], ignore_index=True), crs=4326)
    with pytest.raises(BoundaryError, match="but W06000005 appears more than once"):
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
    with pytest.raises(BoundaryError, match="W06000003 has an unreadable geometry") as info:
        validate(fc, "x")
    assert str(info.value) == (
        "x: W06000003 has an unreadable geometry (expected GeoJSON Polygon or MultiPolygon "
        "coordinates: closed rings of [longitude, latitude] pairs)"
    )


def test_validate_repairs_invalid_polygon(grid: gpd.GeoDataFrame) -> None:
    bowtie = Polygon([(-3.0, 52.0), (-2.8, 52.2), (-2.8, 52.0), (-3.0, 52.2)])
    assert not bowtie.is_valid
    broken = grid.copy()
    broken.loc[21, "geometry"] = bowtie
    out = validate(broken, "x")
    assert out.is_valid.all()
    assert out.geometry.iloc[21].geom_type in ("Polygon", "MultiPolygon")
    assert out.geometry.iloc[21].area == pytest.approx(shapely.make_valid(bowtie).area)


# Notices never carry a library's own words (issue 7, section 6).
_LIBRARY_WORDS = re.compile(r"GEOS|Traceback|RecursionError|Exception|Expecting|exceeds the limit"
                            r"|set_int_max_str_digits|ParseException|TopologyException|vsimem",
                            re.I)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[" * 100_000 + "]" * 100_000, "x: is nested too deeply to be GeoJSON"),
        ('{"type": "FeatureCollection", "features": [' + "9" * 5001 + "]}",
         "x: contains a number too long to read"),
        ('{"type": "FeatureCollection", "features": [NaN]}',
         "x: contains NaN, which is not a number in JSON"),
    ],
    ids=["nested", "long-number", "nan-literal"],
)
def test_unreadable_json_gets_one_plain_line(text: str, problem: str) -> None:
    with pytest.raises(BoundaryError) as info:
        validate(text, "x")
    assert str(info.value) == problem


def test_non_finite_coordinate_is_named(grid: gpd.GeoDataFrame) -> None:
    fc = json.loads(json.dumps(_collection(grid)))
    fc["features"][5]["geometry"]["coordinates"][0].insert(1, [123456789, 52.5])
    text = json.dumps(fc).replace("123456789", "1e999")  # a number that overflows to inf
    with pytest.raises(BoundaryError) as info:
        validate(text, "x")
    assert str(info.value) == "x: W06000006 has coordinates that are not finite numbers"
    nan = grid.copy()  # as a shapefile or GeoPackage reader would give it
    with pytest.warns(RuntimeWarning):  # shapely's own, while building the test polygon
        nan.loc[5, "geometry"] = Polygon([(-4.0, 52.0), (float("nan"), 52.1), (-3.9, 52.1)])
    with pytest.raises(BoundaryError) as info:
        validate(nan, "x.gpkg")
    assert str(info.value) == "x.gpkg: W06000006 has coordinates that are not finite numbers"


def test_validation_is_linear_and_refuses_implausible_files_early() -> None:
    # 40,000 features, each with its own property key: once quadratic (minutes).
    features = [{"type": "Feature", "properties": {f"k{i}": "W06000001"}, "geometry": None}
                for i in range(40_000)]
    text = json.dumps({"type": "FeatureCollection", "features": features})
    started = time.monotonic()
    with pytest.raises(BoundaryError) as info:
        validate(text, "big.geojson")
    assert time.monotonic() - started < 2.0
    assert str(info.value) == ("big.geojson: has 40,000 features; Wales has 22 local authorities "
                               "(the limit is 5,000)")
    # Under the limit, 4,900 duplicate codes and 4,900 distinct keys: still fast.
    many = [{"type": "Feature", "properties": {f"k{i}": "W06000001", "code": "W06000001"},
             "geometry": None} for i in range(4_900)]
    started = time.monotonic()
    with pytest.raises(BoundaryError, match="has 1 of the 22 Welsh authority codes"):
        validate({"type": "FeatureCollection", "features": many}, "dups.geojson")
    assert time.monotonic() - started < 2.0


# --------------------------------------------------------------------------------------------
# File formats (MASH_BOUNDARIES and refresh --source)
# --------------------------------------------------------------------------------------------


def test_gzipped_geojson_is_read(grid_bytes: bytes) -> None:
    out = read_boundary_file(gzip.compress(grid_bytes), "lad.geojson.gz")
    assert list(out["code"]) == list(WELSH_CODES)


def test_zipped_shapefile_and_geopackage_are_read(grid: gpd.GeoDataFrame,
                                                  tmp_path: Path) -> None:
    import zipfile

    frame = grid.rename(columns={"code": "LAD24CD"}).to_crs(27700)
    frame.to_file(tmp_path / "lad.shp")
    archive = tmp_path / "lad.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in tmp_path.glob("lad.*"):
            if part.suffix != ".zip":
                z.write(part, part.name)
    frame.to_file(tmp_path / "lad.gpkg", layer="districts")
    for path in (archive, tmp_path / "lad.gpkg"):
        out = read_boundary_file(path.read_bytes(), str(path))
        assert list(out["code"]) == list(WELSH_CODES)
        assert out.crs.to_epsg() == 4326  # reprojected from the file's own .prj / srs
        assert out.total_bounds == pytest.approx(grid.total_bounds, abs=1e-6)


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>",
         "page.html: is a web page (perhaps an error page), not a boundary file; download the "
         "GeoJSON itself"),
        (b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"></kml>',
         "page.html: is KML; convert it to GeoJSON with "
         "`ogr2ogr -f GeoJSON -t_srs EPSG:4326 wales.geojson page.html`"),
        (b"PK\x03\x04" + b"\x00" * 60, "page.html: is a damaged zip archive"),
        (b"SQLite format 3\x00" + b"\x00" * 200,
         "page.html: looks like a GeoPackage but could not be read; convert it with "
         "`ogr2ogr -f GeoJSON -t_srs EPSG:4326 wales.geojson page.html`"),
        (b"\x00\x00\x27\x0a" + b"\x00" * 96, "page.html: is the .shp part of a shapefile alone; "
         "zip it with its .shx, .dbf and .prj files, or convert it with "
         "`ogr2ogr -f GeoJSON -t_srs EPSG:4326 wales.geojson page.html`"),
        (gzip.compress(b"PK\x03\x04rest"), "page.html: is a zip file inside gzip; unpack it first"),
    ],
    ids=["html", "kml", "bad-zip", "bad-gpkg", "bare-shp", "zip-in-gzip"],
)
def test_other_files_are_named_with_how_to_convert(payload: bytes, problem: str) -> None:
    with pytest.raises(BoundaryError) as info:
        read_boundary_file(payload, "/srv/page.html")
    assert str(info.value) == "/srv/" + problem
    assert not _LIBRARY_WORDS.search(str(info.value))


def test_zip_without_boundaries(tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "x.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(BoundaryError, match=r"x\.zip: is a zip archive with no shapefile"):
        read_boundary_file(archive.read_bytes(), str(archive))


# --------------------------------------------------------------------------------------------
# simplify
# --------------------------------------------------------------------------------------------


def _assert_exact_coverage(gdf: gpd.GeoDataFrame) -> None:
    """Neighbours share exactly the same edges (no overlap, no sliver) and no closed gap."""
    geoms = gdf.geometry.values
    assert shapely.coverage_is_valid(geoms)
    assert all(e.is_empty for e in shapely.coverage_invalid_edges(geoms))
    assert bd_simplification._holes(geoms) == 0


@pytest.mark.shared
def test_simplify_shared_file(shared_bytes: bytes, shared_gdf: gpd.GeoDataFrame) -> None:
    out = simplify(shared_gdf, tolerance_m=500.0, decimals=3)
    before = shapely.get_num_coordinates(shared_gdf.geometry.values).sum()
    after = shapely.get_num_coordinates(out.geometry.values).sum()
    assert after < before / 5
    assert list(out["code"]) == list(WELSH_CODES) and out.crs.to_epsg() == 4326
    assert out.is_valid.all() and not out.is_empty.any()
    assert set(out.geom_type) <= {"Polygon", "MultiPolygon"}
    _assert_exact_coverage(out)
    # Each authority keeps its area within 1 %.
    ratio = out.to_crs(27700).area.values / shared_gdf.to_crs(27700).area.values
    assert ratio.min() > 0.99 and ratio.max() < 1.01

    text = bd_simplification._to_text(out)
    assert not _decimals_over(text, 3)
    assert len(text.encode()) < 60_000
    assert len(shared_bytes) > 1_000_000


def test_simplify_grid_keeps_coverage(grid: gpd.GeoDataFrame) -> None:
    out = simplify(grid)
    assert shapely.get_num_coordinates(out.geometry.values).sum() < (
        shapely.get_num_coordinates(grid.geometry.values).sum()
    )
    assert out.is_valid.all() and len(out) == 22
    _assert_exact_coverage(out)
    assert not _decimals_over(bd_simplification._to_text(out), 3)
    # Exterior rings counter-clockwise (RFC 7946).
    assert all(shapely.is_ccw(g.exterior) for g in out.geometry)


def test_simplify_removes_overlaps_and_loses_no_authority(grid: gpd.GeoDataFrame) -> None:
    # Shift one square 0.01 degrees east: it overlaps one neighbour and leaves a gap.
    moved = grid.copy()
    moved.loc[6, "geometry"] = shapely.affinity.translate(moved.geometry.iloc[6], 0.01, 0)
    assert not shapely.coverage_is_valid(moved.geometry.values)
    out = simplify(moved)
    assert out.is_valid.all() and len(out) == 22
    metric = out.to_crs(27700)
    assert metric.union_all().area == pytest.approx(metric.area.sum(), rel=1e-6)  # no overlap
    # Each square keeps its area (0.3 x 0.2 degrees), less the 0.01-degree strip it lost.
    ratio = shapely.area(out.geometry.values) / (0.3 * 0.2)
    assert ratio.min() > 0.95 and ratio.max() < 1.01


def test_simplify_keeps_tiny_polygon() -> None:
    gdf = _grid()
    tiny = Polygon([(-2.8, 52.0), (-2.7996, 52.0), (-2.7996, 52.0003), (-2.8, 52.0003)])
    gdf.loc[21, "geometry"] = tiny
    with pytest.raises(BoundaryError, match="W06000024 vanishes when rounded to 3 decimals"):
        simplify(gdf, decimals=3)  # rounds to nothing at all
    out = simplify(gdf, decimals=4)
    assert not out.geometry.iloc[21].is_empty


# --------------------------------------------------------------------------------------------
# The chain at page load: MASH_BOUNDARIES, refreshed cache, bundled. No network.
# --------------------------------------------------------------------------------------------


def test_fresh_install_uses_the_bundled_file(tmp_path: Path) -> None:
    result = _obtain(tmp_path)
    assert result.source == "bundled" and not result.is_tiles and result.notice is None
    assert _codes(result) == list(WELSH_CODES)
    assert "Martin Chorley" in result.attribution and "Open Government Licence v3.0" in (
        result.attribution)
    assert "/" not in result.attribution and "/" not in result.name  # never a server path
    assert result.simplified_bytes < 60_000
    assert not (tmp_path / "cache").exists()  # nothing written, nothing fetched


def test_env_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.geojson"
    path.write_bytes(_dumps(_collection(_grid(), field_name="lad19cd")))
    result = _obtain(tmp_path, env={"MASH_BOUNDARIES": str(path),
                                    "MASH_BOUNDARIES_ATTRIBUTION": "Mine \\n\\x1b, CC0"})
    assert result.source == "env" and result.origin == str(path) and not result.is_tiles
    assert result.raw_bytes == path.stat().st_size
    assert result.attribution == "Mine \\n\\x1b, CC0" and result.notice is None
    assert result.name == "Boundaries from the file mine.geojson"
    assert _codes(result) == list(WELSH_CODES)
    # The prepared copy is kept under the file's hash, and used next time.
    prepared = list((tmp_path / "cache").glob("prepared-*.geojson"))
    assert len(prepared) == 1 and prepared[0].read_text() == result.geojson
    assert _obtain(tmp_path, env={"MASH_BOUNDARIES": str(path)}).geojson == result.geojson


def test_env_attribution_is_one_plain_line(tmp_path: Path) -> None:
    path = tmp_path / "mine.geojson"
    path.write_bytes(_dumps(_collection(_grid())))
    env = {"MASH_BOUNDARIES": str(path), "MASH_BOUNDARIES_ATTRIBUTION": "Line one\nline\x1b two"}
    assert _obtain(tmp_path, env=env).attribution == "Line one line\\x1b two"
    unnamed = _obtain(tmp_path, env={"MASH_BOUNDARIES": str(path)})
    assert str(tmp_path) not in unnamed.attribution and "MASH_BOUNDARIES_ATTRIBUTION" in (
        unnamed.attribution)


@pytest.mark.shared
def test_env_shared_path(tmp_path: Path, shared_bytes: bytes) -> None:
    env = {"MASH_BOUNDARIES": str(SHARED_GEOJSON), "MASH_BOUNDARIES_ATTRIBUTION": "Chorley"}
    result = _obtain(tmp_path, env=env)
    assert result.source == "env" and result.attribution == "Chorley"
    assert result.simplified_bytes < 60_000 < result.raw_bytes == len(shared_bytes)


@pytest.mark.parametrize(
    ("value", "details"),
    [
        ("{tmp}/nope.geojson", "MASH_BOUNDARIES names nope.geojson, which does not exist."),
        ("{tmp}", "MASH_BOUNDARIES names {name}, which is a folder, not a boundary file."),
        ("{tmp}/english.geojson", "MASH_BOUNDARIES names english.geojson, which has none of "
                                  "the 22 Welsh authority codes"),
        ("{tmp}/page.html", "MASH_BOUNDARIES names page.html, which is a web page"),
        ("https://example.org/lad.json", "MASH_BOUNDARIES names a web address, which cannot be "
                                         "used: the app never downloads while a page loads; run "
                                         "`python -m explorer boundaries refresh --source "
                                         "https://example.org/lad.json` once and unset "
                                         "MASH_BOUNDARIES."),
    ],
    ids=["missing", "folder", "english", "html", "url"],
)
def test_bad_env_falls_back_to_bundled_with_a_notice(
    grid: gpd.GeoDataFrame, tmp_path: Path, value: str, details: str
) -> None:
    (tmp_path / "english.geojson").write_bytes(
        _dumps(_collection(grid.assign(code=[f"E0600{n:04d}" for n in range(22)])))
    )
    (tmp_path / "page.html").write_bytes(b"<html><body>Not found</body></html>")
    value = value.format(tmp=tmp_path)
    result = _obtain(tmp_path, env={"MASH_BOUNDARIES": value})
    assert result.source == "bundled" and _codes(result) == list(WELSH_CODES)
    assert result.notice == ("The boundary file chosen for this server could not be used, so "
                             "the map shows the boundaries bundled with the app.")
    assert details.format(name=tmp_path.name) in result.details
    assert str(tmp_path.parent) not in result.details  # a file name, never the server's path
    assert "\n" not in result.notice + result.details


# --------------------------------------------------------------------------------------------
# boundaries refresh: downloads through a real HTTP server, into the cache
# --------------------------------------------------------------------------------------------


@pytest.mark.shared
def test_refresh_then_the_app_uses_the_cache(server: LocalServer, shared_bytes: bytes,
                                             tmp_path: Path) -> None:
    server.routes["/lad.json"] = Route(body=shared_bytes)
    sources = [Source("Test boundaries 2024", server.url("/lad.json"), "Test attribution")]
    calls: list[tuple[str, float]] = []
    first = _refresh(tmp_path, sources, progress=lambda m, f: calls.append((m, f)))
    assert first.source == "cache" and not first.is_tiles and first.notice is None
    assert first.origin == server.url("/lad.json") and first.name == "Test boundaries 2024"
    assert first.attribution == "Test attribution"
    assert first.raw_bytes == len(shared_bytes)
    assert first.simplified_bytes == len(first.geojson.encode()) < 60_000
    assert _codes(first) == list(WELSH_CODES)
    assert calls and all(0.0 <= f <= 1.0 for _, f in calls)
    assert calls[0][0].startswith("Downloading boundaries from Test boundaries 2024")
    cache = tmp_path / "cache"
    assert sorted(p.name for p in cache.iterdir()) == [bd.CACHE_GEOJSON, bd.CACHE_META]

    second = _obtain(tmp_path)  # page load: no request at all
    assert server.count("/lad.json") == 1
    assert second.source == "cache" and second.geojson == first.geojson
    assert second.name == "Test boundaries 2024" and second.attribution == "Test attribution"
    assert bd.cache_stamp({"MASH_CACHE_DIR": str(cache)})[2] > 0
    assert bd.clear_cache(cache) and _obtain(tmp_path).source == "bundled"


def test_refresh_result_shape(server: LocalServer, grid_bytes: bytes, tmp_path: Path) -> None:
    server.routes["/lad.json"] = Route(body=grid_bytes)
    result = _refresh(tmp_path, [Source("s", server.url("/lad.json"))])
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


def test_refresh_gzip_download(server: LocalServer, grid_bytes: bytes, tmp_path: Path) -> None:
    server.routes["/lad.json"] = Route(body=grid_bytes, gzip=True)
    result = _refresh(tmp_path, [Source("s", server.url("/lad.json"))])
    assert result.source == "cache"
    assert result.raw_bytes == len(gzip.compress(grid_bytes))


def test_refresh_from_a_given_url_or_file(server: LocalServer, grid_bytes: bytes,
                                          tmp_path: Path) -> None:
    server.routes["/mine.json"] = Route(body=grid_bytes)
    url = server.url("/mine.json")
    result = refresh_cache(env={}, cache_dir=tmp_path / "c1", source=url,
                           attribution="Mine, CC BY 4.0", sources=[])
    assert result.attribution == "Mine, CC BY 4.0" and result.origin == url
    assert result.name == "Boundaries from 127.0.0.1 (simplified for this app)"
    path = tmp_path / "mine.geojson"
    path.write_bytes(grid_bytes)
    local = refresh_cache(env={}, cache_dir=tmp_path / "c2", source=str(path), sources=[])
    assert local.geojson == result.geojson and local.attribution == "Boundaries from mine.geojson."


def test_http_error_falls_through(server: LocalServer, grid_bytes: bytes, tmp_path: Path) -> None:
    server.routes["/broken"] = Route(body=b"oops", status=500)
    server.routes["/lad.json"] = Route(body=grid_bytes)
    sources = [Source("first", server.url("/broken")), Source("second", server.url("/lad.json"))]
    result = _refresh(tmp_path, sources)
    assert result.source == "cache" and result.origin == server.url("/lad.json")
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
    assert _refresh(tmp_path, sources).origin == server.url("/lad.json")
    assert server.count("/bad.json") == 1


def test_hanging_source_is_abandoned(
    server: LocalServer, other_server: LocalServer, grid_bytes: bytes, tmp_path: Path
) -> None:
    """A source that never answers is given up (its server still holding the request, which
    it only lets go at teardown), and the next host's source is used. Checked by events, not
    by how long it took: nothing here depends on the machine's speed."""
    hanging = threading.Event()
    # Hangs until teardown: far longer than any refresh, so an answer can only come from
    # the other server.
    server.routes["/hang.json"] = Route(body=grid_bytes, hang_s=3600, hanging=hanging)
    other_server.routes["/lad.json"] = Route(body=grid_bytes)
    sources = [
        Source("hangs", server.url("/hang.json")),
        Source("same host, skipped", server.url("/hang.json")),
        Source("good", other_server.url("/lad.json")),
    ]
    result = _refresh(tmp_path, sources, timeout_s=1.0)
    assert hanging.is_set()  # the request reached the hanging handler ...
    assert result.source == "cache" and result.origin == other_server.url("/lad.json")
    assert server.count("/hang.json") == 1  # ... and the second source on that host was skipped


def test_trickling_source_is_abandoned(server: LocalServer, grid_bytes: bytes,
                                       tmp_path: Path) -> None:
    """A server that answers but sends its body a byte at a time is given up at the deadline.

    Time is simulated, not waited for: every chunk received costs 0.3 s on the injected clock,
    so the refresh gives up after exactly four chunks (1.2 s > 1 s), however busy the machine.
    """
    # Bytes come fast in real time (the whole body would take seconds): the clock decides.
    server.routes["/slow.json"] = Route(body=grid_bytes, trickle_s=0.001)
    now = [0.0]
    chunks: list[float] = []

    def progress(message: str, fraction: float) -> None:
        if fraction > 0:  # a chunk arrived (0.0 is the "Downloading ..." line)
            chunks.append(fraction)
            now[0] += 0.3

    with pytest.raises(BoundaryError, match="trickle: no complete answer within 1 s"):
        _refresh(tmp_path, [Source("trickle", server.url("/slow.json"))], timeout_s=1.0,
                 progress=progress, clock=lambda: now[0])
    assert len(chunks) == 4 and chunks[-1] < 1.0  # given up mid-body, after the headers


def test_short_body_is_refused(server: LocalServer, grid_bytes: bytes, tmp_path: Path) -> None:
    server.routes["/short.json"] = Route(body=grid_bytes[:1000], content_length=5000)
    with pytest.raises(BoundaryError, match="connection closed after 1,000 of 5,000 bytes"):
        _refresh(tmp_path, [Source("short", server.url("/short.json"))], timeout_s=2.0)


def test_too_large_is_refused(
    server: LocalServer, grid_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for part in (bd_formats, bd_refresh):  # every reader of the limit
        monkeypatch.setattr(part, "MAX_BOUNDARY_BYTES", 1000)
    server.routes["/big.json"] = Route(body=grid_bytes)
    with pytest.raises(BoundaryError, match="big: too large"):
        _refresh(tmp_path, [Source("big", server.url("/big.json"))])


def test_all_sources_fail_is_one_line(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/e500"] = Route(status=500, body=b"x")
    sources = [
        Source("Refusing host", _closed_port_url()),
        Source("Broken server", server.url("/e500")),
        Source("Missing file", server.url("/missing.json")),
    ]
    started = time.monotonic()
    with pytest.raises(BoundaryError) as info:
        _refresh(tmp_path, sources)
    assert time.monotonic() - started < 5
    assert str(info.value) == (
        "boundaries refresh: no source gave usable boundaries; tried Refusing host: cannot "
        "connect; Broken server: HTTP 500; Missing file: HTTP 404"
    )
    assert not (tmp_path / "cache" / bd.CACHE_GEOJSON).exists()
    assert _obtain(tmp_path).source == "bundled"  # the app is unaffected


def test_timeout_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="timeout_s"):
        _refresh(tmp_path, [], timeout_s=0)


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
def test_damaged_cache_gives_bundled_with_a_notice(
    server: LocalServer, grid_bytes: bytes, tmp_path: Path, corrupt: Callable[[Path], None]
) -> None:
    server.routes["/lad.json"] = Route(body=grid_bytes)
    _refresh(tmp_path, [Source("s", server.url("/lad.json"))])
    corrupt(tmp_path / "cache")
    result = _obtain(tmp_path)
    assert result.source == "bundled" and _codes(result) == list(WELSH_CODES)
    assert result.notice == ("The refreshed boundaries stored on this server are damaged, so "
                             "the map shows the boundaries bundled with the app.")
    assert "python -m explorer boundaries refresh" in result.details
    assert server.count("/lad.json") == 1  # never re-fetched at page load


def test_cache_write_is_atomic(
    server: LocalServer, grid_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.routes["/lad.json"] = Route(body=grid_bytes)
    sources = [Source("s", server.url("/lad.json"))]

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(bd_store.os, "replace", failing_replace)
        with pytest.raises(BoundaryError, match="cannot be written \\(No space left on device\\)"):
            _refresh(tmp_path, sources)
    assert list((tmp_path / "cache").iterdir()) == []  # no temp files, no partial file
    assert _refresh(tmp_path, sources).source == "cache"
    names = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert names == [bd.CACHE_GEOJSON, bd.CACHE_META]


def test_cache_dir_from_env(server: LocalServer, grid_bytes: bytes, tmp_path: Path) -> None:
    server.routes["/lad.json"] = Route(body=grid_bytes)
    env = {"MASH_CACHE_DIR": str(tmp_path / "envcache")}
    refresh_cache(env=env, sources=[Source("s", server.url("/lad.json"))])
    assert (tmp_path / "envcache" / bd.CACHE_GEOJSON).is_file()
    assert obtain_boundaries(env=env).source == "cache"


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
# Tiles, sources, purity
# --------------------------------------------------------------------------------------------


def test_tiles() -> None:
    result = load_tiles()
    assert result.is_tiles and result.source == "tiles" and result.notice is None
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


def test_damaged_bundled_file_gives_tiles(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "bundled.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": []}')
    monkeypatch.setattr(bd_store, "BUNDLED_PATH", broken)
    result = _obtain(tmp_path)
    assert result.is_tiles and result.notice.startswith("The boundary file bundled with the app")
    assert "bundled.geojson is not a FeatureCollection of the 22 authorities" in result.details


def test_default_sources() -> None:
    assert len(DEFAULT_SOURCES) >= 3
    assert "December 2024" in DEFAULT_SOURCES[0].name
    assert "LAD24CD%20LIKE%20%27W%25%27" in DEFAULT_SOURCES[0].url
    for source in DEFAULT_SOURCES:
        assert source.url.startswith("https://services1.arcgis.com/")
        assert "outSR=4326" in source.url and "f=geojson" in source.url
        assert source.attribution.startswith(
            "Source: Office for National Statistics licensed under the Open Government "
            "Licence v.3.0. Contains OS data © Crown copyright and database right 20")


def test_module_is_pure() -> None:
    for part in Path(bd.__file__).parent.glob("*.py"):
        text = part.read_text()
        assert not re.search(r"^\s*(import|from)\s+(streamlit|folium)", text, re.M), part.name


def test_page_load_chain_needs_neither_geopandas_nor_the_network(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys, socket\n"
        "def refuse(*a, **k): raise SystemExit('network used')\n"
        "socket.socket.connect = refuse\n"
        "from geo.boundaries import obtain_boundaries\n"
        f"b = obtain_boundaries(env={{}}, cache_dir={str(tmp_path)!r})\n"
        "print(b.source, 'geopandas' in sys.modules, 'pyproj' in sys.modules,\n"
        "      'geo.boundaries.refresh' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(bd.__file__).parents[2],
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["bundled", "False", "False", "False"], out.stderr
