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
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from explorer.coverage import CoverageResult, compare, evaluate_scenario
from explorer.editions.model import BASE_EDITION_ID, format_date
from explorer.figures import Figures, describe, figures_of_result
from explorer.i18n import collation_key, decimal, number, t
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
from explorer.text import file_name_part, formula_safe


@dataclass(frozen=True)
class EntryFigures:
    """One entry with its scenario and coverage (``problem`` set when it cannot be read)."""

    entry: Entry
    scenario: Scenario | None
    result: CoverageResult | None
    gained: tuple[str, ...]  # codes covered here and not in the reference (same population basis)
    lost: tuple[str, ...]
    population_gained: int
    #: The farthest *covered* member of a regional hub (:func:`explorer.figures.farthest_km`);
    #: None when no hub is regional.
    farthest_km: float | None
    problem: str | None = None
    #: Every figure as the planner counts it (:mod:`explorer.figures`); None if unreadable.
    figures: Figures | None = None
    #: What it is, in English and Welsh (:func:`explorer.figures.describe`).
    descriptions: tuple[str, str] = ("", "")

    def describe(self, lang: str = "en") -> str:
        """What the entry proposes, in one line ("" if it cannot be read)."""
        return self.descriptions[1 if lang == "cy" else 0]


@dataclass(frozen=True)
class Reference:
    """The board's reference row: the position as at the chosen edition (May 2019 by default).

    ``label`` names the row, ``short`` goes in "Gained over ...", ``scenario_name`` is the
    row's scenario column."""

    label: str
    short: str
    scenario_name: str


def reference(lang: str = "en", edition_id: int = BASE_EDITION_ID, as_at: str = "2019-05-31",
              title: str = "") -> Reference:
    """The reference row's names for an edition (``as_at`` an ISO date).

    >>> reference().label, reference("cy").short
    ('May 2019 (reference)', 'Mai 2019')
    >>> reference("en", 2, "2026-03-01", "Test update").label
    'As at 1 March 2026, edition 2 (reference)'
    """
    if edition_id == BASE_EDITION_ID:
        return Reference(t("room.reference", lang), t("room.reference_short", lang),
                         t("room.reference_scenario", lang))
    date = format_date(as_at, lang)
    return Reference(t("room.reference_asat", lang, date=date, id=edition_id),
                     t("room.reference_asat_short", lang, date=date),
                     t("room.reference_scenario_asat", lang, date=date, id=edition_id,
                       title=title))


def reference_result(ds: Dataset, basis: str = "census2021") -> CoverageResult:
    """The board's reference row counted on ``basis``: no proposed hubs, the existing MASHs of
    ``ds`` (May 2019, or the position of the edition ``ds`` was loaded from)."""
    return evaluate_scenario(may_2019_scenario(basis), ds)


#: Per-process cache of each stored scenario's figures: (id of the dataset, scenario JSON) ->
#: (scenario, result, gained, lost, population gained, farthest km, problem, figures,
#: descriptions). The same entry is read by every board in the room at every change, so it
#: is evaluated once, not per board.
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
        return (None, None, (), (), 0, None, str(exc), None, ("", ""))
    result = evaluate_scenario(scenario, ds)
    basis = result.population_basis
    if basis not in references:
        references[basis] = reference_result(ds, basis)
    diff = compare(references[basis], result)
    shown = figures_of_result(result, scenario.max_travel_km, ds)
    value = (scenario, result, tuple(diff["gained"]), tuple(diff["lost"]),
             int(diff["population_delta"]), shown.farthest_km, None, shown,
             (describe(scenario, ds, "en"), describe(scenario, ds, "cy")))
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
        scenario, result, gained, lost, people, farthest, problem, shown, said = _figures_of(
            entry.scenario_json, entry.id, ds, references)
        out.append(EntryFigures(entry, scenario, result, gained, lost, people, farthest,
                                problem=problem, figures=shown, descriptions=said))
    return tuple(out)


def coverage_counts(figures: tuple[EntryFigures, ...], ds: Dataset) -> dict[str, int]:
    """Authority code -> how many of these (readable) entries cover it, in dataset order."""
    counts = {a.code: 0 for a in ds.authorities}
    for f in figures:
        if f.result is not None:
            for code in f.result.covered_codes:
                counts[code] += 1
    return counts


#: How a cell with nothing to show is drawn (the reference row's entry number and votes, an
#: unreadable entry's figures): never "None". In :func:`board_rows` a missing number is
#: ``None`` (so a number column stays numbers and sorts as numbers); whoever draws the rows
#: shows it as this (the board's ``placeholder``, the printed summary's cell).
NO_VALUE = "–"


def board_rows(
    figures: tuple[EntryFigures, ...], ds: Dataset, lang: str = "en", *, votes: bool = False,
    hidden: bool = False, ref: Reference | None = None,
) -> list[dict[str, Any]]:
    """Rows for the board's table: the reference row first (May 2019, or the edition ``ref``
    names), then each entry.

    Columns: entry, author, scenario, what it is, (votes), (hidden), then the figures as the
    planner counts them (:mod:`explorer.figures`): authorities, people, share (%), MASHs
    proposed, farthest trip (text: ``26.8 km``, ``n/a``, with the limit beside it), gained over
    the reference and people gained. Counts stay numbers (so the table sorts them) and a
    missing number is ``None``, never text (drawn as :data:`NO_VALUE`). An entry
    is numbered like its author ("Member 3" sends entry 3), which stays the same when others
    withdraw. ``votes`` and ``hidden`` add those columns (votes once revealed; hidden for the
    facilitator).
    """
    ref = ref or reference(lang)

    def name(code: str) -> str:
        return ds.authority(code).name(lang)

    col = _columns(lang, ref)
    base = reference_result(ds)

    def start(entry, author, scenario, what, n_votes, is_hidden) -> dict[str, Any]:
        row = {col["entry"]: entry, col["author"]: author, col["scenario"]: scenario,
               col["what"]: what}
        if votes:
            row[col["votes"]] = n_votes
        if hidden:
            row[col["hidden"]] = t("room.hidden_yes", lang) if is_hidden else ""
        return row

    rows = [{
        **start(None, ref.label, ref.scenario_name,
                describe(may_2019_scenario(), ds, lang), None, False),
        col["authorities"]: base.authorities_covered,
        col["people"]: base.population_covered,
        col["share"]: round(100 * base.population_share, 1),
        col["mashes"]: 0,
        col["farthest"]: figures_of_result(base, None, ds).shown(lang)["farthest"],
        col["gained"]: "", col["people_gained"]: 0,
    }]
    for f in figures:
        r, shown = f.result, f.figures
        scenario = f.scenario.name if f.scenario else t("room.unreadable", lang,
                                                        problem=f.problem)
        row = {
            **start(f.entry.member_number, f.entry.author_label(lang), scenario, f.describe(lang),
                    f.entry.votes, f.entry.hidden),
            col["authorities"]: r.authorities_covered if r else None,
            col["people"]: r.population_covered if r else None,
            col["share"]: round(100 * r.population_share, 1) if r else None,
            col["mashes"]: shown.mashes if shown else None,
            col["farthest"]: shown.shown(lang)["farthest"] if shown else NO_VALUE,
            col["gained"]: ", ".join(name(c) for c in f.gained),
            col["people_gained"]: f.population_gained if r else None,
        }
        rows.append(row)
    return rows


def _columns(lang: str, ref: Reference) -> dict[str, str]:
    """The board's (and the secretary's CSV's) column headings in ``lang``."""
    col = {k: t(f"room.col_{k}", lang) for k in (
        "entry", "author", "scenario", "what", "authorities", "people", "share", "votes",
        "hidden")}
    col["mashes"] = t("whatif.mashes_proposed", lang)
    col["farthest"] = t("room.col_trip", lang)
    col["gained"] = t("room.col_gained_ref", lang, reference=ref.short)
    col["people_gained"] = t("room.col_people_gained_ref", lang, reference=ref.short)
    return col


def compare_rows(
    chosen: Sequence[EntryFigures], ds: Dataset, lang: str = "en", ref: Reference | None = None,
) -> list[dict[str, str]]:
    """Entries side by side, the reference (May 2019 or the chosen edition) first: one row per
    measure, then one per authority ("covered" or "–"); every value text as the board shows
    it. Unreadable entries are left out; columns are named "Entry 3 · author · scenario",
    each distinct.
    """
    from explorer.planner import column_labels

    ref = ref or reference(lang)
    readable = [f for f in chosen if f.result is not None and f.figures is not None]
    label = t("whatif.col_measure", lang)
    names = [ref.label] + [t("room.compare_entry", lang, number=f.entry.member_number,
                             author=f.entry.author_label(lang), scenario=f.scenario.name)
                           for f in readable]
    cols = column_labels(names, [label], None, lang)
    base = reference_result(ds)
    base_figures = figures_of_result(base, None, ds)
    col = _columns(lang, ref)

    def name_list(codes) -> str:
        names_ = sorted((ds.authority(c).name(lang) for c in codes),
                        key=lambda n: collation_key(n, lang))
        return ", ".join(names_) or "–"

    columns = [(base_figures, describe(may_2019_scenario(), ds, lang), base, (), 0)] + [
        (f.figures, f.describe(lang), f.result, f.gained, f.population_gained)
        for f in readable]
    shown = [(fig.shown(lang), what, result, gained, people)
             for fig, what, result, gained, people in columns]
    measures = [
        (col["what"], lambda c: c[1]),
        (col["authorities"], lambda c: c[0]["authorities"]),
        (col["people"], lambda c: c[0]["people"]),
        (col["share"], lambda c: c[0]["share"]),
        (col["mashes"], lambda c: c[0]["mashes"]),
        (col["farthest"], lambda c: c[0]["farthest"]),
        (col["gained"], lambda c: name_list(c[3])),
        (col["people_gained"], lambda c: _signed(c[4], lang)),
    ]
    rows = [{label: m, **{name: value(c) for name, c in zip(cols, shown, strict=True)}}
            for m, value in measures]
    yes = t("whatif.yes", lang)
    for i, a in enumerate(ds.authorities):
        rows.append({label: a.name(lang), **{
            name: yes if c[2].per_authority[i].covered else "–"
            for name, c in zip(cols, shown, strict=True)}})
    return rows


def _signed(people: int, lang: str) -> str:
    """``428,068``, ``0``, ``-12,345``: a difference in people as the board shows it."""
    return number(people, lang)


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


def export_dict(board: Board, ds: Dataset, lang: str = "en") -> dict[str, Any]:
    """The room as JSON-ready values: each entry with its scenario, votes and coverage; an
    author who gave no name is labelled in ``lang`` ("Member 3", "Aelod 3").

    ``coverage`` has exactly the keys of ``python -m explorer coverage --json``; ``figures``
    has the board's figures as the planner counts them (MASHs proposed, farthest trip of a
    covered member of a regional hub or null, the distance limit) and ``description`` the
    one line saying what the entry proposes, in English and Welsh.
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
                "author": f.entry.author_label(lang),
                "member_number": f.entry.member_number,
                "hidden": f.entry.hidden,
                "created_at": _iso(f.entry.created_at),
                "updated_at": _iso(f.entry.updated_at),
                "votes": f.entry.votes,
                "scenario": scenario_to_dict(f.scenario) if f.scenario else None,
                "coverage": f.result.to_dict() if f.result else None,
                "problem": f.problem,
                "figures": None if f.figures is None else {
                    "mashes_proposed": f.figures.mashes,
                    "farthest_trip_km": f.figures.farthest_km,
                    "max_travel_km": f.figures.limit_km,
                },
                "description": {"en": f.describe("en"), "cy": f.describe("cy")},
            }
            for f in figures
        ],
        "coverage_counts": coverage_counts(figures, ds),
    }


#: The operator's CSV (``python -m explorer rooms export``): machine names and raw numbers.
CSV_COLUMNS = (
    "entry", "author", "scenario", "hidden", "votes", "authorities_covered",
    "authorities_total", "population_covered", "population_share", "population_basis",
    "hubs", "farthest_trip_km", "gained_over_may_2019", "population_gained", "updated_at",
)


def entries_csv(board: Board, ds: Dataset) -> str:
    """The operator's CSV: one row per entry (the May 2019 reference first), machine column
    names and raw numbers; ``hubs`` counts MASHs proposed and ``farthest_trip_km`` is the
    farthest covered member of a regional hub (:mod:`explorer.figures`). User text is
    formula-safe. (The board papers' CSV is :func:`board_csv`.)

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
            formula_safe(f.entry.author_label("en")),
            formula_safe(f.scenario.name if f.scenario else f.problem or ""),
            "yes" if f.entry.hidden else "no",
            "" if f.entry.votes is None else f.entry.votes,
            r.authorities_covered if r else "",
            r.authorities_total if r else "",
            r.population_covered if r else "",
            f"{r.population_share:.4f}" if r else "",
            r.population_basis if r else "",
            f.figures.mashes if f.figures else "",
            "" if f.farthest_km is None else f.farthest_km,
            "; ".join(ds.authority(c).name_en for c in f.gained),
            f.population_gained if r else "",
            _iso(f.entry.updated_at),
        ])
    return buf.getvalue()


#: Byte order mark: Excel reads a CSV as UTF-8 only when it starts with one.
BOM = "\ufeff"


def hubs_described(scenario: Scenario, result: CoverageResult | None, ds: Dataset,
                   lang: str = "en") -> list[str]:
    """One line per proposed hub: name, model, host and members (names in ``lang``), and the
    members the distance limit left out."""
    def name(code: str) -> str:
        return ds.authority(code).name(lang)

    lines = []
    for h in scenario.hubs:
        members = ", ".join(sorted((name(c) for c in h.authorities),
                                   key=lambda n: collation_key(n, lang)))
        model = t(f"figures.model_{h.model}", lang)
        line = (t("figures.hub_line", lang, name=h.name, model=model, host=name(h.host),
                  members=members) if h.host else
                t("figures.hub_line_local", lang, name=h.name, model=model, members=members))
        out = [name(x.code) for x in (result.excluded if result else ()) if x.hub == h.name]
        if out:
            line += "; " + t("figures.left_out", lang, names=", ".join(out))
        lines.append(line)
    return lines


def board_csv(board: Board, ds: Dataset, lang: str = "en", ref: Reference | None = None) -> str:
    """The board papers' CSV, for a secretary to open in Excel as is: UTF-8 with a byte order
    mark, headings in the room's language, every figure as the board shows it (``963,896``,
    ``47.6``, ``26.8 km``), and each proposal described (what it is, its hubs with model, host
    and members, the distance limit, whether existing MASHs count). The reference row first;
    hidden entries are marked. User text is formula-safe.
    """
    ref = ref or reference(lang)
    col = _columns(lang, ref)
    heads = [col["entry"], col["author"], col["scenario"], col["what"],
             t("room.col_hubs_described", lang), t("room.col_limit", lang),
             t("room.col_existing", lang), t("room.col_basis", lang), col["hidden"],
             col["votes"], col["authorities"], col["people"], col["share"], col["mashes"],
             col["farthest"], col["gained"], col["people_gained"], t("room.col_left_out", lang),
             t("room.col_updated", lang)]
    yes, no = t("room.yes", lang), t("room.no", lang)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(heads)

    def names(codes) -> str:
        return "; ".join(ds.authority(c).name(lang) for c in codes)

    def basis(scenario: Scenario) -> str:
        return t(f"whatif.basis_{scenario.population}", lang)

    base = reference_result(ds)
    may = may_2019_scenario()
    shown = figures_of_result(base, None, ds).shown(lang)
    writer.writerow(["", formula_safe(ref.label), formula_safe(ref.scenario_name),
                     describe(may, ds, lang), "", t("room.no_limit", lang), yes, basis(may),
                     "", "", shown["authorities"], shown["people"], shown["share"],
                     shown["mashes"], "", "", "0", "", ""])
    for f in entry_figures(board, ds):
        s, r = f.scenario, f.result
        if s is None or r is None or f.figures is None:
            writer.writerow([f.entry.member_number, formula_safe(f.entry.author_label(lang)),
                             formula_safe(t("room.unreadable", lang, problem=f.problem))]
                            + [""] * (len(heads) - 4) + [_iso(f.entry.updated_at)])
            continue
        shown = f.figures.shown(lang)
        writer.writerow([
            f.entry.member_number,
            formula_safe(f.entry.author_label(lang)),
            formula_safe(s.name),
            formula_safe(f.describe(lang)),
            formula_safe(" | ".join(hubs_described(s, r, ds, lang))),
            t("room.no_limit", lang) if s.max_travel_km is None
            else f"{decimal(s.max_travel_km, lang)} km",
            yes if s.include_existing else no,
            basis(s),
            yes if f.entry.hidden else no,
            "" if f.entry.votes is None else number(f.entry.votes, lang),
            shown["authorities"], shown["people"], shown["share"], shown["mashes"],
            shown["farthest"],
            names(f.gained),
            _signed(f.population_gained, lang),
            names(x.code for x in r.excluded),
            _iso(f.entry.updated_at),
        ])
    return BOM + buf.getvalue()


def scenario_file_name(entry_id: int, author: str) -> str:
    """``scenarios/<entry>-<author>.json``: the author's letters kept (Welsh â, ŵ, ŷ...), never
    a path separator or control character, the author part at most
    ``MAX_FILE_NAME_PART_CHARS`` characters.

    >>> scenario_file_name(3, "Siân ap Dafydd"), scenario_file_name(1, "../../x")
    ('scenarios/003-siân-ap-dafydd.json', 'scenarios/001-x.json')
    """
    return f"scenarios/{entry_id:03d}-{file_name_part(author)}.json"


#: Mode of every file in the export ZIP once extracted: a regular file, rw-r--r--.
ZIP_FILE_MODE = 0o100644


def _write(zf: zipfile.ZipFile, name: str, text: str, when: datetime) -> None:
    info = zipfile.ZipInfo(name, date_time=max(when.astimezone(UTC).timetuple()[:6],
                                               (1980, 1, 1, 0, 0, 0)))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, so unzip honours the mode below
    info.external_attr = ZIP_FILE_MODE << 16
    zf.writestr(info, text)


def export_zip(board: Board, ds: Dataset, summary: str, lang: str = "en",
               ref: Reference | None = None, now: datetime | None = None) -> bytes:
    """One download for the board papers: ``room.json``, ``entries.csv`` (the secretary's,
    :func:`board_csv`), ``summary.html`` and ``scenarios/<entry>-<author>.json`` (each opens in
    the planner as a file). Every file extracts readable as usual (``rw-r--r--``)."""
    buf = io.BytesIO()
    when = now or datetime.now(UTC)
    data = export_dict(board, ds, lang)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        _write(zf, "room.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n", when)
        _write(zf, "entries.csv", board_csv(board, ds, lang, ref), when)
        _write(zf, "summary.html", summary, when)
        for e in data["entries"]:
            if e["scenario"] is not None:
                _write(zf, scenario_file_name(e["id"], e["author"]),
                       json.dumps(e["scenario"], ensure_ascii=False, indent=2) + "\n", when)
    return buf.getvalue()
