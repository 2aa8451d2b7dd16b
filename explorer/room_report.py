"""What a workshop room's board shows and exports, as plain values, CSV, JSON and HTML.

Everything here starts from a :class:`~explorer.rooms.Board` (read by the storage module)
and the dataset. Each entry's scenario is parsed again with the same parser as an upload
(so a stored scenario that no longer fits the data is named, not trusted) and evaluated
with :func:`explorer.coverage.evaluate_scenario`; its coverage figures are exported under
the same keys as ``python -m explorer coverage --json``.

User text (room name, display names, scenario and hub names) is data everywhere: escaped in
HTML, made formula-safe in CSV.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from explorer.coverage import CoverageResult, compare, evaluate_scenario
from explorer.i18n import number, percent, t
from explorer.model import Dataset
from explorer.rooms import Board, Entry, expiry_days
from explorer.scenario import (
    Scenario,
    ScenarioError,
    encode_share,
    loads_scenario,
    may_2019_scenario,
    scenario_to_dict,
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


def entry_figures(board: Board, ds: Dataset) -> tuple[EntryFigures, ...]:
    """Every entry of ``board`` parsed and evaluated, in board order."""
    references: dict[str, CoverageResult] = {}
    out = []
    for entry in board.entries:
        try:
            scenario = loads_scenario(entry.scenario_json, ds, source=f"entry {entry.id}")
        except ScenarioError as exc:
            out.append(EntryFigures(entry, None, None, (), (), 0, None, problem=str(exc)))
            continue
        result = evaluate_scenario(scenario, ds)
        basis = result.population_basis
        if basis not in references:
            references[basis] = reference_result(ds, basis)
        diff = compare(references[basis], result)
        trips = [h.max_distance_km for h in result.hubs if h.max_distance_km is not None]
        out.append(
            EntryFigures(
                entry=entry,
                scenario=scenario,
                result=result,
                gained=tuple(diff["gained"]),
                lost=tuple(diff["lost"]),
                population_gained=int(diff["population_delta"]),
                farthest_km=max(trips) if trips else None,
            )
        )
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
        **start(None, t("room.reference", lang), ref.scenario_name, None, False),
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
    """The planner share-link token that opens this entry's scenario (None if unreadable)."""
    return encode_share(f.scenario) if f.scenario is not None else None


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

    >>> from explorer.rooms import Room
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


# Printable summary ---------------------------------------------------------------------------
_CSS = """
body{font:11pt/1.35 system-ui,sans-serif;color:#111;margin:1.2cm;max-width:19cm}
h1{font-size:17pt;margin:0 0 .2em}h2{font-size:12pt;margin:1em 0 .3em}
.meta{color:#444;font-size:9.5pt}
table{border-collapse:collapse;font-size:9pt;width:100%}
th,td{border:1px solid #999;padding:2px 4px;text-align:left;vertical-align:top}
td.n{text-align:right}tr.ref td{font-style:italic;background:#f2f2f2}
@media print{body{margin:0}@page{size:A4;margin:1.2cm}}
"""


def summary_html(
    board: Board, ds: Dataset, *, lang: str = "en", map_svg: str = "", attribution: str = "",
    now: datetime | None = None,
) -> str:
    """A printable one-file summary for the board papers: no script, no network.

    Entries are ordered by votes when they are revealed, else by people covered. ``map_svg``
    (optional, e.g. a map of how many entries cover each authority) is inserted as given:
    pass only markup built by the app, never user text.
    """
    e = html.escape
    figures = entry_figures(board, ds)
    shown = [f for f in figures if not f.entry.hidden]
    revealed = board.room.votes_revealed

    def key(f: EntryFigures):
        people = f.result.population_covered if f.result else -1
        return (-(f.entry.votes or 0), -people) if revealed else (-people,)

    rows = board_rows(tuple(sorted(shown, key=key)), ds, lang, votes=revealed)
    cols = list(rows[0])
    numeric = {t(f"room.col_{k}", lang) for k in (
        "entry", "authorities", "people", "share", "hubs", "farthest", "people_gained", "votes")}

    def cell(c: str, value: Any) -> str:
        if value is None:
            return "<td></td>"
        if isinstance(value, (int, float)) and c in numeric:
            shown_value = number(value, lang) if isinstance(value, int) else f"{value:g}"
            return f'<td class="n">{e(shown_value)}</td>'
        return f"<td>{e(str(value))}</td>"

    table = "<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in cols) + "</tr>"
    for i, row in enumerate(rows):
        table += ('<tr class="ref">' if i == 0 else "<tr>") + "".join(
            cell(c, row[c]) for c in cols) + "</tr>"
    table += "</table>"
    if not shown:
        table += f"<p>{e(t('room.no_entries', lang))}</p>"
    counts = coverage_counts(tuple(shown), ds)
    count_table = (
        f"<table><tr><th>{e(t('room.col_authority', lang))}</th>"
        f"<th>{e(t('room.col_covering', lang))}</th></tr>"
        + "".join(f'<tr><td>{e(ds.authority(c).name(lang))}</td><td class="n">{n}</td></tr>'
                  for c, n in counts.items())
        + "</table>"
    )
    when = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    meta = t("room.summary_meta", lang, code=board.room.code, entries=len(shown),
             members=board.members, when=when)
    order = t("room.summary_order_votes" if revealed else "room.summary_order_people", lang)
    share = percent(reference_result(ds).population_share, lang)
    return f"""<!doctype html>
<html lang="{e(lang)}"><head><meta charset="utf-8">
<title>{e(board.room.name)} – {e(t('room.summary_title', lang))}</title>
<style>{_CSS}</style></head><body>
<h1>{e(board.room.name)}</h1>
<p class="meta">{e(t('room.summary_title', lang))} · {e(meta)}</p>
<h2>{e(t('room.summary_entries', lang))}</h2>
<p class="meta">{e(order)} {e(t('room.reference', lang))}: {e(share)}.</p>
{table}
<h2>{e(t('room.coverage_counts', lang))}</h2>
<div style="display:flex;gap:1.2em;align-items:flex-start"><div>{map_svg}</div>
<div>{count_table}</div></div>
<p class="meta">{e(t('room.stored', lang, days=expiry_days()))}</p>
<p class="meta">{e(t('sidebar.as_at', lang))} {e(t('whatif.briefing_data', lang))}
{e(attribution)}</p>
</body></html>
"""
