"""Scenario parsing, validation, file loading, share links and presets."""

from __future__ import annotations

import base64
import json
import shutil

import pytest

from explorer.data import DATA_DIR, DataError, load_dataset
from explorer.presets import load_presets
from explorer.scenario import (
    MAX_SCENARIO_BYTES,
    MAX_SHARE_CHARS,
    HubSpec,
    Scenario,
    ScenarioError,
    decode_share,
    dumps_scenario,
    encode_share,
    load_scenario_file,
    loads_scenario,
    may_2019_scenario,
    parse_scenario,
    scenario_to_dict,
)

CARM, CERE, PEMB, POWYS = "W06000010", "W06000008", "W06000009", "W06000023"
SWANSEA, NPT, VALE = "W06000011", "W06000012", "W06000014"


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def example() -> dict:
    """The example from the brief, with names in mixed forms."""
    return {
        "name": "Mid and West Wales regional MASH",
        "include_existing": True,
        "max_travel_km": None,
        "hubs": [
            {
                "name": "Mid and West Wales MASH",
                "model": "regional",
                "authorities": ["W06000008", "  sir benfro ", "CARMARTHENSHIRE", "w06000023"],
                "host": "Sir Gaerfyrddin",
            },
            {
                "name": "South Wales extension",
                "model": "per_authority",
                "authorities": ["Abertawe", "Neath Port Talbot", "Bro Morgannwg"],
            },
            {
                "name": "Vulnerability Hub",
                "model": "virtual",
                "authorities": ["Ceredigion", "W06000010"],
                "host": "W06000010",
            },
        ],
    }


def test_example_is_normalised_to_codes_in_the_given_order(ds):
    s = parse_scenario(example(), ds)
    assert s == Scenario(
        name="Mid and West Wales regional MASH",
        hubs=(
            HubSpec("Mid and West Wales MASH", "regional", (CERE, PEMB, CARM, POWYS), CARM),
            HubSpec("South Wales extension", "per_authority", (SWANSEA, NPT, VALE), None),
            HubSpec("Vulnerability Hub", "virtual", (CERE, CARM), CARM),
        ),
        include_existing=True,
        max_travel_km=None,
        population="census2021",
    )


def test_defaults_and_stripped_names(ds):
    s = parse_scenario({"name": "  Just a name  "}, ds)
    assert s == Scenario("Just a name", (), True, None, "census2021")


def test_distance_and_basis_are_kept(ds):
    s = parse_scenario({"name": "x", "max_travel_km": 40, "population": "mid2018"}, ds)
    assert s.max_travel_km == 40.0 and isinstance(s.max_travel_km, float)
    assert s.population == "mid2018"


def test_canonical_dict_has_every_key_in_a_stable_order(ds):
    d = scenario_to_dict(parse_scenario(example(), ds))
    assert list(d) == ["name", "include_existing", "max_travel_km", "population", "hubs"]
    assert d["hubs"][1] == {
        "name": "South Wales extension",
        "model": "per_authority",
        "authorities": [SWANSEA, NPT, VALE],
        "host": None,
    }


def test_dumps_is_compact_and_round_trips_exactly(ds):
    s = parse_scenario(example() | {"max_travel_km": 62.5, "population": "mid2018"}, ds)
    text = dumps_scenario(s)
    assert ", " not in text and ": " not in text
    assert loads_scenario(text, ds) == s
    assert dumps_scenario(loads_scenario(text, ds)) == text


def test_non_ascii_names_are_kept_as_text(ds):
    s = parse_scenario({"name": "Hyb Ynys Môn", "hubs": []}, ds)
    assert "Môn" in dumps_scenario(s)
    assert loads_scenario(dumps_scenario(s).encode("utf-8"), ds) == s


def hub(**overrides) -> dict:
    base = {"name": "H", "model": "regional", "authorities": ["Powys", "Ceredigion"],
            "host": "Powys"}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not ...}


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ([], "the top level must be a JSON object, not a list"),
        ("x", "the top level must be a JSON object, not text"),
        ({"name": "x", "colour": "red"}, "unknown key 'colour'"),
        ({"hubs": []}, "missing key 'name'"),
        ({"name": "   "}, "name must not be empty"),
        ({"name": 5}, "name must be text, not a number"),
        ({"name": "x" * 121}, "name is 121 characters long; the limit is 120"),
        ({"name": "x", "include_existing": "yes"},
         "include_existing must be true or false, not 'yes'"),
        ({"name": "x", "include_existing": 1}, "include_existing must be true or false, not 1"),
        ({"name": "x", "max_travel_km": 0},
         "max_travel_km must be null (no limit) or a number of kilometres from 1 to 500, not 0"),
        ({"name": "x", "max_travel_km": -5}, "from 1 to 500, not -5"),
        ({"name": "x", "max_travel_km": "40"}, "from 1 to 500, not '40'"),
        ({"name": "x", "max_travel_km": True}, "from 1 to 500, not true"),
        ({"name": "x", "max_travel_km": float("inf")}, "from 1 to 500, not inf"),
        ({"name": "x", "max_travel_km": 1000}, "from 1 to 500, not 1000"),
        ({"name": "x", "max_travel_km": 0.5}, "from 1 to 500, not 0.5"),
        ({"name": "x", "max_travel_km": 10**400}, "from 1 to 500, not a number with 401 digits"),
        ({"name": "x", "population": "2011"},
         "population must be one of census2021, mid2018, not '2011'"),
        ({"name": "x", "hubs": {}}, "hubs must be a list, not an object"),
        ({"name": "x", "hubs": [{"name": f"h{i}", "model": "per_authority",
                                  "authorities": ["Powys"]} for i in range(51)]},
         "has 51 hubs; the limit is 50"),
        ({"name": "x", "hubs": ["Powys"]}, "hub 1 must be an object, not text"),
        ({"name": "x", "hubs": [hub(colour="red")]}, "hub 1: unknown key 'colour'"),
        ({"name": "x", "hubs": [hub(name=...)]}, "hub 1: missing key 'name'"),
        ({"name": "x", "hubs": [hub(name="")]}, "hub 1: name must not be empty"),
        ({"name": "x", "hubs": [hub(name="y" * 121)]}, "hub 1: name is 121 characters long"),
        ({"name": "x", "hubs": [hub(model="hub_and_spoke")]},
         "hub 1 'H': model is unknown: 'hub_and_spoke'; "
         "use one of regional, per_authority, virtual"),
        ({"name": "x", "hubs": [hub(model=...)]}, "hub 1 'H': model is missing; use one of"),
        ({"name": "x", "hubs": [hub(authorities=[])]},
         "hub 1 'H': lists no authorities; a hub needs at least one"),
        ({"name": "x", "hubs": [hub(authorities="Powys")]},
         "hub 1 'H': authorities must be a list of codes or names, not text"),
        ({"name": "x", "hubs": [hub(authorities=["Powys", "Swanse"])]},
         "hub 1 'H': unknown authority 'Swanse' (did you mean Swansea?)"),
        ({"name": "x", "hubs": [hub(authorities=["Powys", "W06000007"])]},
         "hub 1 'H': unknown authority 'W06000007'"),
        ({"name": "x", "hubs": [hub(authorities=["Powys", 23])]},
         "hub 1 'H': each authority must be a code or name (text), not a number"),
        ({"name": "x", "hubs": [hub(authorities=["Powys", "W06000023"])]},
         "hub 1 'H': authority 'W06000023' (Powys) is listed twice"),
        ({"name": "x", "hubs": [hub(host=None)]},
         "hub 1 'H': a regional hub needs a host, one of its authorities"),
        ({"name": "x", "hubs": [hub(model="virtual", host=...)]},
         "hub 1 'H': a virtual hub needs a host"),
        ({"name": "x", "hubs": [hub(host="Cardiff")]},
         "hub 1 'H': host 'Cardiff' is not one of the hub's authorities"),
        ({"name": "x", "hubs": [hub(host="Atlantis")]}, "hub 1 'H': unknown authority 'Atlantis'"),
        ({"name": "x", "hubs": [hub(model="per_authority")]},
         "hub 1 'H': a per_authority hub has no host (it sits in each authority); "
         "remove host 'Powys'"),
        ({"name": "x", "hubs": [hub(), hub(name=" h ")]},
         "hub 2: name 'h' is already used by hub 1"),
    ],
)
def test_each_refusal_names_the_problem(ds, obj, message):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(obj, ds)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_messages_start_with_the_source_and_name_the_hub(ds):
    obj = example()
    obj["hubs"][1]["authorities"][0] = "Swanse"
    with pytest.raises(ScenarioError) as info:
        loads_scenario(json.dumps(obj), ds, source="upload.json")
    assert str(info.value).startswith(
        "upload.json: hub 2 'South Wales extension': unknown authority 'Swanse'"
    )
    assert info.value.source == "upload.json"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"name": "x",\n "hubs": [}',
         "scenario: not valid JSON at line 2, column 11: expected a value"),
        ("", "scenario: not valid JSON at line 1, column 1: expected a value"),
        ('{"name": "x", "max_travel_km": NaN}',
         "scenario: not valid JSON: NaN is not allowed in JSON"),
        ('{"name": "x", "name": "y"}',
         "scenario: not valid JSON: key 'name' appears twice in one object"),
        ("[" * 100_000, "scenario: not valid JSON"),
        ("[1, 2]", "scenario: the top level must be a JSON object, not a list"),
    ],
)
def test_bad_json_text(ds, text, message):
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, ds)
    assert str(info.value).startswith(message)


def test_bytes_must_be_utf8_and_a_bom_is_fine(ds):
    message = r"^up\.json: is not UTF-8 text \(invalid byte at position 10\)$"
    with pytest.raises(ScenarioError, match=message):
        loads_scenario(b'{"name": "\xff"}', ds, source="up.json")
    assert loads_scenario('\ufeff{"name": "x"}'.encode(), ds).name == "x"


def test_too_large_text_or_bytes(ds):
    big = '{"name": "x", "pad": "' + " " * MAX_SCENARIO_BYTES + '"}'
    for value in (big, big.encode()):
        with pytest.raises(ScenarioError, match="limit is 262,144 bytes"):
            loads_scenario(value, ds)


def test_files(ds, tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(example()), encoding="utf-8")
    assert load_scenario_file(good, ds) == parse_scenario(example(), ds)
    with pytest.raises(ScenarioError, match=r"missing\.json: file not found$"):
        load_scenario_file(tmp_path / "missing.json", ds)
    with pytest.raises(ScenarioError, match="is not a file"):
        load_scenario_file(tmp_path, ds)
    large = tmp_path / "large.json"
    large.write_bytes(b" " * (MAX_SCENARIO_BYTES + 1))
    with pytest.raises(ScenarioError, match=r"large\.json: file is 262,145 bytes; the limit"):
        load_scenario_file(large, ds)
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x", "include_existing": "yes"}')
    with pytest.raises(ScenarioError) as info:
        load_scenario_file(bad, ds)
    assert str(info.value) == f"{bad}: include_existing must be true or false, not 'yes'"


# Share links ---------------------------------------------------------------------------------
def test_share_round_trip_without_padding(ds):
    s = parse_scenario(example() | {"name": "Hyb Môn ✓", "max_travel_km": 45.5}, ds)
    token = encode_share(s)
    assert "=" not in token and "+" not in token and "/" not in token
    assert base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode() == dumps_scenario(s)
    assert decode_share(token, ds) == s


def test_share_accepts_padding_and_surrounding_space(ds):
    s = Scenario("ab", ())  # 80-odd bytes of JSON: the token needs padding
    token = encode_share(s)
    padded = token + "=" * (-len(token) % 4)
    assert padded != token
    assert decode_share(padded, ds) == s
    assert decode_share(f"  {token}\n", ds) == s


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "share link: is empty"),
        ("abc$def", "share link: is not valid URL-safe base64 (only A-Z"),
        ("abc+/def", "share link: is not valid URL-safe base64 (only A-Z"),
        ("abcde", "share link: is not valid URL-safe base64 (wrong length)"),
        ("YQ===", "share link: is not valid URL-safe base64 (wrong length)"),
        ("_w", "share link: is not UTF-8 text"),
        (base64.urlsafe_b64encode(b"{'name': 1}").decode(), "share link: not valid JSON"),
        (base64.urlsafe_b64encode(b'{"name": ""}').decode(), "share link: name must not be empty"),
        ("A" * (MAX_SHARE_CHARS + 1),
         f"share link: is {MAX_SHARE_CHARS + 1:,} characters long; "
         f"the limit is {MAX_SHARE_CHARS:,}"),
    ],
)
def test_bad_share_tokens(ds, token, message):
    with pytest.raises(ScenarioError) as info:
        decode_share(token, ds)
    assert str(info.value).startswith(message)


def test_tampered_tokens_never_escape_as_other_errors(ds):
    token = encode_share(parse_scenario(example(), ds))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    outcomes = set()
    for pos in range(0, len(token), 7):
        for char in "A_z":
            tampered = token[:pos] + char + token[pos + 1:]
            try:
                decode_share(tampered, ds)
                outcomes.add("ok")
            except ScenarioError as exc:
                assert str(exc).startswith("share link: ")
                outcomes.add("refused")
    assert "refused" in outcomes
    with pytest.raises(ScenarioError):
        decode_share(token[:-5], ds)  # truncated
    assert set(token) <= set(alphabet)


def test_may_2019_scenario():
    assert may_2019_scenario() == Scenario("Position as at 31 May 2019", (), True, None)


# Presets -------------------------------------------------------------------------------------
PRESET_KEYS = [
    "may_2019",
    "mid_west_wales_regional",
    "dyfed_powys_virtual",
    "gwent_regional",
    "south_wales_every_authority",
    "north_wales_regional",
    "every_authority",
]


def test_presets_load_in_order_with_real_sections(ds):
    presets = load_presets(ds)
    assert [p.key for p in presets] == PRESET_KEYS
    sections = ["sw-1;gw-1", "dp-2;dp-3", "dp-3", "gw-1", "sw-1;sw-2", "nw-1;nw-2;nw-4", "sw-2"]
    assert [p.section_id for p in presets] == sections
    assert presets[0].scenario == may_2019_scenario()
    for p in presets:
        assert p.title and p.description.endswith(".")
        assert ds.citation(p.section_id)  # every id resolves (one or several)
        assert decode_share(encode_share(p.scenario), ds) == p.scenario


def test_preset_shapes(ds):
    by_key = {p.key: p.scenario for p in load_presets(ds)}
    (mw,) = by_key["mid_west_wales_regional"].hubs
    assert (mw.model, mw.host, set(mw.authorities)) == ("regional", CARM, {CARM, CERE, PEMB, POWYS})
    (dp,) = by_key["dyfed_powys_virtual"].hubs
    assert (dp.model, dp.host, set(dp.authorities)) == ("virtual", CARM, {CARM, CERE, PEMB, POWYS})
    (nw,) = by_key["north_wales_regional"].hubs
    assert (nw.model, nw.host) == ("regional", "W06000003")  # Conwy
    (every,) = by_key["every_authority"].hubs
    assert every.authorities == ds.codes()


@pytest.fixture
def data_copy(tmp_path):
    shutil.copytree(DATA_DIR / "scenarios", tmp_path / "scenarios")
    return tmp_path


def test_a_bad_preset_file_is_named(ds, data_copy):
    (data_copy / "scenarios" / "gwent_regional.json").write_text('{"name": "G", "hubs": [1]}')
    with pytest.raises(ScenarioError) as info:
        load_presets(ds, data_copy)
    assert str(info.value) == "scenarios/gwent_regional.json: hub 1 must be an object, not a number"


def test_a_missing_or_unlisted_preset_is_named(ds, data_copy):
    extra = data_copy / "scenarios" / "extra.json"
    extra.write_text('{"name": "E"}')
    with pytest.raises(DataError, match="preset file extra.json is not listed"):
        load_presets(ds, data_copy)
    extra.unlink()
    (data_copy / "scenarios" / "may_2019.json").unlink()
    with pytest.raises(ScenarioError, match=r"^scenarios/may_2019\.json: file not found$"):
        load_presets(ds, data_copy)


def test_presets_csv_problems_are_named(ds, data_copy):
    csv_path = data_copy / "scenarios" / "presets.csv"
    text = csv_path.read_text()
    csv_path.write_text(text.replace(",nw-1;nw-2;nw-4\n", ",nw-9\n"))
    with pytest.raises(DataError, match="line 7, column 'section_id': value 'nw-9': no such"):
        load_presets(ds, data_copy)
    csv_path.write_text(text.replace("file,title", "path,title"))
    with pytest.raises(DataError,
                       match="header must be file,title,title_cy,description,section_id"):
        load_presets(ds, data_copy)
