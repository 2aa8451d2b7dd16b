"""The app's own words while the server is restarting (issue 16): "Reconnecting to the
workshop server…" (Welsh too) instead of Streamlit's "Streamlit server is not responding. Are
you connected to the internet?".

Streamlit 1.67 has no setting for that text: it is written into its frontend bundle
(``DoInitPings`` in ``static/js/index.*.js``) and shown in its "Connection error" dialog after
six failed pings; streamlit/streamlit#12661 asks for a setting and is open. What the app can do
is what :func:`pages.ui.shell.document_language` already does: a tiny script in the page's own
document (no request, no iframe) that stays alive while the connection is down. It watches the
document and, when Streamlit's dialog shows one of its two connection messages, puts this
page's wording in place of the message and the title (changing only the text of the nodes
React drew, so React keeps working). ``tests/browser/test_presenter.py`` stops a real server
and reads the dialog, so a Streamlit upgrade that changes the text or the dialog fails there.
"""

from __future__ import annotations

import html

import streamlit as st

from explorer.i18n import t

#: Streamlit's own messages (1.67), matched by a part of each.
STREAMLIT_MESSAGES = ("Are you connected to the internet?", "Is Streamlit still running?")
STREAMLIT_TITLE = "Connection error"

_JS = r"""(function () {
  var MESSAGES = %(messages)s, TITLE = %(title)s;
  function words() {
    var marks = document.querySelectorAll("span.mash-reconnect[data-body]");
    if (!marks.length) return null;
    var m = marks[marks.length - 1];
    return {title: m.getAttribute("data-title"), body: m.getAttribute("data-body")};
  }
  function apply() {
    var w = words();
    if (!w) return;
    document.querySelectorAll('[role="dialog"]').forEach(function (dialog) {
      var walker = document.createTreeWalker(dialog, NodeFilter.SHOW_TEXT);
      var node, ours = false;
      while ((node = walker.nextNode())) {
        var text = node.nodeValue || "";
        if (MESSAGES.some(function (s) { return text.indexOf(s) >= 0; })) {
          node.nodeValue = w.body;
          ours = true;
        } else if (text.trim() === TITLE) {
          node.nodeValue = w.title;
        }
      }
      if (ours) {  // the local-server variant adds a command to type: not for visitors
        dialog.querySelectorAll("pre").forEach(function (pre) { pre.style.display = "none"; });
      }
    });
  }
  apply();
  if (!window.mashReconnectObserver) {
    window.mashReconnectObserver = new MutationObserver(apply);
    window.mashReconnectObserver.observe(document.body,
      {childList: true, subtree: true, characterData: true});
  }
})();"""


def install(lang: str) -> None:
    """Put the page's wording in Streamlit's connection dialog (hidden marker and script)."""
    import json

    script = _JS % {"messages": json.dumps(list(STREAMLIT_MESSAGES)),
                    "title": json.dumps(STREAMLIT_TITLE)}
    st.html(f'<span class="mash-doc mash-reconnect" hidden '
            f'data-title="{html.escape(t("reconnect.title", lang))}" '
            f'data-body="{html.escape(t("reconnect.body", lang))}"></span>'
            f"<script>{script}</script>", unsafe_allow_javascript=True)
