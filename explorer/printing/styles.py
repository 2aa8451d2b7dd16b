"""Every style sheet of what the app prints or generates, in one place: the briefing, the room
summary, the per-hub table, the SVG map, the folium map's own document, and the legends'
inline styles. (The app's own style block is ``pages/ui/style.py``.) Text never goes into
these: callers fill only the placeholders named below, with CSS-escaped values.
"""

from __future__ import annotations

#: The printable briefing (A4). ``FOOTER`` and ``PAGE`` are replaced with CSS strings.
BRIEFING_CSS = """
@page{size:A4;margin:1cm 1.2cm 1.3cm;
 @bottom-left{content:FOOTER;font:7.5pt system-ui,sans-serif;color:#333}
 @bottom-right{content:PAGE;font:7.5pt system-ui,sans-serif;color:#333}}
*{box-sizing:border-box}
body{font:9.5pt/1.3 system-ui,'DejaVu Sans',sans-serif;color:#111;margin:1.2cm auto;
 max-width:18.6cm;padding:0 .2cm}
@media print{body{margin:0;max-width:none;padding:0}}
h1{font-size:15pt;margin:0 0 .1em}
h2{font-size:10.5pt;margin:.7em 0 .25em;break-after:avoid}
p{margin:.25em 0}ul{margin:.2em 0;padding-left:1.3em}
.meta,.note,.src{color:#333;font-size:7.5pt}
.keep{break-inside:avoid}.small{font-size:8.5pt}
.facts h2{margin-top:.9em}
.grid{display:flex;gap:.5cm;align-items:flex-start;margin-top:.3em}
.map{flex:0 0 9.6cm;margin:0}.map svg{width:100%;height:auto;display:block}
.facts{flex:1 1 auto;min-width:0}.facts p{margin:.35em 0}
.head{font-size:12.5pt;font-weight:bold;margin-top:0}
table{border-collapse:collapse;font-size:7pt;width:100%;margin-top:.2em;table-layout:fixed}
thead{display:table-header-group}tr{break-inside:avoid}
th,td{border:1px solid #888;padding:1.5px 2.5px;text-align:left;vertical-align:top}
td,th{overflow-wrap:anywhere}th{font-size:6.6pt}
th{background:#eee;-webkit-print-color-adjust:exact;print-color-adjust:exact}
td.num,th.num{text-align:right}
.link{font:7pt/1.25 ui-monospace,'DejaVu Sans Mono',monospace;word-break:break-all;
 overflow-wrap:anywhere;margin:.2em 0}
.link a{color:#111}
.file{break-before:page}
.file pre{font:7.5pt/1.3 ui-monospace,'DejaVu Sans Mono',monospace;white-space:pre-wrap;
 overflow-wrap:anywhere;margin:0}
"""

#: A workshop room's printable summary.
# Pagination: a heading never ends a page (it is kept with what follows, in a block that
# does not break), table rows are not split, a table's heading row repeats on each page, the
# map with its key and counts stays on one page, and each entry's description stays whole.
ROOM_SUMMARY_CSS = """
body{font:10.5pt/1.35 system-ui,sans-serif;color:#111;margin:1.2cm;max-width:27cm}
h1{font-size:17pt;margin:0 0 .2em}h2{font-size:12pt;margin:1em 0 .3em}
h1,h2,h3{break-after:avoid;page-break-after:avoid}
.head{break-inside:avoid;page-break-inside:avoid;break-after:avoid;page-break-after:avoid}
.keep{break-inside:avoid;page-break-inside:avoid}
.meta{color:#444;font-size:9.5pt}
table{border-collapse:collapse;font-size:8.5pt;width:100%}
thead{display:table-header-group}tr{break-inside:avoid;page-break-inside:avoid}
th,td{border:1px solid #999;padding:2px 4px;text-align:left;vertical-align:top}
td.n{text-align:right;white-space:nowrap}tr.ref td{font-style:italic;background:#f2f2f2}
.maprow{display:flex;gap:1.2em;align-items:flex-start}
.legend{list-style:none;padding:0;margin:.4em 0;font-size:9pt}
.legend li{display:flex;align-items:center;gap:.4em;margin:.1em 0}
.sw{display:inline-block;width:1.4em;height:1em;border:1px solid #4D4D4D;
-webkit-print-color-adjust:exact;print-color-adjust:exact}
.entry{break-inside:avoid;page-break-inside:avoid;margin:.5em 0}
.entry p{margin:.1em 0}.entry ul{margin:.1em 0 .1em 1.2em;padding:0;font-size:9.5pt}
@media print{body{margin:0;max-width:none}@page{size:A4 landscape;margin:1.2cm}}
"""

#: The per-hub table (in the app and printed): a table where its box is wide enough
#: (:data:`HUB_CARDS_BELOW_PX`), else one card per hub (a phone, a narrow column): never
#: scrolled sideways (issue 16 leftovers: 1366 px). A container query, so the box decides,
#: not the screen.
HUB_CARDS_BELOW_PX = 760
HUB_TABLE_CSS = (
    ".hub-wrap{overflow-x:auto;max-width:100%;container-type:inline-size}"
    ".hub-table{border-collapse:collapse;width:100%;font-size:.875rem}"
    ".hub-table th,.hub-table td{border-bottom:1px solid #d0d0d0;padding:.3rem .4rem;"
    # Words wrap at spaces only, never mid-word ("Carmar thenshi re", "Gweste iwr"): place
    # names are not hyphenated.
    "text-align:left;vertical-align:top;overflow-wrap:normal;word-break:normal;"
    "hyphens:manual;min-width:3.5rem}"
    f"@container (max-width:{HUB_CARDS_BELOW_PX}px){{"
    ".hub-table thead{position:absolute;left:-9999px}"
    ".hub-table tr{display:block;border:1px solid #d0d0d0;margin-bottom:.6rem}"
    ".hub-table td{display:block;border:0}"
    ".hub-table td::before{content:attr(data-label) ': ';font-weight:600}}"
)

#: Inside the folium map's own document: no mouse-focus box round an area (keyboard focus
#: still shows), the background, attribution and the equal-tile map's labels.
MAP_DOCUMENT_CSS = (
    ".leaflet-interactive:focus:not(:focus-visible){outline:none}"
    ".leaflet-container{background:#dfe6ea;font-size:14px}"
    ".leaflet-control-attribution{font-size:11px}"
    ".tile-label{font:600 11px/1.15 sans-serif;color:#111;text-align:center;"
    "white-space:normal;background:rgba(255,255,255,.88);border-radius:3px;"
    "padding:1px 2px;display:inline-block;max-width:84px;hyphens:manual}"
    ".tile-label.big{font-size:16px;max-width:128px}"
    ".tile-label-icon{display:flex;align-items:center;justify-content:center}"
    ".map-name{font:600 11px/1.15 sans-serif;color:#111;text-align:center;"
    "white-space:nowrap;background:rgba(255,255,255,.72);border-radius:3px;"
    "padding:3px;box-sizing:border-box;width:100%;height:100%}"
    ".map-name.big{font-size:16px}"
    # A phone-sized map draws the tiles smaller: their names shrink to fit.
    "@media (max-width:420px){.tile-label,.tile-label.big{font-size:9.5px;"
    "max-width:60px}}"
    ".mash-wheel-hint{position:absolute;z-index:1000;left:50%;top:50%;"
    "transform:translate(-50%,-50%);background:rgba(0,0,0,.78);color:#fff;"
    "padding:.5em .8em;border-radius:4px;pointer-events:none;opacity:0;"
    "transition:opacity .3s;font:14px/1.3 sans-serif;max-width:80%;text-align:center}"
)

#: The presenter view's style (class names start ``pv-``). Numbers never wrap and line up
#: (tabular figures); names wrap between words (long unbroken words only where they must).
PRESENTER_CSS = (
    ".pv-cols{display:flex;gap:1.4rem;align-items:flex-start;width:100%}"
    ".pv-cols>table{flex:1 1 0;min-width:0;width:100%;border-collapse:collapse;"
    "line-height:1.15;color:#1a1a1a}"
    ".pv-one>table{font-size:1.05rem}.pv-two>table{font-size:.85rem}"
    ".pv-cols th{font-size:.72em;font-weight:700;text-align:left;vertical-align:bottom;"
    "padding:.1rem .3rem;border-bottom:3px solid #1a1a1a;hyphens:none}"
    ".pv-cols td{padding:.12rem .3rem;border-bottom:1px solid #8C8C8C;vertical-align:top;"
    "overflow-wrap:break-word;hyphens:none}"
    ".pv-cols .pv-n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}"
    ".pv-cols th.pv-n{white-space:normal}"
    ".pv-ref td{background:#EFEFEF;font-style:italic}"
    ".pv-top td{font-weight:700;background:#FFF4CE}"
    ".pv-top td:first-child{border-left:6px solid #1a1a1a}"
    ".pv-cols th.pv-s{width:100%}"
    ".pv-place{white-space:nowrap;font-size:.85em}"
    ".pv-who{font-size:.85em}"
    ".pv-cols a{color:#0B4F8A;text-decoration:underline}"
    ".pv-badge{display:inline-block;margin-left:.4em;padding:0 .35em;border:2px solid #1a1a1a;"
    "background:#FFFFFF;color:#1a1a1a;font-size:.72em;font-weight:700;font-style:normal;"
    "white-space:nowrap}"
    "@keyframes pv-fade{to{visibility:hidden}}"
)


def svg_map_css(font_px: float) -> str:
    """Text of the static SVG map: ``font_px`` pixels, labels haloed in white."""
    return (f"text{{font-family:system-ui,'DejaVu Sans',sans-serif;font-size:{font_px}px;"
            "fill:#000000}.label{text-anchor:middle;paint-order:stroke;stroke:#FFFFFF;"
            "stroke-width:2.6px;stroke-linejoin:round}")


#: Legends (:mod:`explorer.printing.legend`): entries wrap, each a swatch and its words.
LEGEND_LIST_STYLE = "display:flex;flex-wrap:wrap;gap:.4em 1.2em;margin:.2em 0 .4em"
LEGEND_ITEM_STYLE = "display:inline-flex;align-items:center;gap:.4em;color:#1a1a1a"


def swatch_style(colour: str, *, edge: str, edge_px: int = 1, dashed: bool = False,
                 size_em: float = 1.1) -> str:
    """A legend swatch: a ``size_em`` square of ``colour`` with its edge."""
    return (f"display:inline-block;flex:none;width:{size_em:g}em;height:{size_em:g}em;"
            f"background:{colour};border:{edge_px}px {'dashed' if dashed else 'solid'} {edge}")

#: The workshop board's side-by-side comparison (pages/ui/rooms/compare.py): measures down the
#: side, the reference column shaded, long text wrapping instead of being cut off.
COMPARE_TABLE_CSS = (
    ".cmp-wrap{overflow-x:auto}"
    ".cmp{border-collapse:collapse;width:100%;font-size:.95rem}"
    ".cmp th,.cmp td{border-bottom:1px solid #d0d0d0;padding:.3rem .5rem;text-align:left;"
    "vertical-align:top;overflow-wrap:break-word}.cmp thead th{border-bottom:2px solid #555}"
    ".cmp td:nth-child(2){background:#f2f2f2}"
)
