"""The figures of a scenario, defined once: the what-if planner's headline and per-hub table,
the workshop board, its CSV, JSON and printed summary all count with these functions.

* **MASHs proposed** (:func:`mash_count`): a per-authority hub is one MASH in each authority it
  lists; a regional or virtual hub is one MASH.
* **Farthest trip** (:func:`hub_farthest_km`, :func:`farthest_km`): the great-circle distance
  from a *regional* hub's host to its farthest *covered* member (a member left out by the
  distance limit does not count). A virtual or per-authority hub has no trip: "n/a".
* **What it is** (:func:`describe`): one line saying what a scenario proposes, so entries with
  the same totals can be told apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.coverage import CoverageResult, dataset_arrays
from explorer.i18n import collation_key, decimal, distance, number, percent, t
from explorer.model import Dataset
from explorer.scenario import Scenario

#: Hosts (or authorities) listed by name per model in :func:`describe`; the rest are counted.
DESCRIBE_NAMED = 3


def mash_count(result: CoverageResult) -> int:
    """How many MASHs the proposed hubs amount to: a per-authority hub is one MASH in each
    authority it lists; a regional or virtual hub is one MASH.

    >>> from explorer.data import load_dataset
    >>> from explorer.coverage import evaluate_scenario
    >>> from explorer.scenario import parse_scenario
    >>> ds = load_dataset()
    >>> s = parse_scenario({"name": "x", "hubs": [
    ...     {"name": "Each", "model": "per_authority", "authorities": ["Powys", "Conwy"]},
    ...     {"name": "Gwent", "model": "regional", "authorities": ["Newport", "Torfaen"],
    ...      "host": "Newport"}]}, ds)
    >>> mash_count(evaluate_scenario(s, ds))
    3
    """
    return sum(len(h.authorities) if h.model == "per_authority" else 1 for h in result.hubs)


def hub_farthest_km(hub, ds: Dataset) -> float | None:
    """km from a regional hub's host to its farthest *covered* member (one decimal); None for
    a virtual or per-authority hub (nobody travels)."""
    if hub.model != "regional" or hub.host is None or not hub.covered_codes:
        return None
    arrays = dataset_arrays(ds)
    host = arrays.index[hub.host]
    return round(float(max(arrays.distance_km[host, arrays.index[c]]
                           for c in hub.covered_codes)), 1)


def farthest_km(result: CoverageResult, ds: Dataset) -> float | None:
    """The farthest trip of the whole scenario: the largest :func:`hub_farthest_km`, or None
    when no hub is regional."""
    trips = [km for h in result.hubs if (km := hub_farthest_km(h, ds)) is not None]
    return max(trips) if trips else None


def farthest_text(km: float | None, limit_km: float | None, lang: str = "en") -> str:
    """The farthest trip as shown, with the limit beside it.

    >>> farthest_text(44.1, 45.0), farthest_text(None, 60.0), farthest_text(26.8, None)
    ('44.1 km (limit 45 km)', 'n/a (limit 60 km)', '26.8 km')
    >>> farthest_text(None, None, "cy")
    'd/b'
    """
    shown = t("figures.na", lang) if km is None else distance(km, lang)
    if limit_km is None:
        return shown
    return t("figures.with_limit", lang, value=shown, limit=distance(limit_km, lang))


@dataclass(frozen=True)
class Figures:
    """A scenario's figures, as numbers (``shown`` gives them as text)."""

    authorities_covered: int
    authorities_total: int
    population_covered: int
    population_share: float
    mashes: int
    farthest_km: float | None
    limit_km: float | None

    def shown(self, lang: str = "en") -> dict[str, str]:
        """Every figure as the board and the planner show it (``963,896``, ``47.6``...).

        ``share`` is the percentage without its sign (the column heading says ``%``)."""
        return {
            "authorities": number(self.authorities_covered, lang),
            "people": number(self.population_covered, lang),
            "share": percent(self.population_share, lang).removesuffix("%"),
            "mashes": number(self.mashes, lang),
            "farthest": farthest_text(self.farthest_km, self.limit_km, lang),
        }


def figures_of_result(result: CoverageResult, limit_km: float | None, ds: Dataset) -> Figures:
    """The figures of ``result`` (the scenario's distance limit is ``limit_km``)."""
    return Figures(result.authorities_covered, result.authorities_total,
                   result.population_covered, result.population_share, mash_count(result),
                   farthest_km(result, ds), limit_km)


def describe(scenario: Scenario, ds: Dataset, lang: str = "en") -> str:
    """One line saying what ``scenario`` proposes: its hubs by model with their hosts and
    number of councils, the distance limit, and whether May 2019's MASHs are left out.

    >>> from explorer.data import load_dataset
    >>> from explorer.scenario import parse_scenario
    >>> ds = load_dataset()
    >>> describe(parse_scenario({"name": "x", "max_travel_km": 60, "hubs": [{"name": "MW",
    ...     "model": "regional", "host": "Carmarthenshire", "authorities": ["Carmarthenshire",
    ...     "Ceredigion", "Pembrokeshire", "Powys"]}]}, ds), ds)
    '1 regional hub at Carmarthenshire (4 councils), limit 60 km'
    """
    def name(code: str) -> str:
        return ds.authority(code).name(lang)

    def listed(items: list[str]) -> str:
        shown = items[:DESCRIBE_NAMED]
        if len(items) > DESCRIBE_NAMED:
            shown.append(t("figures.more", lang, n=len(items) - DESCRIBE_NAMED))
        if len(shown) == 1:
            return shown[0]
        return t("figures.and", lang, first=", ".join(shown[:-1]), last=shown[-1])

    parts: list[str] = []
    for model in ("regional", "virtual"):
        hubs = [h for h in scenario.hubs if h.model == model]
        if hubs:
            hosts = [t("figures.host_item", lang, host=name(h.host) if h.host else h.name,
                       n=len(h.authorities),
                       councils=t("figures.council" if len(h.authorities) == 1
                                  else "figures.councils", lang))
                     for h in hubs]
            key = f"figures.{model}_{'one' if len(hubs) == 1 else 'many'}"
            parts.append(t(key, lang, n=len(hubs), hosts=listed(hosts)))
    local = [c for h in scenario.hubs if h.model == "per_authority" for c in h.authorities]
    if local:
        distinct = set(local)
        key = ("figures.local_one" if len(local) == 1 else "figures.local_all"
               if distinct == {a.code for a in ds.authorities} else "figures.local_many")
        names = sorted({name(c) for c in distinct}, key=lambda n: collation_key(n, lang))
        parts.append(t(key, lang, n=len(local), names=listed(names)))
    if not parts:
        parts.append(t("figures.no_hubs", lang))
    line = "; ".join(parts)
    if scenario.max_travel_km is not None:
        line = t("figures.limit", lang, line=line, limit=decimal(scenario.max_travel_km, lang))
    if not scenario.include_existing:
        line = t("figures.without_existing", lang, line=line)
    return line
