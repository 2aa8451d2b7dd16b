"""Keyboard focus after "Join to vote" (issue 16 leftovers).

The button a keyboard user pressed is gone after joining, and the member's votes move to the
top of the board: the browser dropped the focus to the top of the page (29 Tabs to the first
vote switch). A tiny script in the page's own document (no request, no iframe) puts the focus
on the first vote switch, or on the votes heading while there is nothing to vote for yet. It is
drawn once, in the run right after joining; it waits (at most a few seconds) for the switches
to be drawn.
"""

from __future__ import annotations

import json

import streamlit as st

#: Session state: the room whose "Join to vote" was just pressed (the next run moves focus).
JOINED = "room_focus_after_join"

_JS = r"""(function () {
  var BOX = %(box)s, tries = 0;
  function go() {
    var box = document.querySelector("." + BOX);
    var target = box && box.querySelector('[class*="st-key-room_card_"] input');
    if (!target && box) {
      target = box.querySelector("h1, h2, h3");
      if (target) target.setAttribute("tabindex", "-1");
    }
    if (target) {
      target.focus();
      if (document.activeElement === target) {
        target.scrollIntoView({block: "center"});
        return;
      }
    }
    if (++tries < 60) setTimeout(go, 100);
  }
  go();
})();"""


def votes_key(code: str) -> str:
    """The key of the container around a member's votes (its CSS class is
    ``st-key-`` + this)."""
    return f"room_votes_{code}"


def first_vote(code: str) -> None:
    """Move the keyboard focus to the first vote switch in ``code``'s votes (or their
    heading)."""
    script = _JS % {"box": json.dumps("st-key-" + votes_key(code))}
    st.html(f'<span class="mash-doc" hidden></span><script>{script}</script>',
            unsafe_allow_javascript=True)
