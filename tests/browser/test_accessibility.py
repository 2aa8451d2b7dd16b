"""WCAG AA text contrast on every page, measured in the browser from computed styles."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CONTRAST_JS = (Path(__file__).with_name("contrast.js")).read_text()


@pytest.mark.parametrize("path", ["/", "/forces", "/timeline", "/table", "/what-if", "/sources",
                                  "/editions"])
def test_text_contrast_meets_wcag_aa(page, app_server, path):
    page.goto(app_server.url + path)
    page.locator("h1").first.wait_for()
    page.wait_for_timeout(1500)  # let late elements (map captions, tables) render
    # The app's own style sheet (caption contrast) is drawn with the sidebar: wait for it
    # (on a busy machine 1.5 s is not always enough).
    page.wait_for_function("[...document.querySelectorAll('[data-testid=stCaptionContainer]')]"
                           ".every(e => getComputedStyle(e).opacity === '1')")
    failures = page.evaluate(CONTRAST_JS)
    assert failures == []


# --------------------------------------------------------------------------------------------
# axe-core (bundled by axe-playwright-python: no download) on every page, in both languages
# --------------------------------------------------------------------------------------------

PAGES = ["/", "/forces", "/timeline", "/table", "/what-if", "/sources", "/editions"]
#: Welsh text that shows the page really is in Welsh (the sidebar's own link).
WELSH_MARK = "Ffynonellau"


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    out = []
    for v in results.response["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = [", ".join(map(str, n["target"])) for n in v["nodes"]][:4]
            out.append(f"{v['impact']} {v['id']}: {v['help']} at {targets}")
    return out


@pytest.mark.parametrize("lang", ["en", "cy"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_core_finds_no_serious_or_critical_violation(page, app_server, path, lang):
    page.goto(f"{app_server.url}{path}?lang={lang}")
    page.locator("h1").first.wait_for()
    if lang == "cy":
        page.get_by_text(WELSH_MARK).first.wait_for()
    page.wait_for_timeout(1500)  # late elements (map, tables)
    # The app's own style sheet (caption contrast) is drawn with the sidebar: wait for it.
    page.wait_for_function("[...document.querySelectorAll('[data-testid=stCaptionContainer]')]"
                           ".every(e => getComputedStyle(e).opacity === '1')")
    assert serious_violations(page) == []
