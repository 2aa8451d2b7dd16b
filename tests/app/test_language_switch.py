"""Language switches never change the scenario being planned (issue 12, section 1).

Streamlit keeps a widget's choice as its displayed label, so a widget whose labels change with
the language would silently drop choices (authorities spelled differently in Welsh, the host,
radio selections). Widgets hold codes and keys, and a switch gives fresh widgets started from
the plain draft. Property: for any valid scenario and any sequence of language switches and
reruns (with an edit of the name in between), the scenario is unchanged apart from the edit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from explorer.data import load_dataset
from explorer.scenario import MODELS, decode_share, encode_share, parse_scenario

ROOT = Path(__file__).resolve().parents[2]
DS = load_dataset()
CODES = sorted(DS.codes())
#: Authorities whose Welsh name differs from the English one: the ones the bug dropped.
RENAMED = [a.code for a in DS.authorities if a.name("cy") != a.name("en")]


@pytest.fixture(autouse=True)
def offline_boundaries(monkeypatch, tmp_path):
    monkeypatch.setenv("MASH_BOUNDARIES", str(tmp_path / "absent.geojson"))
    monkeypatch.setenv("MASH_CACHE_DIR", str(tmp_path / "cache"))


@st.composite
def scenarios(draw):
    hubs = []
    for i in range(draw(st.integers(1, 3))):
        members = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=6, unique=True))
        model = draw(st.sampled_from(MODELS))
        hubs.append({"name": f"Hub {i + 1}", "model": model, "authorities": members,
                     "host": None if model == "per_authority" else draw(st.sampled_from(members))})
    return parse_scenario({
        "name": draw(st.sampled_from(["Plan", "Cynllun", "Mid and West"])),
        "include_existing": draw(st.booleans()),
        "max_travel_km": draw(st.one_of(st.none(), st.sampled_from([5.0, 42.5, 60.0, 500.0]))),
        "population": draw(st.sampled_from(["census2021", "mid2018"])),
        "hubs": hubs,
    }, DS)


def open_planner(token: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["scenario"] = token
    at.switch_page("pages/what-if.py").run()
    assert not at.exception, at.exception
    return at


def switch(at: AppTest, lang: str) -> None:
    current = at.session_state["lang"]
    at.radio(key=f"_w_lang_{current}").set_value(lang).run()
    assert not at.exception, at.exception
    assert at.session_state["lang"] == lang


def scenario_of(at: AppTest):
    return decode_share(at.query_params["scenario"][0]
                        if isinstance(at.query_params["scenario"], list)
                        else at.query_params["scenario"], DS)


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(s=scenarios(), switches=st.lists(st.sampled_from(["en", "cy"]), min_size=1, max_size=4))
def test_any_sequence_of_language_switches_keeps_the_scenario(s, switches):
    at = open_planner(encode_share(s))
    assert scenario_of(at) == s
    for lang in switches:
        if lang != at.session_state["lang"]:
            switch(at, lang)
        at.run()  # a plain rerun after the switch
        assert scenario_of(at) == s, lang
    # The next interaction (renaming the scenario) keeps every hub, member and host.
    lang = at.session_state["lang"]
    version = at.session_state["wi_version"]
    at.text_input(key=f"wi_name_{version}_{lang}").set_value("Renamed").run()
    after = scenario_of(at)
    assert after.hubs == s.hubs
    assert (after.name, after.max_travel_km, after.population, after.include_existing) == (
        "Renamed", s.max_travel_km, s.population, s.include_existing)


def test_north_wales_preset_survives_en_cy_en_and_keeps_radio_choices():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/what-if.py").run()
    at.selectbox(key="_w_wi_preset_en").select("north_wales_regional").run()
    before = scenario_of(at)
    assert any(c in RENAMED for h in before.hubs for c in h.authorities)
    switch(at, "cy")
    # Every radio still shows a choice right after the switch.
    for radio in at.radio:
        assert radio.value is not None or radio.key.startswith("_w_authority"), radio.key
    assert at.selectbox(key="_w_wi_preset_cy").value == "north_wales_regional"
    switch(at, "en")
    assert scenario_of(at) == before
    assert any("11 of 22 authorities covered" in h.value for h in at.header)
