"""WCAG AA text contrast on every page, measured in the browser from computed styles."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CONTRAST_JS = (Path(__file__).with_name("contrast.js")).read_text()


@pytest.mark.parametrize("path", ["/", "/forces", "/timeline", "/table", "/what-if", "/sources"])
def test_text_contrast_meets_wcag_aa(page, app_server, path):
    page.goto(app_server.url + path)
    page.locator("h1").first.wait_for()
    page.wait_for_timeout(1500)  # let late elements (map captions, tables) render
    failures = page.evaluate(CONTRAST_JS)
    assert failures == []
