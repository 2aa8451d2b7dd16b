"""The reconnection guard's script (pages/ui/rerun_guard.py), run in Node against real
Streamlit messages: on a socket opened after the guard ran, a rerun of a fragment leaves as
the same rerun of the whole page (every widget value kept); anything else leaves unchanged; the
page's own socket is never touched."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: TID251 (the guard's wire format)
from streamlit.proto.ClientState_pb2 import ClientState  # noqa: TID251

from pages.ui import rerun_guard

HARNESS = r"""
const sent = [];
function Fake(url) { this.url = url; }
Fake.prototype.send = function (d) { sent.push(Array.from(d)); };
globalThis.window = {WebSocket: Fake};
const original = new Fake("ws://before");   // the page's own socket, opened before the guard
%s
const later = new window.WebSocket("ws://after");  // a reconnection
const messages = %s;
for (const m of messages) original.send(new Uint8Array(m));
for (const m of messages) later.send(new Uint8Array(m));
later.send(new Uint8Array(messages[0]).buffer);
console.log(JSON.stringify({sent, whole: window.mashRerunsMadeWhole || 0,
                            isSocket: later instanceof window.WebSocket}));
"""


def test_field_numbers_are_streamlits():
    assert BackMsg.DESCRIPTOR.fields_by_name["rerun_script"].number == \
        rerun_guard.BACKMSG_RERUN_SCRIPT
    assert ClientState.DESCRIPTOR.fields_by_name["fragment_id"].number == \
        rerun_guard.CLIENTSTATE_FRAGMENT_ID


def _fragment_rerun() -> BackMsg:
    msg = BackMsg()
    msg.rerun_script.query_string = "scenario=abc&wk=2.0-3.4"
    msg.rerun_script.page_name = "what-if"
    msg.rerun_script.page_script_hash = "f" * 32
    msg.rerun_script.fragment_id = "frag" * 8
    msg.rerun_script.context_info.url = "http://x/what-if?scenario=abc"
    for i in range(40):  # long enough that lengths take two bytes
        w = msg.rerun_script.widget_states.widgets.add()
        w.id = f"$$ID-{i:032d}-wi_h{i}_name_2_en"
        w.string_value = "Mid and West é " * 3
    return msg


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_a_reconnected_socket_sends_fragment_reruns_as_whole_page_runs():
    fragment = _fragment_rerun()
    whole = BackMsg()
    whole.rerun_script.CopyFrom(fragment.rerun_script)
    whole.rerun_script.ClearField("fragment_id")
    heartbeat = BackMsg(app_heartbeat=True)
    messages = [m.SerializeToString() for m in (fragment, whole, heartbeat)]
    out = subprocess.run(
        ["node", "-e", HARNESS % (rerun_guard.script(), json.dumps([list(m) for m in messages]))],
        capture_output=True, text=True, timeout=60, check=True)
    report = json.loads(out.stdout)
    sent = [bytes(s) for s in report["sent"]]
    assert report["isSocket"]
    assert sent[:3] == messages  # the page's own socket: untouched
    after = BackMsg.FromString(sent[3])
    assert not after.rerun_script.fragment_id
    assert after == whole  # every other field (widget values, URL, page) kept
    assert sent[4] == messages[1] and sent[5] == messages[2]
    assert BackMsg.FromString(sent[6]) == whole  # an ArrayBuffer too
    assert report["whole"] == 2
