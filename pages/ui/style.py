"""The app's own style rules, in one place, sent as one style block per run (``app.py``).

What the app prints or generates (the briefing, the per-hub table, the maps' documents,
legends) has its style in ``explorer/printing/styles.py``; nothing else defines CSS.
"""

from __future__ import annotations

#: Every page. Captions at full opacity in a dark grey: WCAG AA contrast (about 7:1 on
#: white). Section headings are h2 (no skipped level after the page's h1) at a subheading's
#: size.
BASE = (
    "[data-testid='stCaptionContainer']{opacity:1;color:#545250}"
    "[data-testid='stMain'] h2{font-size:1.6rem}"
    # Keyboard focus always visible, whatever the widget's own styling.
    ":focus-visible{outline:3px solid #0072B2 !important;outline-offset:2px}"
    # The page's language and current link are written by a hidden element
    # (shell.document_language): its container takes no room.
    "[data-testid='stElementContainer']:has(span.mash-doc){display:none}"
    # The "as at" date on every page, in every mode: a 2019 map without its date would be
    # read as today's.
    ".as-at{display:inline-block;margin:0;padding:.2rem .6rem;background:#FFF4CE;"
    "border-left:4px solid #8A6D00;color:#1a1a1a;font-size:.9rem}"
)
#: Projector mode: larger text everywhere.
PROJECTOR = ("html{font-size:22px}[data-testid='stMetricValue']{font-size:2.1rem}"
             "[data-testid='stMainBlockContainer']{padding-top:4.4rem}")
#: The status map's headline figures (the legend's style travels with it).
STATUS = (
    "dl.figs{display:flex;flex-wrap:wrap;gap:1rem 3rem;margin:.3rem 0 .8rem;"
    "padding:0 !important}"
    ".fig dt{font-size:.875rem;color:#2f2d2b}.fig dd{margin:0;font-size:2.25rem;line-height:1.2}"
    ".fig small{display:block;font-size:.8rem;color:#545250}"
)
#: The what-if planner.
PLANNER = (
    # The headline stays in view while the editor scrolls (phones stack the columns).
    ".st-key-wi_summary{position:sticky;top:0;z-index:5;background:#fff;padding:.2rem 0}"
    # Metric labels wrap rather than being cut off (long Welsh labels).
    "[data-testid='stMetricLabel'] *{white-space:normal !important;overflow:visible !important}"
    # A phone shows the summary line instead of the three big figures (the map stays near),
    # as a bar fixed to the bottom of the screen, so the count stays in view while editing.
    "@media (max-width:640px){.st-key-wi_metrics{display:none}"
    ".st-key-wi_summary{position:fixed;top:auto;bottom:0;left:0;right:0;z-index:999;"
    "padding:.3rem 1rem;border-top:1px solid #8a8a8a;box-shadow:0 -2px 6px rgba(0,0,0,.15)}"
    ".st-key-wi_summary h2{font-size:1.2rem;padding:0}"
    "[data-testid='stMainBlockContainer']{padding-bottom:6rem}}"
    # The uploader's own size note would contradict our limit, which the label states.
    # (Streamlit 1.67 draws "1MB per file" without <small>: hide the whole note.)
    "[data-testid='stFileUploaderDropzoneInstructions']{display:none}"
)
#: The presenter view's page style on top of projector mode: less space above the title, a
#: smaller title, so the entries take the screen.
PRESENTER = (
    "[data-testid='stMainBlockContainer']{padding:3.9rem 1.2rem 1rem;max-width:100%}"
    "[data-testid='stMain'] h1{font-size:1.7rem;padding:0;margin:0;line-height:1.2}"
    ".pv-head{display:flex;flex-wrap:wrap;align-items:baseline;column-gap:2rem;row-gap:.2rem}"
    ".pv-strip{margin:0;font-size:1.1rem;font-weight:600}"
    ".pv-strip code{font-size:1.1em;font-weight:700;letter-spacing:.12em;color:#1a1a1a;"
    "background:#F0F0F0;padding:0 .25em}"
    ".pv-locked{padding:.25rem .6rem;border-left:6px solid #1a1a1a;background:#EFEFEF}"
    ".pv-code{font:700 5.5rem/1.05 monospace;letter-spacing:.18em;margin:.2rem 0 .6rem}"
    ".pv-big{font-size:1.5rem;line-height:1.35;margin:0}"
)
#: Rules for one page only, by its URL path.
PAGES = {"": STATUS, "what-if": PLANNER}


def page_css(url_path: str, projector: bool = False) -> str:
    """The style block for the page at ``url_path`` (``""`` is the status map)."""
    return BASE + (PROJECTOR if projector else "") + PAGES.get(url_path, "")
