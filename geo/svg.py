"""A static SVG map for the printable briefing: no script, no network, prints anywhere."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping, Sequence

from geo.maps import AREA_EDGE, HUB_COLOUR, HubLink


def _project(lon: float, lat: float, lat0: float) -> tuple[float, float]:
    """Equirectangular with the longitude scaled at ``lat0``: fine for a country this size."""
    return lon * math.cos(math.radians(lat0)), -lat


def coverage_svg(
    geojson: str,
    fill_by_code: Mapping[str, str],
    hubs: Sequence[HubLink] = (),
    points: Mapping[str, tuple[float, float]] | None = None,
    *,
    width_px: int = 420,
    title: str = "",
) -> str:
    """An inline SVG of the authorities filled by ``fill_by_code``, with hub hosts and lines.

    >>> square = {"type": "Feature", "properties": {"code": "W06000001"}, "geometry":
    ...     {"type": "Polygon", "coordinates": [[[-4, 52], [-3, 52], [-3, 53], [-4, 52]]]}}
    >>> svg = coverage_svg(json.dumps({"type": "FeatureCollection", "features": [square]}),
    ...                    {"W06000001": "#0072B2"})
    >>> svg.startswith("<svg") and 'fill="#0072B2"' in svg
    True
    """
    fc = json.loads(geojson)
    rings: list[tuple[str, list[list[tuple[float, float]]]]] = []
    lats = []
    for f in fc["features"]:
        geom = f["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for poly in polys:
            rings.append((f["properties"]["code"], poly))
            lats.extend(pt[1] for ring in poly for pt in ring)
    lat0 = (min(lats) + max(lats)) / 2 if lats else 52.0
    projected = [
        (code, [[_project(x, y, lat0) for x, y, *_ in ring] for ring in poly])
        for code, poly in rings
    ]
    xs = [x for _, poly in projected for ring in poly for x, _ in ring] or [0, 1]
    ys = [y for _, poly in projected for ring in poly for _, y in ring] or [0, 1]
    minx, maxx, miny, maxy = min(xs), max(xs), min(ys), max(ys)
    scale = width_px / ((maxx - minx) or 1)
    height_px = round((maxy - miny) * scale)

    def px(x: float, y: float) -> tuple[float, float]:
        return round((x - minx) * scale, 1), round((y - miny) * scale, 1)

    def xy(x: float, y: float) -> str:
        a, b = px(x, y)
        return f"{a},{b}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="{height_px}" '
        f'viewBox="0 0 {width_px} {height_px}" role="img" '
        f'aria-label="{html.escape(title or "Map")}">'
    ]
    for code, poly in projected:
        d = " ".join("M" + " L".join(xy(x, y) for x, y in ring) + " Z" for ring in poly)
        fill = fill_by_code.get(code, "#FFFFFF")
        parts.append(f'<path d="{d}" fill="{fill}" stroke="{AREA_EDGE}" stroke-width="0.6" '
                     'fill-rule="evenodd"/>')
    for hub in hubs:
        if points is None or hub.host is None or hub.host not in points:
            continue
        cx, cy = px(*_project(points[hub.host][1], points[hub.host][0], lat0))
        for code in hub.members:
            if code != hub.host and code in points:
                mx, my = px(*_project(points[code][1], points[code][0], lat0))
                parts.append(f'<line x1="{cx}" y1="{cy}" x2="{mx}" y2="{my}" '
                             f'stroke="{HUB_COLOUR}" stroke-width="1.5"/>')
        parts.append(f'<circle cx="{cx}" cy="{cy}" r="5" fill="#FFFFFF" '
                     f'stroke="{HUB_COLOUR}" stroke-width="2.5"/>')
    parts.append("</svg>")
    return "".join(parts)
