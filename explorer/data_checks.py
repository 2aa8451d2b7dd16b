"""Checks between the dataset's files (split from ``explorer/data.py``): names unique once
folded, every force assignment agreeing with ``authorities.csv`` and with the briefing section
cited for it, and one Welsh name per health board. Each raises the first
:class:`~explorer.csvtable.DataError` it finds, naming file, line, column and value."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from explorer.csvtable import DataError
from explorer.model import WIDER_SCOPES, Authority, Force, Section
from explorer.text import fold

_COLUMN_WORDS = {"code": "code", "name_en": "English name", "name_cy": "Welsh name",
                 "short_name": "short name", "name": "name"}


def unique_folded(file: str, records: Sequence[tuple[int, Any]], columns: Sequence[str],
                   ident: str) -> None:
    """No two records share a value of ``columns`` (in any of them) once case, accents and
    punctuation are ignored; a record may repeat its own value (Powys is Powys in Welsh)."""
    seen: dict[str, tuple[int, Any, str]] = {}
    for line, rec in records:
        for column in columns:
            value = getattr(rec, column)
            key = fold(value)
            if not key:
                raise DataError(file, "must contain a letter or digit", line=line,
                                column=column, value=value)
            if key in seen and getattr(seen[key][1], ident) != getattr(rec, ident):
                other_line, other, other_col = seen[key]
                raise DataError(
                    file,
                    f"is the same as the {_COLUMN_WORDS.get(other_col, other_col)} "
                    f"{getattr(other, other_col)!r} of {getattr(other, ident)} (line "
                    f"{other_line}) once case, accents and punctuation are ignored; "
                    "each name must identify one record",
                    line=line, column=column, value=value,
                )
            seen.setdefault(key, (line, rec, column))


def section_forces(sections: Sequence[tuple[int, Section]],
                    forces: Sequence[tuple[int, Force]]) -> dict[str, str]:
    """section_id -> force_id, for sections under a force's heading (not the introduction)."""
    by_name = {fold(f.name_en): f.force_id for _, f in forces}
    return {s.section_id: by_name[fold(s.force_heading)] for _, s in sections
            if fold(s.force_heading) in by_name}


def check_forces_agree(parsed: dict[str, list[tuple[int, Any]]]) -> None:
    """Every force assignment agrees with authorities.csv and with the briefing section
    cited for it: arrangements, events, hubs, positions and forces' own sections."""
    authorities = {a.code: a for _, a in parsed["authorities"]}
    force_of = {code: a.force_id for code, a in authorities.items()}
    section_force = section_forces(parsed["sections"], parsed["forces"])

    def named(code: str) -> str:
        return f"{code} ({authorities[code].name_en})"

    def section_agrees(file: str, line: int, rec: Any, force_id: str) -> None:
        cited = section_force.get(rec.section_id)
        if cited is not None and cited != force_id:
            raise DataError(
                file, f"cites a section under the {cited} heading for a {force_id} record",
                line=line, column="section_id", value=rec.section_id,
            )

    for line, f in parsed["forces"]:
        section_agrees("forces.csv", line, f, f.force_id)
    for line, arr in parsed["arrangements"]:
        for code in arr.member_codes:
            if code in force_of and force_of[code] != arr.force_id:
                raise DataError(
                    "arrangements.csv",
                    f"disagrees with authorities.csv, where member {named(code)} is policed "
                    f"by {force_of[code]}",
                    line=line, column="force_id", value=arr.force_id,
                )
        section_agrees("arrangements.csv", line, arr, arr.force_id)
    for key, file in (("events", "events.csv"), ("items", "items.csv")):
        for line, rec in parsed[key]:
            if rec.scope in WIDER_SCOPES:
                continue
            for code in getattr(rec, "member_codes", ()):
                if code in force_of and force_of[code] != rec.scope:
                    raise DataError(
                        file,
                        f"disagrees with authorities.csv, where member {named(code)} is "
                        f"policed by {force_of[code]}",
                        line=line, column="scope", value=rec.scope,
                    )
            section_agrees(file, line, rec, rec.scope)
    for line, hub in parsed["hubs"]:
        hub_forces = sorted({force_of[c] for c in hub.member_codes if c in force_of})
        if len(hub_forces) > 1:
            raise DataError(
                "hubs.csv",
                "members are policed by different forces in authorities.csv "
                f"({', '.join(hub_forces)}); a 2019 hub sits within one force",
                line=line, column="member_codes", value=";".join(hub.member_codes),
            )
        if hub_forces:
            section_agrees("hubs.csv", line, hub, hub_forces[0])
    for line, pos in parsed["positions"]:
        if pos.code in force_of:
            section_agrees("positions.csv", line, pos, force_of[pos.code])


def check_health_boards(records: Sequence[tuple[int, Authority]]) -> None:
    """Each health board has one Welsh name, and each Welsh name one board."""
    for english, welsh in (("health_board", "health_board_cy"),
                           ("health_board_cy", "health_board")):
        first: dict[str, tuple[int, str]] = {}
        for line, a in records:
            key, value = getattr(a, english), getattr(a, welsh)
            if key in first and first[key][1] != value:
                raise DataError(
                    "authorities.csv",
                    f"disagrees with line {first[key][0]}, where {english} {key!r} goes with "
                    f"{first[key][1]!r}",
                    line=line, column=welsh, value=value,
                )
            first.setdefault(key, (line, value))
