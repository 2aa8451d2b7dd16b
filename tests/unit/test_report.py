"""The printable briefing and its SVG map: self-contained, escaped, complete."""

import re

from explorer import planner
from explorer.coverage import evaluate_scenario
from explorer.data import load_dataset
from explorer.planner import HubLink
from explorer.printing.briefing import PaperEdition, briefing_html
from explorer.printing.svg_map import coverage_svg
from explorer.scenario import parse_scenario

DS = load_dataset()
SQUARES = (
    '{"type":"FeatureCollection","features":['
    '{"type":"Feature","properties":{"code":"W06000023"},"geometry":{"type":"Polygon",'
    '"coordinates":[[[-4,52],[-3,52],[-3,53],[-4,53],[-4,52]]]}},'
    '{"type":"Feature","properties":{"code":"W06000008"},"geometry":{"type":"Polygon",'
    '"coordinates":[[[-5,52],[-4,52],[-4,53],[-5,53],[-5,52]]]}}]}'
)


def test_svg_fills_lines_and_host():
    svg = coverage_svg(SQUARES, {"W06000023": "newly_covered"},
                       [HubLink("H", "regional", "W06000023", ("W06000023", "W06000008"))],
                       {"W06000023": (52.5, -3.5), "W06000008": (52.5, -4.5)}, width_px=200)
    assert svg.count("<path") == 2 and 'fill="#009E73"' in svg and 'fill="#FFFFFF"' in svg
    drawn = svg.split("</defs>")[1]  # after the hatch pattern's definition
    assert drawn.count("<line") == 1 and drawn.count("<circle") == 1
    assert 'width="200"' in svg and "<script" not in svg


def test_briefing_escapes_hub_names_and_has_every_part():
    s = parse_scenario({"name": "Plan <b>A</b>", "max_travel_km": 50, "hubs": [
        {"name": "<img src=x onerror=alert(1)>", "model": "regional",
         "authorities": ["Powys", "Ceredigion"], "host": "Powys"}]}, DS)
    result = evaluate_scenario(s, DS)
    page = briefing_html(s, result, DS, coverage_svg(SQUARES, {}), attribution="ONS", lang="en")
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


# --- The briefing as a board paper ---------------------------------------------------------

import datetime as dt  # noqa: E402
import html as html_lib  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

from explorer.limits import MAX_HUBS, MAX_NAME_CHARS  # noqa: E402
from explorer.presets import load_presets  # noqa: E402
from explorer.printing.svg_map import briefing_svg, label_lines, place_labels, text_width  # noqa: E402
from explorer.scenario import (  # noqa: E402,I001
    encode_share,  # noqa: E402
    loads_scenario,
    share_token_or_none,
)

TILES = (Path(__file__).resolve().parents[2] / "geo" / "tiles_wales.geojson").read_text()
PRESETS = {p.key: p.scenario for p in load_presets(DS)}


def briefing(s, lang="en", **kw):
    result = evaluate_scenario(s, DS)
    svg = briefing_svg(TILES, result, DS, {}, lang, title=s.name)
    return briefing_html(s, result, DS, svg, attribution=kw.pop("attribution", "ONS"),
                         lang=lang, prepared=dt.date(2025, 3, 2), **kw)


def test_briefing_has_date_page_numbers_and_repeating_table_header():
    page = briefing(PRESETS["every_authority"])
    assert "Prepared 2 March 2025" in page
    assert "counter(page)" in page and "counter(pages)" in page and "@bottom-right" in page
    assert "thead{display:table-header-group}" in page and "tr{break-inside:avoid}" in page
    assert page.count("<thead>") == 1 and page.count("<tbody><tr>") == 1
    assert page.count("<tr>") == 1 + 22  # header + one row per MASH
    assert "MASHs proposed: <b>22</b>" in page and "3,107,489" in page
    assert "counts each authority once" in page  # why rows need not add up
    welsh = briefing(PRESETS["every_authority"], "cy")
    assert "Paratowyd 2 Mawrth 2025" in welsh and '"Tudalen\\000020" counter(page)' in welsh


def test_briefing_prints_the_share_link_escaped():
    s = PRESETS["mid_west_wales_regional"]
    page = briefing(s, app_url='http://10.0.0.5:8501/what-if?x="<b>')
    # the page's own query is dropped; the edition shown is always named (May 2019 too)
    link = html_lib.escape(f"http://10.0.0.5:8501/what-if?scenario={encode_share(s)}&asat=1")
    assert f'<a href="{link}">{link}</a>' in page
    assert '"<b>' not in page and "Scenario file" not in page and "<pre>" not in page
    page = briefing(s, app_url='https://h/what-if#"><img src=x>')
    assert "<img" not in page and 'href="https://h/what-if?scenario=' in page


def test_the_paper_follows_the_chosen_edition_and_states_it():
    """Issue 18: a paper made at a later edition states its date, id and title, compares the
    scenario with that position, and its link reopens that edition. (The edition's data is
    the caller's: here the May 2019 rows, under a plainly fictional edition's name.)"""
    s = PRESETS["mid_west_wales_regional"]
    may = briefing(s, app_url="https://h.example/what-if")
    assert "All statuses are as at 31 May 2019" in may and "Against May 2019" in may
    assert "edition 1" not in may and "&amp;asat=1" in may
    later = PaperEdition(id=3, as_at="2026-03-01", title="Test edition <b>")
    page = briefing(s, app_url="https://h.example/what-if", edition=later)
    assert "All statuses are as at 1 March 2026 (edition 3: Test edition &lt;b&gt;)." in page
    assert "Against the position as at 1 March 2026" in page
    assert "Against May 2019" not in page and "as at 31 May 2019" not in page
    assert "edition 3&#x27;s change records" in page
    assert f"?scenario={encode_share(s)}&amp;asat=3" in page
    welsh = briefing(s, "cy", app_url="https://h.example/what-if", edition=later)
    assert "fel yr oedd ar 1 Mawrth 2026 (argraffiad 3: Test edition &lt;b&gt;)" in welsh


def test_no_usable_address_or_too_long_a_scenario_prints_the_scenario_file():
    for app_url in (None, "", "javascript:alert(1)"):
        page = briefing(PRESETS["gwent_regional"], app_url=app_url)
        assert "href=" not in page and "<pre>" in page
    # The longest scenario the parser accepts is far too long for a link.
    long_name = "Ŵ" * MAX_NAME_CHARS
    s = parse_scenario({"name": "<Long> & " + "x" * 100, "hubs": [
        {"name": f"{long_name[:110]} {i}", "model": "per_authority",
         "authorities": ["Powys"]} for i in range(MAX_HUBS)]}, DS)
    assert share_token_or_none(s) is None
    page = briefing(s, app_url="https://example.org/what-if")
    assert "?scenario=" not in page and "Scenario file: &lt;Long&gt; &amp; x" in page
    text = html_lib.unescape(page.split("<pre>")[1].split("</pre>")[0])
    assert loads_scenario(text, DS, "printed") == s  # the printed file reopens the scenario
    assert json.loads(text)["name"].startswith("<Long> & ")


def test_the_footer_cannot_break_out_of_the_style_sheet():
    s = parse_scenario({"name": 'A "quote" </style><script>alert(1)</script> ·', "hubs": []},
                       DS)
    page = briefing(s)
    sheet = page.split("<style>")[1].split("</style>")[0]  # the page's style sheet
    assert "<" not in sheet and "<script" not in page
    assert "A\\000020\\000022quote\\000022" in sheet  # the name, escaped, in the footer


def test_attribution_is_shown_exactly_as_given_and_escaped():
    # What the attribution says is the boundary loader's business; the briefing shows it.
    page = briefing(PRESETS["may_2019"], attribution="Source: <i>ONS</i> & OS")
    assert "Source: &lt;i&gt;ONS&lt;/i&gt; &amp; OS" in page and "<i>ONS" not in page


def test_map_names_every_authority_and_marks_coverage_by_texture():
    result = evaluate_scenario(PRESETS["gwent_regional"], DS)
    svg = briefing_svg(TILES, result, DS, {}, "en")
    assert 'fill="url(#mash-hatch)"' in svg and "<pattern" in svg  # newly covered: hatched
    for a in DS.authorities:
        for line in label_lines(a.name("en")):
            assert f">{line}</tspan>" in svg, line
    for text in ("Covered (MASH or pilot in May", "Newly covered by the", "Not covered"):
        assert text in svg
    assert "Hub host" not in svg  # no points given: no hub symbols drawn, none in the key
    welsh = briefing_svg(TILES, result, DS, {}, "cy")
    assert ">Casnewydd</tspan>" in welsh and ">Ynys Môn</tspan>" in welsh


def test_tile_map_labels_do_not_overlap():
    result = evaluate_scenario(PRESETS["every_authority"], DS)
    for lang in ("en", "cy"):
        svg = briefing_svg(TILES, result, DS, {}, lang)
        boxes = _label_boxes(svg)
        assert len(boxes) == 22
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert not _overlap(a, b), (a, b)


def test_place_labels_keeps_crowded_labels_apart_and_on_the_canvas():
    specs = [(f"k{i}", (100 + (i % 3) * 6, 100 + (i // 3) * 5), 40, 11) for i in range(9)]
    from explorer.printing.svg_map import LabelSpec

    boxes = place_labels([LabelSpec(k, xy, w, h) for k, xy, w, h in specs], (300, 300))
    placed = list(boxes.values())
    for i, a in enumerate(placed):
        assert a.x - a.hw >= 1 and a.x + a.hw <= 299 and a.y - a.hh >= 1
        for b in placed[i + 1:]:
            assert not a.overlaps(b)


def _label_boxes(svg: str) -> list[tuple[float, float, float, float]]:
    """(left, top, right, bottom) of each map label, from its tspans and estimated widths."""
    out = []
    for label in re.findall(r'<text class="label"([^>]*)>(.*?)</text>', svg):
        style, spans = label
        size = float(re.search(r"font-size:([\d.]+)px", style).group(1)) if style else 10.0
        lines = re.findall(r'<tspan x="([\d.]+)" y="([\d.]+)">(.*?)</tspan>', spans)
        half = max(text_width(html_lib.unescape(t), size) for _, _, t in lines) / 2
        x = float(lines[0][0])
        out.append((x - half, float(lines[0][1]) - size * 0.85, x + half, float(lines[-1][1])))
    return out


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
