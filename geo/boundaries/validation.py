"""Decoding and validation of boundaries, linear time in the size of the input: the 22
Welsh codes exactly once, polygons only, longitude/latitude inside Wales."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explorer.limits import MAX_BOUNDARY_FEATURES
from explorer.model import WELSH_CODES
from explorer.text import printable
from geo.boundaries.common import _CONVERT, WALES_BOUNDS_DEG, BoundaryError

if TYPE_CHECKING:
    import geopandas

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


