"""Who may import and publish editions in the app: whoever has the maintainer key.

``MASH_MAINTAINER_KEY`` is a secret the operator sets (an environment variable, or a
root-level secret on Community Cloud). Without it the app is read-only for editions. A key
typed in the app is compared in constant time with :func:`hmac.compare_digest` (on SHA-256
digests, so neither the key's length nor its content leaks through timing), and is never
shown, stored or logged; the page slows down repeated wrong keys with
:class:`explorer.throttle.CodeAttempts`, like room keys.

Publishing is refused where storage does not look durable
(:func:`explorer.deployment.storage_durability`): an edition is a record, not a workshop's
scratch, so it must not live on a disk wiped at the next restart.

>>> key_matches("s3cret-test-key", {"MASH_MAINTAINER_KEY": "s3cret-test-key"})
True
>>> key_matches("wrong", {"MASH_MAINTAINER_KEY": "s3cret-test-key"}), key_matches("x", {})
(False, False)
>>> publish_refusal("postgresql+psycopg://u@db.example/mash", env={}) is None
True
>>> publish_refusal("sqlite:////home/appuser/rooms.db", env={"HOSTNAME": "streamlit"})[:64]
'publishing is refused: editions would not survive a restart here'
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from typing import Any

from explorer.deployment import storage_durability

MAINTAINER_KEY_ENV = "MASH_MAINTAINER_KEY"
#: Longest key looked at; anything longer is refused without comparing.
MAX_KEY_CHARS = 500


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def key_is_set(env: Mapping[str, str] | None = None) -> bool:
    """True when the operator has set a maintainer key (else editions are read-only)."""
    return bool((_env(env).get(MAINTAINER_KEY_ENV) or "").strip())


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def key_matches(given: Any, env: Mapping[str, str] | None = None) -> bool:
    """Whether ``given`` is the maintainer key (False when none is set)."""
    expected = (_env(env).get(MAINTAINER_KEY_ENV) or "").strip()
    if not expected or not isinstance(given, str) or not given.strip():
        return False
    if len(given) > MAX_KEY_CHARS:
        return False
    return hmac.compare_digest(_digest(given.strip()), _digest(expected))


def publish_refusal(url: str, env: Mapping[str, str] | None = None) -> str | None:
    """Why publishing is refused with this database (one line), or None when allowed."""
    storage = storage_durability(url, _env(env))
    if storage.durable is not False:
        return None
    fix = ("set MASH_DATABASE_URL (PostgreSQL) as a root-level secret in the app's settings"
           if storage.cloud else "set MASH_DATABASE_URL (PostgreSQL) or MASH_STATE_DIR to a "
                                 "folder on a persistent disk")
    return (f"publishing is refused: editions would not survive a restart here "
            f"({storage.reason}); {fix}")
