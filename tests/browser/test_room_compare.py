"""Compare on the workshop board (issue 16 §3): tick two entries in the board's table, press
Compare, and read them side by side with the reference (May 2019) as the first column."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.data import load_dataset
from explorer.scenario import load_scenario_file
from pages.ui.rooms import table_frame

from .test_workshop import cells, create_room, person, send

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]
DS = load_dataset()
MID = load_scenario_file(REPO / "data/scenarios/mid_west_wales_regional.json", DS)
VIRTUAL = load_scenario_file(REPO / "data/scenarios/dyfed_powys_virtual.json", DS)
HEAD_PX = 35  # Streamlit's data grid: a 35 px header, the tick box in column 0
ROW_PX = table_frame.ROW_HEIGHT_PX  # the board's rows: taller, so their text wraps


@pytest.fixture(scope="module")
def room_server(servers, tmp_path_factory):
    return servers(MASH_STATE_DIR=str(tmp_path_factory.mktemp("compare-state")))


def tick(page, row: int) -> None:
    """Tick row ``row`` of the board's table (0 is the reference row) in its selection
    column (the grid is drawn on a canvas, so it is clicked where the box is)."""
    grid = page.locator("[data-testid='stDataFrame']").first
    box = grid.bounding_box()
    y = box["y"] + HEAD_PX + ROW_PX * row + ROW_PX / 2
    page.mouse.move(box["x"] + 18, y)
    page.mouse.click(box["x"] + 18, y)
    page.wait_for_timeout(800)


def test_compare_two_entries_beside_the_reference(browser, room_server):
    base = room_server.url
    contexts = [person(browser) for _ in range(3)]
    (_, fac), (_, alice), (_, bob) = contexts
    try:
        code, _key = create_room(fac, base, "Compare test room")
        send(alice, base, code, MID, "Alice")
        send(bob, base, code, VIRTUAL, "Bob")
        viewer = alice
        viewer.goto(f"{base}/workshop?room={code}")
        viewer.get_by_text("Entries: 2").wait_for()
        assert "1 regional hub at Carmarthenshire (4 councils)" in cells(viewer)
        assert "1 virtual hub at Carmarthenshire (4 councils)" in cells(viewer)
        viewer.get_by_role("button", name="Compare").click()
        viewer.get_by_text("Tick two or three entries to compare (0 ticked).").wait_for()
        tick(viewer, 1)
        tick(viewer, 2)
        viewer.get_by_role("heading", name="Side by side").wait_for()
        table = viewer.locator("table.cmp")
        heads = [h.strip() for h in table.locator("thead th").all_inner_texts()]
        assert heads == ["Measure / authority", "May 2019 (reference)",
                         f"Entry 1 · Alice · {MID.name}", f"Entry 2 · Bob · {VIRTUAL.name}"]
        rows = {r.locator("th").inner_text().strip(): [c.strip() for c in
                                                        r.locator("td").all_inner_texts()]
                for r in table.locator("tbody tr").all()}
        assert rows["People covered"] == ["963,896", "1,479,801", "1,479,801"]
        assert rows["Farthest trip"] == ["n/a", "76.8 km", "n/a"]
        assert rows["MASHs proposed"] == ["0", "1", "1"]
        assert rows["Powys"] == ["–", "covered", "covered"]
        from .test_accessibility import CONTRAST_JS, serious_violations

        assert serious_violations(viewer) == [] and viewer.evaluate(CONTRAST_JS) == []
        viewer.get_by_role("button", name="Close the comparison").click()
        viewer.get_by_role("heading", name="Side by side").wait_for(state="detached")
    finally:
        for ctx, _ in contexts:
            ctx.close()
