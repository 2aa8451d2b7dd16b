"""Server tweaks made once per process, when the first page runs: Leaflet's files served
from the installed package (so no page asks a CDN, and nothing is written into the source
tree), TCP_NODELAY on the server's sockets, one event-loop wake-up per batch of messages
(:mod:`pages.ui.wakeups`) and work Streamlit repeats every run made once
(:mod:`pages.ui.run_memos`).

Socket tuning can be turned off with ``MASH_SOCKET_TUNING=off`` (for a platform whose
sockets must not be touched, or to compare timings); see docs/operations.md.
"""

from __future__ import annotations

import os

import streamlit as st

from explorer.config import SOCKET_TUNING_ENV


def tune_sockets() -> int:
    """:func:`sockets_ready`, :func:`wakeups_ready` and :func:`memos_ready` unless
    ``MASH_SOCKET_TUNING`` is ``off`` (or ``0``, ``false``, ``no``); returns how many sockets
    were set."""
    if os.environ.get(SOCKET_TUNING_ENV, "").strip().lower() in ("off", "0", "false", "no"):
        return 0
    wakeups_ready()
    memos_ready()
    return sockets_ready()


@st.cache_resource(show_spinner=False)
def wakeups_ready() -> bool:
    """One event-loop wake-up per batch of queued messages (:mod:`pages.ui.wakeups`)."""
    from pages.ui import wakeups

    return wakeups.coalesce()


@st.cache_resource(show_spinner=False)
def memos_ready() -> bool:
    """The theme message and shared tables' Arrow bytes made once (:mod:`pages.ui.run_memos`)."""
    from pages.ui import run_memos

    return run_memos.install()


@st.cache_resource(show_spinner=False)
def leaflet_ready() -> str:
    """Have Streamlit serve the installed XStatic-Leaflet folder, once per server process,
    at ``<app>/component/<LEAFLET_COMPONENT>/`` (see :mod:`geo.assets`); nothing is copied.

    The folder is registered as a component's files (Streamlit's own route for them works
    under any ``server.baseUrlPath`` and proxy prefix). Returns the folder served.
    """
    from streamlit import runtime
    from streamlit.components.v1.custom_component import CustomComponent

    from geo.assets import LEAFLET_COMPONENT, MAP_DATA_COMPONENT, leaflet_package_dir, map_data_dir

    folder = str(leaflet_package_dir())
    if runtime.exists():  # not under AppTest's bare runs, which serve nothing
        registry = runtime.get_instance().component_registry
        registry.register_component(
            CustomComponent(name=LEAFLET_COMPONENT, path=folder, url=None,
                            module_name=LEAFLET_COMPONENT.split(".")[0]))
        # The maps' data files (geo.assets.install_map_data), outside the source tree.
        data_dir = map_data_dir()
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # install_map_data then keeps the data inside each map's script
        else:
            registry.register_component(
                CustomComponent(name=MAP_DATA_COMPONENT, path=str(data_dir), url=None,
                                module_name=MAP_DATA_COMPONENT.split(".")[0]))
    return folder


@st.cache_resource(show_spinner=False)
def sockets_ready() -> int:
    """Turn off Nagle's algorithm on this server's TCP sockets, once per process; returns how
    many sockets were set.

    Streamlit's server leaves it on (asyncio's TCP_NODELAY default misses sockets accepted
    with protocol 0), so the last small messages of a run wait for the browser's delayed ACK:
    a 40 ms stall on every rerun, measured by ``bench/bench_load.py``. Linux copies the option
    from the listening socket to every connection it accepts later.
    """
    return nodelay_sockets(st.get_option("server.port"))


def nodelay_sockets(port: int) -> int:
    """Set TCP_NODELAY on every TCP socket of this process bound to local ``port`` (Linux:
    found through ``/proc/self/fd``; elsewhere nothing is done). Returns how many were set."""
    import socket
    import stat

    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return 0
    tuned = 0
    for fd in fds:
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue  # pipes and files are never touched (nor duplicated)
            dup = os.dup(fd)
        except OSError:  # already closed
            continue
        try:
            sock = socket.socket(fileno=dup)
        except OSError:
            # Close the duplicate: a leaked copy of a pipe would keep it open for good (a
            # test process's browser driver, say, would then never see its input end).
            os.close(dup)
            continue
        with sock:  # closes the duplicate only
            try:
                if (sock.family in (socket.AF_INET, socket.AF_INET6)
                        and sock.type == socket.SOCK_STREAM
                        and sock.getsockname()[1] == port):
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    tuned += 1
            except OSError:
                continue
    return tuned
