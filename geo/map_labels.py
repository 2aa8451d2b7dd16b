"""Authority names on the geographic (folium) map, placed so that none overlaps another.

The printed briefing's placer (:func:`explorer.printing.svg_map.place_labels`) does the
work: names are sized in screen pixels at the map's first zoom (Web Mercator, as Leaflet
draws it), placed on or beside their own area, and a name that had to move off its area
gets a leader line back to it. Zooming in only spreads the names further apart. Pure and
deterministic: the same boundaries, names and map size give the same placement (built once
per process).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import shape

from explorer.printing.svg_map import Box, LabelSpec, label_lines, place_labels, text_width
from geo.layers import features_by_code, label_points
from geo.maps import fit_zoom

#: Font size (px) of a name, normal and for a projector, as in ``.map-name`` (geo/maps.py).
FONT_PX = {False: 11, True: 16}
LINE_HEIGHT = 1.15
PAD_PX = 3
MARGIN_PX = 60


@dataclass(frozen=True)
class PlacedName:
    """One name on the map: where its box's centre goes (lat, lon), its lines and size in
    pixels, and a leader line (anchor, box edge; both lat, lon) when it sits off its area."""

    code: str
    at: tuple[float, float]
    lines: tuple[str, ...]
    size_px: tuple[int, int]
    leader: tuple[tuple[float, float], tuple[float, float]] | None


def _scale(zoom: float) -> float:
    return 256 * 2**zoom


def to_px(lon, lat, zoom: float):
    """Web Mercator pixel coordinates at ``zoom`` (arrays or floats).

    >>> [round(v) for v in to_px(0.0, 0.0, 0)]
    [128, 128]
    """
    s = _scale(zoom)
    x = (np.asarray(lon) + 180.0) / 360.0 * s
    y = (1 - np.arcsinh(np.tan(np.radians(lat))) / math.pi) / 2 * s
    return x, y


def to_lat_lon(x: float, y: float, zoom: float) -> tuple[float, float]:
    """The inverse of :func:`to_px`, rounded to 5 decimals (about a metre).

    >>> to_lat_lon(*[float(v) for v in to_px(-3.2, 52.1, 7.75)], 7.75)
    (52.1, -3.2)
    """
    s = _scale(zoom)
    lon = x / s * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / s))))
    return round(float(lat), 5), round(float(lon), 5)


def place_names(
    geojson: str,
    names: Mapping[str, str],
    bounds: tuple[tuple[float, float], tuple[float, float]],
    height_px: int,
    large: bool = False,
) -> tuple[PlacedName, ...]:
    """Names for the areas of ``geojson`` placed without overlap at the zoom the map opens at
    (:func:`geo.maps.fit_zoom` for ``bounds`` and ``height_px``)."""
    zoom = fit_zoom(bounds, height_px)
    size = FONT_PX[large]
    areas = {code: shape(geom) for code, geom in features_by_code(geojson).items()
             if code in names}
    points = label_points(geojson)

    def project(geom):
        return shapely.transform(geom, lambda xy: np.column_stack(to_px(xy[:, 0], xy[:, 1],
                                                                        zoom)))

    px_areas = {code: project(geom) for code, geom in areas.items()}
    minx, miny, maxx, maxy = shapely.total_bounds(list(px_areas.values()))
    ox, oy = minx - MARGIN_PX, miny - MARGIN_PX

    def shift(geom):
        return shapely.transform(geom, lambda xy: xy - np.array([ox, oy]))

    specs, lines_of, box_size = [], {}, {}
    for code in sorted(areas):
        lat, lon = points[code]
        ax, ay = (float(v) for v in to_px(lon, lat, zoom))
        lines = label_lines(names[code])
        w = max(text_width(line, size) for line in lines) + 2 * PAD_PX
        h = len(lines) * size * LINE_HEIGHT + 2 * PAD_PX
        lines_of[code], box_size[code] = tuple(lines), (math.ceil(w), math.ceil(h))
        specs.append(LabelSpec(code, (ax - ox, ay - oy), w, h, shift(px_areas[code])))
    canvas = (maxx - minx + 2 * MARGIN_PX, maxy - miny + 2 * MARGIN_PX)
    boxes: dict[str, Box] = place_labels(specs, canvas)
    out = []
    for spec in specs:
        box = boxes[spec.key]
        ax, ay = spec.anchor
        leader = None
        if not box.contains(ax, ay):
            ex, ey = box.edge_point(ax, ay)
            leader = (to_lat_lon(ax + ox, ay + oy, zoom), to_lat_lon(ex + ox, ey + oy, zoom))
        out.append(PlacedName(spec.key, to_lat_lon(box.x + ox, box.y + oy, zoom),
                              lines_of[spec.key], box_size[spec.key], leader))
    return tuple(out)
