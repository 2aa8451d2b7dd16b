"""The command line's own parser speaks the chosen language: usage, help and every refusal.

argparse writes its usage line, section titles, ``-h`` line and error messages in English.
:func:`parser_class` gives an :class:`argparse.ArgumentParser` subclass bound to a language
(``en`` or ``cy``) whose help comes from ``explorer/messages.toml`` (``[cli.args]``) and whose
:meth:`~LangParser.error` raises :class:`CliError` with one line in that language instead of
printing argparse's English and exiting.

Each of argparse's messages (Python 3.11 to 3.13 wording) is recognised by a pattern and said
again from the catalogue, keeping option names as typed and quoting values (at most 40
characters, control characters escaped). A message no pattern knows becomes a generic line
naming the argument, never argparse's English:

>>> explain("argument --k: expected one argument", "cy")
'mae angen gwerth ar --k'
>>> explain("the following arguments are required: --k, --max-km", "en")
'the following arguments are required: --k, --max-km'
>>> explain("argument --objective: invalid choice: 'x' (choose from population, authorities)",
...         "cy")
"dewis annilys i --objective: 'x' (dewiswch o population, authorities)"
>>> explain("something argparse may say one day", "cy")
"ni ellir darllen y gorchymyn fel y'i teipiwyd (gweler --help)"
"""

from __future__ import annotations

import argparse
import ast
import errno
import functools
import re
import sys
from collections.abc import Mapping, Sequence

from explorer.i18n import t
from explorer.text import quote

#: Values quoted in a message are cut to this many characters; at most this many are listed.
VALUE_LIMIT = 40
MAX_LISTED = 10


class CliError(Exception):
    """A problem to report on one line with exit status 2."""


#: The operating system's refusals the command lines meet, by error number (``[cli.os]``).
OS_PROBLEMS = {errno.ENOENT: "not_found", errno.EACCES: "denied", errno.EPERM: "denied",
               errno.EISDIR: "is_folder", errno.ENOTDIR: "not_folder", errno.ENOSPC: "disk_full",
               errno.EROFS: "read_only", errno.ENAMETOOLONG: "name_too_long",
               errno.EEXIST: "exists", errno.ELOOP: "loop"}


def os_problem(exc: OSError, lang: str = "en") -> str:
    """What the system refused, in ``lang``; the system's own words for a rarer refusal.

    >>> os_problem(FileNotFoundError(errno.ENOENT, "No such file or directory"), "cy")
    "dim ffeil na ffolder o'r enw hwnnw"
    """
    key = OS_PROBLEMS.get(exc.errno) if isinstance(exc.errno, int) else None
    return t(f"cli.os.{key}", lang) if key else (exc.strerror or type(exc).__name__)


def _value(text: str) -> str:
    """A value argparse showed with ``%r``, as the user typed it, quoted again by us."""
    text = text.strip()
    try:
        raw = ast.literal_eval(text) if text[:1] in "'\"" else text
    except (SyntaxError, ValueError):
        raw = text
    return quote(str(raw), VALUE_LIMIT)


def _listed(names: Sequence[str], lang: str) -> str:
    """Our own names (options, commands, metavars), without argparse's quotes."""
    clean = [n.strip().strip("'\"") for n in names if n.strip()]
    shown = ", ".join(clean[:MAX_LISTED])
    extra = len(clean) - MAX_LISTED
    return shown + (t("cli.args.and_more", lang, n=extra) if extra > 0 else "")


def _split(names: str) -> list[str]:
    return [n for n in re.split(r",\s*|\s+", names) if n]


def _is_command(name: str, commands: Mapping[str, Sequence[str]]) -> bool:
    return name in commands or (name.startswith("{") and name.endswith("}"))


def _argument_problem(arg: str, problem: str, lang: str, commands: Mapping[str, Sequence[str]],
                      own: bool) -> str:
    """``argument ARG: PROBLEM`` from argparse, said again in ``lang``."""
    m = functools.partial(t, lang=lang)
    if own:  # an ArgumentTypeError of ours: already in the chosen language
        return m("cli.args.argument", arg=arg, problem=problem)
    if problem == "expected one argument":
        return m("cli.args.needs_value", arg=arg)
    if problem == "expected at most one argument":
        return m("cli.args.at_most_one", arg=arg)
    if problem == "expected at least one argument":
        return m("cli.args.at_least_one", arg=arg)
    if found := re.fullmatch(r"expected (\d+) arguments?", problem):
        return m("cli.args.needs_values", arg=arg, n=found[1])
    if found := re.fullmatch(r"ignored explicit argument (.*)", problem, re.S):
        return m("cli.args.takes_no_value", arg=arg, value=_value(found[1]))
    if found := re.fullmatch(r"not allowed with argument (.*)", problem, re.S):
        return m("cli.args.not_with", arg=arg, other=found[1])
    found = (re.fullmatch(r"invalid choice: (.*) \(choose from (.*)\)", problem, re.S)
             or re.fullmatch(r"unknown parser (.*) \(choices: (.*)\)", problem, re.S))
    if found:
        value, choices = _value(found[1]), _listed(found[2].split(","), lang)
        if arg.startswith("-"):
            return m("cli.args.bad_choice", arg=arg, value=value, choices=choices)
        return m("cli.args.unknown_command", value=value, choices=choices)
    if found := re.fullmatch(r"invalid (\w+) value: (.*)", problem, re.S):
        key = "cli.args.number" if found[1] in ("int", "float") else "cli.args.bad_value"
        return m(key, arg=arg, value=_value(found[2]))
    if _is_command(arg, commands):
        return m("cli.args.unreadable")
    return m("cli.args.bad_argument", arg=arg)


def explain(message: str, lang: str = "en", error: BaseException | None = None,
            commands: Mapping[str, Sequence[str]] | None = None) -> str:
    """argparse's ``message`` said again in ``lang`` on one line (see the module's examples).

    ``error`` is the :class:`argparse.ArgumentError` being handled, if any: it names the
    argument without parsing, and tells our own (already translated) type errors apart.
    ``commands`` maps the destinations of sub-command choices (``command``,
    ``rooms_command``) to the commands one may choose.
    """
    m = functools.partial(t, lang=lang)
    commands = commands or {}
    message = message.strip()
    if isinstance(error, argparse.ArgumentError) and str(error) == message:
        arg = error.argument_name
        if arg is None:
            return explain(error.message, lang, None, commands)
        own = isinstance(error.__context__, argparse.ArgumentTypeError)
        return _argument_problem(arg, error.message.strip(), lang, commands, own)
    if found := re.fullmatch(r"argument (.+?): (.*)", message, re.S):
        return _argument_problem(found[1], found[2].strip(), lang, commands, False)
    if found := re.fullmatch(r"the following arguments are required: (.*)", message, re.S):
        names = [n.strip() for n in found[1].split(", ")]
        wanted = [n for n in names if not _is_command(n, commands)]
        if len(wanted) < len(names):
            missing = next(n for n in names if _is_command(n, commands))
            return m("cli.args.command_required",
                     choices=_listed(commands.get(missing, ()), lang) or "--help")
        return m("cli.args.required", names=_listed(wanted, lang))
    if found := re.fullmatch(r"one of the arguments (.*) is required", message, re.S):
        return m("cli.args.one_of_required", names=_listed(_split(found[1]), lang))
    if found := re.fullmatch(r"unrecognized arguments: (.*)", message, re.S):
        return m("cli.args.unrecognised", args=_value(found[1]))
    if found := re.fullmatch(r"ambiguous option: (.*) could match (.*)", message, re.S):
        return m("cli.args.ambiguous", option=_value(found[1]),
                 matches=_listed(found[2].split(","), lang))
    if found := re.fullmatch(r"unexpected option string: (.*)", message, re.S):
        return m("cli.args.unrecognised", args=_value(found[1]))
    return m("cli.args.unreadable")


class Formatter(argparse.HelpFormatter):
    """argparse's help layout with the usage prefix in the parser's language."""

    lang = "en"

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        if prefix is None:
            prefix = t("cli.args.usage", self.lang)
        super().add_usage(usage, actions, groups, prefix)


class LangParser(argparse.ArgumentParser):
    """An argument parser whose help and refusals are in :attr:`lang` (see the module)."""

    lang = "en"

    def __init__(self, *args, **kwargs) -> None:
        add_help = kwargs.pop("add_help", True)
        kwargs.setdefault("formatter_class", _formatter_class(self.lang))
        super().__init__(*args, add_help=False, **kwargs)
        for group, key in ((getattr(self, "_positionals", None), "cli.args.positionals"),
                           (getattr(self, "_optionals", None), "cli.args.options")):
            if group is not None:
                group.title = t(key, self.lang)
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=t("cli.args.help", self.lang))

    def parse_args(self, args=None, namespace=None):  # one place for unknown arguments
        parsed, extra = self.parse_known_args(args, namespace)
        if extra:
            shown = ", ".join(quote(a, VALUE_LIMIT) for a in extra[:MAX_LISTED])
            more = len(extra) - MAX_LISTED
            shown += t("cli.args.and_more", self.lang, n=more) if more > 0 else ""
            raise CliError(f"{self.prog}: " + t("cli.args.unrecognised", self.lang, args=shown))
        return parsed

    def error(self, message: str) -> None:  # one line in self.lang, exit status 2
        error = sys.exc_info()[1]
        raise CliError(f"{self.prog}: "
                       + explain(message, self.lang, error, self._command_names()))

    def _command_names(self) -> dict[str, list[str]]:
        return {a.dest: list(a.choices) for a in self._actions if isinstance(a.choices, dict)}


@functools.cache
def _formatter_class(lang: str) -> type[Formatter]:
    return type(f"Formatter_{lang}", (Formatter,), {"lang": lang})


@functools.cache
def parser_class(lang: str) -> type[LangParser]:
    """The parser class for ``lang``; sub-command parsers made with ``type(parser)`` share it.

    >>> parser_class("cy")(prog="x").format_usage()
    'defnydd: x [-h]\\n'
    """
    return type(f"Parser_{lang}", (LangParser,), {"lang": lang})
