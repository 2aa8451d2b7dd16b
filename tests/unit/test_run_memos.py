"""pages/ui/run_memos.py: the new-session message's theme and a shared table's Arrow bytes are
made once, and are what Streamlit 1.67 itself makes (``app_session._populate_theme_msg``,
``dataframe_util.convert_arrow_table_to_arrow_bytes``)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest
from streamlit import config, dataframe_util  # noqa: TID251 (what the patch changes)
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: TID251
from streamlit.runtime import app_session  # noqa: TID251

from pages.ui import run_memos

SECTIONS = ("theme", "theme.light", "theme.dark", "theme.sidebar", "theme.light.sidebar",
            "theme.dark.sidebar")
ORIGINAL_ARROW = dataframe_util.convert_arrow_table_to_arrow_bytes
ORIGINAL_THEME = app_session._populate_theme_msg


@pytest.fixture
def patched(monkeypatch):
    monkeypatch.setattr(dataframe_util, "convert_arrow_table_to_arrow_bytes", ORIGINAL_ARROW)
    monkeypatch.setattr(app_session, "_populate_theme_msg", ORIGINAL_THEME)
    run_memos.forget_themes()
    assert run_memos.install()
    assert run_memos.install()  # once: not wrapped twice
    assert dataframe_util.convert_arrow_table_to_arrow_bytes.mash_memo
    assert app_session._populate_theme_msg.mash_memo
    yield
    run_memos.forget_themes()


def theme_message(populate) -> bytes:
    msg = ForwardMsg()
    theme = msg.new_session.custom_theme
    populate(theme)
    for section in SECTIONS[1:]:
        sub = theme
        for part in section.split(".")[1:]:
            sub = getattr(sub, part)
        populate(sub, section)
    return msg.SerializeToString()


@pytest.fixture
def colours():
    keys = ("theme.primaryColor", "theme.light.primaryColor")
    before = [config.get_option(k) for k in keys]
    config.set_option(keys[0], "#0072B2")
    config.set_option(keys[1], "#123456")
    yield
    for k, v in zip(keys, before, strict=True):
        config.set_option(k, v)


def test_the_theme_is_what_streamlit_makes_and_is_made_once(patched, colours, monkeypatch):
    expected = theme_message(ORIGINAL_THEME)
    assert theme_message(app_session._populate_theme_msg) == expected
    scans = []
    real = config.get_options_for_section
    monkeypatch.setattr(config, "get_options_for_section",
                        lambda section: scans.append(section) or real(section))
    for _ in range(5):
        assert theme_message(app_session._populate_theme_msg) == expected
    assert scans == []  # every section remembered: no option scanned again
    assert b"#0072B2" in expected and b"#123456" in expected


def test_a_config_read_again_forgets_the_theme(patched, monkeypatch):
    theme_message(app_session._populate_theme_msg)
    assert run_memos._themes
    config._on_config_parsed.send()  # what Streamlit does when config.toml is read again
    assert run_memos._themes == {}


def arrow_table(n: int) -> pa.Table:
    return pa.Table.from_pandas(pd.DataFrame({"Entry": range(n), "Name": ["Sian"] * n}))


def test_a_shared_tables_bytes_are_made_once_and_are_streamlits(patched, monkeypatch):
    calls = []
    original = dataframe_util.convert_arrow_table_to_arrow_bytes
    table = run_memos.shared_table(arrow_table(3))
    expected = ORIGINAL_ARROW(table)
    monkeypatch.setattr(pa, "RecordBatchStreamWriter",
                        _counting(pa.RecordBatchStreamWriter, calls))
    assert original(table) == expected
    assert original(table) == expected
    assert len(calls) == 1  # serialised once
    other = arrow_table(3)  # an equal table that was not shared: made every time
    assert original(other) == expected
    assert original(other) == expected
    assert len(calls) == 3


def test_only_so_many_tables_are_kept(patched):
    tables = [run_memos.shared_table(arrow_table(i)) for i in range(run_memos.MAX_TABLES + 5)]
    for t in tables:
        dataframe_util.convert_arrow_table_to_arrow_bytes(t)
    assert len(run_memos._tables) == run_memos.MAX_TABLES
    assert id(tables[0]) not in run_memos._tables
    assert run_memos._tables[id(tables[-1])][1] == ORIGINAL_ARROW(tables[-1])


def test_a_streamlit_without_them_is_left_alone(monkeypatch):
    monkeypatch.delattr(dataframe_util, "convert_arrow_table_to_arrow_bytes")
    monkeypatch.setattr(app_session, "_populate_theme_msg", ORIGINAL_THEME)
    assert run_memos.install() is False
    assert app_session._populate_theme_msg is ORIGINAL_THEME


def _counting(cls, calls):
    def make(*args, **kwargs):
        calls.append(1)
        return cls(*args, **kwargs)
    return make
