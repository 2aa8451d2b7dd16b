"""What the command lines share: the language they speak, ids as typed, JSON output.

Every label and message of ``python -m explorer`` comes from ``explorer/messages.toml``, in
the language chosen by ``--lang en|cy`` (before the command), else ``MASH_LANG``, else
English. Option names, commands, file names and codes stay as typed in both languages.

>>> language(["--lang", "cy", "status"], env_lang=""), language(["status"], env_lang="cy")
('cy', 'cy')
>>> language(["--lang=en", "status"], env_lang="cy")
'en'
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence

from explorer import config
from explorer.i18n import LANGS, t


class LanguageError(ValueError):
    """``MASH_LANG`` names no language of the catalogue."""


def language(argv: Sequence[str], env_lang: str | None = None) -> str:
    """The language asked for by ``--lang`` in ``argv`` (if it names one), else ``env_lang``
    (default: ``MASH_LANG``, read once), else ``en``. A ``--lang`` naming no language is left
    for the parser to refuse."""
    args = list(argv)
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = (arg.partition("=")[2] if arg.startswith("--lang=")
                 else args[i + 1] if arg == "--lang" and i + 1 < len(args) else None)
        if value in LANGS:
            return value
    # Not config.current(): a wrong rooms setting must not stop "status" from running.
    env_lang = config.setting(config.LANG_ENV) if env_lang is None else env_lang
    if env_lang and env_lang not in LANGS:
        raise LanguageError(t("cli.bad_lang", "en", env=config.LANG_ENV,
                              value=repr(env_lang[:20])))
    return env_lang or "en"


def add_language_option(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("--lang", choices=LANGS, default=lang,
                        help=t("cli.lang_help", lang, env=config.LANG_ENV))


def whole_id(kind: str, lang: str = "en") -> Callable[[str], int]:
    """A parser for an id typed on the command line (``kind``: ``edition`` or ``round``).

    >>> whole_id("edition")(" 2 ")
    2
    """
    def parse(text: str) -> int:
        value = text.strip()
        if not (value.isascii() and value.isdigit()) or len(value) > 6 or int(value) < 1:
            raise argparse.ArgumentTypeError(t(f"cli.{kind}_id", lang, value=repr(text[:20])))
        return int(value)

    return parse


def add_list_show_export(cmds, kind: str, lang: str = "en") -> Callable[[str], int]:
    """``list [--json]``, ``show ID [--json]`` and ``export ID --output FILE`` of ``kind``
    (``edition`` or ``round``, help texts ``cli.<kind>s.*``); returns the id parser."""
    parse_id = whole_id(kind, lang)
    listing = cmds.add_parser("list", help=t(f"cli.{kind}s.list_help", lang))
    listing.add_argument("--json", **json_help(lang))
    show = cmds.add_parser("show", help=t(f"cli.{kind}s.show_help", lang))
    show.add_argument("id", type=parse_id, metavar="ID")
    show.add_argument("--json", **json_help(lang))
    export = cmds.add_parser("export", help=t(f"cli.{kind}s.export_help", lang))
    export.add_argument("id", type=parse_id, metavar="ID")
    export.add_argument("--output", required=True, metavar="FILE",
                        help=t("cli.output_help", lang))
    return parse_id


def json_help(lang: str) -> dict[str, str]:
    """``--json``'s keyword arguments."""
    return {"action": "store_true", "help": t("cli.json_help", lang)}


def dump(value, out) -> None:
    """``value`` as indented JSON, written in one piece."""
    out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
