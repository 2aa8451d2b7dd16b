"""Pure domain logic for the MASH Wales explorer.

Nothing in this package imports streamlit, folium or streamlit_folium: it can be used
from the command line (``python -m explorer``), from tests and from the app alike.
"""
