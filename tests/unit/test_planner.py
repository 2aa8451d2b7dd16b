"""Planner draft edits and checks, on the real dataset with hand-computed figures."""

import pytest

from explorer import planner
from explorer.coverage import evaluate_scenario
from explorer.data import load_dataset

DS = load_dataset()
POWYS, CEREDIGION, PEMBS, CARMS = "W06000023", "W06000008", "W06000009", "W06000010"


def test_add_toggle_remove_never_mutate_the_input():
    draft = planner.blank_draft("Test")
    one = planner.add_hub(draft, "Hub")
    assert draft["hubs"] == [] and len(one["hubs"]) == 1
    two = planner.toggle_member(one, 0, POWYS)
    assert one["hubs"][0]["authorities"] == []
    assert two["hubs"][0]["authorities"] == [POWYS]
    assert two["hubs"][0]["host"] == POWYS  # a regional hub gets its first member as host
    three = planner.toggle_member(two, 0, POWYS)
    assert three["hubs"][0]["authorities"] == [] and three["hubs"][0]["host"] is None
    assert planner.remove_hub(two, 0)["hubs"] == [] and len(two["hubs"]) == 1


def test_new_hub_names_are_unique():
    draft = planner.add_hub(planner.add_hub(planner.blank_draft("x"), "Hub"), "Hub")
    assert [h["name"] for h in draft["hubs"]] == ["Hub", "Hub 2"]


def test_update_hub_keeps_host_consistent_with_model_and_members():
    draft = planner.add_hub(planner.blank_draft("x"), "Hub")
    draft = planner.update_hub(draft, 0, authorities=[POWYS, CARMS], host=CARMS)
    assert draft["hubs"][0]["host"] == CARMS
    per = planner.update_hub(draft, 0, model="per_authority")
    assert per["hubs"][0]["host"] is None
    back = planner.update_hub(per, 0, model="virtual")
    assert back["hubs"][0]["host"] == POWYS
    moved = planner.update_hub(draft, 0, authorities=[POWYS])
    assert moved["hubs"][0]["host"] == POWYS


def test_a_hub_being_set_up_is_left_out_quietly():
    # A freshly added hub (no authorities yet) is not counted and is not reported as a problem.
    draft = planner.add_hub(planner.blank_draft("x"), "Empty")
    draft = planner.add_hub(draft, "Powys")
    draft = planner.toggle_member(draft, 1, POWYS)
    checked = planner.check_draft(draft, DS)
    assert [h.name for h in checked.scenario.hubs] == ["Powys"]
    assert checked.problems == ()


def test_incomplete_hubs_are_left_out_and_named():
    draft = planner.add_hub(planner.blank_draft("x"), "Virtual")
    draft["hubs"][0].update(model="virtual", authorities=[POWYS], host=PEMBS)
    checked = planner.check_draft(draft, DS)
    assert checked.scenario.hubs == ()
    assert len(checked.problems) == 1 and checked.problems[0].startswith("hub 1 'Virtual': ")


def test_duplicate_hub_names_leave_the_second_out():
    draft = planner.blank_draft("x")
    draft["hubs"] = [
        {"name": "A", "model": "per_authority", "authorities": [POWYS], "host": None},
        {"name": "a", "model": "per_authority", "authorities": [PEMBS], "host": None},
    ]
    checked = planner.check_draft(draft, DS)
    assert [h.name for h in checked.scenario.hubs] == ["A"]
    assert "another hub already has this name" in checked.problems[0]


def test_empty_scenario_name_is_reported_but_hubs_still_count():
    draft = planner.toggle_member(planner.add_hub(planner.blank_draft(""), "P"), 0, POWYS)
    checked = planner.check_draft(draft, DS)
    assert checked.scenario.name == "Untitled scenario"
    assert [h.name for h in checked.scenario.hubs] == ["P"]
    assert checked.problems and "name" in checked.problems[0]


def test_headline_words_and_distance_exclusions():
    draft = planner.blank_draft("Mid and West")
    draft["max_travel_km"] = 60
    draft["hubs"] = [{"name": "MWW", "model": "regional",
                      "authorities": [CEREDIGION, PEMBS, CARMS, POWYS], "host": CARMS}]
    result = evaluate_scenario(planner.check_draft(draft, DS).scenario, DS)
    head = planner.headline(result, DS, "en")
    # May 2019's 5 plus Carmarthenshire, Ceredigion, Pembrokeshire; Powys is 76.8 km away.
    assert head["authorities"] == "8 of 22 authorities covered"
    assert head["population"] == "1,346,627"
    # Alphabetical in the language shown, not in code order.
    assert head["newly_covered"] == ["Carmarthenshire", "Ceredigion", "Pembrokeshire"]
    assert planner.headline(result, DS, "cy")["newly_covered"] == [
        "Ceredigion", "Sir Benfro", "Sir Gaerfyrddin"]
    assert head["excluded"] == [
        "Powys (hub MWW): 76.8 km from the host, over the 60 km limit"]
    classes = planner.coverage_classes(result)
    assert classes[CARMS] == "newly_covered" and classes["W06000015"] == "covered"
    assert classes[POWYS] == "not_covered"


def test_against_may_2019_and_side_by_side():
    draft = planner.toggle_member(planner.add_hub(planner.blank_draft("P"), "P",
                                                  "per_authority"), 0, POWYS)
    result = evaluate_scenario(planner.check_draft(draft, DS).scenario, DS)
    diff = planner.against_may_2019(result, DS, "en")
    assert diff["gained"] == ["Powys"] and diff["lost"] == []
    assert diff["population_delta"] == 133_174
    base = evaluate_scenario(planner.check_draft(planner.blank_draft("P"), DS).scenario, DS)
    rows = planner.side_by_side_rows([base, result], DS, "en")
    assert list(rows[0]) == ["Measure / authority", "P", "P (2)"]
    assert rows[0]["P"] == "5" and rows[0]["P (2)"] == "6"
    powys = next(r for r in rows if r["Measure / authority"] == "Powys")
    assert (powys["P"], powys["P (2)"]) == ("–", "covered")


def test_unknown_model_refused():
    with pytest.raises(ValueError, match="unknown model 'hybrid'"):
        planner.add_hub(planner.blank_draft("x"), "H", "hybrid")


def preset(key: str):
    from explorer.presets import load_presets

    return next(p.scenario for p in load_presets(DS) if p.key == key)


def test_a_mash_in_every_authority_counts_22_mashes_everywhere():
    result = evaluate_scenario(preset("every_authority"), DS)
    head = planner.headline(result, DS, "en")
    rows = planner.hub_rows(result, DS, "en")
    assert planner.mash_count(result) == 22 and head["hubs"] == "22" and len(rows) == 22
    # One row per authority, alphabetical; each its own host and member.
    assert [r["Host"] for r in rows[:3]] == ["Blaenau Gwent", "Bridgend", "Caerphilly"]
    powys = next(r for r in rows if r["Authorities"] == "Powys")
    assert (powys["Host"], powys["Covered"], powys["Population covered"]) == (
        "Powys", "1", "133,174")
    assert powys["Farthest member"] == "n/a" and powys["Police forces"] == "Dyfed-Powys Police"
    # Every authority is in exactly one row here, so the rows add up to the headline.
    total = sum(int(r["Population covered"].replace(",", "")) for r in rows)
    assert head["population"] == "3,107,489" and total == 3_107_489


def test_hub_rows_format_numbers_and_distances_and_sort_members():
    result = evaluate_scenario(preset("mid_west_wales_regional"), DS)
    [row] = planner.hub_rows(result, DS, "en")
    assert row["Population covered"] == "515,905" and row["Farthest member"] == "76.8 km"
    assert row["Authorities"] == "Carmarthenshire, Ceredigion, Pembrokeshire, Powys"
    assert row["Covered"] == "4" and planner.headline(result, DS, "en")["hubs"] == "1"
    [row_cy] = planner.hub_rows(result, DS, "cy")
    assert row_cy["Awdurdodau"] == "Ceredigion, Powys, Sir Benfro, Sir Gaerfyrddin"


def test_per_hub_rows_need_not_add_up_and_the_note_says_why():
    # May 2019's five authorities are in the headline but in no row; Powys is in two hubs.
    draft = planner.blank_draft("Overlap")
    draft["hubs"] = [
        {"name": "A", "model": "regional", "authorities": [POWYS, CEREDIGION], "host": POWYS},
        {"name": "B", "model": "virtual", "authorities": [POWYS, CARMS], "host": CARMS}]
    result = evaluate_scenario(planner.check_draft(draft, DS).scenario, DS)
    rows = planner.hub_rows(result, DS, "en")
    pops = [int(r["Population covered"].replace(",", "")) for r in rows]
    powys = 133_174
    assert sum(pops) - powys + 963_896 == result.population_covered  # 963,896: May 2019
    from explorer.i18n import t
    assert "counts each authority once" in t("whatif.per_hub_note", "en")


def test_excluded_distances_have_no_trailing_zero():
    draft = planner.blank_draft("Limit")
    draft["max_travel_km"] = 60.0
    draft["hubs"] = [{"name": "MWW", "model": "regional",
                      "authorities": [CARMS, POWYS], "host": CARMS}]
    result = evaluate_scenario(planner.check_draft(draft, DS).scenario, DS)
    assert planner.headline(result, DS, "en")["excluded"] == [
        "Powys (hub MWW): 76.8 km from the host, over the 60 km limit"]


def test_against_may_2019_lists_are_alphabetical_in_welsh():
    result = evaluate_scenario(preset("north_wales_regional"), DS)
    assert planner.against_may_2019(result, DS, "cy")["gained"] == [
        "Conwy", "Gwynedd", "Sir Ddinbych", "Sir y Fflint", "Wrecsam", "Ynys Môn"]
    assert planner.against_may_2019(result, DS, "en")["gained"] == [
        "Conwy", "Denbighshire", "Flintshire", "Gwynedd", "Isle of Anglesey", "Wrexham"]
