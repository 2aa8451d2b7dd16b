"""Status summaries of the 2019 position: counts, hubs, population served.

>>> from explorer.data import load_dataset
>>> ds = load_dataset()
>>> counts_by_status(ds)["mash"]
4
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.model import ACTIVE_STATUSES, STATUSES, Dataset

POPULATION_FIELDS = {"census2021": "population_census2021", "mid2018": "population_mid2018"}


def population_of(ds: Dataset, code: str, basis: str = "census2021") -> int:
    """Population of one authority on the given basis (``census2021`` or ``mid2018``)."""
    try:
        field = POPULATION_FIELDS[basis]
    except KeyError:
        raise ValueError(
            f"unknown population basis {basis!r}; use one of {', '.join(POPULATION_FIELDS)}"
        ) from None
    return getattr(ds.authority(code), field)


def counts_by_status(ds: Dataset) -> dict[str, int]:
    """Number of authorities in each status; every status is present, even at zero."""
    counts = dict.fromkeys(STATUSES, 0)
    for pos in ds.positions:
        counts[pos.status] += 1
    return counts


def counts_by_force(ds: Dataset) -> dict[str, dict[str, int]]:
    """For each force_id, the number of its authorities in each status."""
    out = {f.force_id: dict.fromkeys(STATUSES, 0) for f in ds.forces}
    for a in ds.authorities:
        out[a.force_id][ds.status(a.code)] += 1
    return out


@dataclass(frozen=True)
class Headline:
    authorities_total: int
    authorities_active: int  # operating MASH or pilot
    hubs_active: int
    population_total: int
    population_active: int

    @property
    def population_share(self) -> float:
        return self.population_active / self.population_total if self.population_total else 0.0


def headline(ds: Dataset, basis: str = "census2021") -> Headline:
    """The figures above the status map."""
    active = [p.code for p in ds.positions if p.status in ACTIVE_STATUSES]
    return Headline(
        authorities_total=len(ds.authorities),
        authorities_active=len(active),
        hubs_active=sum(1 for h in ds.hubs if h.status in ACTIVE_STATUSES),
        population_total=sum(population_of(ds, a.code, basis) for a in ds.authorities),
        population_active=sum(population_of(ds, c, basis) for c in active),
    )


def status_records(ds: Dataset) -> list[dict[str, object]]:
    """One plain dict per authority, in code order: the CLI's JSON and the app's table."""
    rows = []
    for a in ds.authorities:
        pos = ds.position(a.code)
        hub = ds.hub_of(a.code)
        force = ds.force(a.force_id)
        rows.append(
            {
                "code": a.code,
                "name": a.name_en,
                "name_cy": a.name_cy,
                "police_force": force.short_name,
                "health_board": a.health_board,
                "safeguarding_board": a.safeguarding_board,
                "status": pos.status,
                "hub": hub.name if hub else None,
                "hub_members": list(hub.member_codes) if hub else [],
                "population": a.population_census2021,
                "population_mid2018": a.population_mid2018,
                "land_area_km2": a.land_area_km2,
                "arrangements": [x.name for x in ds.arrangements_for(a.code)],
                "stance": pos.stance,
                "summary": pos.summary,
                "source": ds.citation(pos.section_id),
            }
        )
    return rows
