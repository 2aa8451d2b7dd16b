"""Map builders: offline, escaped, deterministic, small."""

import json
import re

import pytest
from streamlit_folium import _get_map_string

from explorer.planner import HubLink, hub_links
from explorer.printing import palette
from geo import layers, maps
from geo.assets import (
    LEAFLET_CSS_URL,
    LEAFLET_JS_URL,
    MAP_CONTROLS_URL,
    STATIC_DIR,
    OfflineMap,
    leaflet_package_dir,
    missing_assets,
)
from geo.boundaries import load_tiles

TILES = load_tiles().geojson


def leaflet_js(m) -> str:
    """The Leaflet code st_folium sends: it renders the figure first, as st_folium does."""
    m.get_root().render()
    return _get_map_string(m)
CODES = [f["properties"]["code"] for f in json.loads(TILES)["features"]]


def status_map(tooltips=None):
    status = {c: "no_mash" for c in CODES} | {"W06000015": "mash", "W06000006": "mash_ceased"}
    tips = tooltips or {c: f"Area {c}" for c in CODES}
    forces = layers.dissolve(TILES, {c: c[-1] for c in CODES}, close_gaps=0.02)
    return maps.status_map(TILES, status, tips, outlines=[maps.Outline("f", forces, "#000", 2)])


def test_offline_map_loads_only_local_leaflet():
    m = OfflineMap()
    html = m.get_root().render()
    assert re.findall(r'(?:src|href)="([^"]+)"', html) == [
        LEAFLET_JS_URL, MAP_CONTROLS_URL, LEAFLET_CSS_URL]
    assert (STATIC_DIR / "map_controls.js").is_file()  # committed, served by the app
    assert "openstreetmap" not in html.lower() and "cdn" not in html.lower()


def test_asset_urls_are_relative_to_the_map_component_page():
    """The st_folium iframe's page is <app>/component/streamlit_folium.st_folium/index.html,
    so these resolve under any prefix (/mash, Cloud's /~/+) and never at the site's root."""
    from urllib.parse import urljoin

    page = "https://h.example/~/+/component/streamlit_folium.st_folium/index.html?x=1"
    assert urljoin(page, LEAFLET_JS_URL) == (
        "https://h.example/~/+/component/mash_wales_explorer.leaflet/leaflet.js")
    assert urljoin(page, MAP_CONTROLS_URL) == "https://h.example/~/+/app/static/map_controls.js"
    for url in (LEAFLET_JS_URL, LEAFLET_CSS_URL, MAP_CONTROLS_URL):
        assert not url.startswith("/")


def test_leaflet_comes_from_the_pinned_package_and_nothing_is_copied():
    folder = leaflet_package_dir()
    assert (folder / "leaflet.js").stat().st_size > 100_000
    assert (folder / "leaflet.css").is_file() and (folder / "images" / "layers.png").is_file()
    assert missing_assets() == []


def test_missing_static_files_are_named(tmp_path):
    (tmp_path / "favicon.png").write_bytes(b"x")
    assert missing_assets(tmp_path) == ["static/map_controls.js is missing"]


def test_map_script_has_no_external_url_and_all_areas():
    script = leaflet_js(status_map())
    assert not re.search(r"https?://", script)
    for code in CODES:
        assert code in script
    colours = palette.STATUS_COLOURS
    assert colours["mash"] in script and colours["mash_ceased"] in script


def test_same_input_gives_the_same_leaflet_code():
    a, b = leaflet_js(status_map()), leaflet_js(status_map())
    norm = lambda s: re.sub(r"_[0-9a-f]{32}", "", s)  # noqa: E731 folium's random ids
    assert norm(a) == norm(b)


def test_hostile_text_is_escaped_in_tooltips_and_labels():
    evil = "<script>window.__pwned=1</script>"
    tips = {c: evil for c in CODES}
    script = leaflet_js(status_map(tips))
    assert "<script>window" not in script
    # html.escape, then JSON-in-script escaping: the tooltip's innerHTML gets "&lt;script&gt;".
    assert "\\u0026lt;script\\u0026gt;window.__pwned=1" in script
    m = maps.base_map()
    maps.add_labels(m, {"W06000001": (53.0, -4.0)}, {"W06000001": evil})
    assert evil not in m.get_root().render()


def test_fit_zoom_fits_wales_and_grows_with_height():
    assert maps.fit_zoom(maps.WALES_BOUNDS, 640) == 7.75
    assert maps.fit_zoom(maps.WALES_BOUNDS, 300) < 7.75
    with pytest.raises(ZeroDivisionError):
        maps.fit_zoom(((52, -4), (52, -4)), 500)


def _overlay(js: str) -> dict:
    """The data an overlay hands to ``mashOverlay`` in static/map_controls.js."""
    assert js.startswith("mashOverlay(map_div,") and js.endswith(");")
    return json.loads(js[len("mashOverlay(map_div,"):-2])


def test_coverage_js_refills_areas_and_draws_hosts_and_lines():
    points = layers.label_points(TILES)
    classes = {c: "not_covered" for c in CODES} | {"W06000023": "newly_covered",
                                                   "W06000008": "newly_covered"}
    data = _overlay(maps.coverage_js(
        classes,
        [HubLink("H", "regional", "W06000023", ("W06000023", "W06000008"),
                      ("W06000009",))],
        points))
    # Newly covered: green and a dashed edge (not told apart by colour alone).
    newly = {"fillColor": "#009E73", "dashArray": "5 3", "weight": 2}
    assert data["fills"] == {c: "#F2F2F2" for c in CODES} | {"W06000023": newly,
                                                             "W06000008": newly}
    kinds = [(s["kind"], s["style"]["color"]) for s in data["shapes"]]
    # One member line (black), one left-out line (orange, dashed), the host circle.
    assert kinds == [("line", "#000000"), ("line", "#D55E00"), ("circle", "#000000")]
    assert data["shapes"][1]["style"]["dashArray"] == "6 6"
    assert data["shapes"][0]["latlngs"] == [list(points["W06000023"]),
                                            list(points["W06000008"])]
    # Nothing in the overlay takes clicks, so a click still selects the authority below.
    assert all(s["style"]["interactive"] is False for s in data["shapes"])
    # No geometry is sent again: a few hundred bytes, whatever the scenario.
    assert len(maps.coverage_js(classes, [], points)) < 1_000


def test_selection_js_outlines_one_authority():
    data = _overlay(maps.selection_js(TILES, "W06000015"))
    (shape,) = data["shapes"]
    assert shape["kind"] == "geojson" and shape["style"] == maps.SELECTION_STYLE
    assert shape["geojson"] == json.loads(TILES)["features"][CODES.index("W06000015")][
        "geometry"]
    assert data["fills"] == {}
    assert _overlay(maps.selection_js(TILES, None)) == {"fills": {}, "shapes": []}


def test_areas_layer_is_named_for_overlays():
    m = maps.planner_base_map(TILES, {c: c for c in CODES}, reset_label="Ailosod y golwg")
    script = leaflet_js(m)
    assert re.search(r"window\.mashAreas = geo_json_[\w]+;", script)
    assert '"resetViewLabel": "Ailosod y golwg"' in script


def test_dissolve_forces_gives_one_outline_per_group():
    out = json.loads(layers.dissolve(TILES, {c: ("a" if c < "W06000012" else "b")
                                             for c in CODES}, close_gaps=0.02))
    assert [f["properties"]["group"] for f in out["features"]] == ["a", "b"]


def test_hub_links_and_anchor_points_from_a_result():
    from explorer.coverage import evaluate_scenario
    from explorer.data import load_dataset
    from explorer.scenario import parse_scenario

    ds = load_dataset()
    s = parse_scenario({"name": "x", "max_travel_km": 50, "hubs": [
        {"name": "MW", "model": "regional", "authorities": ["Powys", "Ceredigion", "Wrexham"],
         "host": "Powys"}]}, ds)
    (link,) = hub_links(evaluate_scenario(s, ds))
    assert link.host == "W06000023" and link.members == ("W06000023",)
    assert set(link.excluded) == {"W06000008", "W06000006"}  # both over 50 km from Powys
    offices = maps.anchor_points(ds.authorities, None)
    assert offices["W06000023"] == (52.24354, -3.38547)
    # On the tile map: just below the tile's label.
    assert maps.anchor_points(ds.authorities, {"W06000023": (52.0, -3.0)}) == {
        "W06000023": (52.0 - maps.TILE_ANCHOR_DROP, -3.0)}


def test_map_data_moves_to_a_file_the_script_names():
    m = maps.base_map(height_px=400)
    maps.add_areas(m, TILES, {}, {c: "tip" for c in CODES})
    full = m.get_root().render()
    script, data = maps.map_data_js(m, full)
    name = re.search(r'window\["(mashMapData_[0-9a-f]{16})"\]\[0\]', script).group(1)
    assert data.startswith(f'window["{name}"]=[{{') and data.endswith("];\n")
    assert len(script) < len(full) - 4_000 and '"coordinates"' not in script
    # Put back, the data gives the original script.
    text = data[len(f'window["{name}"]=['):-3]
    assert script.replace(f'window["{name}"][0]', text) == full
    assert maps.map_data_js(m, full) == (script, data)  # deterministic


def test_map_data_is_compact_json():
    # The boundaries are most of what a map sends: no spaces after separators.
    m = maps.base_map(height_px=400)
    maps.add_areas(m, TILES, {}, {c: "tip" for c in CODES})
    script = m.get_root().render()
    assert '"coordinates":[[' in script
    assert '"coordinates": [' not in script
