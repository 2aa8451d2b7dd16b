"""The geographic layer, between the pages and the domain (``explorer/``): boundaries of the
22 authorities obtained at run time (:mod:`geo.boundaries`, with the tile map as fallback),
dissolved outlines and label points (:mod:`geo.layers`), Leaflet's files served offline
(:mod:`geo.assets`) and the pure folium map builders (:mod:`geo.maps`). Never imports
Streamlit (``geo/ruff.toml``).
"""
