"""What a board draws, worked out once per process and shared by every board of a room.

Every open board of a room redraws after a change; what they draw is the same for all of them
(per room version, language, link base and dataset), so it is built once here and reused.
Values stored here are never changed by their users (tuples, strings, frames only read).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

MAX_ENTRIES = 512

_lock = threading.Lock()
_store: OrderedDict[tuple, tuple[Any, Any]] = OrderedDict()
#: How many values were built, by kind (for tests: a vote does not rebuild the map).
builds: dict[str, int] = {}


def once(kind: str, key: Hashable, ds: Any, build: Callable[[], Any]) -> Any:
    """``build()`` the first time (kind, key) is asked for with this dataset; the same value
    afterwards. The dataset is held with its value, so its identity is a safe part of the key."""
    full = (kind, id(ds), key)
    with _lock:
        hit = _store.get(full)
        if hit is not None and hit[0] is ds:
            _store.move_to_end(full)
            return hit[1]
    value = build()
    with _lock:
        builds[kind] = builds.get(kind, 0) + 1
        _store[full] = (ds, value)
        while len(_store) > MAX_ENTRIES:
            _store.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _store.clear()
        builds.clear()
