"""Where stored state (workshop rooms, editions) lives: one URL resolver, one engine factory,
migrations, and the one place database errors become plain one-line messages.

The app, the command line, Alembic (``explorer/storage/migrations/env.py``) and the tests all get
their database from :func:`database_url` and :func:`make_engine`:

* ``MASH_DATABASE_URL`` set: that database. ``postgresql://`` and ``postgres://`` URLs use
  psycopg 3 (``postgresql+psycopg://``); ``sqlite:///path`` is accepted too.
* otherwise SQLite, ``rooms.db`` in ``MASH_STATE_DIR`` (default: the user's data directory,
  ``$XDG_DATA_HOME/mash-wales-explorer`` or ``~/.local/share/mash-wales-explorer``).

SQLite runs in WAL mode with a busy timeout and foreign keys on. Writes open their
transaction with ``BEGIN IMMEDIATE`` (see :func:`writer`), so a read-check-write sequence
(e.g. "fewer than 200 entries, then insert") holds the write lock from its first statement;
on PostgreSQL the same functions lock the room's row (``SELECT ... FOR UPDATE``).

>>> database_url({"MASH_STATE_DIR": "/srv/mash"})
'sqlite:////srv/mash/rooms.db'
>>> database_url({"MASH_DATABASE_URL": "postgres://u:p@db.example/mash"})
'postgresql+psycopg://u:p@db.example/mash'
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import ParamSpec, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from explorer.i18n import t

APP_DIR_NAME = "mash-wales-explorer"
DB_FILE_NAME = "rooms.db"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: Seconds a writer waits for SQLite's write lock before giving up.
SQLITE_BUSY_TIMEOUT_S = 30.0
#: Any constant shared by every process: the PostgreSQL advisory lock taken while migrating.
_MIGRATION_LOCK_KEY = 0x4D415348  # "MASH"


class DatabaseError(Exception):
    """A database that cannot be used, on one line (never with a password in it).

    ``str(error)`` is English; :meth:`text` says it in another language. Made with
    :meth:`of`, it carries its ``storage.*`` message key and values from ``messages.toml``.

    >>> e = StorageUnavailable.of("storage.no_answer", reason="disk full")
    >>> str(e), e.text("cy")
    ('the database did not answer: disk full', 'ni atebodd y gronfa ddata: disk full')
    """

    def __init__(self, message: str, key: str = "", values: Mapping[str, object] | None = None):
        super().__init__(message)
        self.key, self.values = key, dict(values or {})

    @classmethod
    def of(cls, key: str, **values: object) -> DatabaseError:
        """The error whose message is ``key`` of the catalogue, in English until asked."""
        return cls(t(key, "en", **values), key, values)

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (English for an error made without a key)."""
        return t(self.key, lang, **self.values) if self.key else str(self)


class StorageUnavailable(DatabaseError):
    """The database did not answer or refused a statement (down, disk full, ...): one line.

    Raised by storage functions in place of SQLAlchemy's and the driver's exceptions, so
    callers (the pages, the CLI) never import SQLAlchemy to handle them.
    """


P = ParamSpec("P")
R = TypeVar("R")


def translated(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorate a storage function: a database failure leaves it as :class:`StorageUnavailable`.

    The message is the driver's first line (:func:`reason`), never a URL or a password.
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except SQLAlchemyError as exc:
            raise StorageUnavailable.of("storage.no_answer", reason=reason(exc)) from None

    return wrapper


def configured_url(env: Mapping[str, str] | None = None) -> str | None:
    """The database URL if one has been set up (PostgreSQL, or a SQLite file that exists);
    ``None`` otherwise, so a reader never creates a database by looking."""
    url = database_url(env)
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 (a malformed URL: the pages that write report it)
        return None
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ""
        if not path or path == ":memory:" or not Path(path).expanduser().is_file():
            return None
    return url


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder for the SQLite file: ``MASH_STATE_DIR`` or the user's data directory."""
    env = os.environ if env is None else env
    if env.get("MASH_STATE_DIR"):
        return Path(env["MASH_STATE_DIR"]).expanduser()
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / APP_DIR_NAME


def database_url(env: Mapping[str, str] | None = None) -> str:
    """The one database URL used by the app, the CLI, Alembic and the tests."""
    env = os.environ if env is None else env
    raw = (env.get("MASH_DATABASE_URL") or "").strip()
    if not raw:
        return f"sqlite:///{state_dir(env) / DB_FILE_NAME}"
    for prefix in ("postgresql://", "postgres://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def shown_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "(an unreadable database URL)"


def reason(exc: BaseException) -> str:
    """The first line of a database driver's complaint, short, for a one-line message."""
    inner = getattr(exc, "orig", None) or exc
    first = (str(inner).strip().splitlines() or [type(inner).__name__])[0]
    return first if len(first) <= 160 else first[:157] + "..."


def _sqlite_hooks(engine: Engine) -> None:
    # pysqlite's own transaction handling is switched off (isolation_level=None) and the
    # BEGIN is emitted here, as SQLAlchemy's documentation recommends; writers take the
    # write lock at once (IMMEDIATE), readers read a snapshot (DEFERRED).
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get("mash_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str | None = None) -> Engine:
    """A new engine for ``url`` (default :func:`database_url`); the SQLite folder is created.

    Raises :class:`DatabaseError` for a URL that is not a usable database.
    """
    url = url or database_url()
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise DatabaseError.of("storage.bad_url") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError.of("storage.no_folder", folder=folder,
                                       problem=exc.strerror or exc) from None
        engine = create_engine(
            parsed,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
            pool_size=10,
            max_overflow=30,
        )
        _sqlite_hooks(engine)
        return engine
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(
            parsed, pool_size=5, max_overflow=15, pool_pre_ping=True,
            connect_args={"connect_timeout": 10},
        )
    raise DatabaseError.of("storage.unsupported", backend=repr(backend), url=shown_url(url))


def writer(engine: Engine) -> Engine:
    """The engine whose ``begin()`` starts a write transaction (BEGIN IMMEDIATE on SQLite)."""
    return engine.execution_options(mash_write=True)


def alembic_config(connection=None):
    """An Alembic configuration for ``explorer/storage/migrations`` (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied. Idempotent; safe when processes race.

    The whole upgrade is one transaction that first takes a lock every other migrating
    process waits for: a PostgreSQL advisory lock, or SQLite's write lock (BEGIN IMMEDIATE).
    The second process then finds the schema at head and does nothing.
    """
    from alembic import command
    from alembic.util import CommandError

    try:
        with writer(engine).begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})
            command.upgrade(alembic_config(conn), "head")
    except CommandError as exc:
        raise DatabaseError.of("storage.unknown_schema", url=shown_url(str(engine.url)),
                               reason=reason(exc)) from None
    except SQLAlchemyError as exc:
        raise DatabaseError.of("storage.cannot_prepare", url=shown_url(str(engine.url)),
                               reason=reason(exc)) from None


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None before the first)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


_ENGINES: dict[str, Engine] = {}
_FAILURES: dict[str, tuple[float, DatabaseError]] = {}
_ENGINES_LOCK = threading.Lock()
#: After a failure to reach or migrate the database, callers get the same one-line error
#: for this many seconds instead of each waiting for a connection timeout again.
RETRY_AFTER_S = 20.0


def shared_engine(url: str | None = None) -> Engine:
    """One migrated engine per URL per process (the app's and the CLI's).

    Migrations run the first time a URL is asked for, so starting the app brings the
    database up to date. Raises :class:`DatabaseError` (one line) when the database cannot
    be used; a failure is remembered for :data:`RETRY_AFTER_S` seconds.
    """
    url = url or database_url()
    with _ENGINES_LOCK:
        engine = _ENGINES.get(url)
        if engine is not None:
            return engine
        failed = _FAILURES.get(url)
        if failed is not None and time.monotonic() - failed[0] < RETRY_AFTER_S:
            raise DatabaseError(str(failed[1]), failed[1].key, failed[1].values)
        try:
            engine = make_engine(url)
            upgrade(engine)
        except DatabaseError as exc:
            _FAILURES[url] = (time.monotonic(), exc)
            raise
        _FAILURES.pop(url, None)
        _ENGINES[url] = engine
        return engine
