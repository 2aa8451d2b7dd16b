"""The one colour palette: the folium maps (:mod:`geo.maps`), the printed SVG map
(:mod:`explorer.printing.svg_map`) and the legends on the pages all take their colours here,
so printing needs no folium.
"""

from __future__ import annotations

#: Okabe-Ito colours (safe for the common colour-vision deficiencies), by MASH status.
STATUS_COLOURS: dict[str, str] = {
    "mash": "#0072B2",  # blue
    "mash_pilot": "#56B4E9",  # sky blue
    "mash_ceased": "#E69F00",  # orange
    "no_mash": "#F2F2F2",  # very light grey
}
#: Fills for the what-if map.
COVERAGE_COLOURS: dict[str, str] = {
    "covered": "#0072B2",
    "newly_covered": "#009E73",  # bluish green
    "not_covered": "#F2F2F2",
}
AREA_EDGE = "#4D4D4D"
FORCE_EDGE = "#000000"
#: Dissolved outline layers: (colour, weight, dash).
OUTLINE_STYLES = {
    "forces": ("#000000", 2.5, None),
    "health_board": ("#AA3377", 2.0, "6 4"),
    "safeguarding_board": ("#D55E00", 2.0, "2 4"),
}
SELECTED_EDGE = "#000000"
HUB_COLOUR = "#000000"
#: Line colour for a member left out by the distance limit (also dashed), as on the app map.
EXCLUDED_COLOUR = "#D55E00"

#: Fills for "how many workshop entries cover this authority", none to most (light to
#: dark blue). The number is also drawn on each authority: never meaning by colour alone.
COUNT_COLOURS: tuple[str, ...] = ("#F2F2F2", "#C6DBEF", "#6BAED6", "#2171B5", "#08306B")
