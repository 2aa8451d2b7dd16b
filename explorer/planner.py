"""The what-if planner's state and what it shows, as plain values.

The page keeps a *draft*: the scenario as a plain dict in the canonical JSON shape
(``scenario_to_dict``). Edits are pure functions returning a new draft; the draft is
checked hub by hub, so an unfinished hub is left out (with its problem named) while the
rest of the scenario is still evaluated.

>>> from explorer.data import load_dataset
>>> ds = load_dataset()
>>> draft = add_hub(blank_draft("Test"), "Powys hub")
>>> draft = toggle_member(draft, 0, "W06000023")
>>> checked = check_draft(draft, ds)
>>> [h.name for h in checked.scenario.hubs], checked.problems
(['Powys hub'], ())
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from explorer.coverage import CoverageResult, compare, evaluate_scenario
from explorer.i18n import collation_key, decimal, distance, number, percent, t
from explorer.limits import MAX_SAVED  # noqa: F401  (re-exported for the page)
from explorer.model import Dataset
from explorer.scenario import (
    HOSTED_MODELS,
    MODELS,
    Scenario,
    ScenarioError,
    may_2019_scenario,
    parse_hub,
    parse_scenario,
    scenario_to_dict,
)


def blank_draft(name: str) -> dict[str, Any]:
    return {"name": name, "include_existing": True, "max_travel_km": None,
            "population": "census2021", "hubs": []}


def draft_of(s: Scenario) -> dict[str, Any]:
    """The editable draft of a parsed scenario."""
    return scenario_to_dict(s)


def _copy(draft: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(draft)


def unique_hub_name(draft: dict[str, Any], base: str) -> str:
    taken = {str(h.get("name", "")).casefold() for h in draft["hubs"]}
    if base.casefold() not in taken:
        return base
    n = 2
    while f"{base} {n}".casefold() in taken:
        n += 1
    return f"{base} {n}"


def add_hub(draft: dict[str, Any], name: str, model: str = "regional") -> dict[str, Any]:
    """A new draft with an empty hub appended (members are picked afterwards)."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}")
    out = _copy(draft)
    out["hubs"].append(
        {"name": unique_hub_name(out, name), "model": model, "authorities": [], "host": None}
    )
    return out


def remove_hub(draft: dict[str, Any], index: int) -> dict[str, Any]:
    out = _copy(draft)
    del out["hubs"][index]
    return out


def update_hub(draft: dict[str, Any], index: int, **changes: Any) -> dict[str, Any]:
    """A new draft with hub ``index`` changed; keeps ``host`` consistent with the model
    and members (a host must be a member; per-authority hubs have none)."""
    out = _copy(draft)
    hub = out["hubs"][index]
    hub.update(changes)
    hub["authorities"] = list(dict.fromkeys(hub["authorities"]))
    if hub["model"] not in HOSTED_MODELS:
        hub["host"] = None
    elif hub.get("host") not in hub["authorities"]:
        hub["host"] = hub["authorities"][0] if hub["authorities"] else None
    return out


def toggle_member(draft: dict[str, Any], index: int, code: str) -> dict[str, Any]:
    """Add ``code`` to hub ``index``, or take it out if it is already a member."""
    members = list(draft["hubs"][index]["authorities"])
    if code in members:
        members.remove(code)
    else:
        members.append(code)
    return update_hub(draft, index, authorities=members)


@dataclass(frozen=True)
class Checked:
    scenario: Scenario  # the valid part of the draft
    problems: tuple[str, ...]  # one line per hub left out (or a scenario-level problem)


def check_draft(draft: dict[str, Any], ds: Dataset) -> Checked:
    """Validate the draft; hubs with a problem are left out and their problem reported."""
    problems: list[str] = []
    hubs: list[dict[str, Any]] = []
    names: set[str] = set()
    for number_, hub in enumerate(draft.get("hubs", []), start=1):
        try:
            spec = parse_hub(number_, hub, ds)
        except ScenarioError as exc:
            problems.append(str(exc))
            continue
        if spec.name.casefold() in names:
            problems.append(f"hub {number_} {spec.name!r}: another hub already has this name")
            continue
        names.add(spec.name.casefold())
        hubs.append(hub)
    top = {k: v for k, v in draft.items() if k != "hubs"}
    try:
        scenario = parse_scenario({**top, "hubs": hubs}, ds)
    except ScenarioError as exc:
        # A scenario-level problem (an empty name, say): report it, evaluate under a
        # placeholder name, and fall back to the May 2019 position if that fails too.
        problems.insert(0, str(exc))
        try:
            scenario = parse_scenario({**top, "name": "Untitled scenario", "hubs": hubs}, ds)
        except ScenarioError:
            scenario = may_2019_scenario(ds)
    return Checked(scenario, tuple(problems))


def coverage_classes(result: CoverageResult) -> dict[str, str]:
    """code -> 'newly_covered' | 'covered' | 'not_covered' (for the map)."""
    out = {}
    for r in result.per_authority:
        out[r.code] = "newly_covered" if r.newly_covered else (
            "covered" if r.covered else "not_covered")
    return out


def _names(ds: Dataset, codes, lang: str) -> list[str]:
    """Display names of ``codes`` in ``lang``, in alphabetical order for that language."""
    names = [ds.authority(c).name(lang) for c in codes]
    return sorted(names, key=lambda n: collation_key(n, lang))


def mash_count(result: CoverageResult) -> int:
    """How many MASHs the proposed hubs amount to: a per-authority hub is one MASH in each
    authority it lists; a regional or virtual hub is one MASH. The headline, the per-hub
    table (one row per MASH) and the briefing all count this way.

    >>> from explorer.data import load_dataset
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


def headline(result: CoverageResult, ds: Dataset, lang: str = "en") -> dict[str, Any]:
    """The planner's headline: authorities, population, MASHs, newly covered, left out.

    ``hubs`` counts MASHs (:func:`mash_count`); ``newly_covered`` is in alphabetical order
    of the names shown.
    """
    def name(code: str) -> str:
        return ds.authority(code).name(lang)

    return {
        "authorities": t("whatif.headline", lang, n=result.authorities_covered,
                         total=result.authorities_total),
        "population": number(result.population_covered, lang),
        "population_share": percent(result.population_share, lang),
        "population_basis": t(f"whatif.basis_{result.population_basis}", lang),
        "hubs": number(mash_count(result), lang),
        "newly_covered": _names(ds, result.newly_covered_codes, lang),
        "excluded": [
            t("whatif.excluded_line", lang, name=name(x.code), hub=x.hub,
              km=decimal(x.distance_km, lang), limit=decimal(x.max_travel_km, lang))
            for x in result.excluded
        ],
    }


def hub_rows(result: CoverageResult, ds: Dataset, lang: str = "en") -> list[dict[str, Any]]:
    """One row per MASH for the per-hub table, every value text as shown.

    A per-authority hub gives one row for each authority it lists (in alphabetical order),
    so there are :func:`mash_count` rows. Populations have thousands separators and
    distances a unit (``76.8 km``). Rows need not add up to the headline: an authority in
    two hubs appears in both, and authorities covered by a May 2019 MASH outside every
    proposed hub are in the headline only (``whatif.per_hub_note`` says so).
    """
    by_code = {r.code: r for r in result.per_authority}
    col = {k: t(f"whatif.{k}", lang) for k in (
        "col_hub", "col_model", "col_host", "col_members", "col_covered", "col_population",
        "col_farthest", "col_forces", "col_health_boards", "col_boards")}

    def row(h, host: str, members: list[str], covered: int, population: int,
            farthest: str, forces, health, boards) -> dict[str, Any]:
        return {
            col["col_hub"]: h.name,
            col["col_model"]: t(f"whatif.model_{h.model}", lang),
            col["col_host"]: host,
            col["col_members"]: ", ".join(members),
            col["col_covered"]: number(covered, lang),
            col["col_population"]: number(population, lang),
            col["col_farthest"]: farthest,
            col["col_forces"]: ", ".join(forces),
            col["col_health_boards"]: ", ".join(health),
            col["col_boards"]: ", ".join(boards),
        }

    rows = []
    for h in result.hubs:
        if h.model == "per_authority":
            for code in sorted(h.authorities,
                               key=lambda c: collation_key(ds.authority(c).name(lang), lang)):
                a = ds.authority(code)
                rows.append(row(h, a.name(lang), [a.name(lang)], 1, by_code[code].population,
                                "", [ds.force(a.force_id).name_en], [a.health_board],
                                [a.safeguarding_board]))
            continue
        host = ds.authority(h.host).name(lang) if h.host else ""
        rows.append(row(h, host, _names(ds, h.authorities, lang), len(h.covered_codes),
                        h.population,
                        "" if h.max_distance_km is None else distance(h.max_distance_km, lang),
                        h.police_forces, h.health_boards, h.safeguarding_boards))
    return rows


def against_may_2019(result: CoverageResult, ds: Dataset, lang: str = "en") -> dict[str, Any]:
    """Per-authority gained / lost / unchanged lists (alphabetical in ``lang``), this
    scenario against May 2019."""
    base = may_2019_scenario(ds)
    base = Scenario(base.name, base.hubs, True, None, result.population_basis)
    diff = compare(evaluate_scenario(base, ds), result)

    def names(codes: list[str]) -> list[str]:
        return _names(ds, codes, lang)

    return {
        "gained": names(diff["gained"]),
        "lost": names(diff["lost"]),
        "unchanged_covered": names(diff["unchanged_covered"]),
        "unchanged_uncovered": names(diff["unchanged_uncovered"]),
        "authorities_delta": diff["authorities_delta"],
        "population_delta": diff["population_delta"],
    }


def side_by_side_rows(
    results: list[CoverageResult], ds: Dataset, lang: str = "en"
) -> list[dict[str, Any]]:
    """A comparison table: one row per measure, then per authority; one column per result."""
    cols = [r.scenario_name for r in results]
    # Columns must be unique for a table: suffix repeated names.
    seen: dict[str, int] = {}
    for i, c in enumerate(cols):
        seen[c] = seen.get(c, 0) + 1
        if seen[c] > 1:
            cols[i] = f"{c} ({seen[c]})"
    label = t("whatif.col_measure", lang)
    pairs = list(zip(cols, results, strict=True))
    measures = [
        ("whatif.row_authorities", lambda r: str(r.authorities_covered)),
        ("whatif.row_population", lambda r: number(r.population_covered, lang)),
        ("whatif.row_share", lambda r: percent(r.population_share, lang)),
        ("whatif.row_hubs", lambda r: str(len(r.hubs))),
    ]
    rows = [{label: t(key, lang), **{c: value(r) for c, r in pairs}} for key, value in measures]
    yes, no = t("whatif.yes", lang), "–"
    for i, row in enumerate(results[0].per_authority):
        rows.append({label: ds.authority(row.code).name(lang),
                     **{c: yes if r.per_authority[i].covered else no for c, r in pairs}})
    return rows
