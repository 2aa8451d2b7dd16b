"""Property-based tests of the scenario parser, files, share links, the CLI and the page.

* Any scenario the parser accepts lies within ``explorer/limits.py`` (so the planner's
  widgets can hold it), survives the file and link round trips unchanged (when the link
  fits; otherwise the link is refused with ``ShareTooLong``), and gives the same numbers via
  ``evaluate_scenario``, the CLI (``python -m explorer coverage FILE --json``, a few runs)
  and the planner page (AppTest, a few runs).
* On arbitrary JSON-like values, text and bytes the parser raises nothing but
  ``ScenarioError``, and its message is one safe line.
"""

from __future__ import annotations

import json
import math
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from explorer.coverage import evaluate_scenario
from explorer.data import load_dataset
from explorer.limits import (
    MAX_HUBS,
    MAX_NAME_CHARS,
    MAX_SHARE_CHARS,
    MAX_TRAVEL_KM,
    MIN_TRAVEL_KM,
)
from explorer.scenario import (
    MODELS,
    POPULATION_BASES,
    Scenario,
    ScenarioError,
    ShareTooLong,
    decode_share,
    dumps_scenario,
    encode_share,
    load_scenario_file,
    loads_scenario,
    parse_scenario,
    scenario_to_dict,
    share_token_or_none,
)
from explorer.text import is_unsafe
from tests.cli import run_cli

DS = load_dataset()
AUTHORITIES = DS.authorities

# Names: markdown and Streamlit syntax, Welsh letters, combining accents, emoji, spaces.
NAME_CHARS = st.sampled_from(
    list("abcXYZ019 -_*[]()!<>#$`:|~&@'\"\\/.,") + ["ŵ", "ŷ", "ô", "\u0302", "😀", "\u00a0",
                                                  "\u200f", "é", "ß", "İ"]
) | st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"))
names = st.text(NAME_CHARS, min_size=1, max_size=MAX_NAME_CHARS).filter(lambda s: s.strip())


def _strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


@st.composite
def authority_ref(draw, index: int) -> str:
    """One authority written as people and files write it."""
    a = AUTHORITIES[index]
    name = draw(st.sampled_from([a.name_en, a.name_cy]))
    return draw(st.sampled_from([
        a.code, a.code.lower(), name, name.upper(), name.lower(), f"  {name} ",
        unicodedata.normalize("NFD", name), _strip_accents(name),
    ]))


@st.composite
def hubs(draw) -> dict:
    model = draw(st.sampled_from(MODELS))
    members = draw(st.lists(st.integers(0, len(AUTHORITIES) - 1), min_size=1, max_size=22,
                            unique=True))
    hub = {"name": draw(names), "model": model,
           "authorities": [draw(authority_ref(i)) for i in members]}
    if model != "per_authority":
        hub["host"] = draw(authority_ref(draw(st.sampled_from(members))))
    elif draw(st.booleans()):
        hub["host"] = None
    return hub


travel = st.none() | st.floats(MIN_TRAVEL_KM, MAX_TRAVEL_KM) | st.integers(1, 500) \
    | st.sampled_from([MIN_TRAVEL_KM, MAX_TRAVEL_KM, 40])


@st.composite
def scenario_objects(draw, max_hubs: int = 6) -> dict:
    obj = {"name": draw(names),
           "hubs": draw(st.lists(hubs(), max_size=max_hubs))}
    for key, strategy in (("include_existing", st.booleans()), ("max_travel_km", travel),
                          ("population", st.sampled_from(POPULATION_BASES))):
        if draw(st.booleans()):
            obj[key] = draw(strategy)
    return obj


def accepted(obj: dict) -> Scenario:
    """The parsed scenario; examples the parser refuses (two hubs folding to one name, a
    name longer than the limit once normalised) are discarded."""
    try:
        return parse_scenario(obj, DS)
    except ScenarioError:
        assume(False)
        raise


def assert_within_limits(s: Scenario) -> None:
    for name in (s.name, *(h.name for h in s.hubs)):
        assert 1 <= len(name) <= MAX_NAME_CHARS and name == name.strip()
        assert unicodedata.is_normalized("NFC", name) and not any(is_unsafe(c) for c in name)
    assert len(s.hubs) <= MAX_HUBS
    assert s.max_travel_km is None or (
        isinstance(s.max_travel_km, float) and MIN_TRAVEL_KM <= s.max_travel_km <= MAX_TRAVEL_KM)
    assert isinstance(s.include_existing, bool) and s.population in POPULATION_BASES
    codes = set(DS.codes())
    for h in s.hubs:
        assert h.model in MODELS and set(h.authorities) <= codes
        assert len(set(h.authorities)) == len(h.authorities)
        assert (h.host in h.authorities) if h.model != "per_authority" else h.host is None


# Accepted scenarios ---------------------------------------------------------------------------
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_objects())
def test_accepted_scenarios_are_within_limits_and_survive_every_round_trip(obj):
    s = accepted(obj)
    assert_within_limits(s)
    assert parse_scenario(scenario_to_dict(s), DS) == s
    assert loads_scenario(dumps_scenario(s), DS) == s
    assert loads_scenario(dumps_scenario(s).encode("utf-8"), DS) == s
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scenario.json"
        path.write_bytes(dumps_scenario(s).encode("utf-8"))
        assert load_scenario_file(path, DS) == s
    token = share_token_or_none(s)
    if token is None:
        with pytest.raises(ShareTooLong):
            encode_share(s)
    else:
        assert len(token) <= MAX_SHARE_CHARS
        assert decode_share(token, DS) == s


@settings(max_examples=15, deadline=None)
@given(scenario_objects(max_hubs=MAX_HUBS))
def test_big_scenarios_are_refused_as_links_never_cut(obj):
    s = accepted(obj)
    raw_chars = math.ceil(len(dumps_scenario(s).encode("utf-8")) * 4 / 3)
    token = share_token_or_none(s)
    assert (token is None) == (raw_chars > MAX_SHARE_CHARS)
    if token is not None:
        assert decode_share(token, DS) == s


def test_the_largest_scenario_is_offered_as_a_file_not_a_link():
    name = "ŵ" * MAX_NAME_CHARS
    s = parse_scenario({"name": name, "hubs": [
        {"name": f"{n:03d}" + "ŷ" * (MAX_NAME_CHARS - 3), "model": "per_authority",
         "authorities": list(DS.codes())} for n in range(MAX_HUBS)]}, DS)
    assert share_token_or_none(s) is None
    with pytest.raises(ShareTooLong, match=r"^share link: would be [\d,]+ characters long; "
                       r"the limit is 6,144, so download the scenario file"):
        encode_share(s)
    assert loads_scenario(dumps_scenario(s).encode("utf-8"), DS) == s  # the file still works


@settings(max_examples=3, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(scenario_objects(max_hubs=3))
def test_cli_gives_the_same_numbers_as_the_engine(obj):
    s = accepted(obj)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scenario.json"
        path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
        proc = run_cli("coverage", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    expected = json.loads(json.dumps(evaluate_scenario(s, DS).to_dict()))
    assert json.loads(proc.stdout) == expected


@settings(max_examples=3, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(obj=scenario_objects(max_hubs=3))
def test_the_planner_page_shows_any_accepted_scenario(obj, monkeypatch, tmp_path):
    from tests.app.test_whatif_app import headline, open_page

    s = accepted(obj)
    token = share_token_or_none(s)
    assume(token is not None)
    monkeypatch.setenv("MASH_BOUNDARIES", str(tmp_path / "absent.geojson"))
    monkeypatch.setenv("MASH_CACHE_DIR", str(tmp_path / "cache"))
    at = open_page(token)  # asserts the page raised nothing
    result = evaluate_scenario(s, DS)
    assert headline(at) == f"{result.authorities_covered} of 22 authorities covered"
    assert at.metric[0].value == f"{result.population_covered:,}"


# Anything at all ------------------------------------------------------------------------------
def _one_safe_line(exc: ScenarioError) -> None:
    message = str(exc)
    assert len(message.splitlines()) == 1 and not any(is_unsafe(c) for c in message)
    assert "Traceback" not in message and "set_int_max_str_digits" not in message


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(10**300, 10**4000)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(st.characters(exclude_categories=()), max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["name", "hubs", "model", "authorities", "host",
                                       "max_travel_km", "population", "include_existing"])
                      | st.text(max_size=5), children, max_size=5),
    max_leaves=25,
)


@st.composite
def near_valid(draw) -> dict:
    """A valid scenario with one value, somewhere, replaced by anything."""
    obj = draw(scenario_objects(max_hubs=2))
    target = obj
    if obj["hubs"] and draw(st.booleans()):
        target = draw(st.sampled_from(obj["hubs"]))
    key = draw(st.sampled_from(sorted(target) + ["extra"]))
    target[key] = draw(json_like)
    return obj


@settings(max_examples=300)
@given(json_like | near_valid())
def test_parser_raises_only_scenario_errors_on_any_value(obj):
    try:
        s = parse_scenario(obj, DS)
    except ScenarioError as exc:
        _one_safe_line(exc)
    else:
        assert_within_limits(s)


@settings(max_examples=300)
@given(st.text(st.characters(exclude_categories=()), max_size=200)
       | st.binary(max_size=200)
       | json_like.map(lambda v: json.dumps(v, ensure_ascii=False, allow_nan=True)))
def test_loads_raises_only_scenario_errors_on_any_text_or_bytes(data):
    try:
        s = loads_scenario(data, DS, source="f.json")
    except ScenarioError as exc:
        _one_safe_line(exc)
        assert str(exc).startswith("f.json: ")
    else:
        assert_within_limits(s)


@settings(max_examples=200)
@given(st.text(max_size=80) | st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                      "0123456789-_=", max_size=300))
def test_share_tokens_raise_only_scenario_errors(token):
    try:
        s = decode_share(token, DS)
    except ScenarioError as exc:
        _one_safe_line(exc)
        assert str(exc).startswith("share link: ")
    else:
        assert_within_limits(s)
