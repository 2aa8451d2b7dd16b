"""Work Streamlit repeats on every run that gives the same answer every time (issues 20 and 22).

Two things every run of every session paid for, found profiling a board's redraw (4.8 ms of
server CPU with nothing changed before, 3.8 ms after, with the board's lighter fragment:
``bench/bench_board_redraw.py``):

- **The theme in the new-session message.** Every run, a fragment's too, starts with a
  ``new_session`` message whose six theme sections Streamlit builds by scanning every config
  option (~0.18 ms a run). The sections are the same until the config is read again, so
  :func:`_theme_once` keeps each section's message and copies it; a config read again (a
  developer editing ``config.toml``) forgets them.
- **A shared table's Arrow bytes.** ``st.dataframe`` serialises an Arrow table on every run.
  A board's table is the same object for every board of the room at a version
  (:mod:`pages.ui.rooms.rendered`), so :func:`shared_table` marks it and its bytes are made
  once. Only tables marked here are remembered (an Arrow table cannot change, so its bytes
  cannot go stale), at most :data:`MAX_TABLES`, each held with its bytes (its ``id`` is never
  reused while it is remembered).

Both are installed once per process by :func:`install` (``pages/ui/server.py``, off with
``MASH_SOCKET_TUNING=off`` like the other server tweaks). Written against Streamlit 1.67's
``app_session._populate_theme_msg`` and ``dataframe_util.convert_arrow_table_to_arrow_bytes``;
tests/unit/test_run_memos.py checks both are there and give what Streamlit's own do, so an
upgrade that moves them fails there (and this module then leaves Streamlit as it is).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any

log = logging.getLogger("mash.server")

#: Shared tables whose Arrow bytes are kept (a board's table per room version and language).
MAX_TABLES = 64

_lock = threading.Lock()
_tables: OrderedDict[int, tuple[Any, bytes | None]] = OrderedDict()
_themes: dict[str, bytes] = {}


def shared_table(table: Any) -> Any:
    """Mark ``table`` (a ``pyarrow.Table`` that is never changed, drawn by many sessions) so
    that its Arrow bytes are made once; returns it."""
    with _lock:
        if _tables.get(id(table), (None,))[0] is not table:
            _tables[id(table)] = (table, None)
        _tables.move_to_end(id(table))
        while len(_tables) > MAX_TABLES:
            _tables.popitem(last=False)
    return table


def _arrow_bytes(original):
    def convert_arrow_table_to_arrow_bytes(table):
        with _lock:
            held = _tables.get(id(table))
        if held is None or held[0] is not table:
            return original(table)
        if held[1] is not None:
            return held[1]
        data = original(table)
        with _lock:
            if id(table) in _tables:
                _tables[id(table)] = (table, data)
        return data

    convert_arrow_table_to_arrow_bytes.mash_memo = True  # type: ignore[attr-defined]
    convert_arrow_table_to_arrow_bytes.__doc__ = original.__doc__
    return convert_arrow_table_to_arrow_bytes


def _theme_once(original):
    def _populate_theme_msg(msg, section: str = "theme") -> None:
        data = _themes.get(section)
        if data is None:
            fresh = type(msg)()  # an empty CustomThemeConfig
            original(fresh, section)
            data = _themes[section] = fresh.SerializeToString()
        if data:  # (merging nothing would still mark an unset section as set)
            msg.MergeFromString(data)

    _populate_theme_msg.mash_memo = True  # type: ignore[attr-defined]
    return _populate_theme_msg


def forget_themes(*_args: Any) -> None:
    _themes.clear()


def install() -> bool:
    """Patch both, once per process; False (nothing patched) if either is not where Streamlit
    1.67 has it."""
    from streamlit import config, dataframe_util
    from streamlit.runtime import app_session

    arrow = getattr(dataframe_util, "convert_arrow_table_to_arrow_bytes", None)
    theme = getattr(app_session, "_populate_theme_msg", None)
    on_parsed = getattr(config, "on_config_parsed", None)
    if arrow is None or theme is None or on_parsed is None:
        log.warning("Streamlit changed: its theme message and Arrow bytes are made every run")
        return False
    if not getattr(arrow, "mash_memo", False):
        dataframe_util.convert_arrow_table_to_arrow_bytes = _arrow_bytes(arrow)
    if not getattr(theme, "mash_memo", False):
        on_parsed(forget_themes, force_connect=True)
        app_session._populate_theme_msg = _theme_once(theme)
    return True
