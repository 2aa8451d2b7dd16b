"""Boundaries of the 22 Welsh local authorities, obtained at run time.

The project never ships a boundary file. :func:`obtain_boundaries` walks a chain:

1. ``MASH_BOUNDARIES``: a local GeoJSON path or an http(s) URL chosen by the user;
2. the disk cache (``MASH_CACHE_DIR`` or :func:`default_cache_dir`), holding the already
   simplified GeoJSON and a small meta file;
3. a download from :data:`DEFAULT_SOURCES`, tried in order, each with a hard total time limit;
4. the tile map drawn for this project (``geo/tiles_wales.geojson``), with a notice saying why.

Whatever arrives goes through :func:`validate` (22 Welsh codes exactly once, polygons,
longitude/latitude inside Wales) and :func:`simplify` (topology-preserving coverage
simplification in metres, then coordinates rounded). Nothing here raises for bad data or a bad
network: the caller always gets a :class:`Boundaries`.

This module is pure (no Streamlit, no folium) and does no I/O at import time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import queue
import re
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explorer.model import WELSH_CODES

if TYPE_CHECKING:
    import geopandas

__all__ = [
    "Boundaries",
    "BoundaryError",
    "DEFAULT_SOURCES",
    "Source",
    "default_cache_dir",
    "load_tiles",
    "obtain_boundaries",
    "simplify",
    "validate",
]

logger = logging.getLogger(__name__)

#: Environment variable: a local GeoJSON path or an http(s) URL to use instead of a download.
ENV_BOUNDARIES = "MASH_BOUNDARIES"
#: Environment variable: optional attribution text for the ``MASH_BOUNDARIES`` file.
ENV_BOUNDARIES_ATTRIBUTION = "MASH_BOUNDARIES_ATTRIBUTION"
#: Environment variable: the cache directory itself (overrides the XDG default).
ENV_CACHE_DIR = "MASH_CACHE_DIR"

CACHE_SUBDIR = "mash-wales-explorer"
CACHE_GEOJSON = "boundaries.geojson"
CACHE_META = "boundaries.meta.json"
#: Bump when the cached GeoJSON or meta layout changes; older caches are then re-fetched.
CACHE_FORMAT = 1

#: Simplification used for downloaded boundaries (and recorded in the cache meta).
TOLERANCE_M = 500.0
DECIMALS = 3

#: Largest download or local file accepted, in bytes.
MAX_BYTES = 30 * 1024 * 1024
_CHUNK_BYTES = 64 * 1024

#: Rough box around Wales: (min lon, min lat, max lon, max lat) in degrees.
WALES_BOUNDS_DEG = (-5.8, 51.2, -2.5, 53.6)

TILES_PATH = Path(__file__).with_name("tiles_wales.geojson")
TILES_ORIGIN = "geo/tiles_wales.geojson"

USER_AGENT = "mash-wales-explorer/0.1 (boundary download; Python urllib)"

_ONS_ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right {year}."
)
_UK_GEOJSON_ATTRIBUTION = (
    "GeoJSON UK Boundary Data by Martin Chorley, licensed under CC BY 4.0. Contains Ordnance "
    "Survey, Office for National Statistics, National Records Scotland and LPS Intellectual "
    "Property data © Crown copyright and database right 2016. Data licensed under the terms of "
    "the Open Government Licence v3.0. Ordnance Survey data covered by OS OpenData Licence."
)
TILES_ATTRIBUTION = (
    "Tile map drawn for this project: one equal square per local authority, placed roughly "
    "as in Wales. Not a geographic boundary."
)

_SOURCE_KINDS = ("env", "cache", "download", "tiles")


class BoundaryError(ValueError):
    """A boundary file or download that cannot be used.

    Parameters
    ----------
    origin : str
        The path or URL the data came from.
    problem : str
        One short sentence saying what is wrong.

    The message is ``"<origin>: <problem>"``; both parts stay available as attributes.
    """

    def __init__(self, origin: str, problem: str) -> None:
        super().__init__(f"{origin}: {problem}")
        self.origin = origin
        self.problem = problem


@dataclass(frozen=True)
class Source:
    """A download source for the boundaries.

    Parameters
    ----------
    name : str
        Human-readable name used in progress messages and notices.
    url : str
        http(s) URL answering with a GeoJSON FeatureCollection in WGS84.
    attribution : str
        Attribution text to show with boundaries from this source.
    """

    name: str
    url: str
    attribution: str = ""


@dataclass(frozen=True)
class Boundaries:
    """Boundaries ready for a map.

    Attributes
    ----------
    geojson : str
        Compact FeatureCollection text, WGS84, one feature per authority in ``WELSH_CODES``
        order, each with properties ``{"code": "W06..."}`` only.
    source : str
        ``"env"``, ``"cache"``, ``"download"`` or ``"tiles"``.
    origin : str
        The path or URL the data came from. For ``"cache"`` it is the URL (or path) the cached
        data was originally obtained from; for ``"tiles"`` it is ``geo/tiles_wales.geojson``.
    is_tiles : bool
        True for the tile-map fallback.
    attribution : str
        Text to show wherever the map is shown.
    notice : str or None
        Why real boundaries are unavailable and how to get them (tiles fallback only).
    raw_bytes : int
        Size of what arrived (download, local file, cache file or tile file), in bytes.
    simplified_bytes : int
        ``len(geojson.encode())``.
    """

    geojson: str
    source: str
    origin: str
    is_tiles: bool
    attribution: str
    notice: str | None
    raw_bytes: int
    simplified_bytes: int


def _ons_source(year: int, service: str) -> Source:
    field = f"LAD{year % 100:02d}CD"
    query = urllib.parse.urlencode(
        {"where": f"{field} LIKE 'W%'", "outFields": field, "outSR": "4326", "f": "geojson"},
        quote_via=urllib.parse.quote,
    )
    return Source(
        name=f"ONS Open Geography Portal (December {year})",
        url=(
            "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services/"
            f"{service}/FeatureServer/0/query?{query}"
        ),
        attribution=_ONS_ATTRIBUTION.format(year=year),
    )


#: Download sources, newest vintage first. The ONS service names follow the portal's
#: naming as used in public code; they are not guaranteed, so everything is validated.
DEFAULT_SOURCES: tuple[Source, ...] = (
    _ons_source(2024, "Local_Authority_Districts_December_2024_Boundaries_UK_BGC"),
    _ons_source(2023, "Local_Authority_Districts_December_2023_Boundaries_UK_BGC"),
    _ons_source(2022, "Local_Authority_Districts_December_2022_UK_BGC_V2"),
    _ons_source(2021, "Local_Authority_Districts_December_2021_UK_BGC_2022"),
    _ons_source(2019, "Local_Authority_Districts_December_2019_GCB_UK_2022"),
    Source(
        name="UK-GeoJSON on GitHub (2013 boundaries)",
        url=(
            "https://raw.githubusercontent.com/martinjc/UK-GeoJSON/master/"
            "json/administrative/wal/lad.json"
        ),
        attribution=_UK_GEOJSON_ATTRIBUTION,
    ),
)


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------

_CODE_NAME = re.compile(r"^(lad\d\dcd|ctyua\d\dcd|ua\d\dcd|lau\d?\d\dcd|code|.*cd)$", re.I)


def _decode_json(data: str | bytes, origin: str) -> Any:
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BoundaryError(origin, f"not UTF-8 text (byte {exc.start})") from None
    if not data.strip():
        raise BoundaryError(origin, "empty file")
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise BoundaryError(
            origin,
            f"not valid JSON, perhaps truncated ({exc.msg} at character {exc.pos:,} "
            f"of {len(data):,})",
        ) from None


def _crs_of(collection: Mapping[str, Any], origin: str) -> Any:
    """The CRS declared by an (old-style) GeoJSON ``crs`` member, or EPSG:4326."""
    from pyproj import CRS

    member = collection.get("crs")
    if not member:
        return CRS.from_epsg(4326)
    try:
        name = member["properties"]["name"]
    except (KeyError, TypeError):
        raise BoundaryError(origin, f"unreadable 'crs' member: {member!r:.80}") from None
    if str(name).upper().endswith("CRS84"):
        return CRS.from_epsg(4326)
    try:
        return CRS.from_user_input(name)
    except Exception:  # pyproj.exceptions.CRSError and friends
        raise BoundaryError(origin, f"unknown coordinate reference system {name!r}") from None


def _pick_code_field(
    rows: Sequence[Mapping[str, Any]], origin: str
) -> tuple[str, list[str | None]]:
    """Choose the property holding the most Welsh codes; return it and normalised codes."""
    welsh = set(WELSH_CODES)
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    best: tuple[int, bool, str] | None = None
    for name in names:
        found = {str(row.get(name, "")).strip().upper() for row in rows} & welsh
        key = (len(found), bool(_CODE_NAME.match(str(name))), str(name))
        if found and (best is None or key[:2] > best[:2]):
            best = key
    if best is None:
        raise BoundaryError(
            origin,
            f"found 0 of the 22 Welsh authority codes (W06000001 to W06000024) in any property "
            f"of its {len(rows)} features; is it a file of Welsh local authorities?",
        )
    field = best[2]
    codes = []
    for row in rows:
        value = row.get(field)
        code = str(value).strip().upper() if value is not None else None
        codes.append(code if code in welsh else None)
    return field, codes


def _check_codes(codes: Sequence[str | None], field: str, origin: str) -> None:
    present = [c for c in codes if c is not None]
    missing = [c for c in WELSH_CODES if c not in present]
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        raise BoundaryError(
            origin,
            f"found {22 - len(missing)} of the 22 Welsh authority codes in property "
            f"{field!r}; missing {shown}",
        )
    repeated = sorted({c for c in present if present.count(c) > 1})
    if repeated:
        raise BoundaryError(
            origin,
            f"each Welsh authority must appear once, but {', '.join(repeated)} appear(s) "
            "more than once",
        )


def _polygonal(geom: Any, code: str, origin: str) -> Any:
    """Return ``geom`` as a valid, non-empty (Multi)Polygon or raise BoundaryError."""
    import shapely

    if geom is None or shapely.is_empty(geom):
        raise BoundaryError(origin, f"{code} has no geometry")
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise BoundaryError(origin, f"{code} is a {geom.geom_type}, not a polygon")
    if not shapely.is_valid(geom):
        fixed = shapely.make_valid(geom)
        if fixed.geom_type == "GeometryCollection":
            parts = [g for g in shapely.get_parts(fixed) if g.geom_type.endswith("Polygon")]
            fixed = shapely.union_all(parts) if parts else shapely.Polygon()
        if fixed.is_empty or fixed.geom_type not in ("Polygon", "MultiPolygon"):
            raise BoundaryError(origin, f"{code} has an invalid polygon that cannot be repaired")
        geom = fixed
    return geom


def _from_collection(collection: Any, origin: str) -> geopandas.GeoDataFrame:
    import geopandas
    import shapely.geometry

    if not isinstance(collection, Mapping):
        raise BoundaryError(origin, f"not a GeoJSON FeatureCollection (a JSON {_kind(collection)})")
    if "error" in collection and "features" not in collection:
        error = collection["error"]
        message = error.get("message", error) if isinstance(error, Mapping) else error
        raise BoundaryError(origin, f"the server answered with an error: {message}")
    kind = collection.get("type")
    if kind == "Topology":
        raise BoundaryError(origin, "is TopoJSON; a GeoJSON FeatureCollection is needed")
    if kind != "FeatureCollection" or not isinstance(collection.get("features"), list):
        raise BoundaryError(origin, f"not a GeoJSON FeatureCollection (type {kind!r})")
    features = [f for f in collection["features"] if isinstance(f, Mapping)]
    rows = [f.get("properties") or {} for f in features]
    rows = [r if isinstance(r, Mapping) else {} for r in rows]
    field, codes = _pick_code_field(rows, origin)
    _check_codes(codes, field, origin)
    crs = _crs_of(collection, origin)
    keep_codes, geoms = [], []
    for feature, code in zip(features, codes, strict=True):
        if code is None:
            continue
        raw = feature.get("geometry")
        try:
            geom = shapely.geometry.shape(raw) if raw else None
        except Exception as exc:  # malformed coordinates: GEOS, Type or Value errors
            raise BoundaryError(origin, f"{code} has an unreadable geometry ({exc})") from None
        keep_codes.append(code)
        geoms.append(geom)
    return geopandas.GeoDataFrame({"code": keep_codes}, geometry=geoms, crs=crs)


def _kind(value: Any) -> str:
    return {list: "array", str: "string", int: "number", float: "number"}.get(
        type(value), type(value).__name__
    )


def validate(data: Any, origin: str = "<in memory>") -> geopandas.GeoDataFrame:
    """Check boundary data and return it in the one shape the app uses.

    Parameters
    ----------
    data : GeoDataFrame, mapping, str or bytes
        A GeoDataFrame, a parsed GeoJSON FeatureCollection, or GeoJSON text.
    origin : str
        Path or URL of the data, used in error messages.

    Returns
    -------
    GeoDataFrame
        Columns ``code`` and ``geometry``, EPSG:4326, 22 rows in ``WELSH_CODES`` order, every
        geometry a valid non-empty Polygon or MultiPolygon.

    Raises
    ------
    BoundaryError
        Unparseable or truncated JSON, not a FeatureCollection, fewer than 22 Welsh codes
        (in whatever property holds them: ``LAD13CD``, ``lad19cd``, ``code`` …), a code twice,
        non-polygon or irreparable geometry, or coordinates that are not longitude/latitude in
        Wales (for instance British National Grid metres without a declared CRS).
    """
    import geopandas

    if isinstance(data, geopandas.GeoDataFrame):
        frame = data
        try:
            geometry_name = frame.geometry.name
        except AttributeError:  # no active geometry column
            raise BoundaryError(origin, "the GeoDataFrame has no geometry column") from None
        columns = [c for c in frame.columns if c != geometry_name]
        rows = frame[columns].to_dict("records") if columns else [{} for _ in range(len(frame))]
        field, codes = _pick_code_field(rows, origin)
        _check_codes(codes, field, origin)
        keep = [i for i, code in enumerate(codes) if code is not None]
        gdf = geopandas.GeoDataFrame(
            {"code": [codes[i] for i in keep]},
            geometry=list(frame.geometry.iloc[keep]),
            crs=frame.crs,
        )
    else:
        if isinstance(data, str | bytes | bytearray):
            data = _decode_json(data, origin)
        gdf = _from_collection(data, origin)

    gdf = gdf.set_index("code").loc[list(WELSH_CODES)].reset_index()
    gdf = _to_wgs84(gdf, origin)
    gdf["geometry"] = [
        _polygonal(g, c, origin) for g, c in zip(gdf.geometry, gdf["code"], strict=True)
    ]
    gdf = gdf.set_geometry("geometry")
    _check_bounds(gdf, origin)
    return gdf[["code", "geometry"]]


def _to_wgs84(gdf: geopandas.GeoDataFrame, origin: str) -> geopandas.GeoDataFrame:
    if gdf.crs is None:
        return gdf.set_crs(4326)
    if gdf.crs.to_epsg() == 4326:
        return gdf
    try:
        return gdf.to_crs(4326)
    except Exception as exc:  # pyproj cannot transform
        raise BoundaryError(origin, f"cannot reproject from {gdf.crs.name} ({exc})") from None


def _check_bounds(gdf: geopandas.GeoDataFrame, origin: str) -> None:
    import numpy as np

    minx, miny, maxx, maxy = (float(v) for v in gdf.total_bounds)
    if not np.all(np.isfinite([minx, miny, maxx, maxy])):
        raise BoundaryError(origin, "coordinates are not finite numbers")
    if max(abs(minx), abs(maxx)) > 180 or max(abs(miny), abs(maxy)) > 90:
        raise BoundaryError(
            origin,
            f"coordinates run up to {max(abs(minx), abs(maxx), abs(miny), abs(maxy)):,.0f}, "
            "so they are not longitude/latitude degrees (British National Grid metres?) and "
            "the file declares no other CRS; export it as WGS84 (EPSG:4326)",
        )
    lon0, lat0, lon1, lat1 = WALES_BOUNDS_DEG
    if minx < lon0 or maxx > lon1 or miny < lat0 or maxy > lat1:
        raise BoundaryError(
            origin,
            f"bounds lon {minx:.2f}..{maxx:.2f}, lat {miny:.2f}..{maxy:.2f} are not in Wales "
            f"(expected within lon {lon0}..{lon1}, lat {lat0}..{lat1}; longitude and "
            "latitude swapped?)",
        )


# --------------------------------------------------------------------------------------------
# Simplification and serialisation
# --------------------------------------------------------------------------------------------


def simplify(
    gdf: geopandas.GeoDataFrame, tolerance_m: float = TOLERANCE_M, decimals: int = DECIMALS
) -> geopandas.GeoDataFrame:
    """Simplify boundaries without opening gaps or overlaps between neighbours.

    Parameters
    ----------
    gdf : GeoDataFrame
        Output of :func:`validate` (``code`` + geometry, EPSG:4326).
    tolerance_m : float
        Coverage simplification tolerance in metres (British National Grid), roughly the
        square root of the area of the triangles removed.
    decimals : int
        Decimal places kept in the longitude/latitude coordinates (3 ≈ 70-110 m).

    Returns
    -------
    GeoDataFrame
        Same rows and columns, EPSG:4326, valid non-empty (Multi)Polygons, exterior rings
        counter-clockwise, every coordinate rounded to ``decimals``.
    """
    import shapely
    from shapely.errors import GEOSException

    projected = gdf.to_crs(27700)
    try:
        simplified = projected.geometry.simplify_coverage(tolerance_m)
    except GEOSException:  # not a coverage at all: fall back to per-polygon simplification
        simplified = projected.geometry.simplify(tolerance_m, preserve_topology=True)
    back = simplified.to_crs(4326)
    rounded = _round(back.values, decimals)
    fallback = _round(gdf.geometry.values, decimals)
    geoms = []
    for code, geom, alt in zip(gdf["code"], rounded, fallback, strict=True):
        if geom is None or geom.is_empty or not geom.geom_type.endswith("Polygon"):
            geom = alt  # simplified away entirely: keep the merely rounded original
        geoms.append(_polygonal(geom, code, "simplify"))
    out = gdf.copy()
    out["geometry"] = shapely.orient_polygons(geoms, exterior_cw=False)
    return out.set_geometry("geometry").set_crs(4326, allow_override=True)


def _round(geoms: Any, decimals: int) -> Any:
    import numpy as np
    import shapely

    snapped = shapely.set_precision(np.asarray(geoms, dtype=object), 10.0**-decimals)
    return shapely.transform(snapped, lambda xy: np.round(xy, decimals))


def _to_text(gdf: geopandas.GeoDataFrame) -> str:
    """Compact FeatureCollection text with properties ``{"code": ...}`` only."""
    import shapely

    features = [
        {"type": "Feature", "properties": {"code": code}, "geometry": json.loads(geom)}
        for code, geom in zip(gdf["code"], shapely.to_geojson(gdf.geometry.values), strict=True)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))


def _boundaries(
    gdf: geopandas.GeoDataFrame,
    *,
    source: str,
    origin: str,
    attribution: str,
    raw_bytes: int,
    notice: str | None = None,
) -> Boundaries:
    assert source in _SOURCE_KINDS
    text = _to_text(gdf)
    return Boundaries(
        geojson=text,
        source=source,
        origin=origin,
        is_tiles=source == "tiles",
        attribution=attribution,
        notice=notice,
        raw_bytes=raw_bytes,
        simplified_bytes=len(text.encode()),
    )


# --------------------------------------------------------------------------------------------
# Tiles
# --------------------------------------------------------------------------------------------


def load_tiles(notice: str | None = None) -> Boundaries:
    """The tile map drawn for this project: 22 equal squares laid out roughly like Wales.

    Parameters
    ----------
    notice : str, optional
        Why the tiles are shown instead of real boundaries.

    Returns
    -------
    Boundaries
        ``source="tiles"``, ``is_tiles=True``; validated like any boundary file, not simplified.
    """
    raw = TILES_PATH.read_bytes()
    gdf = validate(raw, TILES_ORIGIN)
    return _boundaries(
        gdf,
        source="tiles",
        origin=TILES_ORIGIN,
        attribution=TILES_ATTRIBUTION,
        raw_bytes=len(raw),
        notice=notice,
    )


# --------------------------------------------------------------------------------------------
# Cache
# --------------------------------------------------------------------------------------------


def default_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where downloaded boundaries are cached.

    ``MASH_CACHE_DIR`` if set (the directory itself), else ``$XDG_CACHE_HOME`` or ``~/.cache``
    with the subfolder ``mash-wales-explorer``.

    Parameters
    ----------
    env : mapping, optional
        Environment variables; defaults to ``os.environ``.

    Examples
    --------
    >>> default_cache_dir({"MASH_CACHE_DIR": "/tmp/mash"}).as_posix()
    '/tmp/mash'
    >>> default_cache_dir({"XDG_CACHE_HOME": "/var/cache"}).as_posix()
    '/var/cache/mash-wales-explorer'
    """
    env = os.environ if env is None else env
    if env.get(ENV_CACHE_DIR, "").strip():
        return Path(env[ENV_CACHE_DIR].strip()).expanduser()
    xdg = env.get("XDG_CACHE_HOME", "").strip()
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / CACHE_SUBDIR
    home = env.get("HOME", "").strip()
    try:
        base = Path(home) if home else Path.home()
    except RuntimeError:  # no home directory at all
        return Path(tempfile.gettempdir()) / CACHE_SUBDIR
    return base / ".cache" / CACHE_SUBDIR


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def _discard_cache(cache_dir: Path) -> None:
    for name in (CACHE_GEOJSON, CACHE_META):
        with suppress(OSError):
            (cache_dir / name).unlink()


def _write_cache(cache_dir: Path, result: Boundaries, source_name: str) -> None:
    """Store the simplified GeoJSON, then the meta naming its hash (a torn write re-fetches)."""
    data = result.geojson.encode()
    meta = {
        "format": CACHE_FORMAT,
        "origin": result.origin,
        "source_name": source_name,
        "attribution": result.attribution,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sha256": hashlib.sha256(data).hexdigest(),
        "raw_bytes": result.raw_bytes,
        "tolerance_m": TOLERANCE_M,
        "decimals": DECIMALS,
    }
    cache_dir.mkdir(parents=True, exist_ok=True)
    _write_atomic(cache_dir / CACHE_GEOJSON, data)
    _write_atomic(cache_dir / CACHE_META, json.dumps(meta, indent=1).encode())


def _read_cache(cache_dir: Path) -> Boundaries:
    """Boundaries from the cache; raises BoundaryError (cache already discarded) if unusable."""
    geo_path, meta_path = cache_dir / CACHE_GEOJSON, cache_dir / CACHE_META
    try:
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BoundaryError(str(meta_path), f"unreadable cache meta ({exc})") from None
        if not isinstance(meta, dict) or meta.get("format") != CACHE_FORMAT:
            raise BoundaryError(str(meta_path), "cache written by another version")
        if meta.get("tolerance_m") != TOLERANCE_M or meta.get("decimals") != DECIMALS:
            raise BoundaryError(str(meta_path), "cache simplified with other settings")
        try:
            data = geo_path.read_bytes()
        except OSError as exc:
            raise BoundaryError(str(geo_path), f"unreadable cache ({exc})") from None
        if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
            raise BoundaryError(str(geo_path), "cached file does not match its recorded sha256")
        gdf = validate(data, str(geo_path))
    except BoundaryError:
        _discard_cache(cache_dir)
        raise
    return _boundaries(
        gdf,
        source="cache",
        origin=str(meta.get("origin") or geo_path),
        attribution=str(meta.get("attribution") or ""),
        raw_bytes=len(data),
    )


# --------------------------------------------------------------------------------------------
# Fetching
# --------------------------------------------------------------------------------------------


class _Unreachable(BoundaryError):
    """No HTTP answer at all (DNS, refused, TLS, or nothing within the time limit)."""


def _describe(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}".strip()
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            return "connection timed out"
        return f"cannot connect ({getattr(reason, 'strerror', None) or reason})"
    if isinstance(exc, TimeoutError):
        return "timed out waiting for data"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _fetch_worker(
    url: str, timeout_s: float, cancel: threading.Event, events: queue.Queue
) -> None:
    """Runs in a daemon thread; reports ("head", total), ("data", n, total), ("done", ...)."""
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "application/geo+json, application/json;q=0.9, */*;q=0.1",
            "Accept-Encoding": "gzip",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.strip().isdigit() else None
            events.put(("head", total))
            if total is not None and total > MAX_BYTES:
                events.put(("fail", f"too large ({total / 1e6:.1f} MB; limit 30 MB)"))
                return
            chunks, received = [], 0
            while not cancel.is_set():
                chunk = response.read1(_CHUNK_BYTES)
                if not chunk:
                    break
                received += len(chunk)
                if received > MAX_BYTES:
                    events.put(("fail", "too large (over 30 MB)"))
                    return
                chunks.append(chunk)
                events.put(("data", received, total))
            if cancel.is_set():
                return
            if total is not None and received < total:
                events.put(("fail", f"connection closed after {received:,} of {total:,} bytes"))
                return
            encoding = (response.headers.get("Content-Encoding") or "").strip().lower()
            events.put(("done", b"".join(chunks), encoding))
    except urllib.error.HTTPError as exc:
        events.put(("fail", _describe(exc)))
    except urllib.error.URLError as exc:
        events.put(("unreachable", _describe(exc)))
    except Exception as exc:  # socket errors, IncompleteRead, bad status line …
        events.put(("fail", _describe(exc)))


def _gunzip(data: bytes, origin: str) -> bytes:
    inflater = zlib.decompressobj(wbits=47)  # gzip or zlib header
    try:
        out = inflater.decompress(data, MAX_BYTES + 1)
    except zlib.error as exc:
        raise BoundaryError(origin, f"corrupt gzip data ({exc})") from None
    if len(out) > MAX_BYTES:
        raise BoundaryError(origin, "too large once decompressed (over 30 MB)")
    if not inflater.eof:
        raise BoundaryError(origin, "gzip data ends early (truncated download)")
    return out


def _fetch_url(
    url: str,
    label: str,
    *,
    timeout_s: float,
    progress: Callable[[str, float], None] | None,
) -> tuple[bytes, int]:
    """Download ``url`` within ``timeout_s`` in total; return (body, bytes on the wire).

    The transfer runs in a daemon thread so that DNS look-ups, stalled connects, silent
    servers and servers trickling bytes are all bounded by one deadline. Progress callbacks
    run in the calling thread.
    """
    message = f"Downloading boundaries from {label}…"
    if progress:
        progress(message, 0.0)
    events: queue.Queue = queue.Queue()
    cancel = threading.Event()
    worker = threading.Thread(
        target=_fetch_worker,
        args=(url, timeout_s, cancel, events),
        name="boundary-download",
        daemon=True,
    )
    deadline = time.monotonic() + timeout_s
    worker.start()
    answered = False
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                problem = f"no complete answer within {timeout_s:g} s"
                raise (BoundaryError if answered else _Unreachable)(url, problem)
            try:
                event = events.get(timeout=remaining)
            except queue.Empty:
                continue
            kind = event[0]
            if kind == "head":
                answered = True
            elif kind == "data":
                received, total = event[1], event[2]
                if progress:
                    if total:
                        text = f"{message} {received / 1e6:.1f} of {total / 1e6:.1f} MB"
                        progress(text, min(received / total, 1.0))
                    else:
                        progress(f"{message} {received / 1e6:.1f} MB", 0.0)
            elif kind == "done":
                body, encoding = event[1], event[2]
                wire = len(body)
                if encoding in ("gzip", "x-gzip", "deflate"):
                    body = _gunzip(body, url)
                return body, wire
            elif kind == "unreachable":
                raise _Unreachable(url, event[1])
            else:  # "fail"
                raise BoundaryError(url, event[1])
    finally:
        cancel.set()


def _read_local(path_text: str) -> tuple[bytes, str]:
    if path_text.lower().startswith("file://"):
        parsed = urllib.parse.urlparse(path_text)
        path = Path(urllib.request.url2pathname(parsed.path))
    else:
        path = Path(path_text).expanduser()
    origin = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise BoundaryError(origin, f"too large ({size / 1e6:.1f} MB; limit 30 MB)")
        return path.read_bytes(), origin
    except FileNotFoundError:
        raise BoundaryError(origin, "no such file") from None
    except IsADirectoryError:
        raise BoundaryError(origin, "is a directory, not a GeoJSON file") from None
    except OSError as exc:
        raise BoundaryError(origin, f"cannot read ({exc.strerror or exc})") from None


def _is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def _prepare(
    data: bytes, origin: str, progress: Callable[[str, float], None] | None
) -> geopandas.GeoDataFrame:
    if progress:
        progress("Checking and simplifying boundaries…", 1.0)
    return simplify(validate(data, origin))


# --------------------------------------------------------------------------------------------
# The chain
# --------------------------------------------------------------------------------------------


def _short(exc: BaseException) -> str:
    if isinstance(exc, BoundaryError):
        return exc.problem
    return _describe(exc)


def obtain_boundaries(
    *,
    env: Mapping[str, str] | None = None,
    cache_dir: Path | None = None,
    sources: Sequence[Source] = DEFAULT_SOURCES,
    timeout_s: float = 10.0,
    progress: Callable[[str, float], None] | None = None,
) -> Boundaries:
    """Real boundaries if at all possible, else the tile map with a notice. Never raises for
    bad data or a bad network.

    Parameters
    ----------
    env : mapping, optional
        Environment (``MASH_BOUNDARIES``, ``MASH_CACHE_DIR``, ``XDG_CACHE_HOME`` …);
        defaults to ``os.environ``.
    cache_dir : Path, optional
        Cache directory; defaults to :func:`default_cache_dir` of ``env``.
    sources : sequence of Source
        Download sources, tried in order.
    timeout_s : float
        Total time allowed per source (connect, headers and body), in seconds. Once a host
        gives no HTTP answer at all, later sources on the same host are skipped.
    progress : callable, optional
        ``progress(message, fraction)`` with ``fraction`` in [0, 1], called in this thread.

    Returns
    -------
    Boundaries
        ``source`` is ``"env"`` (``MASH_BOUNDARIES``; never cached), ``"cache"``,
        ``"download"`` (then written to the cache, best effort) or ``"tiles"`` with ``notice``.
        A ``MASH_BOUNDARIES`` value that cannot be used gives the tiles (not the cache or a
        download) with a notice naming the value and the problem.
    """
    if timeout_s <= 0:
        raise ValueError(f"timeout_s must be positive, got {timeout_s!r}")
    env = os.environ if env is None else env

    chosen = env.get(ENV_BOUNDARIES, "").strip()
    if chosen:
        return _from_env(chosen, env, timeout_s=timeout_s, progress=progress)

    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir(env)
    failures: list[str] = []
    if (cache_dir / CACHE_GEOJSON).exists() or (cache_dir / CACHE_META).exists():
        try:
            return _read_cache(cache_dir)
        except Exception as exc:  # corrupt cache: already discarded, so re-fetch
            _discard_cache(cache_dir)
            logger.warning("Discarded boundary cache in %s: %s", cache_dir, _short(exc))
            failures.append(f"cache: discarded ({_short(exc)})")

    silent_hosts: set[str] = set()
    for source in sources:
        host = urllib.parse.urlsplit(source.url).netloc.lower()
        if host in silent_hosts:
            failures.append(f"{source.name}: skipped ({host} did not answer)")
            continue
        try:
            body, wire = _fetch_url(source.url, source.name, timeout_s=timeout_s,
                                    progress=progress)
            gdf = _prepare(body, source.url, progress)
        except _Unreachable as exc:
            silent_hosts.add(host)
            failures.append(f"{source.name}: {exc.problem}")
            logger.info("Boundary source %s unreachable: %s", source.url, exc.problem)
            continue
        except Exception as exc:  # bad data or transfer: try the next source
            failures.append(f"{source.name}: {_short(exc)}")
            logger.info("Boundary source %s failed: %s", source.url, _short(exc))
            continue
        result = _boundaries(
            gdf,
            source="download",
            origin=source.url,
            attribution=source.attribution,
            raw_bytes=wire,
        )
        try:
            _write_cache(cache_dir, result, source.name)
        except OSError as exc:
            logger.warning("Could not cache boundaries in %s: %s", cache_dir, exc)
        if progress:
            progress("Boundaries ready", 1.0)
        return result

    tried = "; ".join(failures) if failures else "no download sources configured"
    notice = (
        "Real local authority boundaries are unavailable, so the map shows one equal tile per "
        "authority instead. To get them, open the app once while online (they are then cached "
        f"in {cache_dir}), or set {ENV_BOUNDARIES} to a local GeoJSON file or an http(s) URL "
        f"of the 22 Welsh authorities. Tried: {tried}."
    )
    return load_tiles(notice)


def _from_env(
    chosen: str,
    env: Mapping[str, str],
    *,
    timeout_s: float,
    progress: Callable[[str, float], None] | None,
) -> Boundaries:
    origin = chosen
    try:
        if _is_url(chosen):
            data, raw_bytes = _fetch_url(
                chosen, ENV_BOUNDARIES, timeout_s=timeout_s, progress=progress
            )
        elif "://" in chosen and not chosen.lower().startswith("file://"):
            raise BoundaryError(chosen, "only local paths and http(s) URLs are supported")
        else:
            data, origin = _read_local(chosen)
            raw_bytes = len(data)
        gdf = _prepare(data, origin, progress)
    except Exception as exc:  # the user's file is unusable: say so, show tiles
        notice = (
            f"{ENV_BOUNDARIES} is set to {chosen!r} but it could not be used: {_short(exc)}. "
            "The map shows one equal tile per authority instead. Point "
            f"{ENV_BOUNDARIES} at a GeoJSON FeatureCollection of the 22 Welsh local "
            "authorities (a local path or an http(s) URL), or unset it to use downloaded "
            "boundaries."
        )
        logger.warning("%s", notice)
        return load_tiles(notice)
    attribution = env.get(ENV_BOUNDARIES_ATTRIBUTION, "").strip() or (
        f"Boundaries: {origin} (set by {ENV_BOUNDARIES})."
    )
    if progress:
        progress("Boundaries ready", 1.0)
    return _boundaries(
        gdf, source="env", origin=origin, attribution=attribution, raw_bytes=raw_bytes
    )
