"""Simplification (a topology-preserving coverage simplification in metres, coordinates
rounded) and the compact GeoJSON text the maps are drawn from."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from explorer.model import WELSH_CODES
from geo.boundaries.common import (
    _SOURCE_KINDS,
    BUNDLED_ATTRIBUTION,
    BUNDLED_NAME,
    DECIMALS,
    GAP_WIDTH_DEG,
    TOLERANCE_M,
    WALES_BOUNDS_DEG,
    Boundaries,
    BoundaryError,
)
from geo.boundaries.validation import _decode_json, _polygonal, _polygonal_type, _shape

if TYPE_CHECKING:
    import geopandas

logger = logging.getLogger(__name__)

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


