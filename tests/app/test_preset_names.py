"""Preset names in the page's language (issue 16 leftovers): ``data/scenarios/presets.csv`` has
a Welsh title for every preset (``title_cy``); a Welsh page lists and names the presets in
Welsh, an English page in English."""

from __future__ import annotations

from explorer.data import load_dataset
from explorer.presets import load_presets
from tests.app.test_whatif_app import offline_boundaries, open_page  # noqa: F401 (fixture)

DS = load_dataset()


def test_every_preset_has_a_welsh_title_of_its_own():
    presets = load_presets(DS)
    assert presets and all(p.title_cy and p.title_cy != p.title for p in presets)
    assert len({p.title_cy for p in presets}) == len(presets)
    may = presets[0]
    assert (may.label("en"), may.label("cy")) == (
        "Position as at 31 May 2019", "Sefyllfa fel ar 31 Mai 2019")


def test_a_welsh_page_lists_and_names_presets_in_welsh():
    at = open_page()
    at.sidebar.radio[0].set_value("cy").run()
    box = next(s for s in at.selectbox if s.key and s.key.startswith("_w_wi_preset"))
    by_key = {p.key: p for p in load_presets(DS)}
    assert box.options == [p.label("cy") for p in by_key.values()]
    box.select("north_wales_regional").run()
    assert not at.exception
    name = next(w for w in at.text_input if w.key and w.key.startswith("wi_name"))
    assert name.value == "MASH rhanbarthol Gogledd Cymru"


def test_an_english_page_keeps_the_english_names():
    at = open_page()
    box = next(s for s in at.selectbox if s.key and s.key.startswith("_w_wi_preset"))
    assert "North Wales regional MASH" in box.options
    box.select("north_wales_regional").run()
    name = next(w for w in at.text_input if w.key and w.key.startswith("wi_name"))
    assert name.value == "North Wales regional MASH"
