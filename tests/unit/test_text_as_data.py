"""User text is data: refused at parse time when unsafe, NFC-normalised, printed literally
and on one line (hardening issue, section 2)."""

from __future__ import annotations

import io
import json
import unicodedata

import pytest

from explorer import cli
from explorer.coverage import evaluate_scenario
from explorer.scenario import (
    HubSpec,
    Scenario,
    ScenarioError,
    decode_share,
    loads_scenario,
    parse_scenario,
)
from explorer.text import is_unsafe
from tests.cli import run_cli
from tests.inputs import DS, POWYS, one_line_error, token_of


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("\ud800", "name contains an unpaired surrogate (U+D800) at character 1"),
        ("Gwent\udfff", "unpaired surrogate (U+DFFF) at character 6"),
        ("\x1b[31mRed", "control character (U+001B ESC) at character 1"),
        ("a\x00b", "control character (U+0000 NUL) at character 2"),
        ("two\nlines", "control character (U+000A LINE FEED) at character 4"),
        ("abc\u202egpj.exe", "bidirectional control (U+202E RIGHT-TO-LEFT OVERRIDE)"),
    ],
)
def test_surrogates_and_control_characters_are_refused_at_parse_time(name, problem, tmp_path):
    for obj, prefix in (({"name": name}, "name"),
                        ({"name": "x", "hubs": [{"name": name, "model": "per_authority",
                                                 "authorities": ["Powys"]}]}, "hub 1: name")):
        text = json.dumps(obj)  # "\ud800" travels as a JSON escape, as in the issue
        with pytest.raises(ScenarioError) as info:
            loads_scenario(text, DS, source="f.json")
        assert str(info.value).startswith(f"f.json: {prefix} contains ")
        assert problem.removeprefix("name ") in str(info.value)
        with pytest.raises(ScenarioError):
            decode_share(token_of(obj), DS)
        path = tmp_path / "names.json"
        path.write_text(text)
        one_line_error(run_cli("coverage", str(path), "--json"), f"{path}: {prefix} ")


def test_names_are_nfc_normalised_so_both_forms_are_one_name():
    nfd = unicodedata.normalize("NFD", "Hyb Môn")
    s = parse_scenario({"name": nfd, "hubs": [
        {"name": nfd, "model": "per_authority", "authorities": ["Powys"]}]}, DS)
    assert s.name == s.hubs[0].name == "Hyb Môn" and len(s.name) == 7
    with pytest.raises(ScenarioError, match="is already used by hub 1"):
        parse_scenario({"name": "x", "hubs": [
            {"name": "Hyb Môn", "model": "per_authority", "authorities": ["Powys"]},
            {"name": nfd, "model": "per_authority", "authorities": ["Ceredigion"]}]}, DS)


def test_terminal_output_prints_user_text_literally_and_on_one_line(tmp_path):
    path = tmp_path / "md.json"
    path.write_text(json.dumps({"name": "[x](http://e.example) *b*", "hubs": [
        {"name": "<b>Hub</b> $1", "model": "per_authority", "authorities": ["Powys"]}]}))
    proc = run_cli("coverage", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "in scenario '[x](http://e.example) *b*'" in proc.stdout
    assert "  - <b>Hub</b> $1 (per_authority" in proc.stdout
    # A scenario built in code (not parsed) with a control character is still escaped.
    result = evaluate_scenario(Scenario("a\x1b[2Jb\nc", (HubSpec("h\x07", "per_authority",
                                                                 (POWYS,), None),)), DS)
    out = io.StringIO()
    cli._print_coverage(DS, result, out)
    text = out.getvalue()
    assert "\x1b" not in text and "\x07" not in text
    assert "in scenario 'a\\x1b[2Jb\\nc'" in text and "  - h\\x07 (per_authority" in text


def test_quoted_values_in_messages_are_short_and_escaped():
    with pytest.raises(ScenarioError) as info:
        parse_scenario({"name": "x", "hubs": [{"name": "h", "model": "per_authority",
                                               "authorities": ["\x1b]8;;http://e\x07" * 20]}]},
                       DS)
    message = str(info.value)
    assert message.startswith("hub 1 'h': unknown authority '\\x1b]8;;http://e\\x07")
    assert "...'" in message and len(message) < 200 and not any(is_unsafe(c) for c in message)
    with pytest.raises(ScenarioError) as info:
        loads_scenario('{"name": "x"}'.replace("x", "y" * 100_000) + "}", DS,
                       source="a\u202eb.json")
    assert str(info.value).startswith("a\\u202eb.json: not valid JSON at line 1")
