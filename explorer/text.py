"""User text as data: escaping for the surfaces that would otherwise interpret it.

>>> print(md_escape("[a](b) *c*"))
\\[a\\]\\(b\\) \\*c\\*
"""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:&=\"'])")


def md_escape(s: str) -> str:
    """``s`` made literal inside Streamlit markdown: every special character escaped."""
    return _MD_SPECIAL.sub(r"\\\1", s).replace("\n", " ")
