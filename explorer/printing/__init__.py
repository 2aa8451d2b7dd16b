"""Everything that prints: HTML, SVG and CSS producers (the briefing, the per-hub table,
the SVG map, QR codes) and the one colour palette they share with the folium maps in
:mod:`geo.maps`. Plain strings in, plain strings out: no Streamlit, no folium.
"""
