"""What a deployment will do with what it keeps: is this Community Cloud, and will workshop
rooms survive a restart? Pure functions over an environment mapping (no Streamlit), shared
by the workshop page, ``python -m explorer check`` and, later, editions ("refuse to publish
where storage is not durable": :attr:`Storage.durable` is ``False``).

How Community Cloud is recognised. Streamlit documents no variable for it; its containers
are recognisable by two long-standing markers, either of which is enough:

* ``HOSTNAME`` is ``streamlit``;
* the app's source is checked out under ``/mount/src/`` (Cloud clones the repository to
  ``/mount/src/<repository>``).

``MASH_HOSTING`` (``community-cloud`` or ``self-hosted``) overrides both, for an operator
whose host looks like Cloud, or for tests.

On Cloud the disk is not kept across reboots, sleeps and redeploys, so rooms in SQLite are
lost. The fix is a PostgreSQL database named by ``MASH_DATABASE_URL``, entered as a
root-level secret in the app's settings: Streamlit exports every top-level string secret as
an environment variable when the server starts.

>>> on_community_cloud({"HOSTNAME": "streamlit"}, "/srv/app")
'HOSTNAME is streamlit'
>>> on_community_cloud({}, "/mount/src/mash-wales-explorer") is not None
True
>>> on_community_cloud({"HOSTNAME": "streamlit", "MASH_HOSTING": "self-hosted"}, "/x") is None
True
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from explorer.config import HOSTING_ENV

CLOUD = "community-cloud"
SELF_HOSTED = "self-hosted"
CLOUD_SOURCE_ROOT = PurePosixPath("/mount/src")
#: Folders whose contents do not survive a restart of the machine.
TEMPORARY_ROOTS = ("/tmp", "/var/tmp", "/dev/shm", "/run")
APP_DIR = Path(__file__).resolve().parent.parent


def secrets_env(paths: list[Path] | None = None) -> dict[str, str]:
    """The top-level string and number secrets Streamlit would export as environment
    variables when the server starts (``~/.streamlit/secrets.toml``, then
    ``./.streamlit/secrets.toml``; later files win), so the command line judges the same
    settings as the app. An unreadable file gives nothing (the app would refuse it too).

    >>> secrets_env([Path("/nonexistent/secrets.toml")])
    {}
    """
    import tomllib

    if paths is None:
        paths = [Path.home() / ".streamlit" / "secrets.toml",
                 Path.cwd() / ".streamlit" / "secrets.toml"]
    found: dict[str, str] = {}
    for path in paths:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        found.update({k: str(v) for k, v in data.items()
                      if isinstance(v, (str, int, float)) and not isinstance(v, bool)})
    return found


def on_community_cloud(env: Mapping[str, str] | None = None,
                       app_dir: str | Path | None = None) -> str | None:
    """Why this looks like Streamlit Community Cloud (one short phrase), or None."""
    env = os.environ if env is None else env
    chosen = (env.get(HOSTING_ENV) or "").strip().lower()
    if chosen == CLOUD:
        return f"{HOSTING_ENV} is {CLOUD}"
    if chosen == SELF_HOSTED:
        return None
    if (env.get("HOSTNAME") or "").strip() == "streamlit":
        return "HOSTNAME is streamlit"
    app = PurePosixPath(Path(app_dir if app_dir is not None else APP_DIR).as_posix())
    if CLOUD_SOURCE_ROOT in app.parents:
        return f"the app runs from {CLOUD_SOURCE_ROOT}/"
    return None


@dataclass(frozen=True)
class Storage:
    """Where rooms are kept and whether they survive a restart.

    ``kind`` is ``"sqlite"``, ``"postgresql"`` or the URL's dialect; ``where`` is the SQLite
    file or the database host and name (never a password or user); ``durable`` is True
    (a database server), False (lost at a restart: Cloud's disk, a temporary folder, memory)
    or None (a file on this host's disk: kept only if that disk is); ``cloud`` is the
    evidence that this is Community Cloud, or None.
    """

    kind: str
    where: str
    durable: bool | None
    cloud: str | None
    reason: str

    @property
    def problem(self) -> str | None:
        """One line for an operator when rooms will be lost, else None."""
        if self.durable is not False:
            return None
        fix = ("set MASH_DATABASE_URL as a root-level secret in the app's settings"
               if self.cloud else "set MASH_DATABASE_URL (PostgreSQL) or MASH_STATE_DIR "
                                  "to a folder on a persistent disk")
        return f"storage: rooms are not durable ({self.reason}); {fix}"


def storage_durability(url: str, env: Mapping[str, str] | None = None,
                       app_dir: str | Path | None = None) -> Storage:
    """Judge the rooms database ``url`` (as :func:`explorer.storage.db.database_url` gives it).

    >>> s = storage_durability("sqlite:////srv/mash/rooms.db", env={}, app_dir="/srv/app")
    >>> s.where, s.durable, s.problem
    ('/srv/mash/rooms.db', None, None)
    >>> s = storage_durability("sqlite:////home/appuser/.local/share/m/rooms.db",
    ...                        env={"HOSTNAME": "streamlit"})
    >>> s.durable, s.problem.split(";")[1].strip()
    (False, "set MASH_DATABASE_URL as a root-level secret in the app's settings")
    >>> s = storage_durability("postgresql+psycopg://u:secret@db.example:5433/mash", env={})
    >>> s.kind, s.where, s.durable, "secret" in repr(s)
    ('postgresql', 'db.example:5433/mash', True, False)
    """
    env = os.environ if env is None else env
    cloud = on_community_cloud(env, app_dir)
    scheme, _, rest = url.partition("://")
    dialect = scheme.split("+", 1)[0].lower()
    if dialect == "sqlite":
        path = rest[1:] if rest.startswith("/") else rest
        path = path.split("?", 1)[0]
        if path in ("", ":memory:"):
            return Storage("sqlite", "memory", False, cloud, "kept in memory only")
        if cloud:
            return Storage("sqlite", path, False, cloud,
                           "Community Cloud wipes its disk when the app restarts, sleeps or "
                           "is redeployed")
        parents = {p.as_posix() for p in PurePosixPath(path).parents}
        if any(root in parents for root in TEMPORARY_ROOTS):
            return Storage("sqlite", path, False, cloud, "a temporary folder")
        return Storage("sqlite", path, None, cloud,
                       "a file on this host's disk: kept only if that disk is, and shared "
                       "only by servers on this host")
    host = rest.rsplit("@", 1)[-1].split("?", 1)[0] if rest else ""
    return Storage(dialect or "unknown", host or "(no host)", True, cloud,
                   "a database server")
