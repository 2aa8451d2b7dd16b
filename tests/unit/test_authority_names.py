"""Authorities are found however people type their names, and suggestions differ visibly
from what was typed (hardening issue, section 3)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.scenario import (
    ScenarioError,
    parse_scenario,
)
from explorer.text import fold
from tests.inputs import ANGLESEY, DS


def _variants(name: str) -> set[str]:
    stripped = "".join(c for c in unicodedata.normalize("NFD", name)
                       if not unicodedata.combining(c))
    return {name, unicodedata.normalize("NFD", name), unicodedata.normalize("NFC", name),
            stripped, name.upper(), name.lower(), stripped.upper(), f"  {name}  ",
            name.replace("-", " "), name.replace(" ", "  ")}


@pytest.mark.parametrize("authority", DS.authorities, ids=lambda a: a.code)
def test_every_authority_is_found_however_its_name_is_typed(authority):
    for name in (authority.name_en, authority.name_cy, authority.code):
        for typed in _variants(name):
            s = parse_scenario({"name": "x", "hubs": [
                {"name": "h", "model": "per_authority", "authorities": [typed]}]}, DS)
            assert s.hubs[0].authorities == (authority.code,), typed


def test_ynys_mon_as_people_and_ons_files_write_it():
    for typed in ("Ynys Môn", "Ynys Mo\u0302n", "Ynys Mon", "YNYS MÔN", "ynys mon",
                  "Isle of Anglesey", "isle  of anglesey"):
        s = parse_scenario({"name": "x", "hubs": [
            {"name": "h", "model": "regional", "authorities": [typed], "host": typed}]}, DS)
        assert s.hubs[0].authorities == (ANGLESEY,) and s.hubs[0].host == ANGLESEY


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Swanse", "unknown authority 'Swanse' (did you mean Swansea?)"),
        ("Ynys Mn", "unknown authority 'Ynys Mn' (did you mean Ynys Môn?)"),
        ("Pоwys", "unknown authority 'Pоwys' (did you mean Powys? the name given contains "
                  "U+043E CYRILLIC SMALL LETTER O)"),
        ("Atlantis", "unknown authority 'Atlantis'"),
    ],
)
def test_suggestions_differ_visibly_from_what_was_typed(typed, message):
    with pytest.raises(ScenarioError) as info:
        parse_scenario({"name": "x", "hubs": [
            {"name": "h", "model": "per_authority", "authorities": [typed]}]}, DS)
    assert str(info.value) == f"hub 1 'h': {message}"


@settings(max_examples=200)
@given(st.sampled_from([n for a in DS.authorities for n in (a.name_en, a.name_cy)])
       .flatmap(lambda n: st.tuples(st.just(n), st.integers(0, len(n)), st.text(max_size=2),
                                    st.integers(0, 2))))
def test_a_suggestion_never_folds_to_what_was_typed(case):
    name, at, insert, drop = case
    typed = name[:at] + insert + name[at + drop:]
    try:
        parse_scenario({"name": "x", "hubs": [
            {"name": "h", "model": "per_authority", "authorities": [typed]}]}, DS)
    except ScenarioError as exc:
        message = str(exc)
        if "(did you mean " in message:
            suggestion = message.split("(did you mean ", 1)[1].split("?", 1)[0]
            assert fold(suggestion) != fold(typed) and suggestion != typed.strip()
