"""The app under the settings Community Cloud forces, whatever ``.streamlit/config.toml``
says: ``--server.runOnSave true --client.showErrorDetails false --runner.fastReruns true
--server.enableXsrfProtection true``. One pass over every page, a share link and a room send,
with no failed request; and a page that fails shows the visitor one calm line with a
reference, never a traceback, while the server's log has the traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pages.ui.shell import PAGE_SPECS
from tests.browser.conftest import REPO, join, start_server, stop_server
from tests.browser.test_prefix import (
    check_room_board_live,
    check_share_link,
    map_frame,
    open_app,
)

pytestmark = pytest.mark.browser

CLOUD_ARGS = ("--server.runOnSave", "true", "--client.showErrorDetails", "false",
              "--runner.fastReruns", "true", "--server.enableXsrfProtection", "true")
FAILING_APP = Path(__file__).with_name("failing_app.py")


@pytest.fixture(scope="module")
def cloud_url(servers, tmp_path_factory) -> str:
    return servers(args=CLOUD_ARGS,
                   MASH_STATE_DIR=str(tmp_path_factory.mktemp("cloud-rooms"))).url


def test_every_page_under_cloud_settings(browser, people, cloud_url):
    who = join(browser, people)
    for _key, _file, url_path, _icon, _section in PAGE_SPECS:
        app = open_app(who.page, cloud_url, f"/{url_path}")
        if url_path == "":
            map_frame(app)  # the status map draws its 22 areas
        who.page.wait_for_timeout(500)
        assert app.locator("[data-testid='stException']").count() == 0, url_path
        assert "Traceback" not in app.locator("body").inner_text(), url_path


def test_share_link_under_cloud_settings(browser, people, cloud_url):
    check_share_link(browser, people, cloud_url)


def test_room_send_under_cloud_settings(browser, people, cloud_url):
    check_room_board_live(browser, people, cloud_url)


def test_a_failing_page_shows_a_calm_line_and_the_log_has_the_traceback(browser, tmp_path):
    server = start_server(FAILING_APP, {"MASH_CACHE_DIR": str(tmp_path / "cache"),
                                        "MASH_STATE_DIR": str(tmp_path / "state")},
                          cwd=REPO, args=CLOUD_ARGS, log_path=tmp_path / "server.log")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{server.url}/table")
        alert = page.get_by_text("Something went wrong on this page")
        alert.wait_for(timeout=60_000)
        text = page.locator("[data-testid='stMain']").inner_text()
        ref = re.search(r"the reference ([0-9A-F]{8})", text).group(1)
        assert "forced failure" not in text and "Traceback" not in text
        assert "/srv/secret" not in page.content()
        assert page.locator("[data-testid='stException']").count() == 0
        page.get_by_role("link", name="Sources").first.click()  # the app still works
        page.get_by_role("heading", level=1).filter(has_text="Sources").wait_for()
    finally:
        context.close()
        stop_server(server)
    log = server.log_tail(200_000)
    at = log.index(f"reference {ref}")
    assert "Traceback (most recent call last)" in log[at:]
    assert "RuntimeError: forced failure reading /srv/secret/path" in log[at:]
