"""No edit lost in a fragment after a server restart or a replica failover (issue 20).

Streamlit's page reconnects to a new server session after a restart or a failover without
rerunning anything, and the new session silently drops every rerun of a fragment it never drew
(``AppSession.request_rerun``: "The fragment with id ... does not exist anymore"). An edit
made in a fragment (the planner's body) would be lost.

The fix is in the browser, where it is in place before the server goes away: a tiny script in
the page's own document (no iframe, no request) that

- marks every WebSocket the page opens *after* it ran (a reconnection: Streamlit opens a new
  socket for each attempt), and
- on such a socket, for as long as it lives, rewrites a
  ``rerun_script`` message naming a fragment into the same message without the fragment
  (protobuf field ``ClientState.fragment_id``, number 5, inside ``BackMsg.rerun_script``,
  number 11): the server runs the whole page with every widget's value the browser sent, the
  edit included. (For as long as the socket lives, not just once: a fragment rerun sent while
  the new session's first whole run has not yet drawn the fragment would be dropped too. A
  reconnected page's edits thus cost a whole-page run, as before fragments.)

The page's own socket (opened before the script ran) is never touched, nor any other message.
The planner keeps what the widgets need to match in the URL (:func:`pages.ui.planner.session
.key_state`), so the new session's widgets are the browser's widgets and the edit applies.
``tests/browser/test_whatif_restart.py`` restarts a real server under an open planner.
"""

from __future__ import annotations

import streamlit as st

#: Field numbers in Streamlit 1.67's protobufs (checked by tests/unit/test_rerun_guard.py).
BACKMSG_RERUN_SCRIPT = 11
CLIENTSTATE_FRAGMENT_ID = 5

_JS = r"""(function () {
  if (window.mashRerunGuard) return;
  window.mashRerunGuard = true;
  var RERUN = %(rerun)d, FRAGMENT = %(fragment)d;
  var Base = window.WebSocket, send = Base.prototype.send;
  function varint(b, i) {
    var v = 0, m = 1, c;
    do { if (i >= b.length) return null; c = b[i++]; v += (c & 127) * m; m *= 128; }
    while (c & 128);
    return [v, i];
  }
  function putVarint(out, v) {
    while (v > 127) { out.push((v %% 128) | 128); v = Math.floor(v / 128); }
    out.push(v);
  }
  // The fields of a protobuf message: [number, start, end, payload start] each, or null.
  function fields(b) {
    var out = [], i = 0;
    while (i < b.length) {
      var start = i, tag = varint(b, i);
      if (!tag) return null;
      i = tag[1];
      var wire = tag[0] %% 8, num = Math.floor(tag[0] / 8), body = i;
      if (wire === 0) { var v = varint(b, i); if (!v) return null; i = v[1]; }
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else if (wire === 2) {
        var n = varint(b, i);
        if (!n) return null;
        body = n[1];
        i = n[1] + n[0];
      }
      else return null;
      if (i > b.length) return null;
      out.push([num, start, i, body]);
    }
    return out;
  }
  function join(parts) {
    var size = 0, k, out, at = 0;
    for (k = 0; k < parts.length; k++) size += parts[k].length;
    out = new Uint8Array(size);
    for (k = 0; k < parts.length; k++) { out.set(parts[k], at); at += parts[k].length; }
    return out;
  }
  // The same BackMsg with the fragment taken out of its rerun_script (the same bytes when it
  // is not a rerun of a fragment, or not a message this script can read).
  function wholePage(b) {
    var top = fields(b);
    if (!top) return b;
    var parts = [], changed = false;
    for (var k = 0; k < top.length; k++) {
      var f = top[k];
      if (f[0] !== RERUN) { parts.push(b.subarray(f[1], f[2])); continue; }
      var state = b.subarray(f[3], f[2]), inner = fields(state);
      if (!inner) return b;
      var kept = [];
      for (var j = 0; j < inner.length; j++) {
        if (inner[j][0] === FRAGMENT) changed = true;
        else kept.push(state.subarray(inner[j][1], inner[j][2]));
      }
      var body = join(kept), head = [];
      putVarint(head, RERUN * 8 + 2);
      putVarint(head, body.length);
      parts.push(new Uint8Array(head), body);
    }
    return changed ? join(parts) : b;
  }
  function Guarded(url, protocols) {
    var ws = protocols === undefined ? new Base(url) : new Base(url, protocols);
    ws.mashReconnected = true;  // opened after this page first ran: a new server session
    return ws;
  }
  Guarded.prototype = Base.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (k) { Guarded[k] = Base[k]; });
  window.WebSocket = Guarded;
  Base.prototype.send = function (data) {
    if (this.mashReconnected) {
      var bytes = data instanceof Uint8Array ? data
        : data instanceof ArrayBuffer ? new Uint8Array(data) : null;
      var out = bytes && wholePage(bytes);
      if (out && out !== bytes) {
        window.mashRerunsMadeWhole = (window.mashRerunsMadeWhole || 0) + 1;
        return send.call(this, out);
      }
    }
    return send.call(this, data);
  };
})();"""


def script() -> str:
    return _JS % {"rerun": BACKMSG_RERUN_SCRIPT, "fragment": CLIENTSTATE_FRAGMENT_ID}


def install() -> None:
    """Put the guard in the page (hidden; once per page load, whatever the reruns). Call it
    outside any fragment: a whole-page run sends it, a fragment rerun does not."""
    st.html(f'<span class="mash-doc" hidden></span><script>{script()}</script>',
            unsafe_allow_javascript=True)
