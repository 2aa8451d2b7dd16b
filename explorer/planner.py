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
import html
from dataclasses import dataclass
from typing import Any

from explorer.coverage import CoverageResult, compare, evaluate_scenario
from explorer.i18n import number, percent, t
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
        if isinstance(hub, dict) and not hub.get("authorities"):
            continue  # a hub still being set up: not counted, and not a problem yet
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


def headline(result: CoverageResult, ds: Dataset, lang: str = "en") -> dict[str, Any]:
    """The planner's headline: authorities, population, hubs, newly covered, left out."""
    def name(code: str) -> str:
        return ds.authority(code).name(lang)

    return {
        "authorities": t("whatif.headline", lang, n=result.authorities_covered,
                         total=result.authorities_total),
        "population": number(result.population_covered, lang),
        "population_share": percent(result.population_share, lang),
        "population_basis": t(f"whatif.basis_{result.population_basis}", lang),
        "hubs": number(len(result.hubs), lang),
        "newly_covered": [name(c) for c in result.newly_covered_codes],
        "excluded": [
            t("whatif.excluded_line", lang, name=name(x.code), hub=x.hub,
              km=f"{x.distance_km:.1f}", limit=f"{x.max_travel_km:g}")
            for x in result.excluded
        ],
    }


def hub_rows(result: CoverageResult, ds: Dataset, lang: str = "en") -> list[dict[str, Any]]:
    """One row per proposed hub for the per-hub table."""
    rows = []
    for h in result.hubs:
        rows.append({
            t("whatif.col_hub", lang): h.name,
            t("whatif.col_model", lang): t(f"whatif.model_{h.model}", lang),
            t("whatif.col_host", lang): ds.authority(h.host).name(lang) if h.host else "",
            t("whatif.col_members", lang): ", ".join(ds.authority(c).name(lang)
                                                      for c in h.authorities),
            t("whatif.col_covered", lang): len(h.covered_codes),
            t("whatif.col_population", lang): h.population,
            t("whatif.col_max_km", lang): h.max_distance_km,
            t("whatif.col_forces", lang): ", ".join(h.police_forces),
            t("whatif.col_health_boards", lang): ", ".join(h.health_boards),
            t("whatif.col_boards", lang): ", ".join(h.safeguarding_boards),
        })
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


def hub_table_html(result: CoverageResult, ds: Dataset, lang: str = "en") -> str:
    """The per-hub table as escaped HTML that reflows into one card per hub on a phone.

    Every cell is text (``html.escape``); numbers get thousands separators.
    """
    rows = hub_rows(result, ds, lang)
    if not rows:
        return ""
    heads = list(rows[0])

    def cell(value: Any) -> str:
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int):
            return number(value, lang)
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)

    body = "".join(
        "<tr>" + "".join(
            f'<td data-label="{html.escape(h)}">{html.escape(cell(row[h]))}</td>' for h in heads
        ) + "</tr>"
        for row in rows
    )
    return (
        "<style>.hub-table{border-collapse:collapse;width:100%;font-size:.9rem}"
        ".hub-table th,.hub-table td{border-bottom:1px solid #d0d0d0;padding:.3rem .5rem;"
        "text-align:left;vertical-align:top}"
        "@media (max-width:640px){.hub-table thead{position:absolute;left:-9999px}"
        ".hub-table tr{display:block;border:1px solid #d0d0d0;margin-bottom:.6rem}"
        ".hub-table td{display:block;border:0}"
        ".hub-table td::before{content:attr(data-label) ': ';font-weight:600}}</style>"
        '<table class="hub-table"><thead><tr>'
        + "".join(f'<th scope="col">{html.escape(h)}</th>' for h in heads)
        + f"</tr></thead><tbody>{body}</tbody></table>"
    )


def against_may_2019(result: CoverageResult, ds: Dataset, lang: str = "en") -> dict[str, Any]:
    """Per-authority gained / lost / unchanged lists, this scenario against May 2019."""
    base = may_2019_scenario(ds)
    base = Scenario(base.name, base.hubs, True, None, result.population_basis)
    diff = compare(evaluate_scenario(base, ds), result)

    def names(codes: list[str]) -> list[str]:
        return [ds.authority(c).name(lang) for c in codes]

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
