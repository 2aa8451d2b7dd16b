"""A static SVG map for the printable briefing: no script, no network, prints anywhere.

Coverage is shown by fill *and* texture (solid, hatched, blank), so it survives a
black-and-white printer and never relies on colour alone; each authority is named on the
map, with a leader line where its name would not fit beside its neighbours'; an optional
key below the map explains fills and hub symbols.
"""

from __future__ import annotations

import html
import json
import math
import random
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.ops import polylabel

from explorer.coverage import CoverageResult
from explorer.i18n import t
from explorer.model import Dataset
from explorer.planner import HubLink, coverage_classes, hub_links
from explorer.printing.palette import AREA_EDGE, COVERAGE_COLOURS, EXCLUDED_COLOUR, HUB_COLOUR
from explorer.printing.styles import svg_map_css

#: Advance widths (share of the font size) of DejaVu Sans, the sans-serif Chromium uses on
#: Debian; other system fonts are a little narrower. Characters not listed count as wide.
_ADVANCE = {
    **dict.fromkeys("abdghnopqu", 0.635), **dict.fromkeys("ce", 0.615), "f": 0.352,
    **dict.fromkeys("ijl", 0.278), "k": 0.579, "m": 0.974, "r": 0.411, "s": 0.521,
    "t": 0.392, **dict.fromkeys("vxy", 0.592), "w": 0.818, "z": 0.525,
    **dict.fromkeys("ABCDEFGHKLNOPQRSTUVXYZ", 0.77), **dict.fromkeys("IJ", 0.32),
    "M": 0.863, "W": 0.989, " ": 0.318, "-": 0.361, "'": 0.275, "’": 0.318, ".": 0.318,
    ",": 0.318, "(": 0.39, ")": 0.39,
}
_WIDE = 0.8
#: Smallest share of the normal size a map label is shrunk to, to fit its area.
MIN_LABEL_SCALE = 0.78
#: Texture per coverage class: (SVG fill, drawn over the class colour).
_PATTERNS = {
    "newly_covered": (
        '<pattern id="mash-hatch" width="5" height="5" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="5" height="5" fill="{colour}"/>'
        '<line x1="0" y1="0" x2="0" y2="5" stroke="#FFFFFF" stroke-width="2"/></pattern>'
    ),
}


def _project(lon: float, lat: float, lat0: float) -> tuple[float, float]:
    """Equirectangular with the longitude scaled at ``lat0``: fine for a country this size."""
    return lon * math.cos(math.radians(lat0)), -lat


def _fill(coverage_class: str) -> str:
    """The SVG fill for a coverage class (texture included)."""
    if coverage_class == "newly_covered":
        return "url(#mash-hatch)"
    if coverage_class.startswith("#"):  # a colour given instead of a class (plain fill)
        return coverage_class
    return COVERAGE_COLOURS[coverage_class]


def text_width(text: str, size: float) -> float:
    """Estimated width of ``text`` at font size ``size`` (same units), a little generous.

    >>> round(text_width("Powys", 10), 1)
    34.7
    """
    plain = unicodedata.normalize("NFD", text)
    return 1.04 * size * sum(_ADVANCE.get(c, _WIDE) for c in plain
                             if not unicodedata.combining(c))


def wrap(text: str, size: float, max_width: float) -> list[str]:
    """Words of ``text`` on as few lines as fit ``max_width`` (a word longer than that gets
    a line to itself).

    >>> wrap("Newly covered by the proposed hubs", 10, 100)
    ['Newly covered by', 'the proposed hubs']
    """
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= max_width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def label_lines(name: str, max_chars: int = 12) -> list[str]:
    """A map label: on one line if short, else split at the space that balances two lines.

    >>> label_lines("Powys"), label_lines("Rhondda Cynon Taf"), label_lines("Pembrokeshire")
    (['Powys'], ['Rhondda', 'Cynon Taf'], ['Pembrokeshire'])
    """
    words = name.split()
    if len(name) <= max_chars or len(words) < 2:
        return [name]
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    return list(min(splits, key=lambda p: max(len(p[0]), len(p[1]))))


@dataclass(frozen=True)
class Box:
    """An axis-aligned box: centre and half sizes."""

    x: float
    y: float
    hw: float
    hh: float

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        return (abs(self.x - other.x) < self.hw + other.hw + gap
                and abs(self.y - other.y) < self.hh + other.hh + gap)

    def contains(self, x: float, y: float, gap: float = 0.0) -> bool:
        return abs(x - self.x) <= self.hw + gap and abs(y - self.y) <= self.hh + gap

    def edge_point(self, x: float, y: float) -> tuple[float, float]:
        """The point of the box's edge nearest to (x, y), which lies outside it."""
        return (min(max(x, self.x - self.hw), self.x + self.hw),
                min(max(y, self.y - self.hh), self.y + self.hh))


@dataclass(frozen=True)
class LabelSpec:
    """A label to place: its key, anchor point, box size and the area it names (all in
    drawing units; ``area`` may be None for a label that names a point)."""

    key: str
    anchor: tuple[float, float]
    width: float
    height: float
    area: Polygon | None = None


def place_labels(
    labels: Sequence[LabelSpec],
    canvas: tuple[float, float],
    obstacles: Sequence[tuple[float, float, float]] = (),
    tries: int = 40,
) -> dict[str, Box]:
    """Greedy label placement: each label as near its anchor as it can be without touching
    a label already placed or leaving the canvas.

    Labels are placed smallest area first (small areas need the places nearest them;
    large ones have room to spare). Among free places, cost is the distance from the
    anchor plus penalties: for lying over *other* areas (so a name sits on its own area, or
    in the sea beside it, not on a neighbour), for covering another label's anchor or an
    obstacle ``(x, y, radius)`` (a hub marker), and for needing a leader line.

    >>> far = place_labels([LabelSpec("a", (50, 50), 40, 10), LabelSpec("b", (50, 100), 40, 10)],
    ...                    (200, 200))
    >>> (far["a"].x, far["a"].y), (far["b"].x, far["b"].y)
    ((50, 50), (50, 100))
    >>> near = place_labels([LabelSpec("a", (50, 50), 40, 10), LabelSpec("b", (50, 54), 40, 10)],
    ...                     (200, 200))
    >>> near["a"].overlaps(near["b"]), near["a"].contains(50, 50) or near["b"].contains(50, 54)
    (False, True)
    """
    width, height = canvas
    anchors = {spec.key: spec.anchor for spec in labels}
    land = [spec.area for spec in labels if spec.area is not None]
    everything = shapely.union_all(land) if land else None

    def candidates(spec: LabelSpec) -> list[tuple[float, Box]]:
        """Every place on the canvas for this label, cheapest first. Costs depend only on
        the map, not on other labels, so they are worked out once."""
        ax, ay = spec.anchor
        hw, hh = spec.width / 2, spec.height / 2
        step = max(spec.height * 0.6, 3.0)
        boxes = [Box(ax, ay, hw, hh)] + [
            # Rings stretched sideways: beside is better than above or below.
            Box(ax + math.cos(a) * ring * step * 1.6, ay + math.sin(a) * ring * step, hw, hh)
            for ring in range(1, 25)
            for a in (2 * math.pi * d / 16 for d in range(16))
        ]
        boxes = [b for b in boxes if b.x - hw >= 1 and b.x + hw <= width - 1
                 and b.y - hh >= 1 and b.y + hh <= height - 1]
        if not boxes:
            return [(math.inf, Box(ax, ay, hw, hh))]
        cost = np.array([math.hypot(b.x - ax, b.y - ay) for b in boxes])
        if everything is not None:
            rects = shapely.box([b.x - hw for b in boxes], [b.y - hh for b in boxes],
                                [b.x + hw for b in boxes], [b.y + hh for b in boxes])
            others = everything if spec.area is None else shapely.difference(
                everything, spec.area)
            window = shapely.box(min(b.x for b in boxes) - hw, min(b.y for b in boxes) - hh,
                                 max(b.x for b in boxes) + hw, max(b.y for b in boxes) + hh)
            others = shapely.intersection(others, window)
            cost += 60 * shapely.area(shapely.intersection(rects, others)) / (4 * hw * hh)
        cost += np.array([
            40 * sum(b.contains(x, y, 2) for k, (x, y) in anchors.items() if k != spec.key)
            + 15 * sum(b.contains(x, y, r) for x, y, r in obstacles)
            + (0 if b.contains(ax, ay) else 12)
            for b in boxes
        ])
        return sorted(zip(cost.tolist(), boxes, strict=True), key=lambda cb: cb[0])

    options = {spec.key: candidates(spec) for spec in labels}

    def greedy(order: Sequence[LabelSpec]) -> tuple[float, dict[str, Box]]:
        placed: dict[str, Box] = {}
        total = 0.0
        for spec in order:
            cost, box = next(
                ((c, b) for c, b in options[spec.key]
                 if not any(b.overlaps(other, 1.5) for other in placed.values())),
                (1000.0, Box(*spec.anchor, spec.width / 2, spec.height / 2)))
            placed[spec.key] = box
            total += cost
        return total, placed

    # Smallest areas first (they need the places nearest them), then fixed reshufflings
    # of that order; the placement with the lowest total cost wins.
    order = sorted(labels, key=lambda s: (s.area.area if s.area is not None else 0.0, s.key))
    rng = random.Random(2019)
    orders = [order]
    for _ in range(tries - 1):
        shuffled = list(order)
        rng.shuffle(shuffled)
        orders.append(shuffled)
    return min((greedy(o) for o in orders), key=lambda r: r[0])[1]


def coverage_svg(
    geojson: str,
    classes: Mapping[str, str],
    hubs: Sequence[HubLink] = (),
    points: Mapping[str, tuple[float, float]] | None = None,
    *,
    names: Mapping[str, str] | None = None,
    key: Mapping[str, str] | None = None,
    width_px: int = 420,
    font_px: float = 10.0,
    title: str = "",
) -> str:
    """An inline SVG of the authorities, hub hosts and lines, with names and a key.

    Parameters
    ----------
    geojson : str
        FeatureCollection with a ``code`` property per feature (WGS84).
    classes : mapping
        code -> ``covered``, ``newly_covered`` or ``not_covered`` (hatched for newly
        covered); a colour string instead of a class is used as a plain fill.
    hubs, points : HubLink sequence and code -> (lat, lon)
        What to draw for each proposed hub and where (council offices or tile anchors).
    names : mapping, optional
        code -> the name to print on the map (escaped); no labels if omitted.
    key : mapping, optional
        Text for the key below the map, by class (``covered``, ``newly_covered``,
        ``not_covered``) and symbol (``host``, ``line``, ``excluded``, ``local``); a symbol
        appears only if the map draws it. No key if omitted.
    width_px, font_px : number
        Width of the drawing and size of its text, in SVG units (CSS may scale both).

    >>> square = {"type": "Feature", "properties": {"code": "W06000001"}, "geometry":
    ...     {"type": "Polygon", "coordinates": [[[-4, 52], [-3, 52], [-3, 53], [-4, 52]]]}}
    >>> svg = coverage_svg(json.dumps({"type": "FeatureCollection", "features": [square]}),
    ...                    {"W06000001": "covered"}, names={"W06000001": "Ynys <Môn>"})
    >>> svg.startswith("<svg") and 'fill="#0072B2"' in svg and "Ynys &lt;Môn&gt;" in svg
    True
    """
    e = html.escape
    fc = json.loads(geojson)
    rings: list[tuple[str, list]] = []
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
    map_h = round((maxy - miny) * scale)

    def px(x: float, y: float) -> tuple[float, float]:
        return round((x - minx) * scale, 1), round((y - miny) * scale, 1)

    def at(code: str) -> tuple[float, float]:
        lat, lon = points[code]  # type: ignore[index]
        return px(*_project(lon, lat, lat0))

    body: list[str] = []
    drawn = {"covered", "newly_covered", "not_covered"} & set(classes.values())
    largest: dict[str, Polygon] = {}
    for code, poly in projected:
        shape_rings = [[px(x, y) for x, y in ring] for ring in poly]
        d = " ".join("M" + " L".join(f"{a},{b}" for a, b in ring) + " Z" for ring in shape_rings)
        body.append(f'<path d="{d}" fill="{_fill(classes.get(code, "not_covered"))}" '
                    f'stroke="{AREA_EDGE}" stroke-width="0.6" fill-rule="evenodd"/>')
        if len(shape_rings[0]) >= 4:
            part = Polygon(shape_rings[0], shape_rings[1:])
            if code not in largest or part.area > largest[code].area:
                largest[code] = part

    symbols: set[str] = set()
    markers: list[tuple[float, float, float]] = []
    for hub in hubs:
        if points is None:
            continue
        if hub.host is not None and hub.host in points:
            cx, cy = at(hub.host)
            for code, excluded in [(c, False) for c in hub.members] + [
                    (c, True) for c in hub.excluded]:
                if code != hub.host and code in points:
                    mx, my = at(code)
                    style = (f'stroke="{EXCLUDED_COLOUR}" stroke-dasharray="5 4"' if excluded
                             else f'stroke="{HUB_COLOUR}"')
                    body.append(f'<line x1="{cx}" y1="{cy}" x2="{mx}" y2="{my}" {style} '
                                'stroke-width="1.5"/>')
                    symbols.add("excluded" if excluded else "line")
            body.append(f'<circle cx="{cx}" cy="{cy}" r="5" fill="#FFFFFF" '
                        f'stroke="{HUB_COLOUR}" stroke-width="2.5"/>')
            markers.append((cx, cy, 6.5))
            symbols.add("host")
        else:
            for code in hub.members:
                if code in points:
                    mx, my = at(code)
                    body.append(f'<circle cx="{mx}" cy="{my}" r="3.5" fill="{HUB_COLOUR}"/>')
                    markers.append((mx, my, 4.5))
                    symbols.add("local")

    if names:
        specs = []
        sizes: dict[str, float] = {}
        for code, poly in largest.items():
            if code not in names:
                continue
            lines = label_lines(names[code])
            size = font_px
            w = max(text_width(line, size) for line in lines) + 2
            # On a tile (a rectangle: it fills its bounding box) a name a little wider
            # than the tile is set a little smaller to fit inside it. Real boundaries keep
            # one size; a name wider than its area goes beside it, with a leader line.
            minx_, miny_, maxx_, maxy_ = poly.bounds
            area_w = maxx_ - minx_
            tile = poly.area >= 0.9 * area_w * (maxy_ - miny_)
            if tile and area_w < w <= area_w / MIN_LABEL_SCALE:
                size, w = size * (area_w - 4) / w, area_w - 4
            sizes[code] = size
            centre = polylabel(poly, tolerance=1.0)
            specs.append(LabelSpec(code, (centre.x, centre.y), w,
                                   size * 1.15 * len(lines) + 1, poly))
        boxes = place_labels(specs, (width_px, map_h), markers)
        anchors = {spec.key: spec.anchor for spec in specs}
        for code, box in boxes.items():
            ax, ay = anchors[code]
            if not box.contains(ax, ay):
                ex, ey = box.edge_point(ax, ay)
                body.append(f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" '
                            'stroke="#000000" stroke-width="0.7"/>'
                            f'<circle cx="{ax:.1f}" cy="{ay:.1f}" r="1.6" fill="#000000"/>')
            lines = label_lines(names[code])
            size = sizes[code]
            line_h = size * 1.15
            top = box.y - line_h * len(lines) / 2 + size * 0.85
            spans = "".join(
                f'<tspan x="{box.x:.1f}" y="{top + i * line_h:.1f}">{e(line)}</tspan>'
                for i, line in enumerate(lines))
            style = "" if size == font_px else f' style="font-size:{size:.1f}px"'
            body.append(f'<text class="label"{style}>{spans}</text>')

    key_parts, key_h = _key(key, drawn, symbols, width_px, map_h, font_px) if key else ([], 0)
    height_px = map_h + key_h
    defs = "".join(p.format(colour=COVERAGE_COLOURS[k]) for k, p in _PATTERNS.items())
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="{height_px}" '
        f'viewBox="0 0 {width_px} {height_px}" role="img" aria-label="{e(title or "Map")}">',
        f"<defs>{defs}</defs>",
        f"<style>{svg_map_css(font_px)}</style>",
        *body, *key_parts, "</svg>",
    ])


def _key(
    key: Mapping[str, str], drawn: set[str], symbols: set[str], width: float, top: float,
    font_px: float,
) -> tuple[list[str], float]:
    """Key rows below the map: coverage classes on the left, hub symbols on the right."""
    e = html.escape
    line_h = font_px * 1.2
    col_w = width / 2 - 8
    columns: list[list[tuple[str, str]]] = [[], []]
    for k in ("covered", "newly_covered", "not_covered"):
        if k in drawn and k in key:
            swatch = (f'<rect x="{{x}}" y="{{y}}" width="16" height="{font_px:g}" '
                      f'fill="{_fill(k)}" stroke="{AREA_EDGE}" stroke-width="0.6"/>')
            columns[0].append((swatch, key[k]))
    glyphs = {
        "host": f'<circle cx="{{cx}}" cy="{{cy}}" r="4" fill="#FFFFFF" stroke="{HUB_COLOUR}" '
                'stroke-width="2"/>',
        "local": f'<circle cx="{{cx}}" cy="{{cy}}" r="3" fill="{HUB_COLOUR}"/>',
        "line": f'<line x1="{{x}}" y1="{{cy}}" x2="{{x2}}" y2="{{cy}}" stroke="{HUB_COLOUR}" '
                'stroke-width="1.5"/>',
        "excluded": f'<line x1="{{x}}" y1="{{cy}}" x2="{{x2}}" y2="{{cy}}" '
                    f'stroke="{EXCLUDED_COLOUR}" stroke-dasharray="4 3" stroke-width="1.5"/>',
    }
    for k in ("host", "local", "line", "excluded"):
        if k in symbols and k in key:
            columns[1].append((glyphs[k], key[k]))
    parts: list[str] = []
    heights = []
    for col, items in enumerate(columns):
        x = 2 + col * (width / 2)
        y = top + 8
        for glyph, text in items:
            lines = wrap(text, font_px, col_w - 22)
            cy = y + font_px / 2
            parts.append(glyph.format(x=x, y=y, cx=x + 8, cy=cy, x2=x + 16))
            parts.append("".join(
                f'<text x="{x + 21}" y="{y + font_px * 0.85 + i * line_h:.1f}">{e(line)}</text>'
                for i, line in enumerate(lines)))
            y += line_h * len(lines) + 4
        heights.append(y - top)
    return parts, math.ceil(max(heights)) + 2


def briefing_svg(
    geojson: str,
    result: CoverageResult,
    ds: Dataset,
    points: Mapping[str, tuple[float, float]],
    lang: str = "en",
    *,
    title: str = "",
) -> str:
    """The briefing's map of a ``CoverageResult``: coverage by fill and texture, hubs,
    every authority named in ``lang``, and the key, in ``lang`` too."""
    key = {k: t(f"whatif.class_{k}", lang) for k in ("covered", "newly_covered", "not_covered")}
    key |= {k: t(f"briefing.key_{k}", lang) for k in ("host", "local", "line", "excluded")}
    return coverage_svg(geojson, coverage_classes(result), hub_links(result), points,
                        names={a.code: a.name(lang) for a in ds.authorities}, key=key,
                        title=title)
