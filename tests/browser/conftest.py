"""Browser tests: real Streamlit servers on 127.0.0.1 and one headless Chromium per session.

Each server configuration (environment) is started once per session by the ``servers``
factory and stopped at the end. Every server gets its own empty ``MASH_CACHE_DIR``; without
``MASH_BOUNDARIES`` it draws the bundled boundaries (the app never downloads anything).
``bench/bench_status_page.py`` and ``bench/bench_load.py`` reuse :func:`start_server`,
:func:`stop_server`, :func:`boundaries_setting` and the Chromium settings from this file.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: A MASH_BOUNDARIES value that cannot be used: the app falls back to its bundled boundaries
#: with a notice.
NO_BOUNDARIES = "/nonexistent.geojson"
#: Tall enough for the whole map to be in view: a click on a map partly out of view focuses
#: the area, the page scrolls between mouse down and up, and Leaflet sees no click.
VIEWPORT = {"width": 1400, "height": 1200}
#: Installed in every frame (page and map iframe) before any of its scripts run.
ERROR_TRAP_JS = (
    "window.__errors = [];"
    "window.addEventListener('error', e => window.__errors.push(String(e.message)));"
    "window.addEventListener('unhandledrejection', e => window.__errors.push(String(e.reason)));"
)


_STREAMLIT_PROBE = re.compile(r"^http://127\.0\.0\.1:\d+/[\w-]+/_stcore/(health|host-config)$")


def boundaries_setting() -> str:
    """MASH_BOUNDARIES for the main server: unset, so the app draws its bundled boundaries,
    as a fresh install does (nothing is ever downloaded)."""
    return ""


# --------------------------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def restart_in_place(server: Server, env: Mapping[str, str], log_path: Path) -> Server:
    """Kill ``server`` (as a crash or a platform restart does) and start the app again on the
    same port, so open pages reconnect to the new process."""
    port = int(server.url.rsplit(":", 1)[1])
    server.process.kill()
    server.process.wait(timeout=10)
    return start_server(REPO / "app.py", env, log_path=log_path, port=port)


def click_when_settled(page, locator, timeout_s: float = 20.0) -> None:
    """Click ``locator`` once it names one element: while a page reruns (after a member's vote,
    or the facilitator's previous click), Streamlit may show a control's old and new copies
    together for a moment (CI once clicked into that moment: a strict-mode error)."""
    deadline = time.monotonic() + timeout_s
    while locator.count() != 1:
        assert time.monotonic() < deadline, f"{locator} never settled to one element"
        page.wait_for_timeout(200)
    locator.click()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    script: Path,
    env: Mapping[str, str],
    *,
    cwd: Path = REPO,
    log_path: Path | None = None,
    timeout_s: float = 60.0,
    args: Sequence[str] = (),
    wrap: Sequence[str] = (),
    port: int | None = None,
) -> Server:
    """``streamlit run script`` on a free 127.0.0.1 port; returns once /_stcore/health is ok.

    ``env`` is added to this process's environment (any ``MASH_*`` variable of this process
    is dropped first: without ``MASH_BOUNDARIES`` the app uses its bundled boundaries, as a
    fresh install does). ``cwd`` is where ``.streamlit/config.toml`` is read from. ``args``
    are more ``streamlit run`` options: with ``--server.baseUrlPath P`` the returned URL is
    the app's (``http://127.0.0.1:PORT/P``). ``wrap`` comes before the command (e.g. to run
    it as another user). ``port``: this port instead of a free one (a restart in place).
    """
    port = port or free_port()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MASH_")}
    full_env.update(env)
    if not full_env.get("MASH_CACHE_DIR"):
        full_env["MASH_CACHE_DIR"] = tempfile.mkdtemp(prefix="mash-cache-")
    if log_path is None:
        fd, name = tempfile.mkstemp(prefix="streamlit-", suffix=".log")
        os.close(fd)
        log_path = Path(name)
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        *args,
    ]
    base_path = ""
    for option, value in zip(args, args[1:], strict=False):
        if option == "--server.baseUrlPath":
            base_path = "/" + value.strip("/")
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [*wrap, *command], cwd=cwd, env=full_env, stdout=log, stderr=subprocess.STDOUT
        )
    # The prefix comes from --server.baseUrlPath or STREAMLIT_SERVER_BASE_URL_PATH: the app,
    # health check included, is served below it, so the server's URL carries it.
    env_prefix = full_env.get("STREAMLIT_SERVER_BASE_URL_PATH", "").strip("/")
    base_path = base_path or (f"/{env_prefix}" if env_prefix else "")
    server = Server(f"http://127.0.0.1:{port}{base_path}", process, log_path)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early ({process.returncode}):\n"
                               f"{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=1) as answer:
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"streamlit not healthy within {timeout_s:g} s:\n{server.log_tail()}")


def stop_server(server: Server) -> None:
    """Stop the server process (by its own handle), waiting a bounded time."""
    if server.process.poll() is not None:
        return
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


def warm_up(server: Server, browser) -> None:
    """Open the default page once, so the server's caches (boundaries, outlines) are full and
    no test's timing includes them. The cold start itself has its own test in
    ``test_whatif.py`` (a share link as the very first visit)."""
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.goto(server.url, timeout=60_000)
        tab.locator("h1").first.wait_for(timeout=60_000)
    finally:
        context.close()


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory, browser) -> Iterator[Callable[..., Server]]:
    """``servers(args=(), **env)``: an app server for that environment (``MASH_BOUNDARIES``
    defaults to :func:`boundaries_setting`) and those ``streamlit run`` options, started once
    per session and stopped at the end."""
    started: dict[tuple, Server] = {}

    def get(args: Sequence[str] = (), **env: str) -> Server:
        env.setdefault("MASH_BOUNDARIES", boundaries_setting())
        key = (tuple(args), *sorted(env.items()))
        if key not in started:
            folder = tmp_path_factory.mktemp("server")
            started[key] = start_server(
                REPO / "app.py",
                {"MASH_CACHE_DIR": str(folder / "cache"), **env},
                log_path=folder / "streamlit.log",
                args=args,
            )
            warm_up(started[key], browser)
        return started[key]

    try:
        yield get
    finally:
        for server in started.values():
            stop_server(server)


@pytest.fixture(scope="session")
def app_server(servers: Callable[..., Server]) -> Server:
    """The app as freshly installed: bundled boundaries, an empty cache folder."""
    return servers()


@pytest.fixture(scope="session")
def bad_boundaries_server(servers: Callable[..., Server]) -> Server:
    """The app with an unusable MASH_BOUNDARIES: bundled boundaries and a notice."""
    return servers(MASH_BOUNDARIES=NO_BOUNDARIES)


# --------------------------------------------------------------------------------------------
# Browser
# --------------------------------------------------------------------------------------------


@dataclass
class Recorder:
    """Every request URL (page and iframes), console errors and uncaught page errors."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def console(self, kind: str, text: str, location: Mapping[str, object]) -> None:
        url = str(location.get("url") or "")
        # Opened at /<page>, Streamlit first probes /<page>/_stcore/… for a base path and
        # logs the 404s before falling back to /_stcore/…: its own behaviour, not the app's.
        if kind != "error" or _STREAMLIT_PROBE.search(url):
            return
        self.console_errors.append(f"{text} ({url})" if url else text)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def page(browser, recorder: Recorder):
    """A page in a fresh browser context, recording into ``recorder``."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(20_000)
    context.add_init_script(ERROR_TRAP_JS)
    tab = context.new_page()
    tab.on("request", lambda request: recorder.requests.append(request.url))
    tab.on("console", lambda msg: recorder.console(msg.type, msg.text, msg.location))
    tab.on("pageerror", lambda exc: recorder.page_errors.append(str(exc)))
    try:
        yield tab
    finally:
        context.close()


# --------------------------------------------------------------------------------------------
# People whose every request is watched (tests/browser/test_prefix.py and the ops harnesses)
# --------------------------------------------------------------------------------------------


def is_streamlit_probe(url: str) -> bool:
    """Opened at ``<base>/<page>``, Streamlit's frontend first tries ``<base>/<page>/_stcore``
    for its server before ``<base>/_stcore``: those 404s are its own probing."""
    return bool(re.search(r"/[\w-]+/_stcore/(health|host-config)$", urlsplit(url).path))


@dataclass
class Net:
    """Failed requests and error responses of one browser context (all its frames)."""

    failures: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def watch(self, context) -> None:
        context.on("request", lambda r: self.requests.append(r.url))
        context.on("requestfailed", self._failed)
        context.on("response", self._response)

    def _failed(self, request) -> None:
        failure = request.failure or ""
        # A request cut short by the page itself (a navigation, a rerun replacing the map's
        # iframe while its script still loads, a closed websocket) is not a failure of the
        # server: a server's failure is an error status (below) or another net:: error.
        if "ERR_ABORTED" in failure:
            return
        self.failures.append(f"{request.url} ({failure})")

    def _response(self, response) -> None:
        if response.status >= 400 and not is_streamlit_probe(response.url):
            self.failures.append(f"{response.url} ({response.status})")


@dataclass
class Person:
    context: object
    page: object
    net: Net


def person(browser) -> Person:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    net = Net()
    net.watch(context)
    return Person(context, context.new_page(), net)


@pytest.fixture
def people(browser) -> Iterator[list[Person]]:
    """``people`` holds everyone a test made with :func:`join`; each is checked for failed
    requests at the end and closed."""
    made: list[Person] = []
    try:
        yield made
        for who in made:
            assert who.net.failures == [], who.net.failures
    finally:
        for who in made:
            who.context.close()


def join(browser, people: list[Person]) -> Person:
    who = person(browser)
    people.append(who)
    return who
