"""What a workshop room's board shows and exports, as plain values, CSV, JSON and a ZIP.

(The printable HTML summary is :mod:`explorer.printing.room_summary`.) Everything here starts
from a :class:`~explorer.rooms.model.Board` (read by the storage module)
and the dataset. Each entry's scenario is parsed again with the same parser as an upload
(so a stored scenario that no longer fits the data is named, not trusted) and evaluated
with :func:`explorer.coverage.evaluate_scenario`; its coverage figures are exported under
the same keys as ``python -m explorer coverage --json``.

User text (room name, display names, scenario and hub names) is data everywhere: escaped in
HTML, made formula-safe in CSV.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from explorer.coverage import CoverageResult, compare, evaluate_scenario
from explorer.i18n import t
from explorer.model import Dataset
from explorer.rooms.model import Board, Entry
from explorer.scenario import (
    Scenario,
    ScenarioError,
    dumps_scenario,
    loads_scenario,
    may_2019_scenario,
    scenario_to_dict,
    share_token_or_none,
)
from explorer.text import formula_safe


@dataclass(frozen=True)
class EntryFigures:
    """One entry with its scenario and coverage (``problem`` set when it cannot be read)."""

    entry: Entry
    scenario: Scenario | None
    result: CoverageResult | None
    gained: tuple[str, ...]  # codes covered here and not in May 2019 (same population basis)
    lost: tuple[str, ...]
    population_gained: int
    farthest_km: float | None
    problem: str | None = None


def reference_result(ds: Dataset, basis: str = "census2021") -> CoverageResult:
    """The May 2019 position counted on ``basis``: the board's reference row."""
    return evaluate_scenario(may_2019_scenario(basis), ds)


#: Per-process cache of each stored scenario's figures: (id of the dataset, scenario JSON) ->
#: (scenario, result, gained, lost, population gained, farthest km, problem). The same entry is
#: read by every board in the room at every change, so it is evaluated once, not per board.
_FIGURES: OrderedDict[tuple[int, str], tuple] = OrderedDict()
_FIGURES_LOCK = threading.Lock()
FIGURES_CACHED = 4096


def _figures_of(scenario_json: str, entry_id: int, ds: Dataset,
                references: dict[str, CoverageResult]) -> tuple:
    key = (id(ds), scenario_json)
    with _FIGURES_LOCK:
        hit = _FIGURES.get(key)
        if hit is not None:
            _FIGURES.move_to_end(key)
            return hit
    try:
        scenario = loads_scenario(scenario_json, ds, source=f"entry {entry_id}")
    except ScenarioError as exc:
        # Not cached: the message names the entry, and unreadable entries are rare.
        return (None, None, (), (), 0, None, str(exc))
    result = evaluate_scenario(scenario, ds)
    basis = result.population_basis
    if basis not in references:
        references[basis] = reference_result(ds, basis)
    diff = compare(references[basis], result)
    trips = [h.max_distance_km for h in result.hubs if h.max_distance_km is not None]
    value = (scenario, result, tuple(diff["gained"]), tuple(diff["lost"]),
             int(diff["population_delta"]), max(trips) if trips else None, None)
    with _FIGURES_LOCK:
        _FIGURES[key] = value
        while len(_FIGURES) > FIGURES_CACHED:
            _FIGURES.popitem(last=False)
    return value


def entry_figures(board: Board, ds: Dataset) -> tuple[EntryFigures, ...]:
    """Every entry of ``board`` parsed and evaluated, in board order (each distinct scenario
    once per process: see :data:`_FIGURES`)."""
    references: dict[str, CoverageResult] = {}
    out = []
    for entry in board.entries:
        scenario, result, gained, lost, people, farthest, problem = _figures_of(
            entry.scenario_json, entry.id, ds, references)
        out.append(EntryFigures(entry, scenario, result, gained, lost, people, farthest,
                                problem=problem))
    return tuple(out)


def coverage_counts(figures: tuple[EntryFigures, ...], ds: Dataset) -> dict[str, int]:
    """Authority code -> how many of these (readable) entries cover it, in dataset order."""
    counts = {a.code: 0 for a in ds.authorities}
    for f in figures:
        if f.result is not None:
            for code in f.result.covered_codes:
                counts[code] += 1
    return counts


def board_rows(
    figures: tuple[EntryFigures, ...], ds: Dataset, lang: str = "en", *, votes: bool = False,
    hidden: bool = False,
) -> list[dict[str, Any]]:
    """Rows for the board's table: the May 2019 reference row first, then each entry.

    Columns: entry, author, scenario, (votes), (hidden), then the figures. Numbers stay
    numbers (so the table sorts them). An entry is numbered like its author
    ("Member 3" sends entry 3), which stays the same when others withdraw. ``votes`` and
    ``hidden`` add those columns (votes once revealed; hidden for the facilitator).
    """
    def name(code: str) -> str:
        return ds.authority(code).name(lang)

    col = {k: t(f"room.col_{k}", lang) for k in (
        "entry", "author", "scenario", "authorities", "people", "share", "hubs", "farthest",
        "gained", "people_gained", "votes", "hidden")}
    ref = reference_result(ds)
    def start(entry, author, scenario, n_votes, is_hidden) -> dict[str, Any]:
        row = {col["entry"]: entry, col["author"]: author, col["scenario"]: scenario}
        if votes:
            row[col["votes"]] = n_votes
        if hidden:
            row[col["hidden"]] = t("room.hidden_yes", lang) if is_hidden else ""
        return row

    rows = [{
        **start(None, t("room.reference", lang), t("room.reference_name", lang), None, False),
        col["authorities"]: ref.authorities_covered,
        col["people"]: ref.population_covered, col["share"]: round(100 * ref.population_share, 1),
        col["hubs"]: 0, col["farthest"]: None, col["gained"]: "", col["people_gained"]: 0,
    }]
    for f in figures:
        r = f.result
        scenario = f.scenario.name if f.scenario else t("room.unreadable", lang,
                                                        problem=f.problem)
        row = {
            **start(f.entry.member_number, f.entry.author, scenario, f.entry.votes,
                    f.entry.hidden),
            col["authorities"]: r.authorities_covered if r else None,
            col["people"]: r.population_covered if r else None,
            col["share"]: round(100 * r.population_share, 1) if r else None,
            col["hubs"]: len(r.hubs) if r else None,
            col["farthest"]: f.farthest_km,
            col["gained"]: ", ".join(name(c) for c in f.gained),
            col["people_gained"]: f.population_gained if r else None,
        }
        rows.append(row)
    return rows


def share_token(f: EntryFigures) -> str | None:
    """The planner share-link token that opens this entry's scenario; None if it cannot be read
    or is too long for a link (then it is offered as a file: :func:`scenario_file`). Never
    raises: one entry must not stop the board drawing."""
    return share_token_or_none(f.scenario) if f.scenario is not None else None


def scenario_file(f: EntryFigures) -> str | None:
    """The entry's scenario as a file's text (opens in the planner's upload), or None."""
    return dumps_scenario(f.scenario) if f.scenario is not None else None


# Export --------------------------------------------------------------------------------------
def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def export_dict(board: Board, ds: Dataset) -> dict[str, Any]:
    """The room as JSON-ready values: each entry with its scenario, votes and coverage.

    ``coverage`` has exactly the keys of ``python -m explorer coverage --json``.
    """
    figures = entry_figures(board, ds)
    room = board.room
    return {
        "room": {
            "code": room.code,
            "name": room.name,
            "created_at": _iso(room.created_at),
            "last_activity": _iso(room.last_activity),
            "expires_at": _iso(room.expires_at),
            "locked": room.locked,
            "votes_revealed": room.votes_revealed,
            "members": board.members,
        },
        "entries": [
            {
                "id": f.entry.id,
                "author": f.entry.author,
                "member_number": f.entry.member_number,
                "hidden": f.entry.hidden,
                "created_at": _iso(f.entry.created_at),
                "updated_at": _iso(f.entry.updated_at),
                "votes": f.entry.votes,
                "scenario": scenario_to_dict(f.scenario) if f.scenario else None,
                "coverage": f.result.to_dict() if f.result else None,
                "problem": f.problem,
            }
            for f in figures
        ],
        "coverage_counts": coverage_counts(figures, ds),
    }


CSV_COLUMNS = (
    "entry", "author", "scenario", "hidden", "votes", "authorities_covered",
    "authorities_total", "population_covered", "population_share", "population_basis",
    "hubs", "farthest_trip_km", "gained_over_may_2019", "population_gained", "updated_at",
)


def entries_csv(board: Board, ds: Dataset) -> str:
    """One row per entry (the May 2019 reference first); user text is formula-safe.

    >>> from explorer.rooms.model import Room
    >>> from explorer.data import load_dataset
    >>> now = datetime(2019, 5, 31, tzinfo=UTC)
    >>> room = Room("ABC234", "Board", now, now, False, False, 1, now)
    >>> print(entries_csv(Board(room, (), 0, False), load_dataset()).splitlines()[1])
    ,May 2019 (reference),Position as at 31 May 2019,,,5,22,963896,0.3102,census2021,0,,,0,
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    ref = reference_result(ds)
    writer.writerow(["", t("room.reference"), formula_safe(ref.scenario_name), "", "",
                     ref.authorities_covered, ref.authorities_total, ref.population_covered,
                     f"{ref.population_share:.4f}", ref.population_basis, 0, "", "", 0, ""])
    for f in entry_figures(board, ds):
        r = f.result
        writer.writerow([
            f.entry.member_number,
            formula_safe(f.entry.author),
            formula_safe(f.scenario.name if f.scenario else f.problem or ""),
            "yes" if f.entry.hidden else "no",
            "" if f.entry.votes is None else f.entry.votes,
            r.authorities_covered if r else "",
            r.authorities_total if r else "",
            r.population_covered if r else "",
            f"{r.population_share:.4f}" if r else "",
            r.population_basis if r else "",
            len(r.hubs) if r else "",
            "" if f.farthest_km is None else f.farthest_km,
            "; ".join(ds.authority(c).name_en for c in f.gained),
            f.population_gained if r else "",
            _iso(f.entry.updated_at),
        ])
    return buf.getvalue()


def _slug(text: str) -> str:
    """A safe file-name part from user text (ASCII letters, digits and dashes only)."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return slug[:40] or "entry"


def export_zip(board: Board, ds: Dataset, summary: str) -> bytes:
    """One download for the board papers: ``room.json``, ``entries.csv``, ``summary.html``
    and ``scenarios/<entry>-<author>.json`` (each opens in the planner as a file)."""
    buf = io.BytesIO()
    data = export_dict(board, ds)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("room.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        zf.writestr("entries.csv", entries_csv(board, ds))
        zf.writestr("summary.html", summary)
        for e in data["entries"]:
            if e["scenario"] is not None:
                zf.writestr(f"scenarios/{e['id']:03d}-{_slug(e['author'])}.json",
                            json.dumps(e["scenario"], ensure_ascii=False, indent=2) + "\n")
    return buf.getvalue()
