"""The workshop board's map of entries per authority, and its printable SVG (tile geometry)."""

from __future__ import annotations

import json
from pathlib import Path

from explorer.printing.svg_map import coverage_svg
from geo import maps

TILES = (Path(__file__).resolve().parents[1] / "geo" / "tiles_wales.geojson").read_text()
CODES = [f["properties"]["code"] for f in json.loads(TILES)["features"]]


def test_count_classes_and_fills():
    assert [maps.count_class(n, 4) for n in range(5)] == [0, 1, 2, 3, 4]
    assert maps.count_class(3, 0) == 0 and maps.count_class(-1, 5) == 0
    assert maps.count_fills({"A": 0, "B": 1, "C": 10}, 10) == {
        "A": "#F2F2F2", "B": "#C6DBEF", "C": "#08306B"}


def test_count_overlay_shades_and_numbers_only_covered_authorities():
    counts = dict.fromkeys(CODES, 0) | {CODES[0]: 3, CODES[1]: 1}
    points = {c: (52.0 + i / 10, -3.5) for i, c in enumerate(CODES)}
    js = maps.count_js(counts, 4, points)
    assert js.startswith("mashOverlay(map_div,") and js.endswith(");")
    data = json.loads(js[len("mashOverlay(map_div,"):-2])
    assert data["fills"] == {CODES[0]: "#2171B5", CODES[1]: "#C6DBEF"}  # 3 and 1 of 4
    assert [(s["kind"], s["text"], s["latlng"]) for s in data["shapes"]] == [
        ("label", "3", [52.0, -3.5]), ("label", "1", [52.1, -3.5])]  # none where 0


def test_the_map_script_sets_labels_as_text():
    script = (Path(__file__).resolve().parents[1] / "static" / "map_controls.js").read_text()
    label = script[script.index('s.kind === "label"'):]
    label = label[:label.index("addTo(group)")]
    assert "div.textContent = s.text" in label and "innerHTML" not in label


def test_summary_map_takes_colours_and_numbers():
    counts = {CODES[0]: 2}
    svg = coverage_svg(TILES, maps.count_fills(dict.fromkeys(CODES, 0) | counts, 2),
                       names={CODES[0]: "2"})
    assert svg.startswith("<svg") and 'fill="#08306B"' in svg and 'fill="#F2F2F2"' in svg
    assert ">2<" in svg
