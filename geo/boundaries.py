"""Boundaries of the 22 Welsh local authorities: bundled, refreshed or supplied.

The app ships a simplified boundary file (``geo/boundaries_wales_2013.geojson``, made by
``python -m geo.make_bundled``), so a fresh install draws real Wales with no network and no
wait. :func:`obtain_boundaries`, called when a page first needs boundaries, never touches the
network. It uses, in order:

1. ``MASH_BOUNDARIES``: a local file (GeoJSON, gzipped GeoJSON, zipped shapefile or
   GeoPackage), validated and simplified; the result is kept in the cache folder under the
   file's SHA-256, so only the first use of a new file pays for the simplification;
2. boundaries fetched by ``python -m explorer boundaries refresh`` (:func:`refresh_cache`)
   into the cache folder (``MASH_CACHE_DIR`` or :func:`default_cache_dir`);
3. the bundled file.

If the bundled file itself were unreadable the tile map (``geo/tiles_wales.geojson``, also a
map style of its own) is shown instead. When a step is skipped because something is wrong,
the result carries a one-sentence ``notice`` and ``details`` saying what and how to fix it.

Whatever arrives goes through :func:`validate` (linear time; 22 Welsh codes exactly once,
polygons, longitude/latitude inside Wales) and :func:`simplify` (coverage simplification in
metres, coordinates rounded, neighbours still sharing exactly the same edges).

This module is pure (no Streamlit, no folium) and does no I/O at import time.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import queue
import re
import tempfile
import threading
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explorer import config
from explorer.limits import MAX_ATTRIBUTION_CHARS, MAX_BOUNDARY_BYTES, MAX_BOUNDARY_FEATURES
from explorer.model import WELSH_CODES
from explorer.text import printable

if TYPE_CHECKING:
    import geopandas

__all__ = [
    "BUNDLED_PATH",
    "Boundaries",
    "BoundaryError",
    "DEFAULT_SOURCES",
    "Source",
    "bundled_text",
    "clear_cache",
    "default_cache_dir",
    "load_bundled",
    "load_tiles",
    "obtain_boundaries",
    "read_boundary_file",
    "refresh_cache",
    "simplify",
    "validate",
]

logger = logging.getLogger(__name__)

#: Environment variable: a local boundary file to use instead of the bundled one.
ENV_BOUNDARIES = config.BOUNDARIES_ENV
#: Environment variable: attribution text for the ``MASH_BOUNDARIES`` file.
ENV_BOUNDARIES_ATTRIBUTION = config.BOUNDARIES_ATTRIBUTION_ENV
#: Environment variable: the cache directory itself (overrides the XDG default).
ENV_CACHE_DIR = config.CACHE_DIR_ENV

CACHE_SUBDIR = "mash-wales-explorer"
CACHE_GEOJSON = "boundaries.geojson"
CACHE_META = "boundaries.meta.json"
#: Prepared (validated, simplified) copies of ``MASH_BOUNDARIES`` files, named by hash.
PREPARED_PREFIX = "prepared-"
#: Bump when the cached GeoJSON or meta layout, or the simplification, changes.
CACHE_FORMAT = 2

#: Simplification: coverage simplification tolerance (metres) and decimals kept.
TOLERANCE_M = 500.0
DECIMALS = 3
#: Closed gaps narrower than this (degrees; about 700 m) left between neighbours by rounding
#: are given to the neighbour with the longest shared border. Sea inlets are open, not gaps.
GAP_WIDTH_DEG = 0.01

_CHUNK_BYTES = 64 * 1024

#: Rough box around Wales: (min lon, min lat, max lon, max lat) in degrees.
WALES_BOUNDS_DEG = (-5.8, 51.2, -2.5, 53.6)

GEO_DIR = Path(__file__).resolve().parent
TILES_PATH = GEO_DIR / "tiles_wales.geojson"
BUNDLED_PATH = GEO_DIR / "boundaries_wales_2013.geojson"

USER_AGENT = "mash-wales-explorer/0.2 (boundaries refresh; Python urllib)"

BUNDLED_NAME = "Local authority boundaries of Wales, 2013 (simplified for this app)"
#: The wording required by the source (../shared/geo/README.md), plus the change made.
BUNDLED_ATTRIBUTION = (
    "GeoJSON and TopoJSON UK Boundary Data by Martin Chorley, licensed under Creative Commons "
    "Attribution 4.0 International; simplified for this app. Contains Ordnance Survey, Office "
    "for National Statistics, National Records Scotland and LPS Intellectual Property data "
    "© Crown copyright and database right 2016. Data licensed under the terms of the Open "
    "Government Licence v3.0. Ordnance Survey data covered by OS OpenData Licence."
)
#: Short form for the corner of a map; the full text is shown just below every map.
BUNDLED_CREDIT = (
    "Boundaries 2013: Martin Chorley, CC BY 4.0 (simplified); contains OS and ONS data "
    "© Crown copyright and database right 2016, OGL v3.0"
)
_ONS_ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right {year}."
)
TILES_NAME = "Tile map drawn for this project"
TILES_ATTRIBUTION = (
    "Tile map drawn for this project: one equal square per local authority, placed roughly "
    "as in Wales. Not a geographic boundary."
)

_SOURCE_KINDS = ("env", "cache", "bundled", "tiles")
_CONVERT = "ogr2ogr -f GeoJSON -t_srs EPSG:4326 wales.geojson {name}"


class BoundaryError(ValueError):
    """A boundary file or download that cannot be used.

    Parameters
    ----------
    origin : str
        The path or URL the data came from (shown on one line: control characters escaped).
    problem : str
        One short sentence saying what is wrong and, where it helps, how to fix it.

    The message is ``"<origin>: <problem>"``; both parts stay available as attributes.

    >>> str(BoundaryError("a\\nb.json", "empty file"))
    'a\\\\nb.json: empty file'
    """

    def __init__(self, origin: str, problem: str) -> None:
        self.origin = printable(origin)
        self.problem = problem
        super().__init__(f"{self.origin}: {problem}")


@dataclass(frozen=True)
class Source:
    """A download source for ``boundaries refresh``.

    Parameters
    ----------
    name : str
        What the boundaries are, for people (shown with the map).
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
        ``"env"`` (``MASH_BOUNDARIES``), ``"cache"`` (refreshed), ``"bundled"`` or ``"tiles"``.
    name : str
        What these boundaries are, for people. Never a path on the server.
    attribution : str
        Full attribution, shown below every map and on the Sources page.
    credit : str
        Short attribution for the corner of the map.
    notice : str or None
        One sentence when the boundaries are not the ones asked for (else None).
    details : str or None
        What went wrong and how to fix it, for an expander below the notice.
    origin : str
        Path or URL the data came from: for logs and the command line, never for a page.
    raw_bytes : int
        Size of what was read (file, download, cache or bundled file), in bytes.
    simplified_bytes : int
        ``len(geojson.encode())``.
    """

    geojson: str
    source: str
    name: str
    attribution: str
    credit: str
    notice: str | None
    details: str | None
    origin: str
    raw_bytes: int
    simplified_bytes: int

    @property
    def is_tiles(self) -> bool:
        """True for the tile map (no geographic scale)."""
        return self.source == "tiles"


def _ons_source(year: int, service: str) -> Source:
    field = f"LAD{year % 100:02d}CD"
    query = urllib.parse.urlencode(
        {
            "where": f"{field} LIKE 'W%'",
            "outFields": field,
            "outSR": "4326",
            "f": "geojson",
        },
        quote_via=urllib.parse.quote,
    )
    return Source(
        name=f"ONS Local Authority Districts, December {year} (simplified for this app)",
        url=(
            "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services/"
            f"{service}/FeatureServer/0/query?{query}"
        ),
        attribution=_ONS_ATTRIBUTION.format(year=year),
    )


#: Sources for ``boundaries refresh``, newest vintage first. The service names follow the
#: portal's naming as used in public code; they are not guaranteed, so all is validated.
DEFAULT_SOURCES: tuple[Source, ...] = (
    _ons_source(2024, "Local_Authority_Districts_December_2024_Boundaries_UK_BGC"),
    _ons_source(2023, "Local_Authority_Districts_December_2023_Boundaries_UK_BGC"),
    _ons_source(2022, "Local_Authority_Districts_December_2022_UK_BGC_V2"),
    _ons_source(2021, "Local_Authority_Districts_December_2021_UK_BGC_2022"),
    _ons_source(2019, "Local_Authority_Districts_December_2019_GCB_UK_2022"),
)


# --------------------------------------------------------------------------------------------
# What a file is
# --------------------------------------------------------------------------------------------


def _sniff(data: bytes) -> str:
    """A short name for what ``data`` looks like, from its first bytes.

    >>> [_sniff(b) for b in (b'PK\\x03\\x04', b'SQLite format 3\\x00', b'\\x1f\\x8b', b' {"a"')]
    ['zip', 'sqlite', 'gzip', 'json']
    >>> _sniff(b'<!DOCTYPE html><html>'), _sniff(b'%PDF-1.7'), _sniff(b'\\x00\\x00\\x27\\x0a')
    ('html', 'pdf', 'shp')
    """
    head = data[:512]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\x00\x00\x27\x0a"):
        return "shp"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<"):
        if b"<kml" in text:
            return "kml"
        if b"<html" in text or b"<!doctype html" in text or b"<head" in text:
            return "html"
        return "xml"
    if text.startswith((b"{", b"[")):
        return "json"
    return "other"


def _not_geojson(kind: str, name: str) -> str | None:
    """What to tell someone whose file is ``kind`` (None: try reading it as GeoJSON)."""
    convert = _CONVERT.format(name=name or "input")
    return {
        "html": "is a web page (perhaps an error page), not a boundary file; download the "
                "GeoJSON itself",
        "pdf": "is a PDF document, not a boundary file; a GeoJSON, zipped shapefile or "
               "GeoPackage is needed",
        "shp": "is the .shp part of a shapefile alone; zip it with its .shx, .dbf and .prj "
               f"files, or convert it with `{convert}`",
        "kml": f"is KML; convert it to GeoJSON with `{convert}`",
        "xml": f"is XML (GML?), not GeoJSON; convert it with `{convert}`",
    }.get(kind)


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


class _NonFinite(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NonFinite(name)


def _decode_json(data: str | bytes, origin: str) -> Any:
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BoundaryError(
                origin, f"is not UTF-8 text (byte {exc.start:,}); a GeoJSON file is needed"
            ) from None
    if not data.strip():
        raise BoundaryError(origin, "empty file")
    try:
        return json.loads(data, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise BoundaryError(
            origin,
            f"is not valid JSON, perhaps truncated (line {exc.lineno:,}, column {exc.colno:,} "
            f"of {len(data):,} characters)",
        ) from None
    except _NonFinite as exc:
        raise BoundaryError(origin, f"contains {exc}, which is not a number in JSON") from None
    except RecursionError:
        raise BoundaryError(origin, "is nested too deeply to be GeoJSON") from None
    except ValueError:  # e.g. an integer with thousands of digits
        raise BoundaryError(origin, "contains a number too long to read") from None


def _gunzip(data: bytes, origin: str) -> bytes:
    inflater = zlib.decompressobj(wbits=47)  # gzip or zlib header
    try:
        out = inflater.decompress(data, MAX_BOUNDARY_BYTES + 1)
    except zlib.error:
        raise BoundaryError(origin, "is damaged gzip data") from None
    if len(out) > MAX_BOUNDARY_BYTES:
        raise BoundaryError(origin, f"is too large once decompressed (over "
                                    f"{MAX_BOUNDARY_BYTES // 2**20} MB)")
    if not inflater.eof:
        raise BoundaryError(origin, "is gzip data that ends early (truncated)")
    return out


def _read_with_pyogrio(data: bytes, origin: str, what: str) -> geopandas.GeoDataFrame:
    """A zipped shapefile or GeoPackage, read by pyogrio (GDAL) from memory."""
    import pyogrio

    name = Path(origin).name
    convert = _CONVERT.format(name=name or "input")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            layers = pyogrio.list_layers(io.BytesIO(data))
            polygonal = [str(n) for n, kind in layers if "polygon" in str(kind).lower()]
            if not polygonal:
                raise BoundaryError(origin, f"is a {what} with no polygon layer")
            if len(layers) > MAX_BOUNDARY_FEATURES:
                raise BoundaryError(origin, f"is a {what} with {len(layers):,} layers")
            last: BoundaryError | None = None
            for layer in polygonal:
                count = pyogrio.read_info(io.BytesIO(data), layer=layer).get("features", 0)
                if count > MAX_BOUNDARY_FEATURES:
                    last = BoundaryError(origin, f"layer {layer!r} has {count:,} features; "
                                                 "Wales has 22 local authorities")
                    continue
                frame = pyogrio.read_dataframe(io.BytesIO(data), layer=layer)
                try:
                    return validate(frame, origin)
                except BoundaryError as exc:
                    last = exc
            assert last is not None
            raise last
    except BoundaryError:
        raise
    except Exception:  # GDAL cannot read it: say what is expected, not GDAL's words
        raise BoundaryError(
            origin, f"looks like a {what} but could not be read; convert it with `{convert}`"
        ) from None


def _read_zip(data: bytes, origin: str) -> Any:
    """The boundary data inside a zip archive: a GeoDataFrame or GeoJSON bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) > MAX_BOUNDARY_FEATURES:
                raise BoundaryError(origin, f"is a zip archive of {len(members):,} files")
            if sum(m.file_size for m in members) > MAX_BOUNDARY_BYTES:
                raise BoundaryError(origin, "is a zip archive too large once unpacked (over "
                                            f"{MAX_BOUNDARY_BYTES // 2**20} MB)")
            names = [m.filename.lower() for m in members]
            inner = [m for m in members if m.filename.lower().endswith((".geojson", ".json"))]
            if not any(n.endswith(".shp") for n in names) and len(inner) == 1:
                return archive.read(inner[0])
    except zipfile.BadZipFile:
        raise BoundaryError(origin, "is a damaged zip archive") from None
    if not any(n.endswith(".shp") for n in names):
        raise BoundaryError(origin, "is a zip archive with no shapefile (.shp) or single "
                                    "GeoJSON inside")
    return _read_with_pyogrio(data, origin, "zipped shapefile")


def read_boundary_file(data: bytes, origin: str) -> geopandas.GeoDataFrame:
    """Validate the bytes of a boundary file, whatever its format.

    GeoJSON (optionally gzipped), a zipped shapefile and a GeoPackage are read; anything else
    is refused with a :class:`BoundaryError` saying what the file is and how to convert it.

    Returns
    -------
    GeoDataFrame
        As :func:`validate`.
    """
    if len(data) > MAX_BOUNDARY_BYTES:
        raise BoundaryError(origin, f"is too large ({len(data) / 2**20:.1f} MB; the limit is "
                                    f"{MAX_BOUNDARY_BYTES // 2**20} MB)")
    kind = _sniff(data)
    if kind == "gzip":
        data = _gunzip(data, origin)
        kind = _sniff(data)
        if kind in ("gzip", "zip", "sqlite"):
            raise BoundaryError(origin, f"is a {kind} file inside gzip; unpack it first")
    if kind == "zip":
        inner = _read_zip(data, origin)
        if isinstance(inner, bytes | bytearray):
            return validate(inner, origin)
        return inner
    if kind == "sqlite":
        return _read_with_pyogrio(data, origin, "GeoPackage")
    problem = _not_geojson(kind, Path(origin).name)
    if problem:
        raise BoundaryError(origin, problem)
    return validate(data, origin)


# --------------------------------------------------------------------------------------------
# Validation (linear time in the size of the input)
# --------------------------------------------------------------------------------------------

_CODE_NAME = re.compile(r"^(lad\d\dcd|ctyua\d\dcd|ua\d\dcd|lau\d?\d\dcd|code|.*cd)$", re.I)


def _crs_of(collection: Mapping[str, Any], origin: str) -> Any:
    """The CRS declared by an (old-style) GeoJSON ``crs`` member, or EPSG:4326."""
    from pyproj import CRS

    member = collection.get("crs")
    if not member:
        return CRS.from_epsg(4326)
    try:
        name = str(member["properties"]["name"])
    except (KeyError, TypeError):
        raise BoundaryError(origin, "has an unreadable 'crs' member") from None
    if name.upper().endswith("CRS84"):
        return CRS.from_epsg(4326)
    try:
        return CRS.from_user_input(name)
    except Exception:  # pyproj.exceptions.CRSError and friends
        raise BoundaryError(
            origin, f"declares an unknown coordinate reference system {printable(name, 60)!r}"
        ) from None


def _pick_code_field(
    rows: Sequence[Mapping[Any, Any]], origin: str
) -> tuple[str, list[str | None]]:
    """Choose the property holding the most Welsh codes; return it and normalised codes.

    One pass over every (property, value) pair: linear in the size of the properties.
    """
    welsh = frozenset(WELSH_CODES)
    found: dict[Any, set[str]] = {}
    for row in rows:
        for name, value in row.items():
            if isinstance(value, str) and len(value) < 20:
                code = value.strip().upper()
                if code in welsh:
                    found.setdefault(name, set()).add(code)
    if not found:
        raise BoundaryError(
            origin,
            f"has none of the 22 Welsh authority codes (W06000001 to W06000024) in any "
            f"property of its {len(rows):,} features; is it a file of Welsh local authorities?",
        )
    field = max(found, key=lambda n: (len(found[n]), bool(_CODE_NAME.match(str(n))), str(n)))
    codes: list[str | None] = []
    for row in rows:
        value = row.get(field)
        code = value.strip().upper() if isinstance(value, str) else None
        codes.append(code if code in welsh else None)
    return str(field), codes


def _check_codes(codes: Sequence[str | None], field: str, origin: str) -> None:
    counts = Counter(c for c in codes if c is not None)
    missing = [c for c in WELSH_CODES if c not in counts]
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        raise BoundaryError(
            origin,
            f"has {22 - len(missing)} of the 22 Welsh authority codes in property "
            f"{printable(field, 40)!r}; missing {shown}",
        )
    repeated = sorted(c for c, n in counts.items() if n > 1)
    if repeated:
        raise BoundaryError(
            origin,
            f"must have each Welsh authority once, but {', '.join(repeated[:5])} "
            f"appear{'s' if len(repeated) == 1 else ''} more than once",
        )


def _polygonal(geom: Any, code: str, origin: str) -> Any:
    """Return ``geom`` as a valid, non-empty (Multi)Polygon or raise BoundaryError."""
    import shapely

    _polygonal_type(geom, code, origin)
    if not shapely.is_valid(geom):
        try:
            fixed = shapely.make_valid(geom)
        except Exception:  # GEOS could not repair it
            fixed = shapely.Polygon()
        if fixed.geom_type == "GeometryCollection":
            parts = [g for g in shapely.get_parts(fixed) if g.geom_type.endswith("Polygon")]
            fixed = shapely.union_all(parts) if parts else shapely.Polygon()
        if fixed.is_empty or fixed.geom_type not in ("Polygon", "MultiPolygon"):
            raise BoundaryError(origin, f"{code} has an invalid polygon that cannot be repaired")
        geom = fixed
    return geom


def _shape(raw: Any, code: str, origin: str) -> Any:
    import shapely.geometry

    if not raw:
        return None
    try:
        return shapely.geometry.shape(raw)
    except Exception:  # malformed coordinates: GEOS, Type, Value or Recursion errors
        raise BoundaryError(
            origin,
            f"{code} has an unreadable geometry (expected GeoJSON Polygon or MultiPolygon "
            "coordinates: closed rings of [longitude, latitude] pairs)",
        ) from None


def _from_collection(collection: Any, origin: str) -> geopandas.GeoDataFrame:
    import geopandas

    if not isinstance(collection, Mapping):
        raise BoundaryError(origin, f"is not a GeoJSON FeatureCollection (a JSON "
                                    f"{_kind(collection)})")
    if "error" in collection and "features" not in collection:
        raise BoundaryError(origin, "is an error answer from a server, not boundaries")
    kind = collection.get("type")
    if kind == "Topology":
        raise BoundaryError(origin, "is TopoJSON; convert it with "
                                    f"`{_CONVERT.format(name=Path(origin).name or 'input')}`")
    features = collection.get("features")
    if kind != "FeatureCollection" or not isinstance(features, list):
        raise BoundaryError(origin, f"is not a GeoJSON FeatureCollection (type "
                                    f"{printable(str(kind), 40)!r})")
    if len(features) > MAX_BOUNDARY_FEATURES:
        raise BoundaryError(origin, f"has {len(features):,} features; Wales has 22 local "
                                    f"authorities (the limit is {MAX_BOUNDARY_FEATURES:,})")
    features = [f for f in features if isinstance(f, Mapping)]
    rows = [f.get("properties") for f in features]
    rows = [r if isinstance(r, Mapping) else {} for r in rows]
    field, codes = _pick_code_field(rows, origin)
    _check_codes(codes, field, origin)
    crs = _crs_of(collection, origin)
    keep_codes, geoms = [], []
    for feature, code in zip(features, codes, strict=True):
        if code is not None:
            keep_codes.append(code)
            geoms.append(_shape(feature.get("geometry"), code, origin))
    return geopandas.GeoDataFrame({"code": keep_codes}, geometry=geoms, crs=crs)


def _kind(value: Any) -> str:
    return {list: "array", str: "string", int: "number", float: "number"}.get(
        type(value), type(value).__name__
    )


def validate(data: Any, origin: str = "<in memory>") -> geopandas.GeoDataFrame:
    """Check boundary data and return it in the one shape the app uses. Linear time.

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
        Unparseable or truncated JSON, not a FeatureCollection, more than
        ``MAX_BOUNDARY_FEATURES`` features, fewer than 22 Welsh codes (in whatever property
        holds them: ``LAD13CD``, ``lad19cd``, ``code`` …), a code twice, non-polygon,
        non-finite or irreparable geometry, or coordinates that are not longitude/latitude in
        Wales (for instance British National Grid metres without a declared CRS).
    """
    import geopandas

    if isinstance(data, geopandas.GeoDataFrame):
        frame = data
        if len(frame) > MAX_BOUNDARY_FEATURES:
            raise BoundaryError(origin, f"has {len(frame):,} features; Wales has 22 local "
                                        "authorities")
        try:
            geometry_name = frame.geometry.name
        except AttributeError:  # no active geometry column
            raise BoundaryError(origin, "has no geometry column") from None
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
    for code, geom in zip(gdf["code"], gdf.geometry, strict=True):  # before any GEOS work
        _polygonal_type(geom, code, origin)
    gdf = _to_wgs84(gdf, origin)
    gdf["geometry"] = [
        _polygonal(g, c, origin) for g, c in zip(gdf.geometry, gdf["code"], strict=True)
    ]
    gdf = gdf.set_geometry("geometry")
    _check_bounds(gdf, origin)
    return gdf[["code", "geometry"]]


def _polygonal_type(geom: Any, code: str, origin: str) -> None:
    """Raise BoundaryError unless ``geom`` is a non-empty (Multi)Polygon of finite numbers."""
    import numpy as np
    import shapely

    if geom is None or shapely.is_empty(geom):
        raise BoundaryError(origin, f"{code} has no geometry")
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise BoundaryError(origin, f"{code} is a {geom.geom_type}, not a polygon")
    if not np.isfinite(shapely.get_coordinates(geom)).all():
        raise BoundaryError(origin, f"{code} has coordinates that are not finite numbers")


def _to_wgs84(gdf: geopandas.GeoDataFrame, origin: str) -> geopandas.GeoDataFrame:
    if gdf.crs is None:
        return gdf.set_crs(4326)
    if gdf.crs.to_epsg() == 4326:
        return gdf
    try:
        return gdf.to_crs(4326)
    except Exception:  # pyproj cannot transform
        raise BoundaryError(origin, f"cannot be reprojected from {gdf.crs.name} to "
                                    "longitude/latitude") from None


def _check_bounds(gdf: geopandas.GeoDataFrame, origin: str) -> None:
    import numpy as np

    minx, miny, maxx, maxy = (float(v) for v in gdf.total_bounds)
    if not np.all(np.isfinite([minx, miny, maxx, maxy])):
        raise BoundaryError(origin, "has coordinates that are not finite numbers")
    if max(abs(minx), abs(maxx)) > 180 or max(abs(miny), abs(maxy)) > 90:
        raise BoundaryError(
            origin,
            f"has coordinates up to {max(abs(minx), abs(maxx), abs(miny), abs(maxy)):,.0f}, "
            "so they are not longitude/latitude degrees (British National Grid metres?) and "
            "the file declares no other CRS; export it as WGS84 (EPSG:4326)",
        )
    lon0, lat0, lon1, lat1 = WALES_BOUNDS_DEG
    if minx < lon0 or maxx > lon1 or miny < lat0 or maxy > lat1:
        raise BoundaryError(
            origin,
            f"has bounds lon {minx:.2f}..{maxx:.2f}, lat {miny:.2f}..{maxy:.2f}, not in Wales "
            f"(expected within lon {lon0}..{lon1}, lat {lat0}..{lat1}; longitude and "
            "latitude swapped?)",
        )


# --------------------------------------------------------------------------------------------
# Simplification and serialisation
# --------------------------------------------------------------------------------------------


def _round(geoms: Any, decimals: int) -> Any:
    """Every coordinate rounded to ``decimals``: equal vertices stay equal."""
    import numpy as np
    import shapely

    return shapely.transform(np.asarray(geoms, dtype=object), lambda xy: np.round(xy, decimals))


def _holes(geoms: Any) -> int:
    """Number of closed holes in the union of ``geoms`` (gaps between or inside them)."""
    import shapely

    union = shapely.union_all(geoms)
    return sum(len(p.interiors) for p in shapely.get_parts(union) if p.geom_type == "Polygon")


def _exact(geoms: Any, holes: int) -> bool:
    import shapely

    return (
        bool(shapely.is_valid(geoms).all())
        and bool(shapely.coverage_is_valid(geoms))
        and _holes(geoms) <= holes
    )


def simplify(
    gdf: geopandas.GeoDataFrame, tolerance_m: float = TOLERANCE_M, decimals: int = DECIMALS
) -> geopandas.GeoDataFrame:
    """Simplify boundaries without opening gaps or overlaps between neighbours.

    Coverage simplification in British National Grid metres keeps neighbours on shared
    edges. Rounding coordinates afterwards can put a vertex on a neighbour's edge or pinch a
    closed sliver between neighbours, so the rounded coverage is cleaned (slivers narrower
    than ``GAP_WIDTH_DEG`` go to the neighbour with the longest shared border) and rounded
    again until it is exact: valid polygons, edge-matched, no new holes.

    Parameters
    ----------
    gdf : GeoDataFrame
        Output of :func:`validate` (``code`` + geometry, EPSG:4326).
    tolerance_m : float
        Coverage simplification tolerance in metres (roughly the square root of the area of
        the triangles removed).
    decimals : int
        Decimal places kept in the longitude/latitude coordinates (3 is about 70-110 m).

    Returns
    -------
    GeoDataFrame
        Same rows and columns, EPSG:4326, valid non-empty (Multi)Polygons forming a valid
        coverage, exterior rings counter-clockwise, every coordinate rounded to ``decimals``.
    """
    import geopandas
    import shapely
    from shapely.errors import GEOSException

    codes = list(gdf["code"])
    projected = gdf.to_crs(27700).geometry.values
    if not shapely.coverage_is_valid(projected):  # overlaps or unmatched edges: fix them
        projected = shapely.coverage_clean(projected, snapping_distance=0.0)
    try:
        simplified = shapely.coverage_simplify(projected, tolerance_m)
    except GEOSException:  # not a coverage at all: simplify each polygon, clean below
        simplified = shapely.simplify(projected, tolerance_m, preserve_topology=True)
    back = geopandas.GeoSeries(simplified, crs=27700).to_crs(4326).values
    holes = _holes(back)
    rounded = _round(back, decimals)
    fallback = _round(gdf.geometry.values, decimals)
    rounded = [alt if g is None or g.is_empty else g
               for g, alt in zip(rounded, fallback, strict=True)]
    for code, geom in zip(codes, rounded, strict=True):
        if geom is None or geom.is_empty or geom.area == 0:
            raise BoundaryError("simplify", f"{code} vanishes when rounded to {decimals} "
                                            "decimals")
    for _ in range(5):
        if _exact(rounded, holes):
            break
        cleaned = _round(shapely.coverage_clean(rounded, snapping_distance=0.0,
                                                gap_width=GAP_WIDTH_DEG), decimals)
        before, after = shapely.area(rounded), shapely.area(cleaned)
        if not ((after > 0.9 * before) & (after < 1.1 * before)).all():
            # Cleaning must only move slivers; GEOS can mis-assign whole polygons along
            # collinear unmatched edges. Keep the rounded polygons (valid, maybe not exact).
            logger.warning("Coverage cleaning changed an authority's area; not cleaned")
            break
        rounded = cleaned
    else:
        logger.warning("Simplified boundaries are not an exact coverage after cleaning")
    geoms = [_polygonal(g, c, "simplify") for g, c in zip(rounded, codes, strict=True)]
    out = gdf.copy()
    out["geometry"] = shapely.orient_polygons(geoms, exterior_cw=False)
    return out.set_geometry("geometry").set_crs(4326, allow_override=True)


def _features(gdf: geopandas.GeoDataFrame) -> list[str]:
    import shapely

    head = '{"type":"Feature","properties":{"code":'
    return [
        f'{head}{json.dumps(code)}}},"geometry":{geom}}}'
        for code, geom in zip(gdf["code"], shapely.to_geojson(gdf.geometry.values), strict=True)
    ]


def _to_text(gdf: geopandas.GeoDataFrame) -> str:
    """Compact FeatureCollection text with properties ``{"code": ...}`` only."""
    return '{"type":"FeatureCollection","features":[' + ",".join(_features(gdf)) + "]}"


def bundled_text(gdf: geopandas.GeoDataFrame, source_name: str) -> str:
    """The text of the bundled boundary file: simplified features, one per line, after a
    header carrying their name, attribution, licence and how they were made."""
    header = {
        "type": "FeatureCollection",
        "name": BUNDLED_NAME,
        "attribution": BUNDLED_ATTRIBUTION,
        "generator": (
            f"python -m geo.make_bundled from {source_name}: coverage simplification "
            f"{TOLERANCE_M:g} m, coordinates rounded to {DECIMALS} decimals"
        ),
    }
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":"))[:-1]
    return head + ',"features":[\n' + ",\n".join(_features(gdf)) + "\n]}\n"


def _prepared(text: str | bytes, origin: str) -> tuple[str, int]:
    """Check an already simplified FeatureCollection (bundled, cached) without geopandas.

    Returns its compact text (properties ``code`` only) and its size in bytes.
    """
    import shapely

    raw = len(text.encode() if isinstance(text, str) else text)
    collection = _decode_json(text, origin)
    features = collection.get("features") if isinstance(collection, Mapping) else None
    if not isinstance(features, list) or len(features) != len(WELSH_CODES):
        raise BoundaryError(origin, "is not a FeatureCollection of the 22 authorities")
    parts = []
    for feature, code in zip(features, WELSH_CODES, strict=True):
        props = feature.get("properties") if isinstance(feature, Mapping) else None
        if not isinstance(props, Mapping) or props.get("code") != code:
            raise BoundaryError(origin, f"does not list {code} in its place")
        geometry = feature.get("geometry")
        geom = _shape(geometry, code, origin)
        _polygonal_type(geom, code, origin)
        if not shapely.is_valid(geom):
            raise BoundaryError(origin, f"{code} has an invalid polygon")
        lon0, lat0, lon1, lat1 = WALES_BOUNDS_DEG
        xy = shapely.get_coordinates(geom)
        if not ((xy[:, 0] >= lon0) & (xy[:, 0] <= lon1) & (xy[:, 1] >= lat0)
                & (xy[:, 1] <= lat1)).all():
            raise BoundaryError(origin, f"{code} lies outside Wales")
        shape = json.dumps(geometry, separators=(",", ":"))
        parts.append(f'{{"type":"Feature","properties":{{"code":"{code}"}},"geometry":{shape}}}')
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}", raw


def _boundaries(
    text: str,
    *,
    source: str,
    name: str,
    attribution: str,
    credit: str | None = None,
    origin: str,
    raw_bytes: int,
    notice: tuple[str, str] | None = None,
) -> Boundaries:
    assert source in _SOURCE_KINDS
    return Boundaries(
        geojson=text,
        source=source,
        name=name,
        attribution=attribution,
        credit=credit or attribution,
        notice=notice[0] if notice else None,
        details=notice[1] if notice else None,
        origin=origin,
        raw_bytes=raw_bytes,
        simplified_bytes=len(text.encode()),
    )


# --------------------------------------------------------------------------------------------
# Bundled file and tiles
# --------------------------------------------------------------------------------------------


def load_bundled(notice: tuple[str, str] | None = None) -> Boundaries:
    """The boundary file shipped with the app (22 authorities, 2013, simplified).

    Falls back to the tile map, with a notice, if the file is missing or damaged.
    """
    try:
        data = BUNDLED_PATH.read_bytes()
        text, raw = _prepared(data, BUNDLED_PATH.name)
    except (OSError, BoundaryError) as exc:
        problem = exc.problem if isinstance(exc, BoundaryError) else "cannot be read"
        logger.error("Bundled boundaries unusable: %s", problem)
        return load_tiles((
            "The boundary file bundled with the app is missing or damaged, so the map shows "
            "one equal tile per authority.",
            f"{BUNDLED_PATH.name} {problem}. Reinstall the app, or set {ENV_BOUNDARIES} to a "
            "boundary file.",
        ))
    return _boundaries(
        text, source="bundled", name=BUNDLED_NAME, attribution=BUNDLED_ATTRIBUTION,
        credit=BUNDLED_CREDIT, origin=str(BUNDLED_PATH), raw_bytes=raw, notice=notice,
    )


def load_tiles(notice: tuple[str, str] | None = None) -> Boundaries:
    """The tile map drawn for this project: 22 equal squares laid out roughly like Wales.

    Parameters
    ----------
    notice : (sentence, details), optional
        Why the tiles are shown instead of real boundaries.

    Returns
    -------
    Boundaries
        ``source="tiles"``; checked like any prepared boundary file, not simplified.
    """
    data = TILES_PATH.read_bytes()
    text, raw = _prepared(data, TILES_PATH.name)
    return _boundaries(
        text, source="tiles", name=TILES_NAME, attribution=TILES_ATTRIBUTION,
        origin=str(TILES_PATH), raw_bytes=raw, notice=notice,
    )


# --------------------------------------------------------------------------------------------
# Cache
# --------------------------------------------------------------------------------------------


def default_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where refreshed and prepared boundaries are kept.

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


def cache_stamp(env: Mapping[str, str] | None = None) -> tuple[str, str, int]:
    """What decides which boundaries :func:`obtain_boundaries` returns, as plain values:
    ``MASH_BOUNDARIES``, the cache folder and the refreshed cache's modification time (ns,
    0 if none). A cheap key for a per-process cache that notices a refresh."""
    env = os.environ if env is None else env
    folder = default_cache_dir(env)
    try:
        stamp = (folder / CACHE_META).stat().st_mtime_ns
    except OSError:
        stamp = 0
    return env.get(ENV_BOUNDARIES, "").strip(), str(folder), stamp


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


def clear_cache(cache_dir: Path) -> list[Path]:
    """Remove refreshed and prepared boundaries from ``cache_dir``; returns what was removed."""
    removed = []
    for path in [cache_dir / CACHE_GEOJSON, cache_dir / CACHE_META,
                 *cache_dir.glob(f"{PREPARED_PREFIX}*.geojson")]:
        with suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


def _discard_cache(cache_dir: Path) -> None:
    for name in (CACHE_GEOJSON, CACHE_META):
        with suppress(OSError):
            (cache_dir / name).unlink()


def _write_cache(cache_dir: Path, result: Boundaries) -> None:
    """Store the simplified GeoJSON, then the meta naming its hash (a torn write is refused
    at the next read)."""
    data = result.geojson.encode()
    meta = {
        "format": CACHE_FORMAT,
        "name": result.name,
        "origin": result.origin,
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
    """Refreshed boundaries from the cache; raises BoundaryError if unusable."""
    geo_path, meta_path = cache_dir / CACHE_GEOJSON, cache_dir / CACHE_META
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise BoundaryError(str(meta_path), "is missing or unreadable") from None
    if not isinstance(meta, dict) or meta.get("format") != CACHE_FORMAT:
        raise BoundaryError(str(meta_path), "was written by another version of the app")
    try:
        data = geo_path.read_bytes()
    except OSError:
        raise BoundaryError(str(geo_path), "is missing or unreadable") from None
    if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
        raise BoundaryError(str(geo_path), "does not match its recorded SHA-256")
    text, raw = _prepared(data, str(geo_path))
    return _boundaries(
        text,
        source="cache",
        name=printable(str(meta.get("name") or "Refreshed boundaries")),
        attribution=printable(str(meta.get("attribution") or ""), MAX_ATTRIBUTION_CHARS),
        origin=str(meta.get("origin") or geo_path),
        raw_bytes=raw,
    )


# --------------------------------------------------------------------------------------------
# The chain at page load: no network
# --------------------------------------------------------------------------------------------


def _env_attribution(env: Mapping[str, str]) -> str:
    text = " ".join(env.get(ENV_BOUNDARIES_ATTRIBUTION, "").split())
    text = unicodedata.normalize("NFC", printable(text, MAX_ATTRIBUTION_CHARS))
    return text or (
        "Boundaries: a file chosen by whoever runs this server, who has not given its source "
        f"({ENV_BOUNDARIES_ATTRIBUTION})."
    )


def _prepared_path(cache_dir: Path, digest: str) -> Path:
    return cache_dir / f"{PREPARED_PREFIX}{digest[:40]}-f{CACHE_FORMAT}.geojson"


def _from_env(chosen: str, env: Mapping[str, str], cache_dir: Path) -> Boundaries:
    """``MASH_BOUNDARIES``: read, validated and simplified once per file content."""
    if "://" in chosen and not chosen.lower().startswith("file://"):
        raise BoundaryError(
            chosen,
            "cannot be used: the app never downloads while a page loads; run "
            f"`python -m explorer boundaries refresh --source {printable(chosen, 80)}` once "
            f"and unset {ENV_BOUNDARIES}",
        )
    if chosen.lower().startswith("file://"):
        path = Path(urllib.request.url2pathname(urllib.parse.urlparse(chosen).path))
    else:
        path = Path(chosen).expanduser()
    origin = str(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise BoundaryError(origin, "is a folder, not a boundary file")
        if size > MAX_BOUNDARY_BYTES:
            raise BoundaryError(origin, f"is too large ({size / 2**20:.1f} MB; the limit is "
                                        f"{MAX_BOUNDARY_BYTES // 2**20} MB)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise BoundaryError(origin, "does not exist") from None
    except OSError as exc:
        raise BoundaryError(origin, f"cannot be read ({exc.strerror or 'error'})") from None
    digest = hashlib.sha256(data).hexdigest()
    prepared = _prepared_path(cache_dir, digest)
    attribution = _env_attribution(env)
    name = f"Boundaries from the file {printable(path.name, 80)}"
    try:
        text, _ = _prepared(prepared.read_bytes(), str(prepared))
    except (OSError, BoundaryError):
        text = _to_text(simplify(read_boundary_file(data, origin)))
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            for old in cache_dir.glob(f"{PREPARED_PREFIX}*.geojson"):
                with suppress(OSError):
                    old.unlink()
            _write_atomic(prepared, text.encode())
        except OSError as exc:
            logger.warning("Could not keep prepared boundaries in %s: %s", cache_dir, exc)
    return _boundaries(text, source="env", name=name, attribution=attribution,
                       origin=origin, raw_bytes=len(data))


def obtain_boundaries(
    *, env: Mapping[str, str] | None = None, cache_dir: Path | None = None
) -> Boundaries:
    """The boundaries to draw: ``MASH_BOUNDARIES``, else refreshed, else bundled. Never
    raises for bad data and never uses the network.

    Parameters
    ----------
    env : mapping, optional
        Environment (``MASH_BOUNDARIES``, ``MASH_BOUNDARIES_ATTRIBUTION``, ``MASH_CACHE_DIR``,
        ``XDG_CACHE_HOME`` …); defaults to ``os.environ``.
    cache_dir : Path, optional
        Cache directory; defaults to :func:`default_cache_dir` of ``env``.

    Returns
    -------
    Boundaries
        ``source`` is ``"env"``, ``"cache"`` or ``"bundled"`` (``"tiles"`` only if the
        bundled file is damaged). When ``MASH_BOUNDARIES`` or the refreshed cache cannot be
        used, the next in the chain is returned with a ``notice`` and ``details``.
    """
    env = os.environ if env is None else env
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir(env)
    notice: tuple[str, str] | None = None

    chosen = env.get(ENV_BOUNDARIES, "").strip()
    if chosen:
        try:
            return _from_env(chosen, env, cache_dir)
        except BoundaryError as exc:
            logger.warning("%s is unusable: %s", ENV_BOUNDARIES, exc)
            is_url = "://" in chosen and not chosen.lower().startswith("file://")
            shown = "a web address" if is_url else (Path(exc.origin).name or exc.origin)
            needed = "" if is_url else (
                " A GeoJSON FeatureCollection of the 22 Welsh local authorities (or a gzipped "
                "GeoJSON, a zipped shapefile or a GeoPackage) is needed.")
            notice = (
                "The boundary file chosen for this server could not be used, so the map shows "
                "{fallback}.",
                f"{ENV_BOUNDARIES} names {shown}, which {exc.problem}.{needed}",
            )

    if (cache_dir / CACHE_GEOJSON).exists() or (cache_dir / CACHE_META).exists():
        try:
            result = _read_cache(cache_dir)
        except BoundaryError as exc:
            logger.warning("Refreshed boundaries unusable: %s", exc)
            if notice is None:
                notice = (
                    "The refreshed boundaries stored on this server are damaged, so the map "
                    "shows {fallback}.",
                    f"The cached copy {exc.problem}. Run `python -m explorer boundaries "
                    "refresh` again, or `python -m explorer boundaries clear`.",
                )
        else:
            if notice:
                result = _boundaries(
                    result.geojson, source="cache", name=result.name,
                    attribution=result.attribution, credit=result.credit, origin=result.origin,
                    raw_bytes=result.raw_bytes,
                    notice=(notice[0].format(fallback="the refreshed boundaries"), notice[1]),
                )
            return result
    if notice:
        notice = (notice[0].format(fallback="the boundaries bundled with the app"), notice[1])
    return load_bundled(notice)


# --------------------------------------------------------------------------------------------
# Refresh (command line only): downloads with hard time limits
# --------------------------------------------------------------------------------------------


class _Unreachable(BoundaryError):
    """No HTTP answer at all (DNS, refused, TLS, or nothing within the time limit)."""


def _describe(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    if isinstance(exc, urllib.error.URLError):
        if isinstance(exc.reason, TimeoutError):
            return "connection timed out"
        return "cannot connect"
    if isinstance(exc, TimeoutError):
        return "timed out waiting for data"
    return "the transfer failed"


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
    limit = MAX_BOUNDARY_BYTES
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.strip().isdigit() else None
            events.put(("head", total))
            if total is not None and total > limit:
                events.put(("fail", f"too large ({total / 2**20:.1f} MB; the limit is "
                                    f"{limit // 2**20} MB)"))
                return
            chunks, received = [], 0
            while not cancel.is_set():
                chunk = response.read1(_CHUNK_BYTES)
                if not chunk:
                    break
                received += len(chunk)
                if received > limit:
                    events.put(("fail", f"too large (over {limit // 2**20} MB)"))
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


def _fetch_url(
    url: str,
    label: str,
    *,
    timeout_s: float,
    progress: Callable[[str, float], None] | None,
) -> tuple[bytes, int]:
    """Download ``url`` within ``timeout_s`` in total; return (body, bytes on the wire).

    The transfer runs in a daemon thread so that DNS look-ups, stalled connects, silent
    servers and servers trickling bytes are all bounded by one deadline.
    """
    message = f"Downloading boundaries from {label}…"
    if progress:
        progress(message, 0.0)
    events: queue.Queue = queue.Queue()
    cancel = threading.Event()
    worker = threading.Thread(
        target=_fetch_worker, args=(url, timeout_s, cancel, events),
        name="boundary-download", daemon=True,
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
                if progress and total:
                    progress(f"{message} {received / 1e6:.1f} of {total / 1e6:.1f} MB",
                             min(received / total, 1.0))
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


def refresh_cache(
    *,
    env: Mapping[str, str] | None = None,
    cache_dir: Path | None = None,
    source: str | None = None,
    attribution: str | None = None,
    sources: Sequence[Source] = DEFAULT_SOURCES,
    timeout_s: float = 20.0,
    progress: Callable[[str, float], None] | None = None,
) -> Boundaries:
    """Fetch boundaries, validate and simplify them, and store them in the cache, where
    :func:`obtain_boundaries` finds them. Run by ``python -m explorer boundaries refresh``.

    Parameters
    ----------
    source : str, optional
        An http(s) URL or a local file to use instead of ``sources``.
    attribution : str, optional
        Attribution for ``source`` (required wording of its licence).
    sources : sequence of Source
        Tried in order until one gives 22 valid Welsh authorities. Once a host gives no HTTP
        answer at all, later sources on the same host are skipped.
    timeout_s : float
        Total time allowed per source (connect, headers and body), in seconds.

    Raises
    ------
    BoundaryError
        Nothing usable: the message lists each source tried and why it failed.
    """
    if timeout_s <= 0:
        raise ValueError(f"timeout_s must be positive, got {timeout_s!r}")
    env = os.environ if env is None else env
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir(env)
    if source:
        credit = " ".join((attribution or "").split())[:MAX_ATTRIBUTION_CHARS]
        if source.lower().startswith(("http://", "https://")):
            host = urllib.parse.urlsplit(source).hostname or "the web"
            data, wire = _fetch_url(source, host, timeout_s=timeout_s, progress=progress)
            candidates = [(Source(f"Boundaries from {host} (simplified for this app)", source,
                                  credit or f"Boundaries downloaded from {host}."), data, wire)]
        else:
            path = Path(source).expanduser()
            try:
                data = path.read_bytes()
            except OSError:
                raise BoundaryError(str(path), "cannot be read") from None
            candidates = [(Source(f"Boundaries from the file {path.name} (simplified for this "
                                  "app)", str(path), credit or f"Boundaries from {path.name}."),
                           data, len(data))]
        chosen, data, wire = candidates[0]
        gdf = simplify(read_boundary_file(data, chosen.url))
        return _store(cache_dir, chosen, gdf, wire)

    failures: list[str] = []
    silent_hosts: set[str] = set()
    for src in sources:
        host = urllib.parse.urlsplit(src.url).netloc.lower()
        if host in silent_hosts:
            failures.append(f"{src.name}: skipped ({host} did not answer)")
            continue
        try:
            data, wire = _fetch_url(src.url, src.name, timeout_s=timeout_s, progress=progress)
            gdf = simplify(read_boundary_file(data, src.url))
        except _Unreachable as exc:
            silent_hosts.add(host)
            failures.append(f"{src.name}: {exc.problem}")
            continue
        except BoundaryError as exc:
            failures.append(f"{src.name}: {exc.problem}")
            continue
        return _store(cache_dir, src, gdf, wire)
    raise BoundaryError("boundaries refresh", "no source gave usable boundaries; tried "
                        + ("; ".join(failures) or "nothing (no sources)"))


def _store(cache_dir: Path, src: Source, gdf: geopandas.GeoDataFrame, wire: int) -> Boundaries:
    result = _boundaries(_to_text(gdf), source="cache", name=src.name,
                         attribution=src.attribution, origin=src.url, raw_bytes=wire)
    try:
        _write_cache(cache_dir, result)
    except OSError as exc:
        raise BoundaryError(str(cache_dir), f"cannot be written ({exc.strerror or 'error'})"
                            ) from None
    return result
