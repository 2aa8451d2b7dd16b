"""Links too long to travel are refused before decoding, and the page can tell
(hardening issue, section 8)."""

from __future__ import annotations

import pytest

from explorer.limits import (
    MAX_SHARE_CHARS,
)
from explorer.scenario import (
    HubSpec,
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
from tests.inputs import DS


def test_share_tokens_never_exceed_the_limit_and_the_page_can_tell():
    hubs = []
    for n in range(50):
        hubs.append(HubSpec(f"Hyb {n:02d} " + "ŵ" * 100, "per_authority", DS.codes(), None))
        s = Scenario("Big", tuple(hubs))
        token = share_token_or_none(s)
        if token is None:
            with pytest.raises(ShareTooLong) as info:
                encode_share(s)
            assert isinstance(info.value, ScenarioError)
            assert "download the scenario file" in str(info.value)
            break
        assert len(token) <= MAX_SHARE_CHARS and decode_share(token, DS) == s
    else:
        raise AssertionError("never grew past the limit")
    # The scenario itself is fine as a file.
    assert loads_scenario(dumps_scenario(s), DS) == parse_scenario(scenario_to_dict(s), DS)


def test_a_whole_link_stays_under_8_kb():
    base = "https://mash-wales-explorer.example.org/what-if?scenario="
    assert len(base) + MAX_SHARE_CHARS < 8 * 1024


def test_a_token_over_the_limit_is_refused_before_decoding():
    with pytest.raises(ScenarioError, match=r"^share link: is 204,800 characters long; "
                                            r"the limit is 6,144$"):
        decode_share("A" * 200 * 1024, DS)


def test_the_files_the_cli_reads_are_the_scenario_files(tmp_path):
    path = tmp_path / "s.json"
    s = parse_scenario({"name": "x"}, DS)
    path.write_text(dumps_scenario(s))
    assert load_scenario_file(path, DS) == s
