"""Best places for k new co-located (regional) hubs: an exact maximal covering solver.

The question: where should k regional hubs go to cover the most people (or the most
authorities) within D km of a hub, keeping the existing 2019 MASHs? It is a maximal
covering location problem, solved exactly as a 0-1 integer programme with
:func:`scipy.optimize.milp` (HiGHS, zero optimality gap):

    maximise    Σ_i w_i y_i
    subject to  y_i ≤ Σ_{j : d_ij ≤ D} x_j    for each area i not already covered
                Σ_j x_j = k
                x_j, y_i ∈ {0, 1}

where x_j opens a hub at candidate j (every authority, at its main council office),
y_i marks area i as covered, and w_i is its population (or 1). Areas already covered
by an operating or pilot MASH are covered regardless and carry no weight.

>>> from explorer.data import load_dataset
>>> r = best_sites(load_dataset(), k=1, max_km=40)
>>> r.hosts, r.population_covered
(('W06000016',), 1811733)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from explorer.coverage import dataset_arrays, to_plain
from explorer.i18n import t
from explorer.model import Dataset
from explorer.scenario import (
    MAX_NAME_CHARS,
    HubSpec,
    Scenario,
    ScenarioError,
    parse_scenario,
    scenario_to_dict,
)

OBJECTIVES: tuple[str, ...] = ("population", "authorities")


class BestSitesError(ValueError):
    """A best-sites request that cannot be answered, in one line."""


# Numeric core --------------------------------------------------------------------------------
def solve_mclp(
    weights: NDArray[np.floating],
    distance_km: NDArray[np.floating],
    k: int,
    max_km: float,
    fixed_covered: NDArray[np.bool_] | None = None,
) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """Choose exactly ``k`` candidate sites maximising the weight covered within ``max_km``.

    Parameters
    ----------
    weights : ndarray, shape (n,)
        Non-negative weight of each demand area (people, or 1 per area).
    distance_km : ndarray, shape (n, m)
        ``distance_km[i, j]``: km from area i to candidate site j.
    k : int
        Number of sites to open, 1 ≤ k ≤ m.
    max_km : float
        A site covers the areas within this distance (inclusive).
    fixed_covered : ndarray of bool, shape (n,), optional
        Areas covered whatever the choice (existing hubs); they add nothing.

    Returns
    -------
    chosen : ndarray of int
        The chosen candidate indices, ascending.
    covered : ndarray of bool, shape (n,)
        Areas covered by a chosen site or by ``fixed_covered``.

    Examples
    --------
    Four areas on a line at 0, 10, 20 and 50 km; one site within 10 km covers the most
    weight at the second area:

    >>> x = np.array([0.0, 10.0, 20.0, 50.0])
    >>> chosen, covered = solve_mclp(np.array([5, 1, 5, 8]), abs(x[:, None] - x), 1, 10.0)
    >>> chosen.tolist(), covered.tolist()
    ([1], [True, True, True, False])
    """
    # Imported here: scipy.optimize takes about half a second to import, and only the
    # solver needs it (the CLI's other commands and the app's other pages do not).
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_array, hstack, identity

    w = np.asarray(weights, dtype=np.float64)
    d = np.asarray(distance_km, dtype=np.float64)
    if w.ndim != 1 or d.ndim != 2 or d.shape[0] != w.size:
        raise BestSitesError(f"distance_km must have one row per weight ({w.size})")
    n, m = d.shape
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise BestSitesError("weights must be finite and not negative")
    if np.any(np.isnan(d)):
        raise BestSitesError("distance_km must not hold NaN")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= m:
        raise BestSitesError(f"k must be a whole number from 1 to {m}, not {k!r}")
    fixed = np.zeros(n, bool) if fixed_covered is None else np.asarray(fixed_covered, bool)
    if fixed.shape != (n,):
        raise BestSitesError(f"fixed_covered must hold {n} values")

    reach = d <= max_km  # reach[i, j]: site j covers area i
    open_areas = np.flatnonzero(~fixed & (w > 0))  # the only areas worth a y variable
    p = open_areas.size
    # Variables: x_0..x_{m-1} (sites), then y_0..y_{p-1} (open areas). milp minimises.
    cost = np.concatenate([np.zeros(m), -w[open_areas]])
    cover = hstack(
        [-csr_array(reach[open_areas].astype(np.float64)), identity(p, format="csr")],
        format="csr",
    )  # y_i - Σ_j a_ij x_j ≤ 0
    count = csr_array(np.concatenate([np.ones(m), np.zeros(p)])[None, :])
    constraints = [LinearConstraint(count, k, k)]
    if p:
        constraints.append(LinearConstraint(cover, -np.inf, 0.0))
    res = milp(
        cost,
        constraints=constraints,
        integrality=np.ones(m + p),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0.0},
    )
    if res.x is None or not res.success:
        raise BestSitesError(f"the solver found no solution ({res.message})")
    chosen = np.flatnonzero(res.x[:m] > 0.5)
    covered = fixed | reach[:, chosen].any(axis=1)
    return chosen, covered


# Dataset adapter -----------------------------------------------------------------------------
@dataclass(frozen=True)
class BestSite:
    """A chosen host and the areas assigned to it (nearest chosen host, within reach)."""

    host: str
    name: str
    members: tuple[str, ...]  # host first, then by distance
    distances_km: tuple[float, ...]  # host→member, rounded to 0.1 km
    population: int


@dataclass(frozen=True)
class Unreached:
    """An area no chosen host reaches, and how far the nearest one is."""

    code: str
    name: str
    nearest_host: str
    nearest_km: float


@dataclass(frozen=True)
class BestSitesResult:
    k: int
    max_km: float
    objective: str
    keep_existing: bool
    population_basis: str
    hosts: tuple[str, ...]
    sites: tuple[BestSite, ...]
    covered_codes: tuple[str, ...]
    newly_covered_codes: tuple[str, ...]
    authorities_total: int
    authorities_covered: int
    population_total: int
    population_covered: int
    unreachable: tuple[Unreached, ...]

    @property
    def population_share(self) -> float:
        return self.population_covered / self.population_total if self.population_total else 0.0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["population_share"] = self.population_share
        return to_plain(out)


def _check_request(k: Any, max_km: Any, objective: str, m: int) -> float:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= m:
        raise BestSitesError(
            f"k (the number of hubs) must be a whole number from 1 to {m}, not {k!r}"
        )
    if (
        isinstance(max_km, bool)
        or not isinstance(max_km, (int, float, np.number))
        or not math.isfinite(max_km)
        or max_km <= 0
    ):
        raise BestSitesError(f"max_km must be a number of kilometres above 0, not {max_km!r}")
    if objective not in OBJECTIVES:
        raise BestSitesError(f"objective must be one of {', '.join(OBJECTIVES)}, not {objective!r}")
    return float(max_km)


def best_sites(
    ds: Dataset,
    k: int,
    max_km: float,
    objective: str = "population",
    keep_existing: bool = True,
    population: str = "census2021",
) -> BestSitesResult:
    """The k council offices that, as regional hub hosts, cover the most within ``max_km``.

    Parameters
    ----------
    ds : Dataset
    k : int
        Number of new hubs, from 1 to the number of authorities.
    max_km : float
        Reach of each hub from its host's main council office, in km.
    objective : {"population", "authorities"}
        Maximise people covered, or authorities covered.
    keep_existing : bool
        Count authorities served by an operating or pilot MASH in May 2019 as covered.
    population : {"census2021", "mid2018"}
        Population basis for weights and totals.

    Returns
    -------
    BestSitesResult
        Hosts in order of the population assigned to them (largest first); each covered
        area is assigned to its nearest chosen host.

    Raises
    ------
    BestSitesError
        For a bad k, max_km or objective.
    """
    arrays = dataset_arrays(ds)
    codes = arrays.codes
    max_km = _check_request(k, max_km, objective, len(codes))
    if population not in arrays.population:
        raise BestSitesError(f"unknown population basis {population!r}")
    pop = arrays.population[population]
    weights = pop.astype(np.float64) if objective == "population" else np.ones(len(codes))
    fixed = arrays.existing if keep_existing else np.zeros(len(codes), bool)
    d = arrays.distance_km
    chosen, covered = solve_mclp(weights, d, int(k), max_km, fixed)

    # Assign each area reached by a chosen host to the nearest one (ties: lowest index).
    to_chosen = d[:, chosen]
    nearest = np.argmin(to_chosen, axis=1)
    nearest_km = to_chosen[np.arange(len(codes)), nearest]
    reached = nearest_km <= max_km
    sites = []
    for slot, j in enumerate(chosen):
        mine = [i for i in np.flatnonzero(reached & (nearest == slot)) if not fixed[i] or i == j]
        if j not in mine:  # an existing-MASH host still hosts its hub
            mine.append(j)
        mine.sort(key=lambda i: (i != j, d[j, i], i))
        sites.append(
            BestSite(
                host=codes[j],
                name=ds.authority(codes[j]).name_en,
                members=tuple(codes[i] for i in mine),
                distances_km=tuple(round(float(d[j, i]), 1) for i in mine),
                population=int(pop[mine].sum()),
            )
        )
    sites.sort(key=lambda s: (-s.population, s.host))
    unreachable = tuple(
        Unreached(
            code=codes[i],
            name=ds.authority(codes[i]).name_en,
            nearest_host=codes[chosen[nearest[i]]],
            nearest_km=round(float(nearest_km[i]), 1),
        )
        for i in np.flatnonzero(~covered)
    )
    return BestSitesResult(
        k=int(k),
        max_km=max_km,
        objective=objective,
        keep_existing=keep_existing,
        population_basis=population,
        hosts=tuple(s.host for s in sites),
        sites=tuple(sites),
        covered_codes=tuple(sorted(codes[i] for i in np.flatnonzero(covered))),
        newly_covered_codes=tuple(
            sorted(codes[i] for i in np.flatnonzero(covered & ~arrays.existing))
        ),
        authorities_total=len(codes),
        authorities_covered=int(covered.sum()),
        population_total=int(pop.sum()),
        population_covered=int(pop[covered].sum()),
        unreachable=unreachable,
    )


def to_scenario(result: BestSitesResult, ds: Dataset) -> Scenario:
    """The result as a scenario to adopt: one regional hub per chosen host, limited to D km.

    Evaluating it with :func:`explorer.coverage.evaluate_scenario` gives the same
    coverage as the result.

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> ds = load_dataset()
    >>> s = to_scenario(best_sites(ds, k=1, max_km=40), ds)
    >>> s.name, s.hubs[0].name, s.max_travel_km
    ('Best 1 site within 40 km', 'Best site 1: Rhondda Cynon Taf', 40.0)
    """
    plural = "site" if result.k == 1 else "sites"
    name = f"Best {result.k} {plural} within {result.max_km:g} km"
    if result.objective == "authorities":
        name += " (most authorities)"
    hubs = tuple(
        HubSpec(
            name=f"Best site {n}: {site.name}"[:MAX_NAME_CHARS],
            model="regional",
            authorities=site.members,
            host=site.host,
        )
        for n, site in enumerate(result.sites, start=1)
    )
    scenario = Scenario(
        name=name,
        hubs=hubs,
        include_existing=result.keep_existing,
        max_travel_km=result.max_km,
        population=result.population_basis,
    )
    # Whatever the planner adopts must be a scenario the parser accepts (and so the page's
    # widgets can hold): a reach outside the travel-limit range is refused here, not there.
    try:
        parse_scenario(scenario_to_dict(scenario), ds)
    except ScenarioError as exc:
        raise BestSitesError(f"cannot adopt this result as a scenario: {exc}") from None
    return scenario


def explain_uncovered(result: BestSitesResult, ds: Dataset, lang: str = "en") -> list[str]:
    """One plain sentence per area the chosen hubs leave uncovered.

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> ds = load_dataset()
    >>> print(explain_uncovered(best_sites(ds, k=3, max_km=40), ds)[-1])
    No hub within 40 km can reach Powys: its nearest chosen host, Merthyr Tydfil,
    is 55.7 km away.
    """
    if lang not in ("en", "cy"):
        raise BestSitesError(f"lang must be 'en' or 'cy', not {lang!r}")
    lines = []
    for u in result.unreachable:
        area = ds.authority(u.code).name(lang)
        host = ds.authority(u.nearest_host).name(lang)
        lines.append(t("best_sites.unreachable", lang, area=area, host=host,
                       max_km=f"{result.max_km:g}", km=f"{u.nearest_km:.1f}"))
    return lines
