"""The what-if page through app.py with AppTest, driven by widget keys."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer.data import load_dataset
from explorer.scenario import encode_share, load_scenario_file, parse_scenario

ROOT = Path(__file__).resolve().parents[2]
DS = load_dataset()


@pytest.fixture(autouse=True)
def offline_boundaries(monkeypatch, tmp_path):
    # No network: boundaries fall back to the committed tile map, deterministically.
    monkeypatch.setenv("MASH_BOUNDARIES", str(tmp_path / "absent.geojson"))
    monkeypatch.setenv("MASH_CACHE_DIR", str(tmp_path / "cache"))


def open_page(token: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()  # the default page first: AppTest drops the sidebar if the first run switches
    if token is not None:
        at.query_params["scenario"] = token
    at.switch_page("pages/what-if.py").run()
    assert not at.exception, at.exception
    return at


def plain(markdown: str) -> str:
    """Markdown source as the reader sees it: user and data text is escaped character by
    character (``explorer.text.md_escape``)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def headline(at: AppTest) -> str:
    return next(s.value for s in at.header if "authorities covered" in s.value)


def widget(elements, prefix: str):
    return next(w for w in elements if w.key and w.key.startswith(prefix))


def test_opens_on_the_may_2019_position():
    at = open_page()
    assert headline(at) == "5 of 22 authorities covered"
    assert at.metric[0].value == "963,896"
    assert at.query_params["scenario"]  # the URL always carries the scenario


def test_preset_then_distance_limit():
    at = open_page()
    at.selectbox(key="_w_wi_preset_en").select("mid_west_wales_regional").run()
    assert headline(at) == "9 of 22 authorities covered"
    assert at.metric[0].value == "1,479,801"
    widget(at.number_input, "wi_limit_").set_value(60.0).run()
    assert headline(at) == "8 of 22 authorities covered"
    left_out = " ".join(plain(m.value) for m in at.markdown)
    assert "Powys (hub Mid and West Wales MASH): 76.8 km from the host, over the 60 km limit" \
        in left_out


def test_add_a_hub_pick_members_and_toggle_existing():
    at = open_page()
    widget(at.button, "wi_add_").click().run()
    assert not at.warning  # a hub being set up is not counted, and not a problem yet
    widget(at.selectbox, "wi_h0_model_").select("per_authority").run()
    widget(at.multiselect, "wi_h0_members_").select("W06000011").select("W06000012").run()
    # 5 in May 2019 + Swansea + Neath Port Talbot.
    assert headline(at) == "7 of 22 authorities covered"
    assert not any("lists no authorities" in w.value for w in at.warning)
    widget(at.toggle, "wi_existing_").set_value(False).run()
    assert headline(at) == "2 of 22 authorities covered"
    assert at.metric[0].value == f"{238_489 + 142_291:,}"


def test_remove_a_hub():
    at = open_page()
    at.selectbox(key="_w_wi_preset_en").select("gwent_regional").run()
    assert headline(at) == "9 of 22 authorities covered"
    widget(at.button, "wi_h0_remove_").click().run()
    assert headline(at) == "5 of 22 authorities covered"


def test_share_link_restores_the_scenario_exactly():
    s = load_scenario_file(ROOT / "data/scenarios/north_wales_regional.json", DS)
    at = open_page(encode_share(s))
    assert headline(at) == "11 of 22 authorities covered"
    assert widget(at.text_input, "wi_name_").value == s.name
    assert widget(at.selectbox, "wi_h0_host_").value == s.hubs[0].host
    assert at.query_params["scenario"] == encode_share(s)


@pytest.mark.parametrize("token", ["%%%", "eyJuYW1lIjoi", encode_share(
    parse_scenario({"name": "x", "hubs": []}, DS))[:-3] + "AAA", "QUJD"])
def test_broken_or_tampered_link_warns_and_shows_may_2019(token):
    at = open_page(token)
    assert len(at.warning) == 1 and "could not be opened" in at.warning[0].value
    assert headline(at) == "5 of 22 authorities covered"


def test_hostile_hub_name_is_text():
    evil = "<img src=x onerror=alert(1)>"
    s = parse_scenario({"name": "x", "hubs": [{"name": evil, "model": "per_authority",
                                               "authorities": ["Powys"]}]}, DS)
    at = open_page(encode_share(s))
    assert widget(at.text_input, "wi_h0_name_").value == evil
    assert headline(at) == "6 of 22 authorities covered"


def test_hub_names_in_radio_labels_are_text():
    # Radio labels are markdown: a hub name there must be escaped (no link, image, icon).
    evil = "[click](http://example.com) ![x](http://example.com/x.png) :material/home: $x^2$"
    s = parse_scenario({"name": "x", "hubs": [{"name": evil, "model": "per_authority",
                                               "authorities": ["Powys"]}]}, DS)
    at = open_page(encode_share(s))
    target = widget(at.radio, "wi_target_")
    label = target.options[-1]
    assert plain(label).replace("\u2060", "") == evil
    assert "](" not in label and "![" not in label and ":material/" not in label


def test_save_and_compare_side_by_side():
    at = open_page()
    at.button(key="wi_save").click().run()
    at.selectbox(key="_w_wi_preset_en").select("every_authority").run()
    table = at.dataframe[-1].value
    assert list(table.columns)[1:] == ["Position as at 31 May 2019",
                                      "A MASH in every authority (current)"]
    assert table.iloc[0].tolist()[1:] == ["5", "22"]


def test_best_sites_can_be_adopted():
    at = open_page()
    # Lazy tabs: only the open one runs, so the search and the QR code wait until asked for.
    assert [w.key for w in at.number_input if w.key == "wi_best_k"] == []
    assert not [h for h in at.get("html") if "<svg" in h.proto.body]
    at.session_state["wi_tabs_en"] = "Best sites"
    at.run()
    at.number_input(key="wi_best_k").set_value(1).run()
    at.number_input(key="wi_best_km").set_value(40.0).run()
    found = plain(at.success[0].value)
    assert found.startswith("Hosts: ")
    covered = int(found.split(". ")[1].split(" of ")[0])
    at.button(key="wi_best_adopt").click().run()
    assert headline(at) == f"{covered} of 22 authorities covered"
    assert widget(at.number_input, "wi_limit_").value == 40.0


def test_welsh_interface():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.radio(key="_w_lang_en").set_value("cy").run()  # the shared sidebar, on the default page
    at.switch_page("pages/what-if.py").run()
    assert not at.exception
    assert any("o 22 awdurdod wedi'u cwmpasu" in s.value for s in at.header)
