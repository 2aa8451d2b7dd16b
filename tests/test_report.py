"""The printable briefing and its SVG map: self-contained, escaped, complete."""

import re

from explorer import planner
from explorer.coverage import evaluate_scenario
from explorer.data import load_dataset
from explorer.report import briefing_html
from explorer.scenario import parse_scenario
from geo.maps import COVERAGE_COLOURS, HubLink
from geo.svg import coverage_svg

DS = load_dataset()
SQUARES = (
    '{"type":"FeatureCollection","features":['
    '{"type":"Feature","properties":{"code":"W06000023"},"geometry":{"type":"Polygon",'
    '"coordinates":[[[-4,52],[-3,52],[-3,53],[-4,53],[-4,52]]]}},'
    '{"type":"Feature","properties":{"code":"W06000008"},"geometry":{"type":"Polygon",'
    '"coordinates":[[[-5,52],[-4,52],[-4,53],[-5,53],[-5,52]]]}}]}'
)


def test_svg_fills_lines_and_host():
    svg = coverage_svg(SQUARES, {"W06000023": "#009E73"},
                       [HubLink("H", "regional", "W06000023", ("W06000023", "W06000008"))],
                       {"W06000023": (52.5, -3.5), "W06000008": (52.5, -4.5)}, width_px=200)
    assert svg.count("<path") == 2 and 'fill="#009E73"' in svg and 'fill="#FFFFFF"' in svg
    assert svg.count("<line") == 1 and svg.count("<circle") == 1
    assert 'width="200"' in svg and "<script" not in svg


def test_briefing_escapes_hub_names_and_has_every_part():
    s = parse_scenario({"name": "Plan <b>A</b>", "max_travel_km": 50, "hubs": [
        {"name": "<img src=x onerror=alert(1)>", "model": "regional",
         "authorities": ["Powys", "Ceredigion"], "host": "Powys"}]}, DS)
    result = evaluate_scenario(s, DS)
    page = briefing_html(s, result, DS, coverage_svg(SQUARES, {}), attribution="ONS",
                         colours=COVERAGE_COLOURS, lang="en")
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Plan &lt;b&gt;A&lt;/b&gt;" in page
    assert "<script" not in page and not re.search(r'(src|href)="https?://', page)
    for part in ("of 22 authorities covered", "Per hub", "Assumptions", "Sources", "50 km",
                 "31 May 2019", "ONS"):
        assert part in page, part
    # Ceredigion office to Powys office is about 75 km: outside a 50 km limit.
    assert "Ceredigion (hub" in page and "over the 50 km limit" in page


def test_hub_rows_name_boards_and_forces():
    s = parse_scenario({"name": "G", "hubs": [{"name": "Gwent", "model": "regional",
                        "authorities": ["Newport", "Torfaen"], "host": "Newport"}]}, DS)
    rows = planner.hub_rows(evaluate_scenario(s, DS), DS, "en")
    assert rows[0]["Host"] == "Newport" and rows[0]["Police forces"] == "Gwent Police"
    assert rows[0]["Health boards"] == "Aneurin Bevan University Health Board"
