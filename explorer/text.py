"""User text as data: cleaned once where it comes in, made inert wherever it goes out.

Names that people type or send (scenario, hub, room and display names) pass through
:func:`clean_text` when they are parsed. Any text that reaches a surface which would
otherwise interpret it goes through one of the escapers here:

* :func:`md_escape` for Streamlit markdown (``st.markdown``, ``st.warning``, ``st.caption``,
  ...): the text renders literally, with no links, images, emphasis, HTML, headings, lists,
  LaTeX, ``:material/...:`` icons or ``:colour[...]`` directives;
* :func:`terminal_safe` for the command line: one line, no escape sequences;
* :func:`quote` for a value inside an error message: short, quoted, control characters shown.

What :func:`clean_text` refuses, and why
----------------------------------------
A name is one line of plain text, so after surrounding whitespace is stripped it refuses:

* control characters (Unicode category Cc: C0 including NUL, tab, line feed, carriage return
  and ESC; DEL; C1). Tabs and line breaks are refused rather than silently changed, because a
  name that spans lines cannot be shown faithfully in a table cell, a map tooltip or a
  terminal, and silently rewriting what someone typed loses information;
* unpaired surrogates (category Cs; ``"\\ud800"`` in JSON): they are not characters and cannot
  be written as UTF-8, so they would break every file and link made from the name;
* line and paragraph separators (U+2028, U+2029);
* bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069),
  which can make text display in a different order than it is stored. The marks U+200E,
  U+200F and U+061C are allowed: they only nudge neutral characters and are needed in some
  right-to-left text.

Text is NFC-normalised first, so "Ynys Mo" + U+0302 and "Ynys Môn" are the same name, and
the length limit counts characters (code points) after normalisation.

>>> clean_text("  Ynys Mo\\u0302n ", "name", 20)
'Ynys Môn'
>>> clean_text("Gwent\\x1b[31m", "hub 1: name", 120)
Traceback (most recent call last):
...
explorer.text.TextError: hub 1: name contains a control character (U+001B ESC) at character 6; \
text here must be one line of plain text
>>> md_escape("[click](https://example.org) *now*")
'\\\\[click\\\\]\\\\(https\\u2060\\\\:\\\\/\\\\/example\\\\.org\\\\) \\\\*now\\\\*'
>>> terminal_safe("two\\nlines\\x1b[2J")
'two\\\\nlines\\\\x1b[2J'
"""

from __future__ import annotations

import re
import string
import unicodedata
from typing import Any

from explorer.limits import MAX_FILE_NAME_PART_CHARS, MAX_SOURCE_CHARS

#: Bidirectional embeddings, overrides and isolates: refused in names, shown escaped elsewhere.
BIDI_CONTROLS: frozenset[str] = frozenset(
    chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
)
#: Unicode categories never allowed in a name: controls, surrogates, line/paragraph separators.
UNSAFE_CATEGORIES: frozenset[str] = frozenset({"Cc", "Cs", "Zl", "Zp"})

_CONTROL_NAMES = {
    0x00: "NUL", 0x07: "BEL", 0x08: "BACKSPACE", 0x09: "TAB", 0x0A: "LINE FEED",
    0x0B: "VERTICAL TAB", 0x0C: "FORM FEED", 0x0D: "CARRIAGE RETURN", 0x1B: "ESC",
    0x7F: "DEL", 0x85: "NEXT LINE",
}
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_MD_SPECIAL = frozenset(string.punctuation)  # every ASCII punctuation character
#: Where a WORD JOINER (U+2060, invisible) goes so that no text-level rule can match: GFM
#: turns ``https://``, ``www.`` and ``name@host`` in *text* into links even when every
#: character was escaped, and Streamlit's emoji rule turns ``:smile:`` in text into an emoji
#: when the same element uses any shortcode. The joiner sits before ``://``, after ``www``,
#: before ``@`` and after a ``:`` that a word character follows.
WORD_JOINER = "\u2060"
_JOIN_AT = re.compile(r"(?<=http)(?=://)|(?<=https)(?=://)|(?<=www)(?=\.)|(?=@)|(?<=:)(?=[\w+-])",
                      re.IGNORECASE)


_FOLD_DROPPED = frozenset({"Mn", "Me", "Cf"})  # combining marks, invisible format characters
_NON_WORD = re.compile(r"[\W_]+")


class TextError(ValueError):
    """A piece of user text that cannot be accepted; the message names the field."""


def is_unsafe(ch: str) -> bool:
    """True for a character that is never allowed in a name (see the module notes)."""
    return ch in BIDI_CONTROLS or unicodedata.category(ch) in UNSAFE_CATEGORIES


def describe_char(ch: str) -> str:
    """``U+001B ESC``, ``U+0302 COMBINING CIRCUMFLEX ACCENT``: a character named for a message."""
    name = _CONTROL_NAMES.get(ord(ch)) or unicodedata.name(ch, "")
    if not name and unicodedata.category(ch) == "Cs":
        name = "unpaired surrogate"
    return f"U+{ord(ch):04X} {name}".rstrip()


def _escape_char(ch: str) -> str:
    if ch in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(s: str) -> str:
    """``s`` with every unsafe character replaced by a visible escape (``\\n``, ``\\x1b``).

    >>> visible("a\\tb\\u202ec")
    'a\\\\tb\\\\u202ec'
    """
    if not any(is_unsafe(ch) for ch in s):
        return s
    return "".join(_escape_char(ch) if is_unsafe(ch) else ch for ch in s)


def type_name(value: Any) -> str:
    """What a decoded JSON value is, in words, for messages ("a number", "a list", ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def clean_text(value: Any, what: str, limit: int) -> str:
    """Accept ``value`` as a name: NFC-normalised, stripped, one line, at most ``limit`` chars.

    Parameters
    ----------
    value : object
        What was sent (normally a ``str``).
    what : str
        The field, for the message, e.g. ``"hub 2: name"`` or ``"room name"``.
    limit : int
        Most characters allowed after normalisation (see :mod:`explorer.limits`).

    Raises
    ------
    TextError
        One line naming ``what``: not text, empty, too long, or an unsafe character (named
        by code point, with its position, never printed raw).

    Examples
    --------
    >>> clean_text("Cwm\\u00a0Taf ", "name", 10)
    'Cwm\\xa0Taf'
    >>> clean_text("x" * 11, "room name", 10)
    Traceback (most recent call last):
    ...
    explorer.text.TextError: room name is 11 characters long; the limit is 10
    """
    if not isinstance(value, str):
        raise TextError(f"{what} must be text, not {type_name(value)}")
    for position, ch in enumerate(value, start=1):
        if unicodedata.category(ch) == "Cs":
            raise TextError(
                f"{what} contains an unpaired surrogate ({describe_char(ch)[:6]}) at character "
                f"{position}, which is not a character; check the file's encoding"
            )
    text = unicodedata.normalize("NFC", value).strip()
    if not unicodedata.is_normalized("NFC", text):  # stripping cannot un-normalise, but check
        text = unicodedata.normalize("NFC", text)
    for position, ch in enumerate(text, start=1):
        if is_unsafe(ch):
            kind = (
                "a bidirectional control" if ch in BIDI_CONTROLS
                else "a line separator" if unicodedata.category(ch) in ("Zl", "Zp")
                else "a control character"
            )
            raise TextError(
                f"{what} contains {kind} ({describe_char(ch)}) at character {position}; "
                "text here must be one line of plain text"
            )
    if not text:
        raise TextError(f"{what} must not be empty")
    if len(text) > limit:
        raise TextError(f"{what} is {len(text):,} characters long; the limit is {limit:,}")
    return text


def quote(value: Any, limit: int = 40) -> str:
    """A user value as shown inside a message: Python-style quoted, at most ``limit``
    characters of it, every non-printable character escaped (``\\n``, ``\\x1b``,
    ``\\u202e``, ``\\ud800``), so the message stays one safe line.

    Non-text values are described by type; numbers are shown unless they are longer than
    ``limit`` digits.

    >>> quote("Swanse")
    "'Swanse'"
    >>> quote("a\\nb" + "c" * 50, limit=10)
    "'a\\\\nbcccc...'"
    >>> quote(10 ** 50, limit=10)
    'a number with 51 digits'
    """
    if isinstance(value, str):
        return repr(value if len(value) <= limit else value[: max(limit - 3, 1)] + "...")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return type_name(value)
    if isinstance(value, int) and abs(value) >= 10**limit:
        return f"a number with {len(str(abs(value))):,} digits"
    return repr(value)


def fold(s: str) -> str:
    """The key two names are matched by: compatibility-decomposed, accents and invisible
    format characters dropped, case-folded, and every run of punctuation or spaces made one
    space. Used to find authorities by name and to refuse names that only differ in these.

    >>> fold("Ynys Mo\u0302n") == fold("YNYS MÔN") == fold("Ynys Mon") == "ynys mon"
    True
    >>> fold("Pen-y-bont  ar\u00a0Ogwr")
    'pen y bont ar ogwr'
    """
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", s).casefold())
    kept = "".join(ch for ch in decomposed
                   if unicodedata.category(ch) not in _FOLD_DROPPED).casefold()
    return " ".join(_NON_WORD.split(kept)).strip()


def terminal_safe(s: str) -> str:
    """``s`` on one line with nothing a terminal would act on: control characters (ESC, NUL,
    line breaks, tabs), unpaired surrogates and bidirectional controls become visible escapes.

    Printable text, accents and Welsh letters are unchanged.

    >>> terminal_safe("Ynys Môn")
    'Ynys Môn'
    >>> terminal_safe("\\x1b]8;;http://x\\x07link")
    '\\\\x1b]8;;http://x\\\\x07link'
    """
    return visible(s)


def md_escape(s: str) -> str:
    """``s`` made safe to embed in Streamlit markdown so that it renders as literal text.

    Every ASCII punctuation character is backslash-escaped (CommonMark allows that for each
    of them, and Streamlit's LaTeX, emoji, icon and colour syntaxes all start with one), unsafe
    characters (line breaks, ESC, bidirectional controls, ...) are shown as visible escapes,
    and leading or trailing whitespace is written as character references so that it is
    neither stripped nor read as an indented code block. The result contains no line break,
    so it can sit inside a list item or after a bold label.

    Use it for every user-controlled value (scenario, hub, room and display names, uploaded
    file names, and error messages that quote them) before it is put into a markdown string;
    the template around it must not use emoji shortcodes such as ``:smile:``.

    Examples
    --------
    >>> md_escape("Gwent & Powys: $5 <b>_x_</b>")
    'Gwent \\\\& Powys\\\\: \\\\$5 \\\\<b\\\\>\\\\_x\\\\_\\\\<\\\\/b\\\\>'
    >>> md_escape("    code")
    '&#x20;&#x20;&#x20;&#x20;code'
    """
    text = _JOIN_AT.sub(WORD_JOINER, visible(s))
    body = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)
    start, end = 0, len(body)
    while start < end and _edge_space(body[start]):
        start += 1
    while end > start and _edge_space(body[end - 1]):
        end -= 1
    if (start, end) == (0, len(body)):
        return body

    def refs(part: str) -> str:
        return "".join(f"&#x{ord(ch):X};" for ch in part)

    return refs(body[:start]) + body[start:end] + refs(body[end:])


def _edge_space(ch: str) -> bool:
    """Characters a markdown reader may strip at the start or end of a paragraph."""
    return ch.isspace() or ch in "\ufeff\u200b"


# One-line helpers for messages and files ------------------------------------------------------
def one_line(text: object) -> str:
    """``text`` with every run of whitespace (line breaks included) made one space.

    >>> one_line("a\\n  b\\tc ")
    'a b c'
    """
    return " ".join(str(text).split())


def printable(text: str, limit: int = 200) -> str:
    """``text`` on one line: control characters shown as escapes, cut to ``limit``.

    >>> printable("bad\\x00name", 8)
    'bad\\\\x00…'
    """
    out = "".join(
        ch if unicodedata.category(ch)[0] != "C" else ch.encode("unicode_escape").decode()
        for ch in str(text)
    )
    return out if len(out) <= limit else out[: limit - 1] + "…"


def shown_source(source: str) -> str:
    """A file name or path as shown in a message: one safe line, long paths shortened in the
    middle (the file name at the end stays whole).

    >>> shown_source("dir/two\\nlines.json")
    'dir/two\\\\nlines.json'
    """
    text = terminal_safe(str(source))
    if len(text) > MAX_SOURCE_CHARS:
        keep = MAX_SOURCE_CHARS // 2 - 2
        text = text[:keep] + " ... " + text[-keep:]
    return text


def formula_safe(text: str) -> str:
    """Stop a spreadsheet reading user text (hub names) as a formula.

    >>> formula_safe("=1+1"), formula_safe("Gwent")
    ("'=1+1", 'Gwent')
    """
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def file_name_part(text: str, fallback: str = "entry") -> str:
    """A safe part of a file name from user text: letters of any alphabet kept (Welsh â, ŵ,
    ŷ...), everything else (path separators, dots, spaces, control and bidirectional
    characters) one dash, lower case, at most ``MAX_FILE_NAME_PART_CHARS`` characters.

    >>> file_name_part("Siân Ŵyn"), file_name_part("../../etc/passwd"), file_name_part("☃")
    ('siân-ŵyn', 'etc-passwd', 'entry')
    """
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", str(text)).lower())
    dashed = "".join(ch if ch.isalnum() and ch.isprintable() else "-" for ch in folded)
    slug = re.sub(r"-+", "-", dashed).strip("-")[:MAX_FILE_NAME_PART_CHARS].strip("-")
    return slug or fallback
