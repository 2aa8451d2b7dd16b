"""Valid input the page cannot show is refused everywhere alike: travel limits, best-sites
answers, hub counts (parser, planner and CLI agree; from the hardening issue, section 1)."""

from __future__ import annotations

import json

import pytest

from explorer import planner
from explorer.best_sites import best_sites, to_scenario
from explorer.limits import (
    MAX_BEST_KM,
    MAX_BEST_SITES,
    MAX_TRAVEL_KM,
    MIN_BEST_KM,
    MIN_TRAVEL_KM,
)
from explorer.scenario import (
    ScenarioError,
    decode_share,
    encode_share,
    loads_scenario,
    parse_scenario,
    scenario_to_dict,
)
from tests.cli import run_cli
from tests.inputs import DS, POWYS, one_line_error, token_of


@pytest.mark.parametrize("km", [1000, 0.5, 500.01, 0.999, 0, -1, 1e308, 10**20])
def test_travel_limit_outside_the_widget_range_is_refused_everywhere(km, tmp_path):
    obj = {"name": "x", "max_travel_km": km}
    expected = (f"max_travel_km must be null (no limit) or a number of kilometres from "
                f"{MIN_TRAVEL_KM:g} to {MAX_TRAVEL_KM:g}")
    with pytest.raises(ScenarioError, match=r"^share link: max_travel_km must be"):
        decode_share(token_of(obj), DS)
    with pytest.raises(ScenarioError) as info:
        loads_scenario(json.dumps(obj).encode(), DS, source="upload.json")
    assert str(info.value).startswith(f"upload.json: {expected}, not ")
    path = tmp_path / "far.json"
    path.write_text(json.dumps(obj))
    one_line_error(run_cli("coverage", str(path)), str(path), "max_travel_km", "from 1 to 500")


@pytest.mark.parametrize("km", [MIN_TRAVEL_KM, 1, 40, 62.5, MAX_TRAVEL_KM, 500])
def test_travel_limits_inside_the_range_are_kept(km):
    s = parse_scenario({"name": "x", "max_travel_km": km}, DS)
    assert s.max_travel_km == float(km)
    assert decode_share(encode_share(s), DS) == s


@pytest.mark.parametrize("k", range(1, MAX_BEST_SITES + 1))
@pytest.mark.parametrize("km", [MIN_BEST_KM, 40.0, MAX_BEST_KM])
def test_every_best_sites_answer_the_page_offers_adopts_as_a_valid_scenario(k, km):
    s = to_scenario(best_sites(DS, k, km), DS)
    assert parse_scenario(scenario_to_dict(s), DS) == s


def test_a_draft_with_a_bad_distance_is_reported_and_the_rest_still_counts():
    draft = planner.toggle_member(planner.add_hub(planner.blank_draft("Far"), "P",
                                                  "per_authority"), 0, POWYS)
    draft["max_travel_km"] = 1000
    checked = planner.check_draft(draft, DS)
    assert checked.scenario.max_travel_km is None and checked.scenario.name == "Far"
    assert [h.name for h in checked.scenario.hubs] == ["P"]
    assert checked.problems[0].startswith("max_travel_km must be null (no limit)")


def test_hub_count_is_capped_by_the_planner_too():
    draft = planner.blank_draft("x")
    for _ in range(60):
        draft = planner.add_hub(draft, "H")
    assert len(draft["hubs"]) == 50 and not planner.can_add_hub(draft)
