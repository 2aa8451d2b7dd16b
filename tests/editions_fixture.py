"""Plainly fictional later editions, built from a copy of ``data/`` in a temporary folder.

Nothing here is a real position: hubs are "Test hub A" and "Test hub B", every source is
"Test source" or "Test role", every reason says it is a fictional test change.

* :func:`edition_two`: Powys joins the new Test hub A (no MASH -> MASH operating);
  Ceredigion joins the new Test hub B (no MASH -> MASH pilot).
* :func:`edition_three` (on top of two): Test hub B ends in 2026 (Ceredigion: MASH pilot ->
  MASH tried and ended).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from explorer.data import DATA_DIR
from explorer.editions.files import CHANGES_HEADER, DATA_FILES

POWYS, CEREDIGION = "W06000023", "W06000008"
KEYS = {"hubs.csv": "hub_id", "positions.csv": "code", "items.csv": "item_id",
        "events.csv": "event_id", "arrangements.csv": "arrangement_id",
        "forces.csv": "force_id", "authorities.csv": "code", "sections.csv": "section_id"}
REASON = "Fictional test change"


def _read(folder: Path, name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (folder / name).open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _write(folder: Path, name: str, header: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (folder / name).write_text(buf.getvalue(), encoding="utf-8")


def copy_data(dst: Path, src: Path = DATA_DIR) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for name in DATA_FILES:
        shutil.copyfile(src / name, dst / name)
    for extra in ("changes.csv",):
        if (src / extra).exists():
            shutil.copyfile(src / extra, dst / extra)
    return dst


def edit(folder: Path, name: str, key: str, **values: str) -> None:
    header, rows = _read(folder, name)
    hit = [r for r in rows if r[KEYS[name]] == key]
    assert hit, f"no row {key} in {name}"
    hit[0].update(values)
    _write(folder, name, header, rows)


def add(folder: Path, file: str, **values: str) -> None:
    header, rows = _read(folder, file)
    rows.append({col: values.get(col, "") for col in header})
    _write(folder, file, header, rows)


def remove(folder: Path, name: str, key: str) -> None:
    header, rows = _read(folder, name)
    _write(folder, name, header, [r for r in rows if r[KEYS[name]] != key])


def change(change_id: str, file: str, record_id: str, kind: str, *, title: str = "Test source",
           role: str = "", date: str = "2026-03-01", link: str = "",
           reason: str = REASON) -> dict[str, str]:
    return {"change_id": change_id, "file": file, "record_id": record_id, "kind": kind,
            "source_title": title, "reported_by": role, "source_date": date,
            "source_link": link, "reason": reason}


def set_changes(folder: Path, records: list[dict[str, str]]) -> None:
    header = CHANGES_HEADER.strip().split(",")
    _write(folder, "changes.csv", header, records)


def set_meta(folder: Path, title: str, as_at: str, corrects: int | None = None) -> None:
    (folder / "edition.json").write_text(json.dumps(
        {"title": title, "as_at": as_at, "corrects": corrects}), encoding="utf-8")


def edition_two(folder: Path) -> Path:
    copy_data(folder)
    add(folder, "hubs.csv", hub_id="test_hub_a", name="Test hub A", status="mash",
        member_codes=POWYS, host_code=POWYS, start_year="2026", section_id="t2-hub-a")
    add(folder, "hubs.csv", hub_id="test_hub_b", name="Test hub B", status="mash_pilot",
        member_codes=CEREDIGION, start_year="2026", section_id="t2-hub-b")
    edit(folder, "positions.csv", POWYS, status="mash", hub_id="test_hub_a",
         summary="Test summary: served by Test hub A.", section_id="t2-powys")
    edit(folder, "positions.csv", CEREDIGION, status="mash_pilot", hub_id="test_hub_b",
         summary="Test summary: served by Test hub B.", section_id="t2-ceredigion")
    set_changes(folder, [
        change("t2-hub-a", "hubs.csv", "test_hub_a", "added",
               link="https://example.org/test-source"),
        change("t2-hub-b", "hubs.csv", "test_hub_b", "added", title="", role="Test role"),
        change("t2-powys", "positions.csv", POWYS, "changed"),
        change("t2-ceredigion", "positions.csv", CEREDIGION, "changed", title="",
               role="Test role"),
    ])
    set_meta(folder, "Test edition two", "2026-03-01")
    return folder


def edition_three(folder: Path, two: Path) -> Path:
    copy_data(folder, two)
    edit(folder, "hubs.csv", "test_hub_b", status="mash_ceased", end_year="2026",
         section_id="t3-hub-b")
    edit(folder, "positions.csv", CEREDIGION, status="mash_ceased",
         summary="Test summary: Test hub B ended.", section_id="t3-ceredigion")
    set_changes(folder, [
        change("t2-hub-a", "hubs.csv", "test_hub_a", "added",
               link="https://example.org/test-source"),
        change("t2-powys", "positions.csv", POWYS, "changed"),
        change("t3-hub-b", "hubs.csv", "test_hub_b", "changed", title="Test source three",
               date="2026-06-01"),
        change("t3-ceredigion", "positions.csv", CEREDIGION, "changed",
               title="Test source three", date="2026-06-01"),
    ])
    set_meta(folder, "Test edition three", "2026-06-01")
    return folder
