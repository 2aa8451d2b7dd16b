"""argparse's own text in the chosen language: every refusal on one line (exit 2), --help's
usage, titles and -h line, and the storage errors the CLI prints (explorer/cli_errors.py)."""

from __future__ import annotations

import argparse
import re

import pytest

from explorer import cli
from explorer.cli_errors import CliError, explain, parser_class
from explorer.storage import db

#: argparse's English words that must never reach a Welsh user.
ENGLISH = re.compile(r"argument|required|expected|invalid|unrecogni[sz]ed|choose from|usage"
                     r"|ambiguous|could match|not allowed|ignored|explicit|error|options\b",
                     re.IGNORECASE)

#: (command line after --lang, English, Welsh): one per pattern, across the sub-commands.
CASES = [
    (["coverage"], "coverage: the following arguments are required: FILE",
     "coverage: rhaid rhoi'r canlynol: FILE"),
    (["best-sites"], "required: --k, --max-km", "rhaid rhoi'r canlynol: --k, --max-km"),
    (["rooms", "create"], "required: --name", "rhaid rhoi'r canlynol: --name"),
    (["editions", "export", "1"], "required: --output", "rhaid rhoi'r canlynol: --output"),
    ([], "explorer: a command is required: one of status, coverage, best-sites",
     "explorer: mae angen gorchymyn: un o status, coverage, best-sites"),
    (["rooms"], "a command is required: one of create, list", "mae angen gorchymyn: un o create"),
    (["editions"], "one of list, show", "un o list, show"),
    (["rounds"], "one of list, show, export, history", "un o list, show, export, history"),
    (["boundaries"], "one of show, refresh, clear", "un o show, refresh, clear"),
    (["status", "--edition"], "status: --edition needs a value",
     "status: mae angen gwerth ar --edition"),
    (["best-sites", "--max-km", "9", "--k"], "--k needs a value", "mae angen gwerth ar --k"),
    (["rooms", "create", "--name"], "--name needs a value", "mae angen gwerth ar --name"),
    (["status", "extra"], "not understood: 'extra' (see --help)",
     "heb ei ddeall: 'extra' (gweler --help)"),
    (["rounds", "list", "--bogus", "x y"], "not understood: '--bogus', 'x y'",
     "heb ei ddeall: '--bogus', 'x y'"),
    (["best-sites", "--k", "2", "--max-km", "9", "--objective", "x"],
     "invalid choice for --objective: 'x' (choose from population, authorities)",
     "dewis annilys i --objective: 'x' (dewiswch o population, authorities)"),
    (["statsu"], "unknown command 'statsu' (choose from status, coverage",
     "gorchymyn anhysbys 'statsu' (dewiswch o status, coverage"),
    (["rooms", "opne"], "rooms: unknown command 'opne' (choose from create",
     "rooms: gorchymyn anhysbys 'opne' (dewiswch o create"),
    (["boundaries", "refresh", "--timeout", "abc"], "--timeout must be a number, not 'abc'",
     "rhaid i --timeout fod yn rhif, nid 'abc'"),
    (["best-sites", "--k", "x", "--max-km", "9"], "argument --k: must be a whole number",
     "--k: rhaid iddo fod yn rhif cyfan"),
    (["best-sites", "--k", "2", "--max-km", "x"], "argument --max-km: must be a number of",
     "--max-km: rhaid iddo fod yn nifer o gilometrau"),
    (["editions", "show", "x"], "argument ID: must be an edition id",
     "ID: rhaid iddo fod yn rhif argraffiad"),
    (["rounds", "show", "0"], "argument ID: must be a round id",
     "ID: rhaid iddo fod yn rhif cylch"),
    (["rooms", "purge", "--older-than", "x"], "argument --older-than: must be",
     "--older-than: rhaid iddo fod"),
    (["status", "--json=yes"], "--json takes no value, not 'yes'",
     "nid yw --json yn derbyn gwerth (rhoddwyd 'yes')"),
]


def refusal(capsys, argv: list[str]) -> str:
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1 and captured.err.endswith("\n")
    return captured.err


@pytest.fixture(autouse=True)
def _no_env_language(monkeypatch) -> None:
    monkeypatch.delenv("MASH_LANG", raising=False)


@pytest.mark.parametrize(("argv", "english", "welsh"), CASES,
                         ids=[" ".join(c[0]) or "(nothing)" for c in CASES])
def test_every_parser_refusal_in_english_and_welsh(capsys, argv, english, welsh) -> None:
    err = refusal(capsys, ["--lang", "en", *argv])
    assert err.startswith("error: python -m explorer") and english in err
    err = refusal(capsys, ["--lang", "cy", *argv])
    assert err.startswith("gwall: python -m explorer") and welsh in err
    assert not ENGLISH.search(err.removeprefix("gwall: python -m explorer")), err


def test_values_stay_as_typed_quoted_short_and_terminal_safe(capsys) -> None:
    typed = "\x1b[2J\u202e" + "x" * 200
    err = refusal(capsys, ["--lang", "cy", "status", f"--json={typed}"])
    assert "\x1b" not in err and "\u202e" not in err and "\\x1b[2J\\u202e" in err
    assert len(err) < 160 and "..." in err
    err = refusal(capsys, ["--lang", "cy", "status", *[f"a{n}" for n in range(30)]])
    assert "'a0', 'a1'" in err and "'a9' a 20 arall" in err and "a10" not in err


def own_parser(lang: str) -> argparse.ArgumentParser:
    """A parser with what the CLI does not use today: abbreviations that clash, options that
    exclude each other, several values."""
    p = parser_class(lang)(prog="prog")
    p.add_argument("--max-a")
    p.add_argument("--max-b")
    p.add_argument("--pair", nargs=2)
    p.add_argument("--some", nargs="+")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--left", action="store_true")
    group.add_argument("--right", action="store_true")
    return p


@pytest.mark.parametrize(("argv", "english", "welsh"), [
    (["--left", "--max", "1"], "prog: '--max' could be any of --max-a, --max-b",
     "prog: gallai '--max' fod yn unrhyw un o --max-a, --max-b"),
    (["--left", "--right"], "--right cannot be used with --left",
     "ni ellir defnyddio --right gyda --left"),
    ([], "one of the arguments --left, --right is required",
     "rhaid rhoi un o'r canlynol: --left, --right"),
    (["--left", "--pair", "1"], "--pair needs 2 values", "mae angen 2 gwerth ar --pair"),
    (["--left", "--some"], "--some needs at least one value",
     "mae angen o leiaf un gwerth ar --some"),
])
def test_patterns_the_cli_cannot_reach_yet(argv, english, welsh) -> None:
    for lang, expected in (("en", english), ("cy", welsh)):
        with pytest.raises(CliError) as caught:
            own_parser(lang).parse_args(argv)
        assert expected in str(caught.value)
    assert not ENGLISH.search(str(caught.value))


@pytest.mark.parametrize(("message", "welsh"), [
    # Python 3.11/3.12 quote the choices, 3.12.8+/3.13.1+ do not.
    ("argument --objective: invalid choice: 'x' (choose from 'population', 'authorities')",
     "dewis annilys i --objective: 'x' (dewiswch o population, authorities)"),
    ("argument --objective: invalid choice: 'x' (choose from population, authorities)",
     "dewis annilys i --objective: 'x' (dewiswch o population, authorities)"),
    ("argument command: unknown parser 'x' (choices: status, coverage)",
     "gorchymyn anhysbys 'x' (dewiswch o status, coverage)"),
    ("argument {status,coverage}: invalid choice: 'x' (choose from status, coverage)",
     "gorchymyn anhysbys 'x' (dewiswch o status, coverage)"),
    ("argument --at: expected at most one argument", "mae --at yn derbyn un gwerth ar y mwyaf"),
    ("argument --n: invalid int value: 'x'", "rhaid i --n fod yn rhif, nid 'x'"),
    ("argument --f: invalid open value: 'x'", "--f: nid yw 'x' yn werth dilys (gweler --help)"),
    ("the following arguments are required: command", "mae angen gorchymyn: un o status"),
    ("the following arguments are required: {status,coverage}", "mae angen gorchymyn: un o"),
    ("unrecognized arguments: --x y", "heb ei ddeall: '--x y' (gweler --help)"),
    ("unexpected option string: --x", "heb ei ddeall: '--x' (gweler --help)"),
    ("ambiguous option: --m=1 could match --ma, --mb",
     "gallai '--m=1' fod yn unrhyw un o --ma, --mb"),
    ("argument --x: something new in a later Python",
     "nid yw --x wedi'i roi fel y dylai (gweler --help)"),
    ("something new in a later Python", "ni ellir darllen y gorchymyn fel y'i teipiwyd"),
])
def test_argparse_wording_of_each_python(message, welsh) -> None:
    said = explain(message, "cy", None, {"command": ["status", "coverage"]})
    assert welsh in said and not ENGLISH.search(said)


def commands(parser, path=()):
    yield path
    for action in parser._actions:
        if isinstance(action.choices, dict):
            for name, sub in action.choices.items():
                yield from commands(sub, (*path, name))


def test_help_of_every_command_in_welsh(capsys) -> None:
    paths = list(commands(cli.build_parser("cy")))
    assert len(paths) > 25
    for path in paths:
        with pytest.raises(SystemExit) as done:
            cli.build_parser("cy").parse_args([*path, "--help"])
        assert done.value.code == 0
        text = capsys.readouterr().out
        assert text.startswith("defnydd: python -m explorer")
        assert "opsiynau:" in text and "-h, --help  " in text
        assert "dangos y neges gymorth hon a gadael" in text
        assert not re.search(r"usage|options:|positional arguments|show this help", text)
    with pytest.raises(SystemExit):
        cli.build_parser("cy").parse_args(["coverage", "--help"])
    assert "dadleuon safle:\n  FILE " in capsys.readouterr().out


def test_help_in_english_is_unchanged_in_shape(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.build_parser("en").parse_args(["coverage", "--help"])
    text = capsys.readouterr().out
    assert text.startswith("usage: python -m explorer coverage [-h]")
    assert "positional arguments:" in text and "options:" in text
    assert "-h, --help  " in text and "show this help message and exit" in text


@pytest.mark.parametrize("argv", [["rooms", "list"], ["editions", "list"], ["rounds", "list"],
                                  ["status", "--edition", "2"]])
def test_storage_errors_in_the_chosen_language(capsys, monkeypatch, argv) -> None:
    monkeypatch.setenv("MASH_DATABASE_URL", "mysql://nobody@127.0.0.1/mash")
    err = refusal(capsys, ["--lang", "cy", *argv])
    assert err == ("gwall: cronfa ddata 'mysql' heb ei chefnogi yn mysql://nobody@127.0.0.1/mash;"
                   " defnyddiwch PostgreSQL neu SQLite\n")
    err = refusal(capsys, ["--lang", "en", *argv])
    assert err.startswith("error: unsupported database 'mysql' in mysql://nobody@127.0.0.1/mash")


def test_check_reports_the_database_in_welsh(capsys, monkeypatch) -> None:
    monkeypatch.setenv("MASH_DATABASE_URL", "not a url")
    assert cli.main(["--lang", "cy", "check"]) == 2
    err = capsys.readouterr().err
    assert "nid yw MASH_DATABASE_URL yn URL cronfa ddata" in err


def test_a_remembered_failure_keeps_its_language(monkeypatch) -> None:
    url = "mysql://again@127.0.0.1/mash"
    for _ in range(2):  # the second comes from the remembered failure
        with pytest.raises(db.DatabaseError) as caught:
            db.shared_engine(url)
        assert caught.value.text("cy").startswith("cronfa ddata 'mysql' heb ei chefnogi")
    monkeypatch.delitem(db._FAILURES, url)


def test_a_database_that_does_not_answer_in_welsh() -> None:
    from sqlalchemy.exc import OperationalError

    @db.translated
    def down() -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    with pytest.raises(db.StorageUnavailable) as caught:
        down()
    assert str(caught.value) == "the database did not answer: connection refused"
    assert caught.value.text("cy") == "ni atebodd y gronfa ddata: connection refused"


def test_the_systems_refusals_in_welsh(capsys, tmp_path) -> None:
    missing = tmp_path / "no-such-folder" / "out.zip"
    err = refusal(capsys, ["--lang", "cy", "editions", "export", "1", "--output", str(missing)])
    assert err.endswith("(dim ffeil na ffolder o'r enw hwnnw)\n") and "No such" not in err
    err = refusal(capsys, ["--lang", "en", "editions", "export", "1", "--output", str(missing)])
    assert err.endswith("(no such file or folder)\n")
