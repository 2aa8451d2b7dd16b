"""Several servers for real: two app replicas behind Debian's nginx, configured by the shipped
``deploy/nginx.conf`` (ports filled in), sharing one PostgreSQL; and a PostgreSQL outage in
the middle of a workshop.

- Members who all come from one address (127.0.0.1, as behind a venue's NAT) land on both
  replicas, each by its own sticky cookie; the board on one replica shows entries sent through
  the other within 3 s.
- One replica is killed (SIGKILL) mid-workshop: its members' pages reconnect through nginx to
  the other replica (the time is measured and printed), their next send succeeds, nothing
  acknowledged before the kill is lost, and the board keeps updating.
- PostgreSQL stops for 10 s mid-workshop: a member who sends meanwhile sees one clear line, no
  traceback; nothing acknowledged is lost; the app recovers by itself once the database is back.

nginx missing: skipped with a message (failed under CI=true); likewise PostgreSQL.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from explorer.data import load_dataset
from explorer.scenario import encode_share, load_scenario_file
from explorer.storage import db
from tests import nginx as ngx
from tests import pgcluster

from .conftest import VIEWPORT, boundaries_setting, start_server, stop_server
from .test_workshop import cells, create_room, wait_cell

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
DS = load_dataset()
GWENT = load_scenario_file(REPO / "data/scenarios/gwent_regional.json", DS)
#: The same secret on every replica (docs/deploy.md): XSRF cookies signed by one replica are
#: accepted by the other after a failover.
COOKIE_SECRET = "test-only-cookie-secret-shared-by-every-replica"
PER_REPLICA = 2  # members wanted on each replica
MAX_MEMBERS = 12  # members opened until both replicas have PER_REPLICA (1 in ~100 to need more)
LIVE_S = 20
SEND_NAMES = re.compile(r"^(Send again \(replaces my entry\)|Send to room)$")
BOARD_WITHIN_S = 3.0
TRACEBACK_WORDS = ("Traceback", "File \"", "psycopg", "sqlalchemy", "OperationalError",
                   "/usr/", "site-packages")


STATUS_JS = """() => {
  const w = document.querySelector('[data-testid="stStatusWidget"]');
  return w ? w.innerText : '';
}"""


class Member:
    """One person: a browser context and a tab, with the time each of its WebSockets opened
    (page events carry no timestamps of their own, so they are taken when the event arrives)."""

    def __init__(self, browser, name: str) -> None:
        self.name = name
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.set_default_timeout(60_000)
        self.page = self.context.new_page()
        self.opened: list[float] = []
        self.page.on("websocket", lambda _ws: self.opened.append(time.monotonic()))

    def cookie(self) -> str:
        values = [c["value"] for c in self.context.cookies() if c["name"] == "mash_replica"]
        assert len(values) == 1, f"{self.name} has no sticky cookie: {self.context.cookies()}"
        return values[0]

    def reconnected_since(self, t0: float) -> bool:
        """A WebSocket opened after ``t0`` and Streamlit's status widget no longer says it is
        connecting (Streamlit shows "Connecting" from the moment its socket drops)."""
        if not any(t >= t0 for t in self.opened):
            return False
        return "connecting" not in self.page.evaluate(STATUS_JS).lower()

    def close(self) -> None:
        self.context.close()


def send_from(member: Member, base: str, code: str, *, first: bool) -> None:
    page = member.page
    if first:
        page.goto(f"{base}/what-if?room={code}&scenario={encode_share(GWENT)}")
        page.get_by_text(f"Workshop room {code}").wait_for()
        box = page.get_by_label("Your name on the board (optional)")
        box.fill(member.name)
        box.press("Enter")
        page.get_by_role("button", name="Send to room").click()
    else:
        send_button(page).click()
    page.get_by_text("Sent: your entry is on the board.").wait_for()


def send_button(page):
    """"Send again" while this session knows the member, else "Send to room": since issue 22
    the member's token is not kept in the address, so a new session (after a reload or a
    failover to another replica) no longer knows who the member was."""
    return page.get_by_role("button", name=SEND_NAMES).first


def rename_scenario(member: Member, name: str) -> None:
    box = member.page.get_by_label("Scenario name")
    box.fill(name)
    box.press("Enter")
    member.page.wait_for_timeout(300)


def start_replicas(tmp_path: Path, database_url: str, count: int = 2):
    env = {"MASH_BOUNDARIES": boundaries_setting(), "MASH_DATABASE_URL": database_url,
           "STREAMLIT_SERVER_COOKIE_SECRET": COOKIE_SECRET}
    started = []
    try:
        for i in range(count):
            started.append(start_server(
                REPO / "app.py", {**env, "MASH_CACHE_DIR": str(tmp_path / f"cache{i}")},
                log_path=tmp_path / f"replica{i}.log"))
    except Exception:
        for server in started:
            stop_server(server)
        raise
    return started


def port_of(server) -> int:
    return int(server.url.rsplit(":", 1)[1])


def test_two_replicas_behind_nginx_survive_one_being_killed(browser, pg_url, tmp_path):
    ngx.require_nginx()
    replicas = start_replicas(tmp_path, pg_url)
    ports = [port_of(r) for r in replicas]
    shipped = ngx.SHIPPED_CONF.read_text()
    proxy = ngx.start_nginx(lambda port: ngx.fill_ports(shipped, port, ports))
    base = proxy.url
    people: list[Member] = []
    try:
        fac = Member(browser, "Facilitator")
        people.append(fac)
        code, _key = create_room(fac.page, base, "Two replicas behind nginx")

        # Members from one address open the join link until both replicas have some.
        members: list[Member] = []
        where: dict[str, str] = {}
        for i in range(1, MAX_MEMBERS + 1):
            member = Member(browser, f"Member at table {i}")
            people.append(member)
            members.append(member)
            send_from(member, base, code, first=True)
            where = proxy.replica_of_cookies()
            landed = [where[m.cookie()] for m in members]
            if len(set(landed)) == 2 and min(map(landed.count, set(landed))) >= PER_REPLICA:
                break
        cookies = [m.cookie() for m in members]
        assert len(set(cookies)) == len(cookies), "each browser gets its own sticky cookie"
        on = {m.name: where[m.cookie()] for m in members}
        assert set(on.values()) == {f"127.0.0.1:{p}" for p in ports}, on
        fac_replica = where[fac.cookie()]
        for m in members:
            wait_cell(fac.page, m.name)

        # The board (on one replica) shows an entry sent through the other within 3 s.
        other = next(m for m in members if on[m.name] != fac_replica)
        rename_scenario(other, "Sent through the other replica")
        send_from(other, base, code, first=False)
        seen_s = wait_cell(fac.page, "Sent through the other replica")
        print(f"\n[replicas] entry sent via {on[other.name]} on the board via {fac_replica} "
              f"{seen_s:.2f} s after the sender's acknowledgement")
        assert seen_s <= BOARD_WITHIN_S, f"board took {seen_s:.1f} s"

        # Kill the replica the board is not on: its members must carry on through the other.
        victim = next(r for r, p in zip(replicas, ports, strict=True)
                      if f"127.0.0.1:{p}" != fac_replica)
        stranded = [m for m in members if on[m.name] != fac_replica]
        acknowledged = [m.name for m in members]
        t0 = time.monotonic()
        victim.process.kill()
        victim.process.wait(timeout=10)
        deadline = t0 + 60
        times: dict[str, float] = {}
        while len(times) < len(stranded) and time.monotonic() < deadline:
            for m in stranded:
                if m.name not in times and m.reconnected_since(t0):
                    times[m.name] = time.monotonic() - t0
            fac.page.wait_for_timeout(50)
        assert len(times) == len(stranded), (
            f"not reconnected within 60 s: {[m.name for m in stranded if m.name not in times]}"
            f"\naccess log: {proxy.access_lines()[-10:]}\nerror log: {proxy.error_log(1500)}")
        print(f"[replicas] reconnected through nginx after SIGKILL of a replica (new WebSocket "
              f"open, Streamlit's 'Connecting' gone), {len(times)} member(s): "
              f"{', '.join(f'{s:.2f} s' for s in times.values())}")

        # Their next send succeeds, on the surviving replica, and reaches the board.
        for i, m in enumerate(stranded):
            rename_scenario(m, f"After the failover {i}")
            start = time.monotonic()
            send_from(m, base, code, first=False)
            print(f"[replicas] {m.name}: send after the failover acknowledged in "
                  f"{time.monotonic() - start:.2f} s (from the click)")
            wait_cell(fac.page, f"After the failover {i}")
        survivor = f"127.0.0.1:{ports[replicas.index(victim) ^ 1]}"
        where = proxy.replica_of_cookies()
        assert {where[m.cookie()] for m in stranded} == {survivor}

        # Nothing acknowledged before the kill was lost.
        board = cells(fac.page)
        assert [n for n in acknowledged if n not in board] == []
    finally:
        for person in people:
            person.close()
        proxy.stop()
        for replica in replicas:
            stop_server(replica)


@pytest.fixture
def own_cluster():
    """A PostgreSQL of this test's own (it is stopped and started again mid-test)."""
    try:
        cluster = pgcluster.start_cluster()
    except pgcluster.PgUnavailable as exc:
        from tests.conftest import _unavailable

        _unavailable(str(exc))
    try:
        yield cluster
    finally:
        cluster.stop()


def visible_text(page) -> str:
    return page.locator("body").inner_text()


def test_a_database_outage_mid_workshop_is_one_clear_line_and_recovers(
        browser, own_cluster, tmp_path):
    url = db.database_url({"MASH_DATABASE_URL": own_cluster.url})
    (server,) = start_replicas(tmp_path, url, count=1)
    people: list[Member] = []
    try:
        fac = Member(browser, "Facilitator")
        alice, bob = Member(browser, "Alice"), Member(browser, "Bob")
        people += [fac, alice, bob]
        code, _key = create_room(fac.page, server.url, "Outage drill")
        for m in (alice, bob):
            send_from(m, server.url, code, first=True)
            wait_cell(fac.page, m.name)

        # For comparison: how long a reload takes to draw her Send button on this machine now.
        start = time.monotonic()
        alice.page.reload()
        send_button(alice.page).wait_for()
        reload_s = time.monotonic() - start
        print(f"\n[outage] before the outage a reload draws the Send button in {reload_s:.1f} s")
        # What is tested is that it recovers by itself, not how fast a busy machine reloads.
        wait_ms = int(max(30.0, 2 * reload_s) * 1000)
        budget_s = 60 + 3 * reload_s

        own_cluster.pause()
        stopped = time.monotonic()
        try:
            # Her next action reruns the page against the stopped database; if the room panel
            # still offers Send, she presses it.
            rename_scenario(alice, "Sent while the database was down")
            alice.page.wait_for_timeout(2000)
            again = send_button(alice.page)
            if again.count():
                again.click()
            problem = alice.page.locator("[data-testid='stAlert'], [data-testid='stException']")
            try:
                problem.first.wait_for(timeout=30_000)
            except Exception as exc:  # noqa: BLE001 - say what she saw instead
                raise AssertionError(f"no message: {visible_text(alice.page)[-1500:]}") from exc
            alice.page.wait_for_timeout(1000)
            shown = visible_text(alice.page)
            alerts = alice.page.locator(
                "[data-testid='stAlert'], [data-testid='stException']").all_inner_texts()
            board_text = visible_text(fac.page)
            print(f"\n[outage] member saw: {alerts!r}")
            assert "Sent: your entry is on the board." not in shown
            for page_text in (shown, board_text):
                assert not [w for w in TRACEBACK_WORDS if w in page_text], page_text[-1500:]
            assert alice.page.locator("[data-testid='stException']").count() == 0
            assert fac.page.locator("[data-testid='stException']").count() == 0
            assert len([a for a in alerts if a.strip()]) == 1, alerts
        finally:
            time.sleep(max(0.0, 10 - (time.monotonic() - stopped)))
            own_cluster.resume()

        # Back by itself: no restart. The member does what the line says (reload); her next
        # send goes through and the board catches up.
        start = time.monotonic()
        while True:
            assert time.monotonic() - start < budget_s, visible_text(alice.page)[-1500:]
            alice.page.reload()
            again = send_button(alice.page)
            try:
                again.wait_for(timeout=wait_ms)
                print(f"[outage] {time.monotonic() - start:.1f} s: Send button drawn again")
            except Exception:  # noqa: BLE001 - the pool may need another try to reconnect
                shown = alice.page.locator("[data-testid='stAlert']").all_inner_texts()
                print(f"[outage] {time.monotonic() - start:.1f} s: no Send button yet: {shown}")
                continue
            again.click()
            try:
                alice.page.get_by_text("Sent: your entry is on the board.").wait_for(
                    timeout=wait_ms)
                break
            except Exception:  # noqa: BLE001 - not yet: reload and try again
                shown = alice.page.locator("[data-testid='stAlert']").all_inner_texts()
                print(f"[outage] {time.monotonic() - start:.1f} s: send not acknowledged: {shown}")
                continue
        print(f"[outage] first send acknowledged {time.monotonic() - start:.2f} s after "
              "the database came back")
        wait_cell(fac.page, "Sent while the database was down")
        board = cells(fac.page)
        assert "Alice" in board and "Bob" in board  # nothing acknowledged was lost
        rename_scenario(bob, "Bob after the outage")
        send_from(bob, server.url, code, first=False)
        wait_cell(fac.page, "Bob after the outage")
    finally:
        for person in people:
            person.close()
        stop_server(server)
