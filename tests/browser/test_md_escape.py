"""md_escape in Streamlit itself: hostile text renders as the literal text, with no link,
image, emphasis, heading, list, code, LaTeX, icon, colour or HTML element, and no request
leaves the server."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from explorer.text import WORD_JOINER, visible
from tests.browser.conftest import NO_BOUNDARIES, start_server, stop_server
from tests.hostile_text import HOSTILE_MARKDOWN

pytestmark = pytest.mark.browser

APP = Path(__file__).with_name("md_escape_app.py")

# For each container: the text of its markdown, and every element inside it except the
# paragraphs and list items the page itself wrote (the "Left out:" list has two items, and a
# bold label).
PROBE = """(key) => {
  const box = document.querySelector('.st-key-' + key);
  const md = box.querySelector('[data-testid=stMarkdownContainer]')
    || box.querySelector('[data-testid=stCaptionContainer]');
  const own = new Set(['P', 'UL', 'LI', 'STRONG']);
  const foreign = [...md.querySelectorAll('*')]
    .filter(e => !own.has(e.tagName) || e.tagName === 'STRONG' && e.innerText !== 'Left out:')
    .map(e => e.outerHTML.slice(0, 120));
  const items = [...md.querySelectorAll('li')].map(e => e.innerText);
  const paragraphs = [...md.querySelectorAll('p')].filter(e => !e.closest('li'))
    .map(e => e.innerText);
  return {foreign, items, paragraphs};
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("md")
    srv = start_server(APP, {"MASH_BOUNDARIES": NO_BOUNDARIES,
                             "MASH_CACHE_DIR": str(folder / "cache")},
                       log_path=folder / "streamlit.log")
    try:
        yield srv
    finally:
        stop_server(srv)


def same(shown: str, text: str) -> bool:
    """Equal once the invisible word joiners and the browser's whitespace collapsing are
    set aside."""
    def norm(s: str) -> str:
        return " ".join(s.replace(WORD_JOINER, "").split())

    return norm(shown) == norm(text)


def test_hostile_text_renders_literally_in_every_markdown_element(page, server, recorder):
    page.goto(server.url)
    page.get_by_text("all rendered").wait_for(timeout=60_000)
    page.wait_for_timeout(1000)  # lazily loaded markdown plugins (emoji, KaTeX) settle
    failures = []
    for i, text in enumerate(HOSTILE_MARKDOWN):
        expected = visible(text)
        for kind, want in (("md", expected), ("warn", "Problem: " + expected),
                           ("cap", expected), ("emo", "🎉 " + expected)):
            got = page.evaluate(PROBE, f"{kind}{i}")
            if got["foreign"] or len(got["paragraphs"]) != 1 \
                    or not same(got["paragraphs"][0], want):
                failures.append((kind, text, got))
        got = page.evaluate(PROBE, f"list{i}")
        if got["foreign"] or len(got["items"]) != 2 \
                or not all(same(item, expected) for item in got["items"]):
            failures.append(("list", text, got))
    assert failures == []
    content = "[data-testid=stMarkdownContainer], [data-testid=stCaptionContainer]"
    assert page.locator(f":is({content}) :is(.katex, img, a, svg)").count() == 0
    outside = [u for u in recorder.requests
               if urlparse(u).hostname not in ("127.0.0.1", None) and not u.startswith("data:")]
    assert outside == []
    assert recorder.page_errors == []
