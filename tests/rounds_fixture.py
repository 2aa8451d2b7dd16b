"""Plainly fictional sections of an update round (nothing here is a real position).

* Dyfed-Powys: Powys joins the new "Test hub A" (no MASH -> MASH operating).
* Gwent: a new item, "Test item".
* North Wales: a new force summary, "Test summary".
* South Wales: no change.
"""

from __future__ import annotations

from explorer.rounds.model import Edit

POWYS, CEREDIGION, NEWPORT, CARDIFF = "W06000023", "W06000008", "W06000022", "W06000015"
HUB_A = "dyfed_powys_test_hub_a"
SOURCE = {"source_title": "Test source", "source_date": "2026-03-01",
          "reason": "Fictional test change"}


def edit(file: str, record_id: str, kind: str, values: dict[str, str] | None = None,
         **source: str) -> Edit:
    return Edit(file=file, record_id=record_id, kind=kind,
                values=tuple(sorted((values or {}).items())), **source)


def powys_joins_hub_a(**source: str) -> tuple[Edit, ...]:
    source = source or SOURCE
    return (
        edit("hubs.csv", HUB_A, "added",
             {"name": "Test hub A", "status": "mash", "member_codes": POWYS,
              "host_code": POWYS, "start_year": "2026"}, **source),
        edit("positions.csv", POWYS, "changed",
             {"status": "mash", "hub_id": HUB_A,
              "summary": "Test summary: served by Test hub A."}, **source),
    )


def gwent_item(**source: str) -> tuple[Edit, ...]:
    return (edit("items.csv", "gwent_test_item", "added",
                 {"kind": "plan", "summary": "Test item."}, **(source or SOURCE)),)


def north_wales_summary(text: str = "Test summary for North Wales.") -> tuple[Edit, ...]:
    return (edit("forces.csv", "north_wales", "changed", {"position_summary": text},
                 source_title="", reported_by="Test role", source_date="2026-03-01",
                 reason="Fictional test change"),)
