"""What-if scenarios: proposed MASH hubs, parsed, validated and shared as links.

A scenario has one JSON shape everywhere (a file, an upload, a share link)::

    {"name": "Mid and West Wales regional MASH", "include_existing": true,
     "max_travel_km": null, "population": "census2021",
     "hubs": [{"name": "Mid and West Wales MASH", "model": "regional",
               "authorities": ["Carmarthenshire", "Ceredigion"], "host": "Carmarthenshire"}]}

Authorities (and hosts) may be given by GSS code or by English or Welsh name, in any
case; they are normalised to codes. Every problem is one :class:`ScenarioError` whose
message names the source, the hub and the value at fault.

>>> from explorer.data import load_dataset
>>> ds = load_dataset()
>>> s = loads_scenario('{"name": "Gwent", "hubs": [{"name": "Gwent MASH", "model": "regional",'
...                    ' "authorities": ["newport", "Torfaen"], "host": "Casnewydd"}]}', ds)
>>> s.hubs[0].authorities, s.hubs[0].host
(('W06000022', 'W06000020'), 'W06000022')
>>> decode_share(encode_share(s), ds) == s
True
"""

from __future__ import annotations

import base64
import difflib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from explorer.data import authority_keys
from explorer.limits import (
    MAX_HUBS,
    MAX_NAME_CHARS,
    MAX_NUMBER_CHARS,
    MAX_SCENARIO_BYTES,
    MAX_SHARE_CHARS,
    MAX_TRAVEL_KM,
    MIN_TRAVEL_KM,
)
from explorer.model import Dataset
from explorer.summary import POPULATION_FIELDS
from explorer.text import (
    TextError,
    clean_text,
    describe_char,
    fold,
    quote,
    shown_source,
    terminal_safe,
    type_name,
)

#: Hub models: one co-located hub for several authorities, one hub in each authority,
#: or one virtual hub linking the authorities' own teams.
MODELS: tuple[str, ...] = ("regional", "per_authority", "virtual")
#: Models whose hub sits at a host authority.
HOSTED_MODELS: frozenset[str] = frozenset({"regional", "virtual"})
#: Population bases a scenario may count people with.
POPULATION_BASES: tuple[str, ...] = tuple(POPULATION_FIELDS)


MAY_2019_NAME = "Position as at 31 May 2019"

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_TOP_KEYS = ("name", "include_existing", "max_travel_km", "population", "hubs")
_HUB_KEYS = ("name", "model", "authorities", "host")

#: Where the preset scenarios live, with ``presets.csv`` describing them.


class ScenarioError(ValueError):
    """One problem with a scenario, on one line: ``source: where: problem``.

    User values quoted in the message are shown with :func:`~explorer.text.quote` (short,
    control characters escaped) and ``source`` (a path or an upload's file name) with
    :func:`~explorer.text.terminal_safe`, so the message is always one line that a terminal
    prints safely. It may still contain markdown characters: a page shows it with
    :func:`~explorer.text.md_escape` or as a text element.
    """

    def __init__(self, problem: str, source: str | None = None) -> None:
        if source is not None:
            source = shown_source(source)
        self.problem = terminal_safe(problem)
        self.source = source
        super().__init__(f"{source}: {self.problem}" if source else self.problem)


class ShareTooLong(ScenarioError):
    """The scenario is valid but its share link would be too long to travel reliably;
    offer the scenario file instead."""


@dataclass(frozen=True)
class HubSpec:
    """One proposed hub; ``authorities`` and ``host`` are GSS codes."""

    name: str
    model: str
    authorities: tuple[str, ...]
    host: str | None


@dataclass(frozen=True)
class Scenario:
    """A named set of proposed hubs and the rules for counting coverage."""

    name: str
    hubs: tuple[HubSpec, ...]
    include_existing: bool = True
    max_travel_km: float | None = None
    population: str = "census2021"


# Parsing -------------------------------------------------------------------------------------
_shown = quote  # a user value inside a message: short, quoted, control characters escaped


def _name(value: Any, what: str) -> str:
    try:
        return clean_text(value, what, MAX_NAME_CHARS)
    except TextError as exc:
        raise ScenarioError(str(exc)) from None


def _unknown_keys(obj: dict, allowed: tuple[str, ...], where: str) -> None:
    for key in obj:
        if key not in allowed:
            raise ScenarioError(
                f"{where}unknown key {_shown(key)}; allowed keys are {', '.join(allowed)}"
            )


#: id(authorities) -> (those authorities, their lookup); see :func:`_authority_lookup`.
_LOOKUPS: dict[int, tuple[tuple, Mapping[str, str]]] = {}


def _authority_lookup(ds: Dataset) -> Mapping[str, str]:
    """Folded code, English name and Welsh name -> code (see :func:`explorer.text.fold`),
    read-only, built once per dataset: folding the 66 names took 2 ms, and every hub and
    the scenario itself looked them up again (a planner run checks each hub on its own).

    The loader has already refused a dataset in which two authorities share a folded name.
    """
    found = _LOOKUPS.get(id(ds.authorities))
    if found is None or found[0] is not ds.authorities:
        if len(_LOOKUPS) >= 16:  # datasets of tests come and go
            _LOOKUPS.clear()
        found = (ds.authorities, MappingProxyType(authority_keys(ds.authorities)))
        _LOOKUPS[id(ds.authorities)] = found
    return found[1]


def _hint(value: str, ds: Dataset) -> str:
    """`` (did you mean X?)`` for a near miss, never a suggestion that folds to ``value``;
    when the miss is a look-alike character (a Cyrillic o in Powys), that character is named
    so the suggestion and the input differ visibly."""
    key = fold(value)
    by_key: dict[str, str] = {}
    for a in ds.authorities:
        for name in (a.name_en, a.name_cy):
            by_key.setdefault(fold(name), name)
    close = [k for k in difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.75)
             if k != key]
    if not close:
        return ""
    hint = f" (did you mean {by_key[close[0]]}?"
    known = {ch for name in by_key.values() for ch in name.casefold()} | set(" -'")
    odd = next((ch for ch in value.strip().casefold() if ch not in known and ch.isalpha()), None)
    if odd is not None:
        hint += f" the name given contains {describe_char(odd)}"
    return hint + ")"


def _resolve(value: Any, lookup: Mapping[str, str], ds: Dataset, where: str, what: str) -> str:
    if not isinstance(value, str):
        raise ScenarioError(f"{where}{what} must be a code or name (text), not {type_name(value)}")
    code = lookup.get(fold(value)) if len(value) <= 4 * MAX_NAME_CHARS else None
    if code is None:
        hint = _hint(value, ds) if len(value) <= MAX_NAME_CHARS else ""
        raise ScenarioError(f"{where}unknown authority {_shown(value)}{hint}")
    return code


def _parse_hub(number: int, obj: Any, lookup: Mapping[str, str], ds: Dataset) -> HubSpec:
    if not isinstance(obj, dict):
        raise ScenarioError(f"hub {number} must be an object, not {type_name(obj)}")
    _unknown_keys(obj, _HUB_KEYS, f"hub {number}: ")
    if "name" not in obj:
        raise ScenarioError(f"hub {number}: missing key 'name'")
    name = _name(obj["name"], f"hub {number}: name")
    where = f"hub {number} {_shown(name)}: "
    model = obj.get("model")
    if model not in MODELS:
        shown = "missing" if "model" not in obj else f"unknown: {_shown(model)}"
        raise ScenarioError(f"{where}model is {shown}; use one of {', '.join(MODELS)}")
    members = obj.get("authorities")
    if not isinstance(members, list):
        shown = "missing" if "authorities" not in obj else f"{type_name(members)}"
        raise ScenarioError(f"{where}authorities must be a list of codes or names, not {shown}")
    if not members:
        raise ScenarioError(f"{where}lists no authorities; a hub needs at least one")
    codes: list[str] = []
    for value in members:
        code = _resolve(value, lookup, ds, where, "each authority")
        if code in codes:
            raise ScenarioError(
                f"{where}authority {_shown(value)} ({ds.authority(code).name_en}) "
                "is listed twice"
            )
        codes.append(code)
    host_value = obj.get("host")
    host: str | None = None
    if model in HOSTED_MODELS:
        if host_value is None:
            raise ScenarioError(f"{where}a {model} hub needs a host, one of its authorities")
        host = _resolve(host_value, lookup, ds, where, "host")
        if host not in codes:
            raise ScenarioError(
                f"{where}host {_shown(host_value)} is not one of the hub's authorities"
            )
    elif host_value is not None:
        raise ScenarioError(
            f"{where}a per_authority hub has no host (it sits in each authority); "
            f"remove host {_shown(host_value)}"
        )
    return HubSpec(name=name, model=model, authorities=tuple(codes), host=host)


def parse_hub(number: int, obj: Any, ds: Dataset) -> HubSpec:
    """Validate one hub object on its own; ``number`` (1-based) is used in messages.

    The planner uses it to leave out only the hubs that are not yet complete.

    >>> from explorer.data import load_dataset
    >>> parse_hub(2, {"name": "Gwent", "model": "regional", "authorities": []}, load_dataset())
    Traceback (most recent call last):
    ...
    explorer.scenario.ScenarioError: hub 2 'Gwent': lists no authorities; a hub needs at least one
    """
    return _parse_hub(number, obj, _authority_lookup(ds), ds)


def _parse(obj: Any, ds: Dataset) -> Scenario:
    if not isinstance(obj, dict):
        raise ScenarioError(f"the top level must be a JSON object, not {type_name(obj)}")
    _unknown_keys(obj, _TOP_KEYS, "")
    if "name" not in obj:
        raise ScenarioError("missing key 'name' (the scenario's name)")
    name = _name(obj["name"], "name")
    include = obj.get("include_existing", True)
    if not isinstance(include, bool):
        raise ScenarioError(f"include_existing must be true or false, not {_shown(include)}")
    limit = obj.get("max_travel_km")
    if limit is not None:
        if (
            isinstance(limit, bool)
            or not isinstance(limit, (int, float))
            or (isinstance(limit, float) and not math.isfinite(limit))
            or not MIN_TRAVEL_KM <= limit <= MAX_TRAVEL_KM
        ):
            raise ScenarioError(
                f"max_travel_km must be null (no limit) or a number of kilometres from "
                f"{MIN_TRAVEL_KM:g} to {MAX_TRAVEL_KM:g}, not {_shown(limit)}"
            )
        limit = float(limit)
    basis = obj.get("population", "census2021")
    if basis not in POPULATION_BASES:
        raise ScenarioError(
            f"population must be one of {', '.join(POPULATION_BASES)}, not {_shown(basis)}"
        )
    hubs_obj = obj.get("hubs", [])
    if not isinstance(hubs_obj, list):
        raise ScenarioError(f"hubs must be a list, not {type_name(hubs_obj)}")
    if len(hubs_obj) > MAX_HUBS:
        raise ScenarioError(f"has {len(hubs_obj)} hubs; the limit is {MAX_HUBS}")
    lookup = _authority_lookup(ds)
    hubs: list[HubSpec] = []
    seen: dict[str, int] = {}
    for number, hub_obj in enumerate(hubs_obj, start=1):
        hub = _parse_hub(number, hub_obj, lookup, ds)
        if hub.name.casefold() in seen:
            first = seen[hub.name.casefold()]
            raise ScenarioError(
                f"hub {number}: name {_shown(hub.name)} is already used by hub {first}"
            )
        seen[hub.name.casefold()] = number
        hubs.append(hub)
    return Scenario(
        name=name,
        hubs=tuple(hubs),
        include_existing=include,
        max_travel_km=limit,
        population=basis,
    )


def parse_scenario(obj: Any, ds: Dataset) -> Scenario:
    """Validate a decoded JSON value and return the :class:`Scenario` it describes.

    Parameters
    ----------
    obj : object
        The value decoded from JSON (normally a dict).
    ds : Dataset
        The dataset whose authorities the scenario may name.

    Raises
    ------
    ScenarioError
        For the first problem found, naming the key, hub or value at fault.

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> parse_scenario({"name": "x", "hubs": [{"name": "h", "model": "virtual",
    ...                 "authorities": ["Powys"]}]}, load_dataset())
    Traceback (most recent call last):
    ...
    explorer.scenario.ScenarioError: hub 1 'h': a virtual hub needs a host, one of its authorities
    """
    return _parse(obj, ds)


class _BadJson(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _BadJson(f"key {quote(key)} appears twice in one object")
        out[key] = value
    return out


def _no_constants(text: str) -> Any:
    raise _BadJson(f"{text} is not allowed in JSON")


def _number(kind: type, document: str):
    """A ``parse_int``/``parse_float`` hook that refuses absurdly long numbers (Python would
    otherwise answer a 5,001-digit number with its own integer-conversion advice)."""

    def parse(literal: str) -> Any:
        if len(literal) > MAX_NUMBER_CHARS:
            at = document.find(literal)
            line = document.count("\n", 0, at) + 1
            column = at - (document.rfind("\n", 0, at) + 1) + 1
            raise _BadJson(
                f"a number {len(literal):,} characters long at line {line}, column {column}; "
                f"numbers here have at most {MAX_NUMBER_CHARS} characters"
            )
        return kind(literal)

    return parse


#: The JSON decoder's wording -> ours (its messages read oddly with a position appended).
_JSON_PROBLEMS = {
    "Expecting value": "expected a value (text in double quotes, a number, true, false, "
                       "null, a list or an object)",
    "Expecting property name enclosed in double quotes": "expected a key in double quotes "
                                                         "(or a stray comma before '}')",
    "Expecting ':' delimiter": "expected ':' after a key",
    "Expecting ',' delimiter": "expected ',' between items (or a closing bracket)",
    "Unterminated string starting at": "text in quotes starts here and is never closed",
    "Invalid control character at": "a line break, tab or other control character inside "
                                    "text in quotes (write it as \\n or \\t)",
    "Invalid \\uXXXX escape": "a \\u escape needs four hex digits",
    "Extra data": "more data after the end of the scenario object",
    "Illegal trailing comma before end of object": "a comma before '}'",
    "Illegal trailing comma before end of array": "a comma before ']'",
}


def _json_problem(msg: str) -> str:
    if msg.startswith("Invalid \\escape"):
        return "a backslash starts an escape JSON does not have (write \\\\ for a backslash)"
    return _JSON_PROBLEMS.get(msg, "the text is not valid JSON here")


def loads_scenario(text: str | bytes, ds: Dataset, source: str = "scenario") -> Scenario:
    """Parse scenario JSON text (or UTF-8 bytes, e.g. an upload).

    Every error message starts with ``source``, e.g.
    ``upload.json: hub 2 'South Wales extension': unknown authority 'Swanse'``.

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> loads_scenario(b'{"name": "x", "hubs": [{"name": "SW", "model": "per_authority",'
    ...                b' "authorities": ["Swanse"]}]}', load_dataset(), source="upload.json")
    Traceback (most recent call last):
    ...
    explorer.scenario.ScenarioError: upload.json: hub 1 'SW': unknown authority 'Swanse' (did...
    """
    if isinstance(text, (bytes, bytearray)):
        if len(text) > MAX_SCENARIO_BYTES:
            raise ScenarioError(
                f"is {len(text):,} bytes; the limit is {MAX_SCENARIO_BYTES:,} bytes", source
            )
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ScenarioError(
                f"is not UTF-8 text (invalid byte at position {exc.start})", source
            ) from None
    elif not isinstance(text, str):
        raise ScenarioError(f"expected JSON text, not {type(text).__name__}", source)
    elif (size := len(text.encode("utf-8", "surrogatepass"))) > MAX_SCENARIO_BYTES:
        raise ScenarioError(f"is {size:,} bytes; the limit is {MAX_SCENARIO_BYTES:,} bytes", source)
    text = text.removeprefix("\ufeff")
    try:
        obj = json.loads(
            text,
            object_pairs_hook=_no_duplicate_keys,
            parse_constant=_no_constants,
            parse_int=_number(int, text),
            parse_float=_number(float, text),
        )
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            f"not valid JSON at line {exc.lineno}, column {exc.colno}: {_json_problem(exc.msg)}",
            source,
        ) from None
    except _BadJson as exc:
        raise ScenarioError(f"not valid JSON: {exc}", source) from None
    except RecursionError:
        raise ScenarioError("not valid JSON: nested too deeply", source) from None
    except ValueError:  # anything else the decoder refuses: never its own wording
        raise ScenarioError("not valid JSON", source) from None
    try:
        return _parse(obj, ds)
    except ScenarioError as exc:
        raise ScenarioError(exc.problem, source) from None


def load_scenario_file(path: str | Path, ds: Dataset, source: str | None = None) -> Scenario:
    """Read and parse a scenario file; messages start with ``source`` (default: the path)."""
    path = Path(path)
    source = source or str(path)
    try:
        if not path.exists():
            raise ScenarioError("file not found", source)
        if not path.is_file():
            raise ScenarioError("is not a file", source)
        size = path.stat().st_size
        if size > MAX_SCENARIO_BYTES:
            raise ScenarioError(
                f"file is {size:,} bytes; the limit is {MAX_SCENARIO_BYTES:,} bytes", source
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"cannot read the file ({exc.strerror or exc})", source) from None
    return loads_scenario(data, ds, source=source)


# Writing and sharing -------------------------------------------------------------------------
def scenario_to_dict(s: Scenario) -> dict[str, Any]:
    """The canonical JSON value of a scenario: codes, every key, a stable key order.

    Examples
    --------
    >>> scenario_to_dict(Scenario("Nothing new", ()))
    {'name': 'Nothing new', 'include_existing': True, 'max_travel_km': None, \
'population': 'census2021', 'hubs': []}
    """
    return {
        "name": s.name,
        "include_existing": s.include_existing,
        "max_travel_km": s.max_travel_km,
        "population": s.population,
        "hubs": [
            {
                "name": h.name,
                "model": h.model,
                "authorities": list(h.authorities),
                "host": h.host,
            }
            for h in s.hubs
        ],
    }


def dumps_scenario(s: Scenario) -> str:
    """Compact canonical JSON; ``loads_scenario(dumps_scenario(s), ds) == s``."""
    return json.dumps(scenario_to_dict(s), separators=(",", ":"), ensure_ascii=False)


def encode_share(s: Scenario) -> str:
    """A share-link token: URL-safe base64 of the compact JSON, without ``=`` padding.

    Raises
    ------
    ShareTooLong
        If the token would be longer than ``MAX_SHARE_CHARS`` (about 4,600 bytes of JSON):
        such a link would not travel reliably, so offer the scenario file instead
        (see :func:`share_token_or_none`).

    Examples
    --------
    >>> encode_share(Scenario("x", ()))[:12]
    'eyJuYW1lIjoi'
    """
    try:
        raw = dumps_scenario(s).encode("utf-8")
    except UnicodeEncodeError:
        raise ScenarioError("holds text that cannot be written as UTF-8", "share link") from None
    length = 4 * len(raw) // 3 + (len(raw) % 3 > 0)  # unpadded base64 length
    if length > MAX_SHARE_CHARS:
        raise ShareTooLong(
            f"would be {length:,} characters long; the limit is {MAX_SHARE_CHARS:,}, so "
            "download the scenario file and share that instead",
            "share link",
        )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def share_token_or_none(s: Scenario) -> str | None:
    """The share-link token, or ``None`` when the scenario is too big to share as a link
    (the page then says so and offers the scenario file).

    >>> big = Scenario("x", tuple(HubSpec(f"{n:03d}" + "h" * 117, "per_authority",
    ...                                   ("W06000023",), None) for n in range(50)))
    >>> share_token_or_none(big) is None, share_token_or_none(Scenario("x", ())) is not None
    (True, True)
    """
    try:
        return encode_share(s)
    except ShareTooLong:
        return None


def decode_share(token: str, ds: Dataset) -> Scenario:
    """Decode a share-link token (padding optional) back to a validated scenario.

    Raises
    ------
    ScenarioError
        If the token is too long, not URL-safe base64, not UTF-8, not JSON, or not a
        valid scenario. Messages start with ``share link``.
    """
    source = "share link"
    if not isinstance(token, str):
        raise ScenarioError(f"expected text, not {type(token).__name__}", source)
    token = token.strip()
    if len(token) > MAX_SHARE_CHARS:
        raise ScenarioError(
            f"is {len(token):,} characters long; the limit is {MAX_SHARE_CHARS:,}", source
        )
    if not token:
        raise ScenarioError("is empty", source)
    body = token.rstrip("=")
    if not _BASE64URL.fullmatch(body):
        raise ScenarioError(
            "is not valid URL-safe base64 (only A-Z, a-z, 0-9, - and _ are allowed)", source
        )
    if len(token) - len(body) > 2 or len(body) % 4 == 1:
        raise ScenarioError("is not valid URL-safe base64 (wrong length)", source)
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    return loads_scenario(raw, ds, source=source)


def may_2019_scenario(population: str = "census2021") -> Scenario:
    """The position as at 31 May 2019: no proposed hubs, existing MASHs counted, people
    counted on ``population`` (the one baseline every comparison starts from).

    >>> may_2019_scenario().hubs, may_2019_scenario("mid2018").population
    ((), 'mid2018')
    """
    return Scenario(name=MAY_2019_NAME, hubs=(), include_existing=True, population=population)
