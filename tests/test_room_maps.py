"""The workshop board's map of entries per authority, and its printable SVG (tile geometry)."""

from __future__ import annotations

import json
from pathlib import Path

from geo import maps
from geo.svg import coverage_svg

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
    group = maps.count_overlay(TILES, counts, 4, points)
    m = maps.base_map()
    group.add_to(m)
    page = m.get_root().render()
    labels = [child for child in group._children.values()
              if type(child).__name__ == "Marker"]
    assert len(labels) == 2  # no number on authorities no entry covers
    shown = page.replace("\\u003c", "<").replace("\\u003e", ">")  # as JSON in the script
    assert ">3</div>" in shown and ">1</div>" in shown and ">0</div>" not in shown
    assert "#2171B5" in page and "#C6DBEF" in page  # 3 of 4 and 1 of 4 entries


def test_summary_map_takes_colours_and_numbers():
    counts = {CODES[0]: 2}
    svg = coverage_svg(TILES, maps.count_fills(dict.fromkeys(CODES, 0) | counts, 2),
                       names={CODES[0]: "2"})
    assert svg.startswith("<svg") and 'fill="#08306B"' in svg and 'fill="#F2F2F2"' in svg
    assert ">2<" in svg
