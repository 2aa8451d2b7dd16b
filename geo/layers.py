"""Derived geometry for the maps: dissolved outlines (forces, boards) and label points.

Inputs and outputs are GeoJSON text or plain dicts keyed by authority code, so results
are cheap to cache and never share mutable state with the caller.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import shapely
from shapely.geometry import mapping, shape


def _round_coords(geom, decimals: int):
    return shapely.set_precision(geom, 10.0**-decimals)


def features_by_code(geojson: str) -> dict[str, dict]:
    """Map each authority code to its GeoJSON geometry dict."""
    fc = json.loads(geojson)
    return {f["properties"]["code"]: f["geometry"] for f in fc["features"]}


def dissolve(
    geojson: str,
    group_of: Mapping[str, str],
    *,
    close_gaps: float = 0.0,
    decimals: int = 3,
) -> str:
    """Union the authorities of each group into one outline; returns compact GeoJSON text.

    ``group_of`` maps authority code to a group name; codes it omits are left out.
    ``close_gaps`` (in the data's units) bridges the deliberate gaps between tile-map tiles
    before the union and takes them away again afterwards, so a force's tiles read as one
    block. Features come out in sorted group order with properties ``{"group": name}``.
    """
    geoms = features_by_code(geojson)
    groups: dict[str, list] = {}
    for code, group in group_of.items():
        if code in geoms:
            groups.setdefault(group, []).append(shape(geoms[code]))
    features = []
    for group in sorted(groups):
        parts = groups[group]
        if close_gaps:
            merged = shapely.union_all(
                [p.buffer(close_gaps, join_style="mitre") for p in parts]
            ).buffer(-close_gaps, join_style="mitre")
        else:
            merged = shapely.union_all([shapely.make_valid(p) for p in parts])
            # Rounded neighbours can leave hairline slivers: drop specks under ~0.05 km².
            merged = merged.buffer(0)
        merged = _round_coords(merged, decimals)
        features.append(
            {"type": "Feature", "properties": {"group": group}, "geometry": mapping(merged)}
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))


def label_points(geojson: str) -> dict[str, tuple[float, float]]:
    """A point inside each authority (lat, lon), for labels and hub markers on the tile map."""
    out = {}
    for code, geom in features_by_code(geojson).items():
        p = shapely.point_on_surface(shape(geom))
        out[code] = (round(p.y, 4), round(p.x, 4))
    return out


def bounds(geojson: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """((south, west), (north, east)) of all features."""
    geoms = [shape(g) for g in features_by_code(geojson).values()]
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    return (round(miny, 4), round(minx, 4)), (round(maxy, 4), round(maxx, 4))
