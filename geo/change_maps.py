"""The editions' "what changed" map (pure folium builder, like :mod:`geo.maps`)."""

from __future__ import annotations

from collections.abc import Mapping

from geo.assets import OfflineMap
from geo.maps import AREA_EDGE, WALES_BOUNDS, add_areas, add_labels, base_map

#: The "what changed" map: a fill, an edge pattern and a symbol per kind of change (never
#: colour alone), in the order of :data:`explorer.editions.diff.AUTHORITY_KINDS`.
CHANGE_STYLES: dict[str, tuple[str, str | None, str]] = {
    "gained": ("#009E73", None, "+"),
    "lost": ("#D55E00", "8 4", "\u2212"),
    "status": ("#E69F00", "2 4", "\u00b1"),
    "hub": ("#56B4E9", "10 3 2 3", "\u21c4"),
    "details": ("#CCCCCC", "1 3", "\u270e"),
}


def changes_map(
    geojson: str,
    kind_by_code: Mapping[str, str],
    tooltip_by_code: Mapping[str, str],
    points: Mapping[str, tuple[float, float]],
    *,
    bounds: tuple[tuple[float, float], tuple[float, float]] = WALES_BOUNDS,
    height_px: int = 520,
    attribution: str = "",
    scale_bar: bool = True,
    reset_label: str = "Reset view",
    wheel_hint: str = "",
) -> OfflineMap:
    """Authorities whose position changed between two editions: each kind of change has its
    fill, its dashed-edge pattern and a symbol written on the authority; unchanged ones are
    white. The tooltip (one per authority, changed or not) names the change in words.

    >>> from geo.boundaries import load_tiles
    >>> from geo.layers import label_points
    >>> tiles = load_tiles().geojson
    >>> points = label_points(tiles)
    >>> m = changes_map(tiles, {"W06000023": "gained"}, {c: c for c in points}, points)
    >>> html_text = m.get_root().render()
    >>> "#009E73" in html_text, html_text.count("iconSize")  # one symbol: Powys
    (True, 1)
    """
    m = base_map(bounds, height_px=height_px, attribution=attribution, scale_bar=scale_bar,
                 reset_label=reset_label, wheel_hint=wheel_hint)
    fills = {code: CHANGE_STYLES[kind][0] for code, kind in kind_by_code.items()}
    layer = add_areas(m, geojson, fills, tooltip_by_code, name="changes")
    dashes = {code: CHANGE_STYLES[kind][1] for code, kind in kind_by_code.items()}

    def style(feature: dict) -> dict:
        code = feature["properties"]["code"]
        changed = code in kind_by_code
        return {"fillColor": fills.get(code, "#FFFFFF"), "fillOpacity": 0.85,
                "color": "#000000" if changed else AREA_EDGE, "weight": 3 if changed else 1,
                "dashArray": dashes.get(code)}

    layer.style_function = style
    symbols = {code: CHANGE_STYLES[kind][2] for code, kind in kind_by_code.items()}
    add_labels(m, {c: p for c, p in points.items() if c in symbols}, symbols)
    return m
