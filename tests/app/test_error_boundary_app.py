"""The page's error boundary and the rooms' storage notice, through app.py with AppTest.

A page that raises shows one calm line in its language with a reference, never the
exception; the server's log has the traceback under that reference. Streamlit's own control
flow (``st.stop`` in the workshop lobby, ``st.switch_page``) passes through untouched.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer import views
from explorer.i18n import t

ROOT = Path(__file__).resolve().parents[2]
SECRET_TEXT = "boom at /srv/secret/path"


@pytest.fixture(autouse=True)
def fresh_install(monkeypatch, tmp_path):
    monkeypatch.delenv("MASH_BOUNDARIES", raising=False)
    monkeypatch.setenv("MASH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MASH_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("MASH_DATABASE_URL", raising=False)
    monkeypatch.delenv("MASH_HOSTING", raising=False)
    monkeypatch.delenv("HOSTNAME", raising=False)


def open_page(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    return at


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_an_error_in_a_page_is_one_calm_line_and_the_log_has_the_traceback(
        monkeypatch, caplog, lang):
    def broken(*_args, **_kwargs):
        raise RuntimeError(SECRET_TEXT)

    monkeypatch.setattr(views, "table_rows", broken)
    with caplog.at_level(logging.ERROR, logger="mash_wales_explorer"):
        at = open_page("pages/table.py", lang=lang)
    assert not at.exception, [e.value for e in at.exception]  # nothing reached Streamlit
    (error,) = [e.value for e in at.error]
    ref = re.search(r"\b([0-9A-F]{8})\b", error).group(1)
    assert error == t("error.unexpected", lang, ref=ref)
    shown = " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.error, *at.title])
    assert SECRET_TEXT not in shown and "Traceback" not in shown
    (record,) = [r for r in caplog.records if ref in r.getMessage()]
    assert record.exc_info and str(record.exc_info[1]) == SECRET_TEXT
    assert record.exc_text is None or "RuntimeError" in record.exc_text


def test_control_flow_passes_the_boundary_untouched():
    at = open_page("pages/workshop.py")  # the lobby ends with st.stop()
    assert not at.exception and not at.error
    assert [b.label for b in at.button if b.label == "Open the room"]


def test_rooms_in_a_temporary_folder_are_a_warning():
    at = open_page("pages/workshop.py")  # MASH_STATE_DIR is under /tmp here
    assert [w.value for w in at.warning] == [t("room.storage_temporary", "en")]


def test_the_facilitator_is_told_rooms_on_this_disk_may_not_survive(monkeypatch):
    from explorer import deployment

    monkeypatch.setattr(deployment, "TEMPORARY_ROOTS", ())  # as if on a persistent disk
    at = open_page("pages/workshop.py")
    assert [i.value for i in at.info] == [t("room.storage_disk", "en")]
    assert not at.warning


def test_on_community_cloud_the_facilitator_is_told_plainly_with_the_fix(monkeypatch):
    monkeypatch.setenv("HOSTNAME", "streamlit")
    at = open_page("pages/workshop.py", lang="cy")
    assert [w.value for w in at.warning] == [t("room.storage_cloud", "cy")]
    assert "MASH_DATABASE_URL" in at.warning[0].value


@pytest.mark.parametrize("control", ["stop", "rerun", "fragment"])
def test_streamlit_control_flow_is_never_caught(control):
    from streamlit.errors import FragmentHandledException
    from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

    from pages.ui import shell

    raised = {"stop": StopException(), "rerun": RerunException(None),
              "fragment": FragmentHandledException(RuntimeError("shown by Streamlit"))}[control]
    with pytest.raises(type(raised)), shell.error_boundary():
        raise raised
