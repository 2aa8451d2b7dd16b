"""Who a scenario's hubs would cover: a numeric core and a dataset adapter.

The core, :func:`evaluate`, works on plain arrays (populations, a boolean "served in
2019" mask, hub member indices, a km distance matrix) and knows nothing of Wales, so
it runs as well on a synthetic 400-area grid as on the 22 authorities. The adapter,
:func:`evaluate_scenario`, builds those arrays from a :class:`~explorer.model.Dataset`
(once per dataset; see :func:`dataset_arrays`) and names the results.

Coverage rules
--------------
* An area is covered if it was served by an operating or pilot MASH (status ``mash``
  or ``mash_pilot``) as at 31 May 2019 and the scenario includes existing hubs, or if
  any proposed hub covers it. It is counted once however many hubs include it.
* A ``per_authority`` hub and a ``virtual`` hub cover every area they list.
* A ``regional`` hub covers its host, and each other member whose council office is
  within ``max_travel_km`` of the host's (great-circle distance); members beyond it
  are reported in ``excluded`` with their distance. Without a limit it covers all.
* *Newly covered* means covered in the scenario and **not** served by an operating or
  pilot MASH as at 31 May 2019, whether or not the scenario includes existing hubs.

>>> import numpy as np
>>> d = np.array([[0.0, 30.0, 60.0], [30.0, 0.0, 45.0], [60.0, 45.0, 0.0]])
>>> r = evaluate(np.array([100, 50, 20]), np.array([False, False, True]), True,
...              [HubArrays(np.array([0, 1, 2]), 0, "regional")], d, 40.0)
>>> r.covered.tolist(), r.population_covered, r.excluded
([True, True, True], 170, ((0, 2, 60.0),))
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from explorer.distance import distance_matrix_km
from explorer.model import ACTIVE_STATUSES, Dataset
from explorer.scenario import MODELS, Scenario
from explorer.summary import POPULATION_FIELDS
from explorer.text import formula_safe


class CoverageError(ValueError):
    """Inputs the coverage engine cannot evaluate, named in one line."""


# Numeric core --------------------------------------------------------------------------------
@dataclass(frozen=True)
class HubArrays:
    """One hub as indices into the area arrays.

    Attributes
    ----------
    members : ndarray of int
        Indices of the areas the hub lists (distinct).
    host : int
        Index of the host area, or -1 for a ``per_authority`` hub.
    model : str
        ``regional``, ``per_authority`` or ``virtual``.
    """

    members: NDArray[np.intp]
    host: int
    model: str


@dataclass(frozen=True)
class CoreResult:
    """What :func:`evaluate` found.

    Attributes
    ----------
    covered : ndarray of bool
        Covered areas.
    existing_covered : ndarray of bool
        Areas covered because of existing hubs (all False if they are not included).
    hub_covered : tuple of ndarray of int
        For each hub, the indices of the members it covers, in the order listed.
    hub_population : tuple of int
        For each hub, the population of the members it covers.
    population_covered : int
        Population of the covered areas, each counted once.
    excluded : tuple of (hub index, area index, distance_km)
        Regional members left out by the travel limit.
    """

    covered: NDArray[np.bool_]
    existing_covered: NDArray[np.bool_]
    hub_covered: tuple[NDArray[np.intp], ...]
    hub_population: tuple[int, ...]
    population_covered: int
    excluded: tuple[tuple[int, int, float], ...]


def _check_core(
    population: NDArray,
    existing: NDArray,
    hubs: Sequence[HubArrays],
    distance_km: NDArray | None,
    max_travel_km: float | None,
) -> int:
    if population.ndim != 1:
        raise CoverageError("population must be a one-dimensional array")
    n = population.size
    if not np.issubdtype(population.dtype, np.integer) or (n and population.min() < 0):
        raise CoverageError("population must hold whole numbers of people, none negative")
    if existing.shape != (n,) or existing.dtype != np.bool_:
        raise CoverageError(f"existing must be a boolean array of {n} values")
    if max_travel_km is not None:
        if not np.isfinite(max_travel_km) or max_travel_km <= 0:
            raise CoverageError(f"max_travel_km must be a number above 0, not {max_travel_km!r}")
    needs_distance = max_travel_km is not None and any(h.model == "regional" for h in hubs)
    if needs_distance and distance_km is None:
        raise CoverageError("a travel limit on regional hubs needs the distance matrix")
    if distance_km is not None and distance_km.shape != (n, n):
        raise CoverageError(f"distance_km must be a {n}×{n} array, not {distance_km.shape}")
    for number, hub in enumerate(hubs):
        members = hub.members
        if hub.model not in MODELS:
            raise CoverageError(f"hub {number}: unknown model {hub.model!r}")
        if members.ndim != 1 or not np.issubdtype(members.dtype, np.integer) or not members.size:
            raise CoverageError(f"hub {number}: members must be a non-empty array of indices")
        if members.min() < 0 or members.max() >= n:
            raise CoverageError(f"hub {number}: a member index is outside 0 to {n - 1}")
        if np.unique(members).size != members.size:
            raise CoverageError(f"hub {number}: a member is listed twice")
        if hub.model == "per_authority":
            if hub.host != -1:
                raise CoverageError(f"hub {number}: a per_authority hub has no host (use -1)")
        elif hub.host not in members:
            raise CoverageError(f"hub {number}: the host must be one of the members")
    return n


def evaluate(
    population: NDArray[np.integer],
    existing: NDArray[np.bool_],
    include_existing: bool,
    hubs: Sequence[HubArrays],
    distance_km: NDArray[np.floating] | None = None,
    max_travel_km: float | None = None,
) -> CoreResult:
    """Which areas the hubs cover, and how many people live there.

    Parameters
    ----------
    population : ndarray of int, shape (n,)
        People in each area.
    existing : ndarray of bool, shape (n,)
        Areas already served by an operating or pilot hub.
    include_existing : bool
        Count ``existing`` areas as covered.
    hubs : sequence of HubArrays
        The proposed hubs.
    distance_km : ndarray, shape (n, n), optional
        ``distance_km[i, j]``: km from area i's office to area j's. Needed only when a
        regional hub is limited by ``max_travel_km``.
    max_travel_km : float, optional
        Farthest a regional hub reaches from its host; None for no limit.

    Returns
    -------
    CoreResult

    Raises
    ------
    CoverageError
        If the arrays disagree in size, an index is out of range, a host is missing, etc.

    Examples
    --------
    Area 1 is covered by both hubs but counted once; area 2 is beyond the 40 km limit:

    >>> d = np.array([[0.0, 30.0, 60.0], [30.0, 0.0, 45.0], [60.0, 45.0, 0.0]])
    >>> r = evaluate(np.array([100, 50, 20]), np.zeros(3, bool), False,
    ...              [HubArrays(np.array([0, 1, 2]), 0, "regional"),
    ...               HubArrays(np.array([1]), -1, "per_authority")], d, 40.0)
    >>> r.covered.tolist(), r.population_covered, r.hub_population
    ([True, True, False], 150, (150, 50))
    """
    population = np.asarray(population)
    existing = np.asarray(existing)
    if distance_km is not None:
        distance_km = np.asarray(distance_km, dtype=np.float64)
    _check_core(population, existing, hubs, distance_km, max_travel_km)
    existing_covered = existing.copy() if include_existing else np.zeros_like(existing)
    covered = existing_covered.copy()
    hub_covered: list[NDArray[np.intp]] = []
    hub_population: list[int] = []
    excluded: list[tuple[int, int, float]] = []
    for number, hub in enumerate(hubs):
        members = hub.members
        if hub.model == "regional" and max_travel_km is not None:
            assert distance_km is not None  # checked above
            dist = distance_km[hub.host, members]
            keep = (dist <= max_travel_km) | (members == hub.host)
            for area, km in zip(members[~keep], dist[~keep], strict=True):
                excluded.append((number, int(area), float(km)))
            members = members[keep]
        covered[members] = True
        hub_covered.append(members)
        hub_population.append(int(population[members].sum(dtype=np.int64)))
    return CoreResult(
        covered=covered,
        existing_covered=existing_covered,
        hub_covered=tuple(hub_covered),
        hub_population=tuple(hub_population),
        population_covered=int(population[covered].sum(dtype=np.int64)),
        excluded=tuple(excluded),
    )


# Dataset adapter -----------------------------------------------------------------------------
@dataclass(frozen=True)
class DatasetArrays:
    """A dataset as arrays, in ``ds.authorities`` order. Arrays are read-only."""

    codes: tuple[str, ...]
    index: dict[str, int]
    population: dict[str, NDArray[np.int64]]  # by basis
    existing: NDArray[np.bool_]
    distance_km: NDArray[np.float64]


_ARRAYS_CACHE: dict[tuple, DatasetArrays] = {}


def _frozen(arr: NDArray) -> NDArray:
    arr.setflags(write=False)
    return arr


def dataset_arrays(ds: Dataset) -> DatasetArrays:
    """Arrays for ``ds``, built once and cached by its codes, coordinates, populations
    and statuses (plain values, so an edited dataset gets fresh arrays).

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> arrays = dataset_arrays(load_dataset())
    >>> int(arrays.existing.sum()), arrays.distance_km.shape
    (5, (22, 22))
    """
    key = tuple(
        (
            a.code,
            a.office_lat,
            a.office_lon,
            a.population_census2021,
            a.population_mid2018,
            ds.status(a.code),
        )
        for a in ds.authorities
    )
    cached = _ARRAYS_CACHE.get(key)
    if cached is not None:
        return cached
    codes = tuple(a.code for a in ds.authorities)
    arrays = DatasetArrays(
        codes=codes,
        index={c: i for i, c in enumerate(codes)},
        population={
            basis: _frozen(np.array([getattr(a, field) for a in ds.authorities], dtype=np.int64))
            for basis, field in POPULATION_FIELDS.items()
        },
        existing=_frozen(np.array([ds.status(c) in ACTIVE_STATUSES for c in codes], dtype=bool)),
        distance_km=_frozen(
            distance_matrix_km(
                [a.office_lat for a in ds.authorities], [a.office_lon for a in ds.authorities]
            )
        ),
    )
    if len(_ARRAYS_CACHE) >= 16:  # a handful of datasets at most; never grow without bound
        _ARRAYS_CACHE.clear()
    _ARRAYS_CACHE[key] = arrays
    return arrays


@dataclass(frozen=True)
class Excluded:
    """A regional hub's member left out by the travel limit."""

    hub: str
    code: str
    distance_km: float
    max_travel_km: float


@dataclass(frozen=True)
class HubResult:
    name: str
    model: str
    host: str | None
    authorities: tuple[str, ...]
    covered_codes: tuple[str, ...]
    population: int
    max_distance_km: float | None
    police_forces: tuple[str, ...]
    health_boards: tuple[str, ...]
    safeguarding_boards: tuple[str, ...]


@dataclass(frozen=True)
class AuthorityResult:
    code: str
    name: str
    status_2019: str
    covered: bool
    newly_covered: bool
    hubs: tuple[str, ...]  # names of the proposed hubs that cover it
    population: int


@dataclass(frozen=True)
class CoverageResult:
    """A scenario's coverage; :meth:`to_dict` gives the JSON the CLI prints."""

    scenario_name: str
    population_basis: str
    authorities_total: int
    authorities_covered: int
    covered_codes: tuple[str, ...]
    newly_covered_codes: tuple[str, ...]
    population_total: int
    population_covered: int
    population_share: float
    excluded: tuple[Excluded, ...]
    hubs: tuple[HubResult, ...]
    per_authority: tuple[AuthorityResult, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (tuples become lists)."""
        return to_plain(asdict(self))


def to_plain(value: Any) -> Any:
    """Nested dicts, lists and tuples as dicts and lists only, ready for ``json.dumps``.

    >>> to_plain({"a": (1, (2, 3))})
    {'a': [1, [2, 3]]}
    """
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value


def _round_km(km: float) -> float:
    return round(float(km), 1)


def evaluate_scenario(s: Scenario, ds: Dataset) -> CoverageResult:
    """Evaluate a parsed scenario against the dataset it was parsed with.

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> from explorer.scenario import may_2019_scenario
    >>> ds = load_dataset()
    >>> r = evaluate_scenario(may_2019_scenario(), ds)
    >>> r.authorities_covered, r.population_covered, r.newly_covered_codes
    (5, 963896, ())
    """
    arrays = dataset_arrays(ds)
    if s.population not in arrays.population:
        raise CoverageError(f"unknown population basis {s.population!r}")
    hub_arrays = []
    for hub in s.hubs:
        try:
            members = np.array([arrays.index[c] for c in hub.authorities], dtype=np.intp)
            host = arrays.index[hub.host] if hub.host is not None else -1
        except KeyError as exc:
            raise CoverageError(
                f"hub {hub.name!r}: authority {exc.args[0]!r} is not in the dataset"
            ) from None
        hub_arrays.append(HubArrays(members, host, hub.model))
    population = arrays.population[s.population]
    core = evaluate(
        population,
        arrays.existing,
        s.include_existing,
        hub_arrays,
        arrays.distance_km,
        s.max_travel_km,
    )
    codes = arrays.codes
    newly = core.covered & ~arrays.existing
    covering: list[list[str]] = [[] for _ in codes]
    hubs: list[HubResult] = []
    for hub, ha, covered_idx, pop in zip(
        s.hubs, hub_arrays, core.hub_covered, core.hub_population, strict=True
    ):
        for i in covered_idx:
            covering[i].append(hub.name)
        members = [ds.authority(c) for c in hub.authorities]
        max_km = None
        if ha.host >= 0:
            max_km = _round_km(arrays.distance_km[ha.host, ha.members].max())
        hubs.append(
            HubResult(
                name=hub.name,
                model=hub.model,
                host=hub.host,
                authorities=hub.authorities,
                covered_codes=tuple(sorted(codes[i] for i in covered_idx)),
                population=pop,
                max_distance_km=max_km,
                police_forces=tuple(sorted({ds.force(a.force_id).name_en for a in members})),
                health_boards=tuple(sorted({a.health_board for a in members})),
                safeguarding_boards=tuple(sorted({a.safeguarding_board for a in members})),
            )
        )
    excluded = tuple(
        Excluded(s.hubs[h].name, codes[i], _round_km(km), float(s.max_travel_km or 0.0))
        for h, i, km in core.excluded  # only ever non-empty with a travel limit
    )
    per_authority = tuple(
        AuthorityResult(
            code=a.code,
            name=a.name_en,
            status_2019=ds.status(a.code),
            covered=bool(core.covered[i]),
            newly_covered=bool(newly[i]),
            hubs=tuple(covering[i]),
            population=int(population[i]),
        )
        for i, a in enumerate(ds.authorities)
    )
    population_total = int(population.sum())
    return CoverageResult(
        scenario_name=s.name,
        population_basis=s.population,
        authorities_total=len(codes),
        authorities_covered=int(core.covered.sum()),
        covered_codes=tuple(sorted(c for c, cov in zip(codes, core.covered, strict=True) if cov)),
        newly_covered_codes=tuple(sorted(c for c, nw in zip(codes, newly, strict=True) if nw)),
        population_total=population_total,
        population_covered=core.population_covered,
        population_share=core.population_covered / population_total if population_total else 0.0,
        excluded=excluded,
        hubs=tuple(hubs),
        per_authority=per_authority,
    )


# Comparing and exporting ---------------------------------------------------------------------
def compare(a: CoverageResult, b: CoverageResult) -> dict[str, Any]:
    """What changes going from result ``a`` (e.g. May 2019) to result ``b``.

    Returns a dict with ``from`` and ``to`` (scenario names), per-authority code lists
    ``gained`` (covered in b only), ``lost`` (covered in a only), ``unchanged_covered``
    and ``unchanged_uncovered``, and the deltas ``authorities_delta``,
    ``population_delta`` and ``population_share_delta`` (b minus a).

    Raises
    ------
    CoverageError
        If the results cover different authorities or count people on different bases.

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> from explorer.scenario import may_2019_scenario, Scenario, HubSpec
    >>> ds = load_dataset()
    >>> base = evaluate_scenario(may_2019_scenario(), ds)
    >>> powys = Scenario("Powys", (HubSpec("Powys MASH", "per_authority", ("W06000023",), None),))
    >>> c = compare(base, evaluate_scenario(powys, ds))
    >>> c["gained"], c["lost"], c["population_delta"]
    (['W06000023'], [], 133174)
    """
    codes_a = [r.code for r in a.per_authority]
    if codes_a != [r.code for r in b.per_authority]:
        raise CoverageError("cannot compare results for different sets of authorities")
    if a.population_basis != b.population_basis:
        raise CoverageError(
            f"cannot compare populations on different bases ({a.population_basis} and "
            f"{b.population_basis}); use the same basis in both scenarios"
        )
    out: dict[str, Any] = {
        "from": a.scenario_name,
        "to": b.scenario_name,
        "gained": [],
        "lost": [],
        "unchanged_covered": [],
        "unchanged_uncovered": [],
    }
    for ra, rb in zip(a.per_authority, b.per_authority, strict=True):
        key = {
            (False, True): "gained",
            (True, False): "lost",
            (True, True): "unchanged_covered",
            (False, False): "unchanged_uncovered",
        }[(ra.covered, rb.covered)]
        out[key].append(ra.code)
    out["authorities_delta"] = b.authorities_covered - a.authorities_covered
    out["population_delta"] = b.population_covered - a.population_covered
    out["population_share_delta"] = b.population_share - a.population_share
    return out


_CSV_COLUMNS = ("code", "name", "status_2019", "covered", "newly_covered", "hubs", "population")


def result_csv(result: CoverageResult) -> str:
    """Per-authority CSV: code,name,status_2019,covered,newly_covered,hubs,population.

    ``covered`` and ``newly_covered`` are ``yes``/``no``; ``hubs`` joins the names of the
    proposed hubs covering the authority with ``"; "``.

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> from explorer.scenario import may_2019_scenario
    >>> ds = load_dataset()
    >>> print(result_csv(evaluate_scenario(may_2019_scenario(), ds)).splitlines()[14])
    W06000015,Cardiff,mash,yes,no,,362312
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for r in result.per_authority:
        writer.writerow(
            [
                r.code,
                r.name,
                r.status_2019,
                "yes" if r.covered else "no",
                "yes" if r.newly_covered else "no",
                formula_safe("; ".join(r.hubs)),
                r.population,
            ]
        )
    return buf.getvalue()
