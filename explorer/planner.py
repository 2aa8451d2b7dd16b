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
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from explorer.coverage import CoverageResult, compare, evaluate_scenario
from explorer.figures import hub_farthest_km, mash_count  # noqa: F401  (mash_count: callers)
from explorer.i18n import collation_key, decimal, distance, number, percent, t
from explorer.limits import MAX_HUBS, MAX_SAVED  # noqa: F401  (MAX_SAVED: for the page)
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
from explorer.text import quote


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


def can_add_hub(draft: dict[str, Any]) -> bool:
    """False once the draft has ``MAX_HUBS`` hubs (the page disables its add button)."""
    return len(draft.get("hubs", [])) < MAX_HUBS


def add_hub(draft: dict[str, Any], name: str, model: str = "regional") -> dict[str, Any]:
    """A new draft with an empty hub appended (members are picked afterwards); at
    ``MAX_HUBS`` hubs the draft is returned unchanged (see :func:`can_add_hub`)."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}")
    out = _copy(draft)
    if not can_add_hub(out):
        return out
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


_DEFAULTS = {"name": "Untitled scenario", "include_existing": True, "max_travel_km": None,
             "population": "census2021"}


def check_draft(draft: dict[str, Any], ds: Dataset) -> Checked:
    """Validate the draft; hubs with a problem are left out and their problem reported.

    A bad scenario-level value (an empty name, a distance outside the allowed range) is
    reported and replaced by its default, so the rest of the draft is still evaluated.
    Hubs past ``MAX_HUBS`` are left out and reported.
    """
    problems: list[str] = []
    hubs: list[dict[str, Any]] = []
    names: set[str] = set()
    for number_, hub in enumerate(draft.get("hubs", []), start=1):
        if number_ > MAX_HUBS:
            problems.append(f"hub {number_}: over the limit of {MAX_HUBS} hubs, left out")
            continue
        if isinstance(hub, dict) and not hub.get("authorities"):
            continue  # a hub still being set up: not counted, and not a problem yet
        try:
            spec = parse_hub(number_, hub, ds)
        except ScenarioError as exc:
            problems.append(str(exc))
            continue
        if spec.name.casefold() in names:
            problems.append(f"hub {number_} {quote(spec.name)}: another hub already has "
                            "this name")
            continue
        names.add(spec.name.casefold())
        hubs.append(hub)
    top: dict[str, Any] = {}
    top_problems: list[str] = []
    for key, value in draft.items():
        if key == "hubs":
            continue
        probe = {"name": _DEFAULTS["name"], key: value}
        try:
            parse_scenario(probe, ds)
        except ScenarioError as exc:
            top_problems.append(str(exc))
            if key in _DEFAULTS:
                top[key] = _DEFAULTS[key]
            continue
        top[key] = value
    top.setdefault("name", _DEFAULTS["name"])
    problems = top_problems + problems
    try:
        scenario = parse_scenario({**top, "hubs": hubs}, ds)
    except ScenarioError as exc:  # not expected: every part was checked on its own
        problems.insert(0, str(exc))
        scenario = may_2019_scenario()
    return Checked(scenario, tuple(problems))


def coverage_classes(result: CoverageResult) -> dict[str, str]:
    """code -> 'newly_covered' | 'covered' | 'not_covered' (for the map)."""
    out = {}
    for r in result.per_authority:
        out[r.code] = "newly_covered" if r.newly_covered else (
            "covered" if r.covered else "not_covered")
    return out


@dataclass(frozen=True)
class HubLink:
    """A proposed hub as drawn on the planner map: host marker and lines to its members."""

    name: str
    model: str
    host: str | None
    members: tuple[str, ...]  # covered members
    excluded: tuple[str, ...] = ()  # members left out by the distance limit


def hub_links(result: CoverageResult) -> list[HubLink]:
    """What the planner draws for each proposed hub of a ``CoverageResult``."""
    return [
        HubLink(h.name, h.model, h.host, h.covered_codes,
                tuple(x.code for x in result.excluded if x.hub == h.name))
        for h in result.hubs
    ]



def _farthest(km: float | None, lang: str) -> str:
    """A hub's farthest trip (covered members only; "n/a" for virtual and per-authority)."""
    return t("figures.na", lang) if km is None else distance(km, lang)


def _names(ds: Dataset, codes, lang: str) -> list[str]:
    """Display names of ``codes`` in ``lang``, in alphabetical order for that language."""
    names = [ds.authority(c).name(lang) for c in codes]
    return sorted(names, key=lambda n: collation_key(n, lang))


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

    # Police forces and health boards in the page's language (safeguarding boards have no
    # Welsh names in the data, so they stay as named).
    force_name = {f.name_en: f.name(lang) for f in ds.forces}
    board_name = {a.health_board: a.health_board_cy if lang == "cy" else a.health_board
                  for a in ds.authorities}

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
            col["col_forces"]: ", ".join(force_name.get(f, f) for f in forces),
            col["col_health_boards"]: ", ".join(board_name.get(b, b) for b in health),
            col["col_boards"]: ", ".join(boards),
        }

    rows = []
    for h in result.hubs:
        if h.model == "per_authority":
            for code in sorted(h.authorities,
                               key=lambda c: collation_key(ds.authority(c).name(lang), lang)):
                a = ds.authority(code)
                rows.append(row(h, a.name(lang), [a.name(lang)], 1, by_code[code].population,
                                t("figures.na", lang), [ds.force(a.force_id).name_en],
                                [a.health_board], [a.safeguarding_board]))
            continue
        host = ds.authority(h.host).name(lang) if h.host else ""
        rows.append(row(h, host, _names(ds, h.authorities, lang), len(h.covered_codes),
                        h.population,
                        _farthest(hub_farthest_km(h, ds), lang),
                        h.police_forces, h.health_boards, h.safeguarding_boards))
    return rows


def shared_members(s: Scenario) -> list[str]:
    """Codes listed by more than one hub (counted once), in first-seen order.

    >>> from explorer.scenario import HubSpec
    >>> hubs = (HubSpec("A", "virtual", ("W1", "W2"), "W1"), HubSpec("B", "virtual", ("W2",), "W2"))
    >>> shared_members(Scenario("s", hubs, True, None, "census2021"))
    ['W2']
    """
    seen: dict[str, int] = {}
    for hub in s.hubs:
        for code in hub.authorities:
            seen[code] = seen.get(code, 0) + 1
    return [code for code, n in seen.items() if n > 1]


def against_may_2019(result: CoverageResult, ds: Dataset, lang: str = "en") -> dict[str, Any]:
    """Per-authority gained / lost / unchanged lists (alphabetical in ``lang``), this
    scenario against May 2019."""
    diff = compare(evaluate_scenario(may_2019_scenario(result.population_basis), ds), result)

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


def _label_key(label: str) -> str:
    """Labels that would look alike share a key: compatibility form, case, invisible format
    characters and runs of spaces ignored."""
    text = unicodedata.normalize("NFKC", label).casefold()
    return " ".join("".join(ch for ch in text if unicodedata.category(ch) != "Cf").split())


def column_labels(
    names: Sequence[str],
    reserved: Iterable[str] = (),
    current_index: int | None = None,
    lang: str = "en",
) -> list[str]:
    """One visible, distinct column label per name, none like a ``reserved`` label.

    A repeated name gets `` (2)``, `` (3)``, ...: the first number whose label is still
    free, so "A", "A", "A (2)" become "A", "A (2)", "A (2) (2)"; the name at
    ``current_index`` is marked as the current, unsaved scenario.

    >>> column_labels(["A", "A", "A (2)"])
    ['A', 'A (2)', 'A (2) (2)']
    >>> column_labels(["Measure / authority", "P"], reserved=["Measure / authority"],
    ...               current_index=1)
    ['Measure / authority (2)', 'P (current)']
    """
    taken = {_label_key(r) for r in reserved}
    labels: list[str] = []
    for i, name in enumerate(names):
        base = t("whatif.current_label", lang, name=name) if i == current_index else name
        label, n = base, 2
        while _label_key(label) in taken or not label.strip():
            label, n = f"{base} ({n})", n + 1
        taken.add(_label_key(label))
        labels.append(label)
    return labels


def side_by_side_rows(
    results: list[CoverageResult],
    ds: Dataset,
    lang: str = "en",
    current_index: int | None = None,
) -> list[dict[str, Any]]:
    """A comparison table: one row per measure, then per authority; one column per result.

    Every result gets its own column, labelled by :func:`column_labels` (never the same as
    the label column or another column, so nothing is dropped or overwritten);
    ``current_index`` marks the result that is the current, unsaved scenario.
    """
    label = t("whatif.col_measure", lang)
    cols = column_labels([r.scenario_name for r in results], [label], current_index, lang)
    pairs = list(zip(cols, results, strict=True))
    measures = [
        ("whatif.row_authorities", lambda r: str(r.authorities_covered)),
        ("whatif.row_population", lambda r: number(r.population_covered, lang)),
        ("whatif.row_share", lambda r: percent(r.population_share, lang)),
        ("whatif.mashes_proposed", lambda r: str(mash_count(r))),
    ]
    rows = [{label: t(key, lang), **{c: value(r) for c, r in pairs}} for key, value in measures]
    if not results:
        return rows
    yes, no = t("whatif.yes", lang), "–"
    for i, row in enumerate(results[0].per_authority):
        rows.append({label: ds.authority(row.code).name(lang),
                     **{c: yes if r.per_authority[i].covered else no for c, r in pairs}})
    return rows
