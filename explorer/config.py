"""Every environment setting the app, the CLI and the tests read, named and parsed here.

:func:`current` reads the process environment once (the first time it is asked) and
returns one frozen :class:`Config`; code that must honour a different environment (the
CLI's tests, a test fixture) builds one with :func:`from_env`. Settings that only name a
place (folders, files, URLs) are kept as given, empty meaning "not set"; numbers are
checked here, with one clear message naming the variable.

>>> c = from_env({"MASH_ROOM_EXPIRY_DAYS": " 7 ", "MASH_BASE_URL": "https://m.example"})
>>> c.room_expiry_days, c.base_url, c.data_dir
(7, 'https://m.example', '')
>>> from_env({}).room_expiry_days
30
>>> from_env({"MASH_ROOM_EXPIRY_DAYS": "0"})
Traceback (most recent call last):
...
explorer.config.ConfigError: MASH_ROOM_EXPIRY_DAYS must be a whole number of days from 1 to ...
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from explorer.limits import MAX_ROOM_EXPIRY_DAYS, ROOM_EXPIRY_DAYS

#: Another copy of the dataset (a folder), for the app and the CLI.
DATA_DIR_ENV = "MASH_DATA_DIR"
#: A local boundary file to use instead of the bundled one.
BOUNDARIES_ENV = "MASH_BOUNDARIES"
#: Attribution text for the ``MASH_BOUNDARIES`` file.
BOUNDARIES_ATTRIBUTION_ENV = "MASH_BOUNDARIES_ATTRIBUTION"
#: The boundary cache directory itself (overrides the XDG default).
CACHE_DIR_ENV = "MASH_CACHE_DIR"
#: The rooms database (``postgresql://...`` or ``sqlite:///...``).
DATABASE_URL_ENV = "MASH_DATABASE_URL"
#: The folder for the SQLite rooms database when no URL is given.
STATE_DIR_ENV = "MASH_STATE_DIR"
#: The app's public address, for links printed by the CLI.
BASE_URL_ENV = "MASH_BASE_URL"
#: Days after its last activity that a workshop room is deleted.
ROOM_EXPIRY_DAYS_ENV = "MASH_ROOM_EXPIRY_DAYS"
#: ``off`` leaves the server's sockets as Streamlit set them (no TCP_NODELAY tuning).
SOCKET_TUNING_ENV = "MASH_SOCKET_TUNING"
#: ``community-cloud`` or ``self-hosted`` when recognising Community Cloud goes wrong
#: (:mod:`explorer.deployment`).
HOSTING_ENV = "MASH_HOSTING"
#: A secret the lobby asks for before opening a room (checked in :mod:`explorer.rooms.model`).
FACILITATOR_PASSCODE_ENV = "MASH_FACILITATOR_PASSCODE"
#: The secret that unlocks importing and publishing editions (:mod:`explorer.editions.maintainer`).
MAINTAINER_KEY_ENV = "MASH_MAINTAINER_KEY"
#: ``1`` behind a proxy that appends ``X-Forwarded-For`` (clients counted by that address).
TRUST_FORWARDED_FOR_ENV = "MASH_TRUST_FORWARDED_FOR"
#: The command line's language, ``en`` (default) or ``cy`` (``--lang`` overrides it).
LANG_ENV = "MASH_LANG"


class ConfigError(ValueError):
    """An environment setting that cannot be used, named with the offending value."""


@dataclass(frozen=True)
class Config:
    """The environment settings, parsed once."""

    data_dir: str = ""
    boundaries: str = ""
    boundaries_attribution: str = ""
    cache_dir: str = ""
    database_url: str = ""
    state_dir: str = ""
    base_url: str = ""
    room_expiry_days: int = ROOM_EXPIRY_DAYS
    #: The command line's language as given (``en`` or ``cy``; checked by the CLI).
    lang: str = ""
    #: A secret: kept out of the repr; checked by :func:`explorer.rooms.model.facilitator_passcode`.
    facilitator_passcode: str = field(default="", repr=False)


def room_expiry_days(raw: str | None) -> int:
    """``MASH_ROOM_EXPIRY_DAYS`` as a number of days (default 30), or :class:`ConfigError`.

    >>> room_expiry_days(None), room_expiry_days("12")
    (30, 12)
    """
    raw = (raw or "").strip()
    if not raw:
        return ROOM_EXPIRY_DAYS
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_ROOM_EXPIRY_DAYS:
        raise ConfigError(
            f"{ROOM_EXPIRY_DAYS_ENV} must be a whole number of days from 1 to "
            f"{MAX_ROOM_EXPIRY_DAYS}, not {raw[:20]!r}"
        )
    return int(raw)


def from_env(env: Mapping[str, str] | None = None) -> Config:
    """The settings in ``env`` (default: the process environment, read now)."""
    env = os.environ if env is None else env

    def text(name: str) -> str:
        return (env.get(name) or "").strip()

    return Config(
        data_dir=text(DATA_DIR_ENV),
        boundaries=text(BOUNDARIES_ENV),
        boundaries_attribution=text(BOUNDARIES_ATTRIBUTION_ENV),
        cache_dir=text(CACHE_DIR_ENV),
        database_url=text(DATABASE_URL_ENV),
        state_dir=text(STATE_DIR_ENV),
        base_url=text(BASE_URL_ENV),
        room_expiry_days=room_expiry_days(env.get(ROOM_EXPIRY_DAYS_ENV)),
        facilitator_passcode=text(FACILITATOR_PASSCODE_ENV),
        lang=text(LANG_ENV),
    )


def setting(name: str, env: Mapping[str, str] | None = None) -> str:
    """One setting's text as given (stripped), without parsing the others.

    >>> setting(LANG_ENV, {"MASH_LANG": " cy "})
    'cy'
    """
    env = os.environ if env is None else env
    return (env.get(name) or "").strip()


@lru_cache(maxsize=1)
def current() -> Config:
    """The process's settings, read from the environment the first time they are asked for
    (a setting that cannot be used raises :class:`ConfigError` each time, never cached).
    Tests that change the environment call ``current.cache_clear()``."""
    return from_env()
