"""The presenter view through app.py with AppTest (no browser): projector mode built in, no key
in its address, no controls, the facilitator's and members' open links keep the settings, and
an entry that is not on the board said so."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from streamlit.testing.v1 import AppTest

from explorer import rooms
from explorer.scenario import HubSpec, Scenario

ROOT = Path(__file__).resolve().parents[2]
POWYS = Scenario("Powys alone", (HubSpec("Powys MASH", "per_authority", ("W06000023",),
                                         None),))


def open_page(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page("pages/workshop.py").run()
    assert not at.exception, at.exception
    return at


def html_of(at: AppTest) -> str:
    return "".join(str(e.proto.body) for e in at.get("html"))


def room_with_entry(engine):
    created = rooms.create_room(engine, "Test board")
    joined = rooms.join_room(engine, created.room.code, "Test member")
    rooms.send_entry(engine, created.room.code, joined.token, POWYS)
    return created


def test_presenter_drops_the_key_and_draws_no_controls(engine):
    created = room_with_entry(engine)
    at = open_page(room=created.room.code, key=created.key, present="1", lang="cy")
    assert "key" not in at.query_params
    assert at.query_params["workshop"] == "1" and at.query_params["present"] == "1"
    assert at.session_state["projector"] is True
    assert created.key not in html_of(at)
    # No widget at all: no vote, no send, no facilitator control.
    main = at.main  # the sidebar keeps its settings (collapsed on the projector)
    assert not main.button and not main.toggle and not main.multiselect and not main.checkbox
    body = html_of(at)
    assert "Powys alone" in body and "Cais 1 · Test member" in body and "963,896" in body
    assert "Ymuno: cod" in body  # the join strip is one line once an entry is on the board
    assert not at.dataframe  # the large HTML tables, not the sortable board


def test_an_entry_not_on_the_board_is_said_so(engine):
    created = room_with_entry(engine)
    at = open_page(room=created.room.code, present="1", entry="7")
    assert "Entry 7 is not on the board" in at.info[0].value


def test_the_facilitators_open_links_keep_language_and_projector_mode(engine):
    created = room_with_entry(engine)
    at = open_page(room=created.room.code, key=created.key, lang="cy", workshop="1")
    frame = at.dataframe[0].value
    opener = next(c for c in frame.columns if c == "Agor yn y cynllunydd")
    for link in frame[opener]:
        q = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
        assert q["lang"] == "cy" and q["workshop"] == "1" and "key" not in q, link
    assert "Pleidleisiau" not in frame.columns  # no counts before the reveal
    rooms.set_votes_revealed(engine, created.room.code, created.key, True)
    at = open_page(room=created.room.code, key=created.key, lang="cy", workshop="1")
    assert "Pleidleisiau" in at.dataframe[0].value.columns
    (projector,) = [b for b in at.get("link_button") if "taflunydd" in b.proto.label]
    q = {k: v[0] for k, v in parse_qs(urlsplit(projector.proto.url).query).items()}
    assert q == {"room": created.room.code, "present": "1", "workshop": "1", "lang": "cy",
                 "asat": "1"}  # the edition shown (the latest, May 2019, here)
