"""Every page (except the what-if planner) through ``app.py`` with Streamlit's AppTest.

AppTest runs the scripts without a browser, so the folium map itself is not drawn here
(``tests/browser`` covers it). Boundaries are the bundled ones, as on a fresh install
(``MASH_BOUNDARIES`` unset, an empty cache folder); nothing is ever downloaded.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer.data import DATA_DIR

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "app.py"
NO_BOUNDARIES = "/nonexistent.geojson"
NEWPORT = "W06000022"


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One folder for the module, so Streamlit's in-process caches (keyed by the
    # environment) are shared between tests.
    return tmp_path_factory.mktemp("boundaries-cache")


@pytest.fixture
def boundaries_env(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> str:
    """A fresh install: no MASH_BOUNDARIES, an empty MASH_CACHE_DIR; returns the cache."""
    monkeypatch.delenv("MASH_BOUNDARIES", raising=False)
    monkeypatch.setenv("MASH_CACHE_DIR", str(cache_dir))
    monkeypatch.delenv("MASH_DATA_DIR", raising=False)
    return str(cache_dir)


def bound(state_key: str, lang: str = "en") -> str:
    """The key of the widget mirroring a plain setting (see ``pages/ui/shell.bound``)."""
    return f"_w_{state_key}_{lang}"


def run_app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figures(at: AppTest) -> list[tuple[str, str]]:
    """The status page's headline figures (label, value), read from its HTML block."""
    import html as html_lib
    import re

    for block in at.get("html"):
        found = re.findall(r"<dt>(.*?)</dt><dd>(.*?)<small>", block.proto.body)
        if found:
            return [(html_lib.unescape(a), html_lib.unescape(b)) for a, b in found]
    return []


def texts(elements) -> list[str]:
    return [e.value for e in elements]


@pytest.fixture
def app(boundaries_env: str) -> AppTest:
    return run_app()


# --------------------------------------------------------------------------------------------
# Status page
# --------------------------------------------------------------------------------------------


def test_status_page_headline_metrics(app: AppTest):
    assert figures(app) == [
        ("Authorities with a MASH or pilot", "5 of 22"),
        ("Hubs (not authorities) operating or piloted", "4"),
        ("Population living in them", "31.0%"),
    ]
    assert texts(app.title) == ["Multi-agency safeguarding hubs in Wales"]
    assert app.radio(key=bound("authority")).value is None
    assert "Click an authority on the map" in " ".join(texts(app.markdown))
    assert not app.error


def test_choosing_newport_shows_its_details(app: AppTest):
    app.radio(key=bound("authority")).set_value(NEWPORT).run()
    assert not app.exception
    assert texts(app.header) == ["Newport (Casnewydd)"]
    body = "\n".join(texts(app.markdown))
    assert "**Status:** MASH pilot" in body
    assert "**Hub:** Newport MASH (pilot)" in body
    assert "Early Action Together pathfinder" in body
    assert "Source: briefing, Gwent Police, para 1" in texts(app.caption)


def test_welsh_names_labels_and_one_draft_caption(app: AppTest):
    app.radio(key=bound("lang")).set_value("cy").run()
    app.radio(key=bound("authority", "cy")).set_value(NEWPORT).run()
    assert not app.exception
    assert texts(app.title) == ["Hybiau diogelu amlasiantaethol yng Nghymru"]
    assert texts(app.header) == ["Casnewydd (Newport)"]
    assert app.radio(key=bound("authority", "cy")).label == "Dewiswch awdurdod"
    assert figures(app)[0][1] == "5 o 22"
    assert "**Statws:** MASH peilot" in texts(app.markdown)
    drafts = [c for c in texts(app.caption) if c.startswith("Cyfieithiadau drafft")]
    assert len(drafts) == 1
    # Back to English: the draft caption goes.
    app.radio(key=bound("lang", "cy")).set_value("en").run()
    assert texts(app.header) == ["Newport (Casnewydd)"]
    assert not [c for c in texts(app.caption) if c.startswith("Cyfieithiadau drafft")]


def test_workshop_toggle(app: AppTest):
    app.toggle(key=bound("projector")).set_value(True).run()
    assert not app.exception
    assert app.session_state["projector"] is True
    assert [v for _, v in figures(app)] == ["5 of 22", "4", "31.0%"]
    app.toggle(key=bound("projector")).set_value(False).run()
    assert not app.exception


def _main_html(at: AppTest) -> str:
    return " ".join(block.proto.body for block in at.get("html"))


@pytest.mark.parametrize("page", [None, "pages/forces.py", "pages/timeline.py", "pages/table.py",
                                  "pages/what-if.py", "pages/workshop.py", "pages/sources.py"])
def test_the_as_at_date_and_the_document_language_are_on_every_page_in_projector_mode(
        boundaries_env: str, page):
    at = run_app(page)
    at.toggle(key=bound("projector")).set_value(True).run()
    assert not at.exception
    body = _main_html(at)
    # In the main area (not only the collapsed sidebar): a dated note above the page.
    assert ('class="as-at" role="note">As at 31 May 2019, as the four police forces understood'
            in body)
    assert 'class="mash-doc" data-lang="en"' in body
    at.radio(key=bound("lang")).set_value("cy").run()
    body = _main_html(at)
    assert 'class="as-at" role="note">Fel yr oedd ar 31 Mai 2019' in body
    assert 'class="mash-doc" data-lang="cy"' in body


def test_the_status_map_opens_with_what_the_briefing_found(app: AppTest):
    first = texts(app.markdown)[0]
    assert first.startswith("**What the briefing found.** In a note sent on 31 May 2019")
    assert app.toggle(key=bound("projector")).set_value(True).run()
    assert any(m.startswith("**What the briefing found.**") for m in texts(app.markdown))


def test_equal_tiles_map_style(app: AppTest):
    app.radio(key=bound("map_style")).set_value("tiles").run()
    assert not app.exception
    assert [v for _, v in figures(app)] == ["5 of 22", "4", "31.0%"]
    # Tiles by choice are not a fallback: no notice.
    assert not [i for i in texts(app.info) if "MASH_BOUNDARIES" in i]


def test_boundaries_unavailable_show_a_notice(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.setenv("MASH_BOUNDARIES", NO_BOUNDARIES)
    monkeypatch.setenv("MASH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MASH_DATA_DIR", raising=False)
    at = run_app()
    assert texts(at.info) == ["The boundary file chosen for this server could not be used, so "
                              "the map shows the boundaries bundled with the app."]
    # The rest of the page still renders, with the bundled boundaries and their attribution.
    assert [v for _, v in figures(at)] == ["5 of 22", "4", "31.0%"]
    assert [e.label for e in at.expander] == ["Details"]
    assert [x.value for x in at.expander[0].text] == [
        "MASH_BOUNDARIES names nonexistent.geojson, which does not exist. A GeoJSON "
        "FeatureCollection of the 22 Welsh local authorities (or a gzipped GeoJSON, a zipped "
        "shapefile or a GeoPackage) is needed."]
    assert "Martin Chorley" in " ".join(texts(at.caption))
    assert NO_BOUNDARIES not in " ".join(texts(at.caption))
    at.radio(key=bound("authority")).set_value(NEWPORT).run()
    assert texts(at.header) == ["Newport (Casnewydd)"]


# --------------------------------------------------------------------------------------------
# Other pages
# --------------------------------------------------------------------------------------------


def test_forces_page_has_four_tabs_and_dyfed_powys_has_no_mash(boundaries_env: str):
    at = run_app("pages/forces.py")
    assert [t.label for t in at.tabs] == [
        "Dyfed-Powys Police",
        "Gwent Police",
        "North Wales Police",
        "South Wales Police",
    ]
    dyfed_powys = at.tabs[0]
    text = "\n".join(texts(dyfed_powys.markdown))
    assert "Vulnerability Hub" in text
    assert text.startswith("No MASH.")
    table = dyfed_powys.dataframe[0].value
    assert sorted(table["Authority"]) == ["Carmarthenshire", "Ceredigion", "Pembrokeshire",
                                          "Powys"]
    assert set(table["Status"]) == {"No MASH"}


def test_timeline_filter_shows_only_gwent_events(boundaries_env: str):
    at = run_app("pages/timeline.py")
    every = [m for m in texts(at.markdown) if m.startswith("**") and " · " in m]
    # South Wales Police's MASHs are undated: the timeline says so (with all forces chosen).
    assert [m for m in texts(at.markdown) if "gives no date for any of them" in m]
    at.multiselect(key="timeline_scopes").set_value(["gwent"]).run()
    assert not at.exception
    headers = [m for m in texts(at.markdown) if m.startswith("**") and " · " in m]
    assert headers and len(headers) < len(every)
    assert all(h.endswith("· Gwent Police") for h in headers)
    assert not [m for m in texts(at.markdown) if "North Wales Police trials" in m]
    assert not [m for m in texts(at.markdown) if "gives no date for any of them" in m]
    # Early Action Together is explained, with its citation.
    assert "**What Early Action Together is**" in texts(at.markdown)
    assert "Source: briefing, Gwent Police, paras 2–4" in texts(at.caption)
    at.multiselect(key="timeline_scopes").set_value([]).run()
    assert texts(at.info) == ["No events for this choice."]


def test_table_page_has_22_rows_and_a_download(boundaries_env: str):
    at = run_app("pages/table.py")
    frame = at.dataframe[0].value
    assert len(frame) == 22
    assert frame["Code"].is_unique
    [button] = at.get("download_button")
    assert button.label == "Download CSV"


def test_sources_page_states_the_date_and_licence(boundaries_env: str):
    at = run_app("pages/sources.py")
    body = " ".join(texts(at.markdown)) + " ".join(texts(at.warning))
    assert "31 May 2019" in body
    assert "Open Government Licence" in body
    # The boundaries' name and full attribution, as plain text, never a path.
    from geo.boundaries import BUNDLED_ATTRIBUTION, BUNDLED_NAME

    assert texts(at.text) == [f"In use: {BUNDLED_NAME}. {BUNDLED_ATTRIBUTION}"]


def test_sources_page_names_both_a_supplied_file_and_the_bundled_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    from geo.boundaries import BUNDLED_ATTRIBUTION, BUNDLED_NAME, BUNDLED_PATH

    mine = tmp_path / "lad 2024.geojson"
    mine.write_bytes(BUNDLED_PATH.read_bytes())
    monkeypatch.setenv("MASH_BOUNDARIES", str(mine))
    monkeypatch.setenv("MASH_BOUNDARIES_ATTRIBUTION", "Mine, OGL v3.0")
    monkeypatch.setenv("MASH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MASH_DATA_DIR", raising=False)
    at = run_app("pages/sources.py")
    assert texts(at.text) == [
        "In use: Boundaries from the file lad 2024.geojson. Mine, OGL v3.0",
        f"Bundled with the app: {BUNDLED_NAME}. {BUNDLED_ATTRIBUTION}",
    ]
    assert str(tmp_path) not in " ".join(texts(at.text) + texts(at.markdown))


def test_every_page_file_is_named_like_its_url():
    # On a fresh server a deep link first runs the page file on its own (Streamlit names it
    # after the file); pages/ui/shell.require_app then reruns the same URL through app.py,
    # which finds the page only if its URL path is its file name.
    from pages.ui.shell import PAGE_SPECS

    assert len(PAGE_SPECS) == 10  # 7 pages, editions (issue 18), rounds and contribute (19)
    for _key, path, url, _icon, _section in PAGE_SPECS:
        assert (REPO / path).is_file()
        assert url in ("", Path(path).stem), (path, url)


# --------------------------------------------------------------------------------------------
# A corrupted data folder
# --------------------------------------------------------------------------------------------


def test_corrupted_data_shows_one_clear_error(
    boundaries_env: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    positions = data / "positions.csv"
    lines = positions.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[1].startswith("W06000001,no_mash,")
    lines[1] = lines[1].replace(",no_mash,", ",mash_maybe,", 1)
    positions.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setenv("MASH_DATA_DIR", str(data))

    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    [error] = texts(at.error)
    # The message is shown as text: every markdown character escaped (explorer.text.md_escape).
    error = re.sub(r"\\(.)", r"\1", error).replace("\u2060", "")
    assert "positions.csv" in error
    assert "line 2" in error
    assert "column 'status'" in error
    assert "'mash_maybe'" in error
    assert not figures(at) and not at.title
