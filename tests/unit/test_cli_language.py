"""The command line speaks English or Welsh (--lang, MASH_LANG), every label and message
from explorer/messages.toml: no user text is written into the CLI modules themselves."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest

from explorer import cli, config
from explorer.cli_parts import LanguageError, language
from explorer.i18n import catalogue

REPO = Path(__file__).resolve().parents[2]
CLI_MODULES = ("explorer/cli.py", "explorer/cli_parts.py", "explorer/cli_errors.py",
               "explorer/check.py", "explorer/newfile.py", "explorer/rooms/cli.py",
               "explorer/editions/cli.py", "explorer/rounds/cli.py")
#: What prints or raises text for a person.
OUTPUT_CALLS = {"print", "write", "_write"}
REFUSALS = {"CliError", "RoomsCliError", "EditionError", "RoundError", "NewFileError",
            "ArgumentTypeError", "LanguageError"}
#: A word of prose: a letter, then lower-case letters (not an --option, %Y, or an ACRONYM).
WORD = re.compile(r"(?<![-%\w])[A-Za-z][a-z]+\b")


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _literals(node: ast.AST) -> list[str]:
    """String literals in ``node``, not inside a t(...) call, another call, or a subscript."""
    found: list[str] = []

    def visit(n: ast.AST) -> None:
        if isinstance(n, ast.Call | ast.Subscript):
            return
        if isinstance(n, ast.FormattedValue):
            visit(n.value)  # not its format spec
            return
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            found.append(n.value)
        for child in ast.iter_child_nodes(n):
            visit(child)

    visit(node)
    return found


def hard_coded(source: str) -> list[str]:
    """Prose literals printed, raised, offered as --help or put in a check's line."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name in OUTPUT_CALLS or name in REFUSALS:
            texts = [s for a in [*node.args, *(k.value for k in node.keywords)]
                     for s in _literals(a)]
        elif name in ("add_argument", "add_parser", "ArgumentParser", "_Parser"):
            texts = [s for k in node.keywords if k.arg in ("help", "description")
                     for s in _literals(k.value)]
        elif name == "Line":
            texts = [s for a in node.args[1:] for s in _literals(a)]
        else:
            continue
        out += [s for s in texts if WORD.search(s)]
    return out


def test_the_check_sees_hard_coded_text() -> None:
    src = ('print(f"Wrote {n} files", file=out)\nraise CliError("no such room")\n'
           'p.add_argument("--x", help="the thing")\nLine("data", "valid")\n'
           'print(t("cli.x", lang), f"{r[\'code\']:<9}", "--output", "ID", file=out)\n')
    assert hard_coded(src) == ["Wrote ", " files", "no such room", "the thing", "valid"]


@pytest.mark.parametrize("module", CLI_MODULES)
def test_no_cli_module_hard_codes_user_text(module: str) -> None:
    assert hard_coded((REPO / module).read_text(encoding="utf-8")) == []


def test_every_cli_message_has_welsh() -> None:
    keys = [k for k in catalogue() if k.startswith(("cli.", "check."))]
    assert len(keys) > 150
    for key in keys:
        msg = catalogue()[key]
        assert msg["cy"] and msg["en"], key


def run(*argv: str) -> str:
    out = io.StringIO()
    assert cli.run(list(argv), out=out) == 0
    return out.getvalue()


def test_status_in_welsh() -> None:
    text = run("--lang", "cy", "status")
    assert text.splitlines()[0].split()[:3] == ["Cod", "Awdurdod", "Heddlu"]
    assert "Y sefyllfa fel yr oedd ar 31 Mai 2019." in text and "Census" not in text
    assert "Code" in run("status").splitlines()[0]


def test_best_sites_in_welsh() -> None:
    text = run("--lang=cy", "best-sites", "--k", "1", "--max-km", "60")
    assert text.startswith("Y 1 safle gorau") and "gan gadw MASHau Mai 2019" in text


def test_mash_lang_chooses_and_the_option_wins(monkeypatch) -> None:
    monkeypatch.setenv(config.LANG_ENV, "cy")
    assert language(["status"]) == "cy" and language(["--lang", "en", "status"]) == "en"
    assert "Cod" in run("status").splitlines()[0]
    monkeypatch.setenv(config.LANG_ENV, "fr")
    with pytest.raises(LanguageError, match="MASH_LANG must be en or cy, not 'fr'"):
        language(["status"])


def test_refusals_in_welsh(capsys) -> None:
    assert cli.main(["--lang", "cy", "best-sites", "--k", "x", "--max-km", "60"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gwall: ") and "rhaid iddo fod yn rhif cyfan o 1 i" in err
    assert len(err.splitlines()) == 1


def test_help_in_welsh(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.build_parser("cy").parse_args(["--help"])
    assert "statws MASH y 22 awdurdod" in capsys.readouterr().out
