"""explorer.text: names cleaned at the door, markdown and terminal output made inert.

``md_escape`` is checked two ways: a CommonMark reading (markdown-it-py) of the escaped text
must give back exactly the input (with unsafe characters shown as escapes), and no ASCII
punctuation may be left unescaped. ``tests/browser/test_md_escape.py`` checks the same table
of hostile text in Streamlit itself.
"""

from __future__ import annotations

import html
import re
import string
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from explorer.text import (
    WORD_JOINER,
    TextError,
    clean_text,
    fold,
    is_unsafe,
    md_escape,
    quote,
    terminal_safe,
    visible,
)
from tests.hostile_text import HOSTILE_MARKDOWN

COMMONMARK = MarkdownIt("commonmark").enable(["table", "strikethrough"])
#: Text rich in what markdown, terminals and Unicode make special, plus any character at all
#: (surrogates included).
TRICKY = list(string.punctuation) + [
    " ", "\n", "\r", "\t", "\x00", "\x1b", "\x7f", "\x85", "\u00a0", "\u2028", "\u202e",
    "\u2066", "\u200e", "\u200b", "\ufeff", "\u0302", "\u0301", "a", "1", "h", "t", "p", "s",
    "w", "o", "é", "ŵ", "ô", "\ud800", "\udfff", "😀", "İ", "ß",
]
any_text = st.text(
    st.sampled_from(TRICKY) | st.characters(exclude_categories=()), max_size=60
)


def commonmark_text(source: str) -> str:
    """The text a CommonMark reader finds in ``source``; fails if it finds any markup."""
    rendered = COMMONMARK.render(source)
    if rendered == "":
        return ""
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n"), rendered
    inner = rendered[len("<p>"):-len("</p>\n")]
    assert "<" not in inner and "\n" not in inner, rendered  # no tag, no second block
    return html.unescape(inner)


def unescaped_specials(source: str) -> list[str]:
    """ASCII punctuation in ``source`` not protected by a backslash or our own ``&#x..;``."""
    found, i = [], 0
    while i < len(source):
        if source[i] == "\\":
            assert i + 1 < len(source) and source[i + 1] in string.punctuation, source
            i += 2
        elif (ref := re.match(r"&#x[0-9A-F]+;", source[i:])) is not None:
            i += ref.end()
        else:
            if source[i] in string.punctuation:
                found.append(source[i])
            i += 1
    return found


# clean_text ----------------------------------------------------------------------------------
@given(any_text, st.integers(1, 80))
def test_clean_text_accepts_only_clean_names_and_is_idempotent(value, limit):
    try:
        name = clean_text(value, "name", limit)
    except TextError as exc:
        message = str(exc)
        assert message.startswith("name ") and not any(is_unsafe(c) for c in message)
        return
    assert name == clean_text(name, "name", limit)
    assert unicodedata.is_normalized("NFC", name)
    assert name == name.strip() and 1 <= len(name) <= limit
    assert not any(is_unsafe(c) for c in name)
    assert name == unicodedata.normalize("NFC", value).strip()


@given(st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1,
               max_size=40).filter(lambda s: s.strip() and not set(s) & set("\u202a\u202b"
               "\u202c\u202d\u202e\u2066\u2067\u2068\u2069")))
def test_clean_text_keeps_every_safe_name(value):
    assert clean_text(value, "name", 200) == unicodedata.normalize("NFC", value).strip()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a\x00b", "room name contains a control character (U+0000 NUL) at character 2"),
        ("a\nb", "room name contains a control character (U+000A LINE FEED) at character 2"),
        ("a\tb", "(U+0009 TAB)"),
        ("\x1b[2Jx", "(U+001B ESC) at character 1"),
        ("a\x85b", "(U+0085 NEXT LINE)"),
        ("a\u2028b", "contains a line separator (U+2028 LINE SEPARATOR)"),
        ("abc\u202edef", "contains a bidirectional control (U+202E RIGHT-TO-LEFT OVERRIDE) at "
                         "character 4; text here must be one line of plain text"),
        ("x\u2066y", "bidirectional control (U+2066 LEFT-TO-RIGHT ISOLATE)"),
        ("x\ud800", "room name contains an unpaired surrogate (U+D800) at character 2"),
        (" \t ", "room name must not be empty"),
        ("é" * 11, "room name is 11 characters long; the limit is 10"),
        (None, "room name must be text, not null"),
        (["x"], "room name must be text, not a list"),
    ],
)
def test_clean_text_refusals_name_the_field_and_the_character(value, message):
    with pytest.raises(TextError) as info:
        clean_text(value, "room name", 10)
    assert message in str(info.value)


def test_clean_text_normalises_and_strips():
    assert clean_text("  Ynys Mo\u0302n\n", "name", 8) == "Ynys Môn"  # NFC counts 8, not 9
    assert clean_text("\u200fRTL mark ok", "name", 20) == "\u200fRTL mark ok"


# md_escape -----------------------------------------------------------------------------------
@settings(max_examples=300)
@given(any_text)
def test_md_escape_reads_back_as_the_literal_text(value):
    escaped = md_escape(value)
    assert "\n" not in escaped and not any(is_unsafe(c) for c in escaped)
    assert unescaped_specials(escaped) == []
    assert commonmark_text(escaped).replace(WORD_JOINER, "") == \
        visible(value).replace(WORD_JOINER, "")


@pytest.mark.parametrize("value", HOSTILE_MARKDOWN)
def test_md_escape_hostile_examples(value):
    escaped = md_escape(value)
    assert unescaped_specials(escaped) == []
    assert commonmark_text(escaped).replace(WORD_JOINER, "") == \
        visible(value).replace(WORD_JOINER, "")
    # Streamlit's own pre-parsing: no ":material/" for its icon rewrite, no "$...$" it would
    # hand to KaTeX, no ":name:" its emoji rule matches, no bare link starts.
    assert ":material/" not in escaped
    assert not re.search(r"(?<!\\)\$", escaped)
    assert not re.search(r":[\w+-][\w+-]*:", escaped.replace("\\", ""))
    assert not re.search(r"https?://|www\.|\w@\w", escaped.replace("\\", ""), re.IGNORECASE)


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("[a](b)", "\\[a\\]\\(b\\)"),
        ("![x](y)", "\\!\\[x\\]\\(y\\)"),
        ("$1", "\\$1"),
        ("<b>", "\\<b\\>"),
        ("a_b*c", "a\\_b\\*c"),
        (":red[x]", "\\:\u2060red\\[x\\]"),
        ("user@x.org", "user\u2060\\@x\\.org"),
        ("https://x", "https\u2060\\:\\/\\/x"),
        ("  two", "&#x20;&#x20;two"),
        ("end\u00a0", "end&#xA0;"),
        ("a\nb", "a\\\\nb"),
        ("Ynys Môn", "Ynys Môn"),
        ("", ""),
    ],
)
def test_md_escape_exact_output(value, escaped):
    assert md_escape(value) == escaped


# terminal_safe and quote ---------------------------------------------------------------------
@given(any_text)
def test_terminal_safe_is_one_line_with_no_control_characters(value):
    shown = terminal_safe(value)
    assert not any(is_unsafe(c) for c in shown)
    assert len(shown.splitlines()) <= 1
    if not any(is_unsafe(c) for c in value):
        assert shown == value


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("\x1b[2J", "\\x1b[2J"),
        ("\x00", "\\x00"),
        ("abc\u202edef", "abc\\u202edef"),
        ("\ud800", "\\ud800"),
        ("Ynys Môn", "Ynys Môn"),
        ("C:\\data", "C:\\data"),
    ],
)
def test_terminal_safe_examples(value, shown):
    assert terminal_safe(value) == shown


@given(any_text | st.integers() | st.floats() | st.none() | st.lists(st.integers()))
def test_quote_is_short_and_safe(value):
    shown = quote(value)
    assert len(shown.splitlines()) <= 1 and not any(is_unsafe(c) for c in shown)
    assert len(shown) <= 40 * 10 + 2  # at most 40 characters, each escaped in at most 10


# fold ----------------------------------------------------------------------------------------
@given(any_text)
def test_fold_ignores_normal_form_and_is_stable(value):
    assert fold(unicodedata.normalize("NFD", value)) == fold(unicodedata.normalize("NFC", value))
    assert fold(fold(value)) == fold(value)


def test_fold_examples():
    assert fold("Ynys Mo\u0302n") == fold("Ynys Môn") == fold("YNYS MON") == "ynys mon"
    assert fold("Pen-y-bont ar Ogwr") == fold("pen y bont  ar ogwr") == "pen y bont ar ogwr"
    assert fold("Po\u200bwys") == "powys"  # an invisible zero-width space is ignored
    assert fold("Pоwys") != "powys"  # a Cyrillic о is a different letter
