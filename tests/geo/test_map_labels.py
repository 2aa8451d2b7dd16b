"""Names on the geographic map: placed without overlap, near their areas, with leader lines."""

import json

import pytest
from streamlit_folium import _get_map_string

from explorer.data import load_dataset
from explorer.printing.svg_map import Box
from geo import maps
from geo.boundaries import load_bundled
from geo.layers import bounds as area_bounds
from geo.layers import label_points
from geo.map_labels import place_names, to_lat_lon, to_px

DS = load_dataset()
GEOJSON = load_bundled().geojson
NAMES = {a.code: a.name_en for a in DS.authorities}


def boxes_px(placed, zoom):
    out = {}
    for p in placed:
        x, y = (float(v) for v in to_px(p.at[1], p.at[0], zoom))
        out[p.code] = Box(x, y, p.size_px[0] / 2, p.size_px[1] / 2)
    return out


@pytest.fixture(scope="module", params=[(640, False), (700, True)], ids=["laptop", "projector"])
def placed(request):
    height, large = request.param
    return height, place_names(GEOJSON, NAMES, maps.WALES_BOUNDS, height, large)


def test_every_authority_is_named_once_and_no_two_names_overlap(placed):
    height, names = placed
    assert sorted(p.code for p in names) == sorted(NAMES)
    boxes = boxes_px(names, maps.fit_zoom(maps.WALES_BOUNDS, height))
    codes = sorted(boxes)
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            # Coordinates are rounded to about a metre: allow a pixel.
            shrunk = Box(boxes[a].x, boxes[a].y, boxes[a].hw - 0.5, boxes[a].hh - 0.5)
            assert not shrunk.overlaps(boxes[b]), (NAMES[a], NAMES[b])


def test_a_name_off_its_area_has_a_leader_line_from_the_area(placed):
    height, names = placed
    zoom = maps.fit_zoom(maps.WALES_BOUNDS, height)
    anchors = label_points(GEOJSON)
    boxes = boxes_px(names, zoom)
    for p in names:
        ax, ay = (float(v) for v in to_px(anchors[p.code][1], anchors[p.code][0], zoom))
        if boxes[p.code].contains(ax, ay, 1):
            continue
        assert p.leader is not None, NAMES[p.code]
        assert p.leader[0] == pytest.approx(anchors[p.code], abs=1e-4)
    # The south-east valleys are too small for their names: some leave with a leader line.
    assert any(p.leader for p in names)


def test_placement_is_deterministic():
    a = place_names(GEOJSON, NAMES, maps.WALES_BOUNDS, 640)
    assert a == place_names(GEOJSON, NAMES, maps.WALES_BOUNDS, 640)


def test_projection_round_trip():
    x, y = to_px(-3.5, 52.0, 7.75)
    assert to_lat_lon(float(x), float(y), 7.75) == (52.0, -3.5)


def test_the_map_draws_escaped_names_and_leader_lines():
    evil = {code: "<b>x</b> & y" for code in NAMES}
    names = place_names(GEOJSON, evil, maps.WALES_BOUNDS, 640)
    m = maps.status_map(GEOJSON, {c: "no_mash" for c in NAMES}, {c: "" for c in NAMES},
                        placed_names=names)
    m.get_root().render()
    script = _get_map_string(m)
    assert "<b>x</b>" not in script and "\\u0026lt;b\\u0026gt;x" in script
    leaders = sum(1 for p in names if p.leader)
    assert leaders and script.count('"LineString"') == leaders
    assert '"interactive": false' in script


def test_a_narrow_map_is_told_the_areas_whole_extent():
    """Pembrokeshire's islands lie west of the view bounds the first zoom is worked out for;
    the bounds a phone zooms out to (static/map_controls.js) include them."""
    m = maps.status_map(GEOJSON, {c: "no_mash" for c in NAMES}, {c: "" for c in NAMES})
    (south, west), (north, east) = (tuple(c) for c in m.options["mash_view_bounds"])
    (s2, w2), (n2, e2) = area_bounds(GEOJSON)
    assert west <= w2 < maps.WALES_BOUNDS[0][1] and south <= s2 and north >= n2 and east >= e2
    assert json.dumps(m.options["mash_view_bounds"])  # plain numbers, for the map options
