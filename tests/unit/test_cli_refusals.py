"""Every command-line refusal is one line naming the file (hardening issue, section 7)."""

from __future__ import annotations

import io
import json

import pytest

from explorer import cli
from tests.cli import run_cli
from tests.inputs import one_line_error


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        ('{"name": "x", "max_travel_km": ' + "9" * 5001 + "}",
         ["not valid JSON: a number 5,001 characters long at line 1, column 32"]),
        ('{"name": "x", "hubs": [' + "1" * 5001 + "]}", ["a number 5,001 characters long"]),
        ('{"name": "unterminated', ["not valid JSON at line 1, column 10: text in quotes "
                                    "starts here and is never closed"]),
        ('{"name": "x",\n"hubs": [}', ["not valid JSON at line 2, column 10: expected a value"]),
        ('{"name": "a\tb"}', ["at line 1, column 12: a line break, tab or other control"]),
        ('{"name": "\\ud800"}', ["name contains an unpaired surrogate (U+D800)"]),
        ("[" * 200_000, ["not valid JSON: nested too deeply"]),
        ("", ["expected a value"]),
        ('{"name": "x", "name": "y"}', ["key 'name' appears twice"]),
        ('{"name": "x", "max_travel_km": NaN}', ["NaN is not allowed in JSON"]),
        ('{"name": "x"} trailing', ["more data after the end of the scenario object"]),
        ('{"name": "x", "\\u001b[2J": 1}', ["unknown key '\\x1b[2J'"]),
        ('{"name": "x", "\x1b[2J": 1}', ["line 1, column 16: a line break, tab or other"]),
    ],
)
def test_every_cli_refusal_is_one_line_naming_the_file(tmp_path, content, needles):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    for extra in ((), ("--json",)):
        one_line_error(run_cli("coverage", str(path), *extra), f"error: {path}: ", *needles)


def test_a_path_with_a_newline_or_escape_is_shown_on_one_line(tmp_path):
    folder = tmp_path / "two\nlines\x1b[31m"
    folder.mkdir()
    path = folder / "s.json"
    path.write_text('{"name": "x", "include_existing": "yes"}')
    shown = str(path).replace("\n", "\\n").replace("\x1b", "\\x1b")
    one_line_error(run_cli("coverage", str(path)), f"error: {shown}: include_existing")
    one_line_error(run_cli("coverage", str(folder / "missing.json")), "file not found")
    one_line_error(run_cli("--data", str(folder), "status"), "\\n", "file not found in")


def test_files_the_cli_cannot_use_are_named(tmp_path):
    one_line_error(run_cli("coverage", str(tmp_path)), f"{tmp_path}: is not a file")
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 300_000)
    one_line_error(run_cli("coverage", str(big)), f"{big}: file is 300,000 bytes; the limit")
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"name": "Môn"}'.encode("latin-1"))
    one_line_error(run_cli("coverage", str(latin)), f"{latin}: is not UTF-8 text")


def test_output_survives_a_terminal_that_cannot_show_welsh(tmp_path, monkeypatch):
    path = tmp_path / "w.json"
    path.write_text(json.dumps({"name": "Hyb Ynys Môn ŵ 📍"}, ensure_ascii=False),
                    encoding="utf-8")
    monkeypatch.setenv("PYTHONIOENCODING", "ascii")
    proc = run_cli("coverage", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["scenario_name"] == "Hyb Ynys Môn ŵ 📍"  # \\u escapes
    proc = run_cli("coverage", str(path))
    assert proc.returncode == 0 and "Hyb Ynys M\\xf4n \\u0175" in proc.stdout


def test_json_is_built_whole_before_anything_is_printed(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(cli, "status_records", lambda ds: [{"a": 1}, {"b": object()}])
    with pytest.raises(TypeError):
        cli.run(["status", "--json"], out=out)
    assert out.getvalue() == ""  # nothing half-written
