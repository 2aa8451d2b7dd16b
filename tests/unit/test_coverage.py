"""Coverage engine: the numeric core on tiny literal inputs, then the real dataset.

Figures for the real dataset were added up by hand from data/authorities.csv.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from explorer.coverage import (
    CoverageError,
    HubArrays,
    compare,
    dataset_arrays,
    evaluate,
    evaluate_scenario,
    result_csv,
)
from explorer.data import load_dataset
from explorer.presets import load_presets
from explorer.scenario import HubSpec, Scenario, may_2019_scenario

CARM, CERE, PEMB, POWYS = "W06000010", "W06000008", "W06000009", "W06000023"
SWANSEA, NPT, VALE, CARDIFF = "W06000011", "W06000012", "W06000014", "W06000015"


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


# Numeric core: five areas on a line, offices at 0, 10, 25, 45 and 80 km -------------------
POS_KM = np.array([0.0, 10.0, 25.0, 45.0, 80.0])
D_KM = np.abs(POS_KM[:, None] - POS_KM[None, :])
POP = np.array([1000, 200, 30, 4, 50000])
EXISTING = np.array([False, False, False, False, True])


def hub(members, host, model):
    return HubArrays(np.array(members, dtype=np.intp), host, model)


def test_existing_only_when_included():
    on = evaluate(POP, EXISTING, True, [], D_KM, None)
    off = evaluate(POP, EXISTING, False, [], D_KM, None)
    assert on.covered.tolist() == [False, False, False, False, True]
    assert on.population_covered == 50000
    assert off.covered.tolist() == [False] * 5 and off.population_covered == 0
    assert on.existing_covered.tolist() == EXISTING.tolist()
    assert not off.existing_covered.any()


def test_regional_limit_excludes_far_members_and_reports_the_distance():
    r = evaluate(POP, EXISTING, False, [hub([1, 0, 2, 3], 1, "regional")], D_KM, 20.0)
    # From area 1 (10 km): area 0 is 10 km away, area 2 is 15, area 3 is 35.
    assert r.covered.tolist() == [True, True, True, False, False]
    assert r.population_covered == 1230
    assert r.hub_covered[0].tolist() == [1, 0, 2]
    assert r.hub_population == (1230,)
    assert r.excluded == ((0, 3, 35.0),)


def test_the_limit_is_inclusive_and_the_host_is_always_covered():
    d = D_KM.copy()
    d[2, 2] = 99.0  # even a nonsense self-distance cannot exclude the host
    r = evaluate(POP, EXISTING, False, [hub([2, 1, 3], 2, "regional")], d, 15.0)
    assert r.covered.tolist() == [False, True, True, False, False]  # area 1 at exactly 15 km
    assert r.excluded == ((0, 3, 20.0),)


def test_without_a_limit_regional_hubs_cover_every_member():
    r = evaluate(POP, EXISTING, False, [hub([0, 3], 0, "regional")], None, None)
    assert r.covered.tolist() == [True, False, False, True, False]
    assert r.excluded == ()


@pytest.mark.parametrize(("model", "host"), [("per_authority", -1), ("virtual", 0)])
def test_per_authority_and_virtual_hubs_ignore_the_limit(model, host):
    r = evaluate(POP, EXISTING, False, [hub([0, 3, 4], host, model)], D_KM, 1.0)
    assert r.covered.tolist() == [True, False, False, True, True]
    assert r.population_covered == 51004
    assert r.excluded == ()


def test_an_area_is_counted_once_however_many_hubs_cover_it():
    hubs = [hub([0, 1], 0, "regional"), hub([1], -1, "per_authority"), hub([1, 4], 1, "virtual")]
    r = evaluate(POP, EXISTING, True, hubs, D_KM, 50.0)
    assert r.covered.tolist() == [True, True, False, False, True]
    assert r.population_covered == 51200
    assert r.hub_population == (1200, 200, 50200)


def test_inputs_are_not_modified():
    existing = EXISTING.copy()
    evaluate(POP, existing, True, [hub([0], 0, "regional")], D_KM, 5.0)
    assert existing.tolist() == EXISTING.tolist()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"population": np.array([1.5, 2, 3, 4, 5])}, "population must hold whole numbers"),
        ({"population": np.array([-1, 2, 3, 4, 5])}, "none negative"),
        ({"existing": np.array([0, 0, 0, 0, 1])}, "existing must be a boolean array of 5 values"),
        ({"distance_km": np.zeros((4, 4))}, "distance_km must be a 5×5 array"),
        ({"distance_km": None}, "a travel limit on regional hubs needs the distance matrix"),
        ({"max_travel_km": -1.0}, "max_travel_km must be a number above 0"),
        ({"hubs": [hub([0, 7], 0, "regional")]}, "hub 0: a member index is outside 0 to 4"),
        ({"hubs": [hub([0, 0], 0, "regional")]}, "hub 0: a member is listed twice"),
        ({"hubs": [hub([], -1, "per_authority")]}, "hub 0: members must be a non-empty array"),
        ({"hubs": [hub([0, 1], 3, "regional")]}, "hub 0: the host must be one of the members"),
        ({"hubs": [hub([0, 1], -1, "virtual")]}, "hub 0: the host must be one of the members"),
        ({"hubs": [hub([0, 1], 0, "per_authority")]}, "hub 0: a per_authority hub has no host"),
        ({"hubs": [hub([0], 0, "spoke")]}, "hub 0: unknown model 'spoke'"),
    ],
)
def test_core_refuses_inconsistent_input(kwargs, message):
    args = {
        "population": POP,
        "existing": EXISTING,
        "include_existing": True,
        "hubs": [hub([0, 1], 0, "regional")],
        "distance_km": D_KM,
        "max_travel_km": 20.0,
    } | kwargs
    with pytest.raises(CoverageError, match=message):
        evaluate(**args)


def test_core_scales_beyond_22_areas():
    rng = np.random.default_rng(7)
    n = 400
    xy = rng.uniform(0, 300, size=(n, 2))
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    pop = rng.integers(1000, 100_000, size=n)
    hubs = [HubArrays(np.array([i, i + 1]), i, "regional") for i in range(0, 100, 2)]
    r = evaluate(pop, np.zeros(n, bool), False, hubs, d, 1e9)
    assert r.covered.sum() == 100
    assert r.population_covered == int(pop[:100].sum())


# Real dataset --------------------------------------------------------------------------------
def test_may_2019_position(ds):
    r = evaluate_scenario(may_2019_scenario(), ds)
    assert (r.authorities_total, r.authorities_covered) == (22, 5)
    assert r.covered_codes == ("W06000013", CARDIFF, "W06000016", "W06000022", "W06000024")
    assert (r.population_covered, r.population_total) == (963_896, 3_107_489)
    assert r.population_share == pytest.approx(963_896 / 3_107_489)
    assert r.newly_covered_codes == () and r.hubs == () and r.excluded == ()


def test_mid2018_basis(ds):
    r = evaluate_scenario(Scenario("2018", (), population="mid2018"), ds)
    assert (r.population_covered, r.population_total) == (962_740, 3_138_631)
    assert r.population_basis == "mid2018"


# Preset: (authorities covered, people covered at Census 2021, newly covered codes)
PRESET_FIGURES = {
    "may_2019": (5, 963_896, ()),
    "mid_west_wales_regional": (9, 1_479_801, (CERE, PEMB, CARM, POWYS)),
    "dyfed_powys_virtual": (9, 1_479_801, (CERE, PEMB, CARM, POWYS)),
    "gwent_regional": (9, 1_391_964, ("W06000018", "W06000019", "W06000020", "W06000021")),
    "south_wales_every_authority": (8, 1_476_623, (SWANSEA, NPT, VALE)),
    "north_wales_regional": (
        11,
        1_650_789,
        ("W06000001", "W06000002", "W06000003", "W06000004", "W06000005", "W06000006"),
    ),
    "every_authority": (
        22,
        3_107_489,
        tuple(
            f"W060000{n:02d}" for n in (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 14, 18, 19, 20, 21, 23)
        ),
    ),
}


def test_every_preset_gives_the_hand_computed_coverage(ds):
    presets = load_presets(ds)
    assert [p.key for p in presets] == list(PRESET_FIGURES)
    for p in presets:
        r = evaluate_scenario(p.scenario, ds)
        assert (r.authorities_covered, r.population_covered, r.newly_covered_codes) == (
            PRESET_FIGURES[p.key]
        ), p.key


def mid_west(limit_km=None, include_existing=True):
    return Scenario(
        "Mid and West Wales regional MASH",
        (HubSpec("Mid and West Wales MASH", "regional", (CARM, CERE, PEMB, POWYS), CARM),),
        include_existing=include_existing,
        max_travel_km=limit_km,
    )


def test_hub_details(ds):
    (h,) = evaluate_scenario(mid_west(), ds).to_dict()["hubs"]
    assert h == {
        "name": "Mid and West Wales MASH",
        "model": "regional",
        "host": CARM,
        "authorities": [CARM, CERE, PEMB, POWYS],
        "covered_codes": [CERE, PEMB, CARM, POWYS],
        "population": 515_905,
        "max_distance_km": 76.8,  # Carmarthen to Llandrindod Wells
        "police_forces": ["Dyfed-Powys Police"],
        "health_boards": ["Hywel Dda University Health Board", "Powys Teaching Health Board"],
        "safeguarding_boards": ["Mid and West Wales Safeguarding Board"],
    }


def test_travel_limit_on_the_real_map(ds):
    # From Carmarthen: Aberaeron 43.1 km, Haverfordwest 45.2 km, Llandrindod Wells 76.8 km.
    r = evaluate_scenario(mid_west(60), ds)
    assert r.authorities_covered == 8
    assert r.population_covered == 1_479_801 - 133_174
    assert POWYS not in r.covered_codes
    assert r.to_dict()["excluded"] == [
        {"hub": "Mid and West Wales MASH", "code": POWYS, "distance_km": 76.8,
         "max_travel_km": 60.0}
    ]
    assert r.hubs[0].covered_codes == (CERE, PEMB, CARM)
    assert r.hubs[0].population == 515_905 - 133_174
    r44 = evaluate_scenario(mid_west(44), ds)
    assert [e.code for e in r44.excluded] == [PEMB, POWYS]


def test_newly_covered_means_not_served_in_may_2019(ds):
    s = Scenario(
        "Cardiff and Swansea",
        (HubSpec("Two more", "per_authority", (CARDIFF, SWANSEA), None),),
        include_existing=False,
    )
    r = evaluate_scenario(s, ds)
    assert r.covered_codes == (SWANSEA, CARDIFF)
    assert r.newly_covered_codes == (SWANSEA,)  # Cardiff already had a MASH in 2019
    assert r.population_covered == 362_312 + 238_489
    rows = {a.code: a for a in r.per_authority}
    assert (rows[CARDIFF].covered, rows[CARDIFF].newly_covered) == (True, False)
    assert (rows["W06000013"].covered, rows["W06000013"].newly_covered) == (False, False)


def test_result_dict_keys(ds):
    d = evaluate_scenario(mid_west(60), ds).to_dict()
    assert set(d) == {
        "authorities_total", "authorities_covered", "covered_codes", "newly_covered_codes",
        "population_total", "population_covered", "population_share", "population_basis",
        "scenario_name", "excluded", "hubs", "per_authority",
    }
    row = d["per_authority"][6]
    assert row == {
        "code": CERE, "name": "Ceredigion", "status_2019": "no_mash", "covered": True,
        "newly_covered": True, "hubs": ["Mid and West Wales MASH"], "population": 71_481,
    }
    assert d["per_authority"][20]["hubs"] == []  # Powys, excluded by the limit


def test_per_authority_lists_every_covering_hub(ds):
    s = Scenario(
        "Overlap",
        (
            HubSpec("A", "per_authority", (CERE,), None),
            HubSpec("B", "virtual", (CARM, CERE), CARM),
        ),
    )
    r = evaluate_scenario(s, ds)
    assert {a.code: a.hubs for a in r.per_authority}[CERE] == ("A", "B")
    assert r.authorities_covered == 7


def test_distance_matrix_is_built_once_and_read_only(ds):
    a = dataset_arrays(ds)
    assert dataset_arrays(load_dataset()) is a
    assert a.distance_km[a.index[CARM], a.index[POWYS]] == pytest.approx(76.8, abs=0.05)
    with pytest.raises(ValueError):
        a.distance_km[0, 1] = 0.0


def test_compare_with_may_2019(ds):
    base = evaluate_scenario(may_2019_scenario(), ds)
    other = evaluate_scenario(mid_west(60, include_existing=False), ds)
    c = compare(base, other)
    assert c["from"] == "Position as at 31 May 2019"
    assert c["gained"] == [CERE, PEMB, CARM]
    assert c["lost"] == ["W06000013", CARDIFF, "W06000016", "W06000022", "W06000024"]
    assert c["unchanged_covered"] == []
    assert len(c["unchanged_uncovered"]) == 14
    assert c["authorities_delta"] == -2
    assert c["population_delta"] == (71_481 + 123_354 + 187_896) - 963_896


def test_compare_refuses_mixed_bases(ds):
    a = evaluate_scenario(may_2019_scenario(), ds)
    b = evaluate_scenario(Scenario("2018", (), population="mid2018"), ds)
    with pytest.raises(CoverageError, match="different bases"):
        compare(a, b)


def test_result_csv(ds):
    text = result_csv(evaluate_scenario(mid_west(60), ds))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "code", "name", "status_2019", "covered", "newly_covered", "hubs", "population",
    ]
    assert len(rows) == 22
    assert rows[8] == {
        "code": CARM, "name": "Carmarthenshire", "status_2019": "no_mash", "covered": "yes",
        "newly_covered": "yes", "hubs": "Mid and West Wales MASH", "population": "187896",
    }
    assert rows[20]["covered"] == "no"


def test_result_csv_defuses_spreadsheet_formulas(ds):
    s = Scenario("x", (HubSpec("=HYPERLINK(1)", "per_authority", (POWYS,), None),))
    rows = list(csv.DictReader(io.StringIO(result_csv(evaluate_scenario(s, ds)))))
    assert rows[20]["hubs"] == "'=HYPERLINK(1)"
