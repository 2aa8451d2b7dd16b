"""A refusal or a limit reached, shown now, in one place.

Every page shows "not done" the same way: the text (which may quote what a visitor typed or
a stored name) as literal text, never Markdown, optionally followed by one bullet per problem.
Callers pass the text already in the page's language (from ``explorer/messages.toml``).
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from explorer.text import md_escape

KINDS = ("error", "warning", "info")


def refused(text: str, kind: str = "error", icon: str | None = None,
            lines: Iterable[str] = ()) -> None:
    """Show ``text`` (and ``lines``, one bullet each) as literal text in an ``st.<kind>`` box."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    bullets = "\n".join(f"- {md_escape(line)}" for line in lines)
    body = "\n\n".join(part for part in (md_escape(text) if text else "", bullets) if part)
    getattr(st, kind)(body, icon=icon)
