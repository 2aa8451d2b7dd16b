"""Best sites: the exact solver against brute force, and the dataset adapter."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from explorer.best_sites import (
    BestSitesError,
    best_sites,
    explain_uncovered,
    solve_mclp,
    to_scenario,
)
from explorer.coverage import dataset_arrays, evaluate_scenario
from explorer.data import load_dataset
from explorer.scenario import decode_share, encode_share


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def brute_force(weights, d, k, max_km, fixed):
    """Best covered weight over every set of k sites."""
    reach = d <= max_km
    best = -1.0
    for combo in itertools.combinations(range(d.shape[1]), k):
        covered = fixed | reach[:, list(combo)].any(axis=1)
        best = max(best, float(weights[covered & ~fixed].sum()))
    return best


def test_tiny_hand_computed_instance():
    # Four areas: A at 0 km, B at 10, C at 20 on a line; D 50 km from all of them.
    # Weights 5, 1, 5, 8. With D = 10 km one hub at B covers A+B+C = 11 > 8 (D alone).
    d = np.array(
        [[0, 10, 20, 50], [10, 0, 10, 50], [20, 10, 0, 50], [50, 50, 50, 0]], dtype=float
    )
    w = np.array([5, 1, 5, 8])
    chosen, covered = solve_mclp(w, d, 1, 10.0)
    assert chosen.tolist() == [1] and covered.tolist() == [True, True, True, False]
    # Two hubs: B and D cover everything (19).
    chosen, covered = solve_mclp(w, d, 2, 10.0)
    assert chosen.tolist() == [1, 3] and covered.all()
    # If A and C are already covered, one hub at D (8) beats B (1).
    chosen, covered = solve_mclp(w, d, 1, 10.0, np.array([True, False, True, False]))
    assert chosen.tolist() == [3] and covered.tolist() == [True, False, True, True]
    # With 9.9 km nothing reaches a neighbour: the heaviest area wins.
    chosen, _ = solve_mclp(w, d, 1, 9.9)
    assert chosen.tolist() == [3]


@pytest.mark.parametrize("seed", range(12))
def test_matches_brute_force_on_random_instances(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 10))
    xy = rng.uniform(0, 100, size=(n, 2))
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    weights = rng.integers(1, 500_000, size=n).astype(float)
    if seed % 3 == 0:
        weights = np.ones(n)  # the "authorities" objective: many ties
    fixed = rng.random(n) < 0.25
    max_km = float(rng.uniform(10, 60))
    for k in range(1, min(n, 4) + 1):
        chosen, covered = solve_mclp(weights, d, k, max_km, fixed)
        assert len(chosen) == k
        assert covered.tolist() == (fixed | (d[:, chosen] <= max_km).any(axis=1)).tolist()
        got = float(weights[covered & ~fixed].sum())
        assert got == brute_force(weights, d, k, max_km, fixed), (seed, k)


def test_rectangular_candidates():
    # Three areas, two candidate sites: site 0 covers areas 0-1, site 1 covers area 2.
    d = np.array([[1.0, 90.0], [2.0, 80.0], [70.0, 3.0]])
    chosen, covered = solve_mclp(np.array([1, 1, 5]), d, 1, 10.0)
    assert chosen.tolist() == [1] and covered.tolist() == [False, False, True]


@pytest.mark.parametrize("k", [1, 2, 3])
def test_real_dataset_matches_brute_force(ds, k):
    arrays = dataset_arrays(ds)
    pop = arrays.population["census2021"].astype(float)
    r = best_sites(ds, k, 40)
    best_new = brute_force(pop, arrays.distance_km, k, 40.0, arrays.existing)
    assert r.population_covered == 963_896 + best_new


def test_one_hub_within_40_km(ds):
    r = best_sites(ds, 1, 40)
    # Clydach Vale reaches Swansea, Neath Port Talbot, the Vale, Caerphilly, Blaenau Gwent and
    # Torfaen within 40 km: 238,489 + 142,291 + 131,947 + 175,948 + 66,899 + 92,263 = 847,837.
    assert r.hosts == ("W06000016",)
    assert r.population_covered == 963_896 + 847_837
    assert r.authorities_covered == 11
    (site,) = r.sites
    assert site.members[0] == "W06000016" and site.distances_km[0] == 0.0
    assert set(site.members) == {
        "W06000016", "W06000011", "W06000012", "W06000014", "W06000018", "W06000019", "W06000020",
    }
    assert site.population == 237_658 + 847_837
    assert list(site.distances_km) == sorted(site.distances_km)


def test_authorities_objective_and_ignoring_existing(ds):
    r = best_sites(ds, 2, 40, objective="authorities")
    assert r.authorities_covered == 15
    arrays = dataset_arrays(ds)
    assert r.authorities_covered - 5 == brute_force(
        np.ones(22), arrays.distance_km, 2, 40.0, arrays.existing
    )
    r = best_sites(ds, 1, 40, keep_existing=False)
    none = np.zeros(22, bool)
    pop = arrays.population["census2021"].astype(float)
    assert r.population_covered == brute_force(pop, arrays.distance_km, 1, 40.0, none)


def test_unreachable_areas_and_their_nearest_host(ds):
    r = best_sites(ds, 3, 40)
    assert r.hosts == ("W06000024", "W06000004", "W06000010")  # Merthyr, Denbighshire, Carms
    assert [(u.code, u.nearest_host, u.nearest_km) for u in r.unreachable] == [
        ("W06000001", "W06000004", 68.8),
        ("W06000002", "W06000004", 64.2),
        ("W06000008", "W06000010", 43.1),
        ("W06000009", "W06000010", 45.2),
        ("W06000023", "W06000024", 55.7),
    ]
    assert explain_uncovered(r, ds)[4] == (
        "No hub within 40 km can reach Powys: its nearest chosen host, Merthyr Tydfil, "
        "is 55.7 km away."
    )
    assert explain_uncovered(r, ds, lang="cy")[3] == (
        "Sir Benfro: does dim hyb o fewn 40 km. Y safle agosaf a ddewiswyd yw Sir Gaerfyrddin, "
        "45.2 km i ffwrdd."
    )
    with pytest.raises(BestSitesError, match="lang must be 'en' or 'cy'"):
        explain_uncovered(r, ds, lang="fr")
    assert explain_uncovered(best_sites(ds, 22, 1), ds) == []


@pytest.mark.parametrize("k", [1, 2, 4, 6])
@pytest.mark.parametrize("keep", [True, False])
def test_adopted_scenario_gives_the_same_coverage(ds, k, keep):
    r = best_sites(ds, k, 40, keep_existing=keep)
    s = to_scenario(r, ds)
    assert decode_share(encode_share(s), ds) == s  # valid under the strict parser
    assert s.max_travel_km == 40.0 and s.include_existing is keep
    assert all(h.model == "regional" and h.host == h.authorities[0] for h in s.hubs)
    assert s.hubs[0].name.startswith("Best site 1: ")
    cov = evaluate_scenario(s, ds)
    assert cov.covered_codes == r.covered_codes
    assert cov.population_covered == r.population_covered
    assert cov.excluded == ()


def test_result_dict(ds):
    d = best_sites(ds, 1, 40).to_dict()
    assert d["hosts"] == ["W06000016"]
    assert d["population_share"] == pytest.approx(1_811_733 / 3_107_489)
    assert d["sites"][0]["name"] == "Rhondda Cynon Taf"
    assert d["unreachable"][0] == {
        "code": "W06000001", "name": "Isle of Anglesey", "nearest_host": "W06000016",
        "nearest_km": 190.3,
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": 0}, "k (the number of hubs) must be a whole number from 1 to 22, not 0"),
        ({"k": 23}, "from 1 to 22, not 23"),
        ({"k": 2.0}, "from 1 to 22, not 2.0"),
        ({"k": True}, "from 1 to 22, not True"),
        ({"max_km": 0}, "max_km must be a number of kilometres above 0, not 0"),
        ({"max_km": -3.5}, "above 0, not -3.5"),
        ({"max_km": float("nan")}, "above 0, not nan"),
        ({"max_km": float("inf")}, "above 0, not inf"),
        ({"max_km": "40"}, "above 0, not '40'"),
        ({"objective": "area"}, "objective must be one of population, authorities, not 'area'"),
        ({"population": "2011"}, "unknown population basis '2011'"),
    ],
)
def test_bad_requests(ds, kwargs, message):
    args = {"k": 2, "max_km": 40.0} | kwargs
    with pytest.raises(BestSitesError) as info:
        best_sites(ds, **args)
    assert message in str(info.value)


def test_core_validation():
    d = np.zeros((3, 3))
    with pytest.raises(BestSitesError, match="one row per weight"):
        solve_mclp(np.ones(2), d, 1, 5.0)
    with pytest.raises(BestSitesError, match="not negative"):
        solve_mclp(np.array([1.0, -1.0, 1.0]), d, 1, 5.0)
    with pytest.raises(BestSitesError, match="from 1 to 3"):
        solve_mclp(np.ones(3), d, 4, 5.0)
    with pytest.raises(BestSitesError, match="fixed_covered must hold 3 values"):
        solve_mclp(np.ones(3), d, 1, 5.0, np.ones(2, bool))
