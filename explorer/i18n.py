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
import unicodedata
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


def decimal(value: float, lang: str = "en") -> str:
    """A measure to one decimal place with thousands separators, without a trailing ``.0``.

    >>> decimal(60.0), decimal(60.54), decimal(1234.0)
    ('60', '60.5', '1,234')
    """
    return f"{value:,.1f}".removesuffix(".0")


def distance(km: float, lang: str = "en") -> str:
    """A distance as shown everywhere (tables and text): ``60 km``, ``60.5 km``.

    >>> distance(60.0), distance(76.8)
    ('60 km', '76.8 km')
    """
    return f"{decimal(km, lang)} km"


#: Letters in Welsh alphabetical order; digraphs (ch, dd, ff, ll, ph, rh, th) are single
#: letters. "ng" is left as n + g: it is a digraph in some words and not in others
#: ("Bangor"), which only a dictionary can tell. Letters borrowed from English take their
#: English places.
_WELSH_ORDER = ("a b c ch d dd e f ff g h i j k l ll m n o p ph q r rh s t th u v w x y z"
                .split())
_WELSH_RANK = {letter: rank for rank, letter in enumerate(_WELSH_ORDER, start=1)}


def collation_key(text: str, lang: str = "en") -> tuple[int, ...]:
    """A sort key for names shown in ``lang``: case and accents ignored, Welsh digraphs
    sorted as the letters they are (``Ch`` after every other ``C``).

    >>> sorted(["Ynys Môn", "Conwy", "Caerdydd", "Chwilog"], key=lambda s: collation_key(s, "cy"))
    ['Caerdydd', 'Conwy', 'Chwilog', 'Ynys Môn']
    >>> sorted(["Chepstow", "Conwy", "Ceredigion"], key=collation_key)
    ['Ceredigion', 'Chepstow', 'Conwy']
    """
    plain = "".join(c for c in unicodedata.normalize("NFD", text.casefold())
                    if not unicodedata.combining(c))
    key: list[int] = []
    i = 0
    while i < len(plain):
        pair = plain[i:i + 2] if lang == "cy" else ""
        if pair in _WELSH_RANK and len(pair) == 2:
            key.append(_WELSH_RANK[pair])
            i += 2
            continue
        c = plain[i]
        # Letters rank by the alphabet; spaces and punctuation before every letter; any
        # other character after them, in code point order.
        key.append(_WELSH_RANK[c] if c in _WELSH_RANK else 0 if not c.isalnum()
                   else 100 + ord(c))
        i += 1
    return tuple(key)
