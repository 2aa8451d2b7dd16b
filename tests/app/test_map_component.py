"""The map component adapter (pages/ui/map_component.py) against streamlit_folium's own
``st_folium``: what the component receives must be the same, so a new streamlit-folium that
renders or calls the component differently fails here."""

import re

import streamlit_folium

from geo import assets, maps
from pages.ui import map_component
from pages.ui.map_component import map_payload
from tests.geo.test_maps import status_map


def test_payload_is_what_st_folium_would_send(monkeypatch):
    """The adapter renders a map once; the component gets exactly what st_folium would give it
    (so pinning a new streamlit-folium that renders differently fails here)."""
    sent = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: sent.update(kw))
    streamlit_folium.st_folium(status_map(), key="status_map", height=640,
                               use_container_width=True,
                               returned_objects=["last_active_drawing"])
    m = status_map()
    payload = map_payload(m, "status_map")
    norm = lambda s: re.sub(r"_[0-9a-f]{32}", "", s)  # noqa: E731 folium's random ids
    # The same script, except that the boundaries come from a data file (loaded last).
    script, data = maps.map_data_js(m, sent["script"])
    assert norm(payload.script) == norm(script) and len(payload.script) < 8_000
    assert norm(payload.header) == norm(sent["header"]) and payload.html == sent["html"]
    assert list(payload.css_links) == sent["css_links"]
    assert list(payload.js_links[:-1]) == sent["js_links"]
    served = assets.map_data_dir() / payload.js_links[-1].removeprefix(
        f"../{assets.MAP_DATA_COMPONENT}/")
    assert served.read_text(encoding="utf-8") == data
    assert sent["default"] == {"last_active_drawing": None}  # as map_component.show_map sends
    assert payload.zoom == 7.75  # its key: the hash of its own (shorter) script, below
    assert len(payload.js_hash) == 64
    assert payload.js_hash == streamlit_folium.generate_js_hash(payload.script, "status_map",
                                                                False)


def test_show_map_calls_the_component_as_st_folium_does(monkeypatch):
    """``show_map`` sends the prepared strings with the same arguments ``st_folium`` sends
    (only the clicked authority comes back), plus the per-session overlay."""
    sent: dict = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: sent.update(kw))
    streamlit_folium.st_folium(status_map(), key="status_map", height=640,
                               returned_objects=["last_active_drawing"])
    expected = dict(sent)
    sent.clear()
    payload = map_payload(status_map(), "status_map")
    map_component.show_map(payload, key="status_map", height=640, overlay="overlay();")
    assert set(sent) - {"on_change"} <= set(expected) | {"on_change"}
    assert sent["returned_objects"] == ["last_active_drawing"]
    assert sent["feature_group"] == "overlay();" and sent["key"] == payload.js_hash
    for name in ("height", "zoom", "center", "return_on_hover", "layer_control", "pixelated",
                 "default", "css_links"):
        assert sent[name] == expected[name], name
    assert sent["js_links"][:-1] == expected["js_links"]  # then the map's data file
