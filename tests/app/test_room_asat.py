"""The workshop board's reference row as at the chosen edition (issue 18 item 3): with a
(plainly fictional) edition 2 published, ``?asat=2`` (the default, as the latest) counts the
reference row and "gained over" on edition 2 and says so; ``?asat=1`` keeps May 2019."""

from __future__ import annotations

from explorer import rooms
from explorer.scenario import HubSpec, Scenario
from tests.app.test_editions_app import env, published_two  # noqa: F401  (fixtures)
from tests.app.test_workshop import open_page

POWYS_ALONE = Scenario("Powys alone", (HubSpec("Powys MASH", "per_authority", ("W06000023",),
                                              None),))


def board_frame(code: str, **params: str):
    at = open_page("pages/workshop.py", room=code, **params)
    return at.dataframe[0].value


def test_reference_row_follows_the_chosen_edition(published_two):  # noqa: F811
    engine = published_two
    created = rooms.create_room(engine, "Edition room")
    joined = rooms.join_room(engine, created.room.code, "Eve")
    rooms.send_entry(engine, created.room.code, joined.token, POWYS_ALONE)

    latest = board_frame(created.room.code)  # no asat: the latest published edition
    ref, eve = latest.iloc[0], latest.iloc[1]
    assert ref["Author"] == "As at 1 March 2026, edition 2 (reference)"
    assert ref["Scenario"] == "Position as at 1 March 2026 (edition 2: Test edition two)"
    # Edition 2: Powys (Test hub A) and Ceredigion (Test hub B) join the five of May 2019.
    assert ref["Authorities covered"] == 7
    gained = "Gained over 1 March 2026"
    assert eve["Authorities covered"] == 7 and eve[gained] == ""  # Powys already covered

    may = board_frame(created.room.code, asat="1")
    assert may.iloc[0]["Author"] == "May 2019 (reference)"
    assert may.iloc[0]["Authorities covered"] == 5
    assert may.iloc[1]["Gained over May 2019"] == "Powys"


def test_every_board_link_keeps_the_edition_language_and_workshop_mode(published_two):  # noqa: F811
    engine = published_two
    created = rooms.create_room(engine, "Edition room")
    code = created.room.code
    joined = rooms.join_room(engine, code, "Eve")
    rooms.send_entry(engine, code, joined.token, POWYS_ALONE)

    frame = board_frame(code, asat="1", lang="cy", workshop="1")
    opened = list(frame["Agor yn y cynllunydd"])
    assert len(opened) == 2  # the reference row and Eve's entry
    for link in opened:
        assert "asat=1" in link and "lang=cy" in link and "workshop=1" in link, link

    # The member's "Open the board" link keeps the edition shown too.
    at = open_page("pages/what-if.py", room=code, member=joined.token, asat="1")
    link = next(p for p in at.get("page_link") if "Open the board" in p.proto.label)
    assert link.proto.query_string == f"room={code}&asat=1"
