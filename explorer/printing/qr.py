"""QR codes as inline SVG (segno, pure Python): a link a phone can open from across a room.

>>> svg = qr_svg("http://127.0.0.1:8501/what-if")
>>> svg.startswith("<svg") and 'role="img"' in svg
True
"""

from __future__ import annotations

import html

import segno


def qr_svg(text: str, *, scale: int = 4, label: str = "QR code of the link") -> str:
    """An SVG QR code for ``text`` (dark on white, with a quiet zone), accessible by name."""
    svg = segno.make(text, error="m").svg_inline(scale=scale, dark="#000000", light="#FFFFFF",
                                                 border=4)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label)}" ', 1)


def qr_img(text: str, *, label: str, width_css: str = "240px") -> str:
    """An ``<img>`` of the QR code of ``text`` (an SVG data URI: no request leaves the page).

    ``st.html`` sanitises with DOMPurify's HTML profile, which removes inline ``<svg>``; an
    image with a data URI passes, scales with ``width_css`` and carries ``label`` as its
    alt text (escaped).

    >>> tag = qr_img("http://127.0.0.1:8501/what-if?room=ABC234", label='Join "room"')
    >>> tag.startswith('<img src="data:image/svg+xml') and 'alt="Join &quot;room&quot;"' in tag
    True
    """
    uri = segno.make(text, error="m").svg_data_uri(scale=8, border=4, dark="#000000",
                                                    light="#FFFFFF")
    return (f'<img src="{html.escape(uri)}" alt="{html.escape(label)}" '
            f'style="width:{html.escape(width_css)};max-width:100%;height:auto;'
            'image-rendering:pixelated;display:block">')
