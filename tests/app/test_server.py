"""pages/ui/server.py: socket tuning, tested without a running app."""

from __future__ import annotations

import socket
import sys

import pytest

from pages.ui import server
from pages.ui.server import nodelay_sockets


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc/self/fd (Linux)")
def test_nodelay_on_the_server_port_and_inherited_by_later_connections() -> None:
    nodelay = (socket.IPPROTO_TCP, socket.TCP_NODELAY)
    with socket.socket() as listener, socket.socket() as other:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = listener.getsockname()[1]
        assert listener.getsockopt(*nodelay) == 0
        assert nodelay_sockets(port) == 1
        assert listener.getsockopt(*nodelay) != 0
        assert other.getsockopt(*nodelay) == 0  # another port: untouched
        with socket.create_connection(("127.0.0.1", port)) as client:
            accepted, _ = listener.accept()
            with accepted:
                assert accepted.getsockopt(*nodelay) != 0  # inherited from the listener
            assert client.getsockopt(*nodelay) == 0  # the client's own choice
        assert listener.fileno() != -1  # the app's socket is still open


@pytest.mark.parametrize(("value", "tuned"), [("off", False), ("0", False), ("", True),
                                              ("on", True)])
def test_socket_tuning_can_be_turned_off(monkeypatch, value: str, tuned: bool) -> None:
    calls = []
    monkeypatch.setattr(server, "sockets_ready", lambda: calls.append(1) or 3)
    monkeypatch.setenv("MASH_SOCKET_TUNING", value)
    assert server.tune_sockets() == (3 if tuned else 0)
    assert bool(calls) is tuned
