"""English / Cymraeg interface strings from the catalogue ``explorer/messages.toml``.

Each message has ``en`` and ``cy`` text; ``draft = true`` marks Welsh that no Welsh
speaker has reviewed yet (the app says so once). Names of authorities, forces and
health boards come from the dataset, not from here.

>>> t("status.mash", "en")
'MASH operating'
>>> t("headline.authorities", "en", n=5, total=22)
'5 of 22'
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

LANGS = ("en", "cy")
CATALOGUE = Path(__file__).with_name("messages.toml")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, object]]:
    """All messages, keyed by dotted id (read once; treat as read-only)."""
    with CATALOGUE.open("rb") as f:
        raw = tomllib.load(f)
    out: dict[str, dict[str, object]] = {}

    def walk(prefix: str, node: dict) -> None:
        if "en" in node:
            out[prefix] = node
            return
        for key, value in node.items():
            if isinstance(value, dict):
                walk(f"{prefix}.{key}" if prefix else key, value)

    walk("", raw)
    return out


def t(key: str, lang: str = "en", **values: object) -> str:
    """The message ``key`` in ``lang`` (falling back to English), formatted with ``values``."""
    msg = catalogue()[key]
    text = str(msg.get(lang) or msg["en"])
    return text.format(**values) if values else text


def has_draft(lang: str) -> bool:
    """True if any message shown in ``lang`` is an unreviewed draft translation."""
    return lang == "cy" and any(m.get("draft") for m in catalogue().values())


def number(value: int | float, lang: str = "en") -> str:
    """Whole numbers with thousands separators (the same in English and Welsh)."""
    return f"{value:,.0f}"


def percent(share: float, lang: str = "en") -> str:
    return f"{share:.1%}"
