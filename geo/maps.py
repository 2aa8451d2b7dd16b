"""Pure, deterministic folium map builders.

The same inputs give the same Leaflet code, so ``st_folium`` does not remount the map
needlessly. Text that reaches the map (names, tooltips, labels) is HTML-escaped here,
because Leaflet puts tooltip and label text into the page as HTML.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import folium
from folium.template import Template

from explorer.planner import HubLink
from explorer.printing.palette import (
    AREA_EDGE,
    COUNT_COLOURS,
    COVERAGE_COLOURS,
    HUB_COLOUR,
    SELECTED_EDGE,
    STATUS_COLOURS,
)
from explorer.printing.styles import MAP_DOCUMENT_CSS
from geo.assets import OfflineMap

#: folium writes data (the boundaries' GeoJSON above all) with Jinja's ``tojson``, which
#: separates with ", " and ": ": about a tenth of the status map's script was spaces, sent
#: to every visitor. All folium templates share one Jinja environment; its JSON is compact
#: (still sorted, still escaped for HTML) for every map this process renders.
_FOLIUM_JSON = {"sort_keys": True, "separators": (",", ":")}
Template("").environment.policies["json.dumps_kwargs"] = _FOLIUM_JSON

WALES_BOUNDS = ((51.33, -5.35), (53.45, -2.63))


@dataclass(frozen=True)
class MapPayload:
    """A map rendered once into the plain strings the ``st_folium`` component needs.

    Made by :func:`pages.ui.map_component.map_payload` from a folium map; the same for every
    visitor, so it is built once per process and never changes.
    """

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    #: ``streamlit_folium``'s component key for this script (and widget key).
    js_hash: str
    zoom: float
    bounds: tuple[tuple[float, float], tuple[float, float]]


def map_data_js(m: folium.Map, script: str, min_chars: int = 2_000) -> tuple[str, str]:
    """Move the data of ``m``'s GeoJSON layers out of its rendered ``script``: returns the
    script, in which each layer of at least ``min_chars`` of JSON now takes its data from
    ``window["mashMapData_<hash>"][i]``, and the script that defines that array (empty if no
    layer was moved). The name carries a hash of the data, so a page never mixes two maps'.

    The boundaries are nearly all of a map's script (92 of 95 kB on the status page). Served
    as a static file (:func:`geo.assets.install_map_data`), the browser fetches them once
    and keeps them; the map element, sent on every run and again with every new overlay,
    carries only the code.
    """
    import hashlib

    from jinja2.utils import htmlsafe_json_dumps

    policy = Template("").environment.policies["json.dumps_kwargs"]
    stack, texts = [m], []
    while stack:  # the layers in the order they were drawn
        element = stack.pop()
        if isinstance(element, folium.GeoJson) and element.embed:
            text = str(htmlsafe_json_dumps(element.data, dumps=json.dumps, **policy))
            if len(text) >= min_chars and script.count(f"_add({text});") == 1:
                texts.append(text)
        stack.extend(reversed(list(getattr(element, "_children", {}).values())))
    if not texts:
        return script, ""
    digest = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:16]
    name = f"mashMapData_{digest}"
    for i, text in enumerate(texts):
        script = script.replace(f"_add({text});", f'_add(window["{name}"][{i}]);')
    return script, f'window["{name}"]=[{",".join(texts)}];\n'


@dataclass(frozen=True)
class Outline:
    """A dissolved outline layer drawn over the authorities (forces, boards)."""

    name: str
    geojson: str
    colour: str
    weight: float
    dash: str | None = None


def _feature_collection(geojson: str, props: Mapping[str, Mapping[str, str]]) -> dict:
    """Copy of ``geojson`` with each feature's properties replaced by escaped ``props``."""
    fc = json.loads(geojson)
    features = []
    for f in fc["features"]:
        code = f["properties"]["code"]
        extra = {k: html.escape(str(v)) for k, v in props.get(code, {}).items()}
        features.append(
            {"type": "Feature", "properties": {"code": code, **extra}, "geometry": f["geometry"]}
        )
    return {"type": "FeatureCollection", "features": features}


def fit_zoom(
    bounds: tuple[tuple[float, float], tuple[float, float]],
    height_px: int,
    width_px: int = 480,
    snap: float = 0.25,
    margin: float = 0.9,
) -> float:
    """Largest Web Mercator zoom (a multiple of ``snap``) at which ``bounds`` fit the map.

    Computed here because the map component does not apply Leaflet's ``fitBounds``.
    ``margin`` is the share of the map the bounds may fill.

    >>> fit_zoom(WALES_BOUNDS, 640)
    7.75
    """
    (south, west), (north, east) = bounds

    def merc_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = math.radians(east - west)
    span_y = merc_y(north) - merc_y(south)
    # At zoom z the world is 256 * 2**z px wide, i.e. 2*pi radians of longitude.
    zoom_x = math.log2(margin * width_px * 2 * math.pi / (256 * span_x))
    zoom_y = math.log2(margin * height_px * 2 * math.pi / (256 * span_y))
    return math.floor(min(zoom_x, zoom_y) / snap) * snap


def base_map(
    bounds: tuple[tuple[float, float], tuple[float, float]] = WALES_BOUNDS,
    *,
    height_px: int = 640,
    attribution: str = "",
    scale_bar: bool = True,
    reset_label: str = "Reset view",
    wheel_hint: str = "",
    fit_bounds: tuple[tuple[float, float], tuple[float, float]] | None = None,
) -> OfflineMap:
    """An empty offline map showing ``bounds`` in a map ``height_px`` tall, with no tiles.

    ``fit_bounds`` (default ``bounds``) is what a map narrower than usual (a phone) zooms out
    to show in full: the areas' own extent, islands included (``static/map_controls.js``).

    ``scale_bar`` is for geographic maps only: the tile map has no scale. ``reset_label``
    names the reset-view button and ``wheel_hint`` is shown briefly when the mouse wheel
    scrolls the page over the map (``static/map_controls.js``); both in the page's language.
    """
    (south, west), (north, east) = bounds
    m = OfflineMap(
        view_bounds=bounds,
        control_scale=scale_bar,
        location=[round((south + north) / 2, 4), round((west + east) / 2, 4)],
        zoom_start=fit_zoom(bounds, height_px),
        min_zoom=6,
        max_zoom=12,
        zoom_snap=0.25,
        zoom_delta=0.5,
        attr=None,
        reset_view_label=reset_label,
        wheel_hint=wheel_hint,
        mash_view_bounds=[list(corner) for corner in (fit_bounds or bounds)],
    )
    # A mouse click must not leave the browser's focus rectangle round an area;
    # keyboard focus still shows it (explorer/printing/styles.py).
    m.get_root().header.add_child(folium.Element(f"<style>{MAP_DOCUMENT_CSS}</style>"))
    if attribution:
        # An empty layer whose only job is to put the attribution in Leaflet's control.
        folium.GeoJson(
            {"type": "FeatureCollection", "features": []},
            name="attribution",
            control=False,
            attribution=html.escape(attribution),
        ).add_to(m)
    return m


class _AreasHandle(folium.MacroElement):
    """Names the authorities' layer ``window.mashAreas``, so an overlay can restyle the
    areas (:func:`coverage_js`) instead of drawing them again."""

    _template = Template(
        "{% macro script(this, kwargs) %}window.mashAreas = {{ this._parent.get_name() }};"
        "{% endmacro %}"
    )


def add_areas(
    m: folium.Map,
    geojson: str,
    fill_by_code: Mapping[str, str],
    tooltip_by_code: Mapping[str, str],
    *,
    name: str = "authorities",
    hatch_codes: Sequence[str] = (),
) -> folium.GeoJson:
    """Authorities filled by ``fill_by_code`` (hex colours), with a one-line tooltip each.

    Authorities in ``hatch_codes`` get a dashed edge: a second cue besides colour.
    """
    props = {code: {"tip": tip} for code, tip in tooltip_by_code.items()}
    fc = _feature_collection(geojson, props)
    hatched = frozenset(hatch_codes)

    def style(feature: dict) -> dict:
        code = feature["properties"]["code"]
        return {
            "fillColor": fill_by_code.get(code, "#FFFFFF"),
            "fillOpacity": 0.85,
            "color": AREA_EDGE,
            "weight": 1,
            "dashArray": "4 3" if code in hatched else None,
        }

    def highlight(_feature: dict) -> dict:
        return {"weight": 3, "color": "#000000"}

    layer = folium.GeoJson(
        fc,
        name=name,
        style_function=style,
        highlight_function=highlight,
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        control=False,
    )
    _AreasHandle().add_to(layer)
    layer.add_to(m)
    return layer


def add_outline(m: folium.Map, outline: Outline) -> folium.GeoJson:
    """Draw a dissolved outline (no fill, not clickable) on top of the areas."""
    colour, weight, dash = outline.colour, outline.weight, outline.dash

    def style(_feature: dict) -> dict:
        return {"fill": False, "color": colour, "weight": weight, "dashArray": dash}

    layer = folium.GeoJson(
        json.loads(outline.geojson),
        name=outline.name,
        style_function=style,
        interactive=False,
        control=False,
    )
    layer.add_to(m)
    return layer


def add_labels(
    m: folium.Map,
    points: Mapping[str, tuple[float, float]],
    text_by_code: Mapping[str, str],
    large: bool = False,
) -> folium.FeatureGroup:
    """Text labels (escaped) at the given points: authority names on the tile map, and on the
    geographic map when names are switched on; ``large`` for a projector."""
    group = folium.FeatureGroup(name="labels", control=False)
    box = (136, 46) if large else (90, 30)
    for code in sorted(points):
        if code not in text_by_code:
            continue
        lat, lon = points[code]
        folium.Marker(
            [lat, lon],
            icon=folium.DivIcon(
                html=f'<div class="tile-label{" big" if large else ""}">'
                f"{html.escape(text_by_code[code])}</div>",
                icon_size=box,
                icon_anchor=(box[0] // 2, box[1] // 2),
                class_name="tile-label-icon",
            ),
            interactive=False,
        ).add_to(group)
    group.add_to(m)
    return group


#: Leader line from an area to its name when the name sits off the area.
LEADER_STYLE = {"color": "#333333", "weight": 1.2, "opacity": 0.9}


def _extent(geojson: str, bounds: tuple[tuple[float, float], tuple[float, float]]
            ) -> tuple[tuple[float, float], tuple[float, float]]:
    """The smallest box holding both ``bounds`` and every area of ``geojson``."""
    from geo.layers import bounds as area_bounds

    (s1, w1), (n1, e1) = bounds
    (s2, w2), (n2, e2) = area_bounds(geojson)
    return ((float(min(s1, s2)), float(min(w1, w2))), (float(max(n1, n2)), float(max(e1, e2))))


def add_placed_names(m: folium.Map, placed: Sequence, large: bool = False
                     ) -> folium.FeatureGroup:
    """Names placed by :func:`geo.map_labels.place_names` (escaped, one line each), each in a
    box of its measured size, with a leader line where a name had to leave its area."""
    group = folium.FeatureGroup(name="labels", control=False)
    leaders = [
        {"type": "Feature", "properties": {},
         "geometry": {"type": "LineString",
                      "coordinates": [[lon, lat] for lat, lon in name.leader]}}
        for name in placed if name.leader is not None
    ]
    if leaders:
        # One layer, never clickable: a click on a line must still reach the area below.
        folium.GeoJson({"type": "FeatureCollection", "features": leaders}, name="leaders",
                       style_function=lambda _f: dict(LEADER_STYLE), interactive=False,
                       control=False).add_to(group)
    for name in placed:
        w, h = name.size_px
        folium.Marker(
            list(name.at),
            icon=folium.DivIcon(
                html=f'<div class="map-name{" big" if large else ""}">'
                + "<br>".join(html.escape(line) for line in name.lines) + "</div>",
                icon_size=(w, h), icon_anchor=(w // 2, h // 2), class_name="map-name-icon",
            ),
            interactive=False,
        ).add_to(group)
    group.add_to(m)
    return group


#: Style of the chosen authority's outline on the status map.
SELECTION_STYLE = {"fill": False, "color": SELECTED_EDGE, "weight": 4}


def overlay_js(fills: Mapping[str, str | Mapping] | None = None,
               shapes: Sequence[Mapping] = ()) -> str:
    """Leaflet code for ``st_folium(feature_group_to_add=...)``-style overlays, written here
    instead of by folium: a few hundred bytes of data for ``mashOverlay`` in
    ``static/map_controls.js``, which restyles the areas (``fills``: code to a colour, or to
    Leaflet style options such as a dashed edge) and
    draws ``shapes`` in one feature group that the map component replaces on every change.

    >>> overlay_js({"W06000001": "#0072B2"})
    'mashOverlay(map_div,{"fills":{"W06000001":"#0072B2"},"shapes":[]});'
    """
    data = {"fills": dict(sorted((fills or {}).items())), "shapes": list(shapes)}
    return f"mashOverlay(map_div,{json.dumps(data, separators=(',', ':'))});"


def selection_js(geojson: str, code: str | None) -> str:
    """An overlay outlining one authority: a new selection redraws only this, never the map.

    >>> selection_js('{"type":"FeatureCollection","features":[]}', None)
    'mashOverlay(map_div,{"fills":{},"shapes":[]});'
    """
    shapes = []
    if code:
        for feature in json.loads(geojson)["features"]:
            if feature["properties"]["code"] == code:
                shapes.append({"kind": "geojson", "geojson": feature["geometry"],
                               "style": SELECTION_STYLE})
    return overlay_js(None, shapes)


def status_map(
    geojson: str,
    status_by_code: Mapping[str, str],
    tooltip_by_code: Mapping[str, str],
    *,
    outlines: Sequence[Outline] = (),
    labels: tuple[Mapping[str, tuple[float, float]], Mapping[str, str]] | None = None,
    large_labels: bool = False,
    bounds: tuple[tuple[float, float], tuple[float, float]] = WALES_BOUNDS,
    height_px: int = 640,
    attribution: str = "",
    scale_bar: bool = True,
    reset_label: str = "Reset view",
    wheel_hint: str = "",
    placed_names: Sequence = (),
) -> OfflineMap:
    """The status map: authorities coloured by MASH status, outlines on top, optional labels
    (tile labels at fixed points, or ``placed_names`` from :mod:`geo.map_labels`).

    A ceased MASH also gets a dashed edge, so the status never rests on colour alone
    (the tooltip, legend and table carry it in words too).
    """
    m = base_map(bounds, height_px=height_px, attribution=attribution, scale_bar=scale_bar,
                 reset_label=reset_label, wheel_hint=wheel_hint,
                 fit_bounds=_extent(geojson, bounds))
    fills = {code: STATUS_COLOURS[status] for code, status in status_by_code.items()}
    ceased = [c for c, s in status_by_code.items() if s == "mash_ceased"]
    add_areas(m, geojson, fills, tooltip_by_code, hatch_codes=ceased)
    for outline in outlines:
        add_outline(m, outline)
    if labels is not None:
        add_labels(m, *labels, large=large_labels)
    if placed_names:
        add_placed_names(m, placed_names, large=large_labels)
    return m


#: On the tile map, hubs and lines sit this far (degrees of latitude, about a third of a
#: tile) below each tile's label, so the label never hides a host.
TILE_ANCHOR_DROP = 0.09


def anchor_points(
    authorities, tile_points: Mapping[str, tuple[float, float]] | None
) -> dict[str, tuple[float, float]]:
    """Where hubs and lines are drawn: each main council office on the geographic map, or
    just below the label of each tile on the tile map."""
    if tile_points:
        return {code: (round(lat - TILE_ANCHOR_DROP, 4), lon)
                for code, (lat, lon) in tile_points.items()}
    return {a.code: (a.office_lat, a.office_lon) for a in authorities}


def planner_base_map(
    geojson: str,
    tooltip_by_code: Mapping[str, str],
    *,
    labels: tuple[Mapping[str, tuple[float, float]], Mapping[str, str]] | None = None,
    large_labels: bool = False,
    bounds: tuple[tuple[float, float], tuple[float, float]] = WALES_BOUNDS,
    height_px: int = 600,
    attribution: str = "",
    scale_bar: bool = True,
    reset_label: str = "Reset view",
    wheel_hint: str = "",
    placed_names: Sequence = (),
) -> OfflineMap:
    """The planner's base map: every authority in a neutral fill, clickable, with a tooltip.

    It depends only on boundaries and language, so it is built once per process and stays
    mounted while the scenario changes; the coverage is drawn by :func:`coverage_js`.
    """
    m = base_map(bounds, height_px=height_px, attribution=attribution, scale_bar=scale_bar,
                 reset_label=reset_label, wheel_hint=wheel_hint,
                 fit_bounds=_extent(geojson, bounds))
    neutral = COVERAGE_COLOURS["not_covered"]
    add_areas(m, geojson, dict.fromkeys(tooltip_by_code, neutral), tooltip_by_code)
    if labels is not None:
        add_labels(m, *labels, large=large_labels)
    if placed_names:
        add_placed_names(m, placed_names, large=large_labels)
    return m


def coverage_js(
    classes: Mapping[str, str],
    hubs: Sequence[HubLink],
    points: Mapping[str, tuple[float, float]],
) -> str:
    """The planner's overlay: every authority refilled by its coverage class, hub hosts as
    circles and lines from host to member (dashed orange: left out by the distance limit).
    Nothing in it takes clicks, so a click still reaches the authority underneath."""
    shapes: list[dict] = []
    line = {"color": HUB_COLOUR, "weight": 2, "opacity": 0.9, "interactive": False}
    left_out = {**line, "color": "#D55E00", "dashArray": "6 6"}
    for hub in hubs:
        if hub.host is not None and hub.host in points:
            start = list(points[hub.host])
            for code in hub.members:
                if code != hub.host and code in points:
                    shapes.append({"kind": "line", "latlngs": [start, list(points[code])],
                                   "style": line})
            for code in hub.excluded:
                if code in points:
                    shapes.append({"kind": "line", "latlngs": [start, list(points[code])],
                                   "style": left_out})
            shapes.append({"kind": "circle", "latlng": start, "style": {
                "radius": 8, "color": HUB_COLOUR, "weight": 3, "fill": True,
                "fillColor": "#FFFFFF", "fillOpacity": 1, "interactive": False}})
        else:
            for code in hub.members:
                if code in points:
                    shapes.append({"kind": "circle", "latlng": list(points[code]), "style": {
                        "radius": 5, "color": HUB_COLOUR, "weight": 2, "fill": True,
                        "fillColor": HUB_COLOUR, "fillOpacity": 1, "interactive": False}})
    # Newly covered areas also get a dashed edge: not told apart by colour alone.
    fills = {code: {"fillColor": COVERAGE_COLOURS[k], "dashArray": "5 3", "weight": 2}
             if k == "newly_covered" else COVERAGE_COLOURS[k] for code, k in classes.items()}
    return overlay_js(fills, shapes)


_COUNT_LABEL_STYLE = ("font:700 13px/18px sans-serif;color:#111;background:#fff;"
                      "border:1px solid #333;border-radius:3px;text-align:center;width:24px")


def count_class(n: int, total: int) -> int:
    """Index into :data:`COUNT_COLOURS`: 0 for none, then quarters of ``total`` entries.

    >>> [count_class(n, 8) for n in (0, 1, 2, 3, 4, 6, 8)]
    [0, 1, 1, 2, 2, 3, 4]
    """
    if n <= 0 or total <= 0:
        return 0
    return min(4, max(1, math.ceil(4 * n / total)))


def count_fills(counts: Mapping[str, int], total: int) -> dict[str, str]:
    """Fill colour per authority from how many of ``total`` entries cover it."""
    return {code: COUNT_COLOURS[count_class(n, total)] for code, n in counts.items()}


def count_js(
    counts: Mapping[str, int],
    total: int,
    points: Mapping[str, tuple[float, float]],
) -> str:
    """The workshop board's overlay on the planner's base map (rendered once per process):
    each authority filled by how many of ``total`` entries cover it, with that number on it
    (none: no fill, no number). A few hundred bytes, redrawn without remounting the map.

    >>> count_js({"W06000023": 2}, 4, {"W06000023": (52.3, -3.4)})[:60]
    'mashOverlay(map_div,{"fills":{"W06000023":"#6BAED6"},"shapes'
    """
    fills = {code: colour for code, colour in count_fills(counts, total).items()
             if counts.get(code, 0) > 0}
    shapes = [
        {"kind": "label", "latlng": list(points[code]), "text": str(int(counts[code])),
         "css": _COUNT_LABEL_STYLE, "className": "count-label", "size": [26, 20],
         "anchor": [13, 10]}
        for code in sorted(points) if counts.get(code, 0) > 0
    ]
    return overlay_js(fills, shapes)
