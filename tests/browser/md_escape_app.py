"""A bare Streamlit script for ``test_md_escape.py``: every hostile text through md_escape in
each markdown element a page uses. Run by ``streamlit run`` (never imported by pytest)."""

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import streamlit as st

    from explorer.text import md_escape
    from tests.hostile_text import HOSTILE_MARKDOWN

    for i, text in enumerate(HOSTILE_MARKDOWN):
        with st.container(key=f"md{i}"):
            st.markdown(md_escape(text))
        with st.container(key=f"warn{i}"):
            st.warning("Problem: " + md_escape(text))
        with st.container(key=f"cap{i}"):
            st.caption(md_escape(text))
        with st.container(key=f"emo{i}"):  # a shortcode in the same element loads the emoji rule
            st.info(":tada: " + md_escape(text))
        with st.container(key=f"list{i}"):
            st.error("**Left out:**\n" + "\n".join(f"- {md_escape(text)}" for _ in range(2)))
    st.write("all rendered")
