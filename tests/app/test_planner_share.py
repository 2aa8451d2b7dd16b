"""Issue 22 (low): the planner's Share tab shows its QR code; Welsh link notices are Welsh."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    monkeypatch.setenv("MASH_BOUNDARIES", str(tmp_path / "absent.geojson"))
    monkeypatch.setenv("MASH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MASH_STATE_DIR", str(tmp_path / "state"))


def open_planner(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page("pages/what-if.py").run()
    assert not at.exception, at.exception
    return at


def test_the_share_tab_shows_a_qr_code_that_survives_sanitising():
    from explorer.i18n import t

    at = open_planner()
    at.session_state["wi_tabs_en"] = t("whatif.share", "en")  # open the (lazy) Share tab
    at.run()
    assert not at.exception
    bodies = [str(h.proto.body) for h in at.get("html")]
    # st.html sanitises with DOMPurify's HTML profile, which drops inline <svg>: the QR code
    # must be an <img> with a data URI.
    qr = [b for b in bodies if "data:image/svg+xml" in b]
    assert qr and all("<svg" not in b for b in qr)


def test_a_welsh_bad_link_notice_carries_no_english_detail():
    at = open_planner(lang="cy", scenario="not-a-scenario")
    warnings = " ".join(w.value for w in at.warning)
    assert "Nid oedd modd agor y senario" in warnings
    assert "share link" not in warnings and "base64" not in warnings.lower()
    at = open_planner(scenario="not-a-scenario")
    assert "could not be opened" in " ".join(w.value for w in at.warning)
