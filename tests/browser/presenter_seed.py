"""A workshop room filled with plainly fictional entries, written straight into a server's room
store (the same storage functions the app calls): for the presenter view's browser tests, the
screenshot for the lead and a rehearsal by hand.

``python -m tests.browser.presenter_seed STATE_DIR [ENTRIES]`` prints the code and key.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from explorer import rooms
from explorer.data import load_dataset
from explorer.scenario import load_scenario_file
from explorer.storage import db

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = ("gwent_regional", "north_wales_regional", "mid_west_wales_regional",
             "dyfed_powys_virtual", "every_authority", "south_wales_every_authority")
#: Plainly fictional authors; some long, one with Welsh letters.
AUTHORS = ("Test member A", "Test member Bethan Llŷr", "Test member C",
           "Test member with a long display name", "Test member Ŵyn")


@dataclasses.dataclass(frozen=True)
class Seeded:
    code: str
    key: str
    #: Member tokens and their entry ids, in entry order.
    tokens: tuple[str, ...]
    entry_ids: tuple[int, ...]


def engine_for(state_dir: Path):
    eng = db.make_engine(db.database_url({"MASH_STATE_DIR": str(state_dir)}))
    db.upgrade(eng)
    return eng


def seed(state_dir: Path, entries: int = 30, name: str = "Test board (fictional)") -> Seeded:
    ds = load_dataset()
    base = [load_scenario_file(REPO / f"data/scenarios/{s}.json", ds) for s in SCENARIOS]
    eng = engine_for(state_dir)
    try:
        created = rooms.create_room(eng, name)
        code, key = created.room.code, created.key
        tokens, ids = [], []
        for i in range(entries):
            joined = rooms.join_room(eng, code, f"{AUTHORS[i % len(AUTHORS)]} {i + 1}")
            scenario = base[i % len(base)]
            scenario = dataclasses.replace(scenario, name=f"Test plan {i + 1}: {scenario.name}")
            entry = rooms.send_entry(eng, code, joined.token, scenario)
            tokens.append(joined.token)
            ids.append(entry.id)
        return Seeded(code, key, tuple(tokens), tuple(ids))
    finally:
        eng.dispose()


def vote(state_dir: Path, seeded: Seeded, ballots: dict[int, tuple[int, ...]]) -> None:
    """``ballots``: member index -> indexes of the entries they vote for."""
    eng = engine_for(state_dir)
    try:
        for member, chosen in ballots.items():
            rooms.set_votes(eng, seeded.code, seeded.tokens[member],
                            [seeded.entry_ids[i] for i in chosen])
    finally:
        eng.dispose()


def facilitate(state_dir: Path, seeded: Seeded, *, reveal: bool | None = None,
               lock: bool | None = None) -> None:
    eng = engine_for(state_dir)
    try:
        if reveal is not None:
            rooms.set_votes_revealed(eng, seeded.code, seeded.key, reveal)
        if lock is not None:
            rooms.set_locked(eng, seeded.code, seeded.key, lock)
    finally:
        eng.dispose()


if __name__ == "__main__":
    made = seed(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 30)
    print(made.code, made.key)
