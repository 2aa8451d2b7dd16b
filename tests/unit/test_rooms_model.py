"""Pure parts of workshop rooms: codes, names, the wrong-code throttle, settings."""

from __future__ import annotations

import re

import pytest

from explorer import rooms
from explorer.i18n import t
from explorer.storage import db
from explorer.throttle import CodeAttempts


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ABC234", "ABC234"),
        ("abc234", "ABC234"),
        (" abc 234 ", "ABC234"),
        ("ABC-234", "ABC234"),
        ("ABC23", None),  # too short
        ("ABC2345", "ABC2345"),  # seven characters (the length now)
        ("ABC23456", None),  # too long
        ("ABCDE0", None),  # 0 is not in the alphabet (looks like O)
        ("ABCDEO", None),  # nor O
        ("ABCDE1", None),  # nor 1, I or L
        ("ABCDEI", None),
        ("ÀBC234", None),
        ("", None),
        (None, None),
        ("A" * 1000, None),
    ],
)
def test_normalise_code(typed, code):
    assert rooms.normalise_code(typed) == code


def test_codes_use_only_the_alphabet_and_vary():
    codes = {rooms.new_code() for _ in range(200)}
    assert all(len(c) == 7 and set(c) <= set("ABCDEFGHJKMNPQRSTUVWXYZ23456789") for c in codes)
    assert len(codes) > 190  # 31**7 possibilities: repeats in 200 draws are very unlikely


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Ynys Mo\u0302n", "Ynys Môn"),  # NFD typed -> NFC stored
        ("  spaces around  ", "spaces around"),
        ("<b>bold</b> & [x](http://e.org)", "<b>bold</b> & [x](http://e.org)"),  # kept as data
    ],
)
def test_clean_name(raw, clean):
    assert rooms.clean_name(raw, "display name", 40) == clean


@pytest.mark.parametrize("raw", ["two\nlines", "tab\there", "nul\x00", "\x1b[2J",
                                 "abc\u202eevil", "line\u2028sep", "\ud800"])
def test_clean_name_refuses_what_a_name_cannot_hold(raw):
    with pytest.raises(rooms.BadText) as caught:
        rooms.clean_name(raw, "display name", 40)
    assert str(caught.value).startswith("display name contains ")
    assert "\n" not in str(caught.value) and raw not in str(caught.value)


def test_optional_names():
    assert rooms.clean_name(None, "display name", 40, optional=True) == ""
    assert rooms.clean_name(" \t", "display name", 40, optional=True) == ""
    with pytest.raises(rooms.BadText, match="^display name must not be empty$"):
        rooms.clean_name(" ", "display name", 40)


def test_clean_name_counts_characters_after_normalising():
    assert rooms.clean_name("e\u0301" * 40, "display name", 40) == "é" * 40
    with pytest.raises(rooms.BadText, match="display name is 41 characters long; the limit is 40"):
        rooms.clean_name("é" * 41, "display name", 40)


def test_the_throttle_doubles_the_wait_up_to_a_minute():
    a = CodeAttempts()
    waits = []
    for i in range(12):
        a = a.failed(now=1000.0 + i)
        waits.append(a.wait_s(1000.0 + i))
    assert waits == [0, 0, 0, 2, 4, 8, 16, 32, 60, 60, 60, 60]
    # A right code does not reset the wrong ones (issue 22: it did, so any right code, such
    # as an attacker's own room, reset the throttle).
    assert a.succeeded().wait_s(a.not_before - 1.0) == 1.0
    assert CodeAttempts.from_plain(a.as_plain()) == a
    for junk in (None, "x", {"failures": "3"}, {"failures": 1, "not_before": None}):
        assert CodeAttempts.from_plain(junk) == CodeAttempts()
    many = CodeAttempts(10**6, 0.0).failed(now=5.0)
    assert many.wait_s(5.0) == 60.0


def test_expiry_days_setting(monkeypatch):
    assert rooms.expiry_days({}) == 30
    assert rooms.expiry_days({"MASH_ROOM_EXPIRY_DAYS": " 90 "}) == 90
    for bad in ("0", "-3", "1.5", "forever", "3651"):
        with pytest.raises(rooms.RoomError) as caught:
            rooms.expiry_days({"MASH_ROOM_EXPIRY_DAYS": bad})
        assert str(caught.value) == (
            f"MASH_ROOM_EXPIRY_DAYS must be a whole number of days from 1 to 3650, not {bad!r}")


def test_database_url_and_state_dir(tmp_path):
    assert db.database_url({"XDG_DATA_HOME": "/data"}) == (
        "sqlite:////data/mash-wales-explorer/rooms.db")
    assert db.database_url({"MASH_STATE_DIR": str(tmp_path)}) == f"sqlite:///{tmp_path}/rooms.db"
    assert db.database_url({"MASH_DATABASE_URL": "postgresql://h/db"}) == (
        "postgresql+psycopg://h/db")
    assert db.database_url({"MASH_DATABASE_URL": "postgresql+psycopg://h/db"}) == (
        "postgresql+psycopg://h/db")
    assert db.database_url({"MASH_DATABASE_URL": " ", "MASH_STATE_DIR": "/s"}) == (
        "sqlite:////s/rooms.db")


def test_unusable_database_settings_are_one_line(tmp_path):
    with pytest.raises(db.DatabaseError) as caught:
        db.make_engine("not a url")
    assert str(caught.value) == (
        "MASH_DATABASE_URL is not a database URL (expected postgresql://... or sqlite:///...)")
    with pytest.raises(db.DatabaseError, match=r"^unsupported database 'mysql' in "
                                               r"mysql://u:\*\*\*@h/d; use PostgreSQL or SQLite$"):
        db.make_engine("mysql://u:pw@h/d")
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(db.DatabaseError) as caught:
        db.make_engine(f"sqlite:///{blocker}/sub/rooms.db")
    assert str(caught.value).startswith(f"cannot create the folder for the rooms database "
                                        f"{blocker}/sub (")
    assert str(caught.value).endswith("); set MASH_STATE_DIR to a writable folder")


def test_a_database_from_a_newer_app_is_refused_in_one_line(tmp_path):
    url = f"sqlite:///{tmp_path}/rooms.db"
    engine = db.make_engine(url)
    db.upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(db.DatabaseError) as caught:
        db.upgrade(engine)
    engine.dispose()
    assert str(caught.value) == (
        f"cannot prepare the rooms database at {url}: its schema is not one this version of "
        "the app knows (Can't locate revision identified by '9999_future')")


def test_shared_engine_remembers_a_failure_for_a_while(monkeypatch):
    calls = []

    def unusable(url):
        calls.append(url)
        raise db.DatabaseError("cannot reach it")

    monkeypatch.setattr(db, "make_engine", unusable)
    url = "postgresql+psycopg://nobody@127.0.0.1:1/x"
    for _ in range(3):
        with pytest.raises(db.DatabaseError, match="^cannot reach it$"):
            db.shared_engine(url)
    assert calls == [url]  # asked once; the next callers got the remembered error
    monkeypatch.setattr(db, "RETRY_AFTER_S", 0.0)
    with pytest.raises(db.DatabaseError):
        db.shared_engine(url)
    assert calls == [url, url]
    db._FAILURES.pop(url, None)


#: One name for each kind of text a name may not hold, with the refusal's message key.
BAD_NAMES = [
    ("Board\x1b[31m", "name_control"),
    ("two\nlines", "name_control"),
    ("tab\there", "name_control"),
    ("abc\u202eevil", "name_bidi"),
    ("a\u2066b", "name_bidi"),
    ("line\u2028sep", "name_line_break"),
    ("half \ud800", "name_surrogate"),
    ("abc\u200fdef", "name_direction"),
    ("\u2800\u3164", "name_invisible"),
    ("Z" + "\u0301" * 9, "name_marks"),
    ("May 2019 (reference)", "name_label"),
    ("x" * 81, "name_too_long"),
    ("   ", "name_empty"),
    (42, "name_not_text"),
]
#: English words the Welsh refusals share with the English ones on purpose.
SHARED_WORDS = {"label"}


def _english_words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)} - SHARED_WORDS


@pytest.mark.parametrize("what", ["room name", "display name"])
@pytest.mark.parametrize(("raw", "key"), BAD_NAMES)
def test_a_welsh_refusal_of_a_name_is_wholly_welsh(raw, key, what):
    """Issue 22: the detail of a refused name (which character, what kind) is said in Welsh
    too, the character by its code point, never by its English Unicode name."""
    import unicodedata

    with pytest.raises(rooms.BadText) as caught:
        rooms.clean_name(raw, what, 80)
    err = caught.value
    assert err.key == key
    english, welsh = err.say("en"), err.say("cy")
    assert str(err).startswith(english)  # the English text (logs, CLI) says the same
    user_words = _english_words(raw) if isinstance(raw, str) else set()
    leaked = {w for w in _english_words(english) - user_words
              if re.search(rf"\b{w}\b", welsh, re.IGNORECASE)}
    assert not leaked, (welsh, leaked)
    for ch in raw if isinstance(raw, str) else "":
        name = unicodedata.name(ch, "")
        if name and not ch.isalnum() and ch != " ":
            assert name not in welsh, welsh
    assert t(f"room_error.{rooms.model._WHAT[what]}", "cy") in welsh


def test_a_welsh_refusal_names_the_character_by_its_code_point():
    with pytest.raises(rooms.BadText) as caught:
        rooms.clean_name("Board\x1b[31m", "room name", 80)
    assert caught.value.say("cy") == (
        "enw'r ystafell: mae nod rheoli (U+001B) yn nod 6; rhaid i'r testun yma fod yn un "
        "llinell o destun plaen")
    assert "(U+001B ESC) at character 6" in caught.value.say("en")
