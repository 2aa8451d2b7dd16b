"""``python -m explorer check``: what this deployment will do, in a few lines.

Data and boundaries found and valid, Leaflet assets present, the rooms database reachable
and migrated (the SQLite file or the PostgreSQL host, never a password), whether rooms
survive a restart (:mod:`explorer.deployment`) and the address links will start with.
:func:`run_checks` returns the lines; the command prints them and exits 0 when all is well,
else 2 with one line per problem on stderr.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from explorer.data import DataError, load_dataset, resolve_data_dir
from explorer.deployment import on_community_cloud, secrets_env, storage_durability
from explorer.links import BASE_URL_ENV, CLOUD_APP_PATHS
from explorer.storage import db
from explorer.text import terminal_safe


@dataclass(frozen=True)
class Line:
    """One finding: ``topic: text``; ``problem`` when it stops the deployment working."""

    topic: str
    text: str
    problem: bool = False

    def __str__(self) -> str:
        return f"{'PROBLEM' if self.problem else 'ok':7} {self.topic}: {self.text}"


def check_data(data: str | None = None) -> Line:
    folder = resolve_data_dir(data)
    try:
        ds = load_dataset(folder)
    except DataError as exc:
        return Line("data", f"{terminal_safe(str(folder))}: {exc}", True)
    return Line("data", f"{len(ds.authorities)} authorities, {len(ds.forces)} forces, valid "
                        f"({terminal_safe(str(folder))})")


def check_boundaries(b) -> Line:
    """``b``: the :class:`geo.boundaries.Boundaries` the maps would draw (the command line
    obtains them: ``explorer/`` does not import ``geo/``)."""
    text = f"{b.name} ({b.source})"
    if b.notice or b.source == "tiles":
        details = " ".join(str(b.details or b.notice or "").split())
        return Line("boundaries", f"{text}, not the ones asked for: {details}", True)
    return Line("boundaries", f"{text}, valid")


def check_assets(problems: list[str], leaflet_version: str) -> list[Line]:
    """``problems``: :func:`geo.assets.missing_assets` (one line each)."""
    if problems:
        return [Line("assets", p, True) for p in problems]
    return [Line("assets", f"Leaflet {leaflet_version} (XStatic-Leaflet), map_controls.js "
                           "and favicon present; nothing is written at run time")]


def check_database(env: Mapping[str, str]) -> Line:
    """Reachable and migrated? A SQLite file not made yet is fine if its folder can be."""
    try:
        url = db.database_url(env)
    except ValueError as exc:
        return Line("database", str(exc), True)
    storage = storage_durability(url, env)
    where = f"{storage.kind} {storage.where}"
    if storage.kind == "sqlite" and storage.where != "memory":
        path = Path(storage.where)
        if not path.exists():
            folder = next((p for p in [path.parent, *path.parent.parents] if p.exists()), None)
            if folder is None or not os.access(folder, os.W_OK):
                return Line("database", f"{where}: cannot be created (folder not writable)",
                            True)
            return Line("database", f"{where}: not made yet; the app creates and migrates it "
                                    "when it starts")
    try:
        engine = db.make_engine(url)
    except db.DatabaseError as exc:
        return Line("database", str(exc), True)
    try:
        current = db.current_revision(engine)
    except Exception as exc:  # any driver's refusal: one line, never a password
        return Line("database", f"{where}: unreachable ({db.reason(exc)})", True)
    finally:
        engine.dispose()
    head = _head_revision()
    if current == head:
        return Line("database", f"{where}: reachable, migrated ({head})")
    if current is None or current in _known_revisions():
        return Line("database", f"{where}: reachable, at {current or 'no schema'}; the app "
                                f"migrates it to {head} when it starts")
    return Line("database", f"{where}: at revision {current}, which this version of the app "
                            "does not know (a newer app wrote it?)", True)


def _script():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(db.alembic_config())


def _head_revision() -> str:
    return _script().get_current_head()


def _known_revisions() -> set[str]:
    return {rev.revision for rev in _script().walk_revisions()}


def check_storage(env: Mapping[str, str]) -> Line:
    storage = storage_durability(db.database_url(env), env)
    if storage.problem:
        return Line("storage", storage.problem.removeprefix("storage: "), True)
    if storage.durable:
        return Line("storage", "durable: rooms are kept in a database server")
    return Line("storage", f"rooms survive a restart only if this disk does ({storage.reason})")


def check_hosting(env: Mapping[str, str]) -> Line:
    cloud = on_community_cloud(env)
    if cloud:
        return Line("hosting", f"Streamlit Community Cloud ({cloud})")
    return Line("hosting", "self-hosted (not Streamlit Community Cloud)")


def check_links(env: Mapping[str, str]) -> Line:
    base = (env.get(BASE_URL_ENV) or "").strip().rstrip("/")
    if not base:
        return Line("links", "start with the address each visitor opened the app at (without "
                             f"Cloud's /~/+); set {BASE_URL_ENV} to fix one")
    shown = terminal_safe(base)
    if not base.startswith(("http://", "https://")) or any(c in base for c in " ?#\n\t"):
        return Line("links", f"{BASE_URL_ENV} {shown} is not an http(s) address without "
                             "spaces, ? or #", True)
    if any(inner in base for inner in CLOUD_APP_PATHS):
        return Line("links", f"{BASE_URL_ENV} {shown} holds Cloud's inner /~/+ path, which "
                             "people cannot open; use the app's public address", True)
    return Line("links", f"start with {shown} ({BASE_URL_ENV})")


def check_env() -> tuple[dict[str, str], dict[str, str]]:
    """(the environment the app would see, the secrets in it): this process's environment
    plus the top-level secrets Streamlit would export (:func:`explorer.deployment.secrets_env`)."""
    secrets = secrets_env()
    return {**os.environ, **secrets}, secrets


def run_checks(env: Mapping[str, str], data: str | None = None, *, boundaries=None,
               asset_problems: list[str] | None = None, leaflet_version: str = "",
               secrets: Mapping[str, str] | None = None) -> list[Line]:
    """Every check on ``env``; the boundaries and asset lines when they are given (they come
    from ``geo/``, which the command line reaches)."""
    lines = [check_data(data)]
    if boundaries is not None:
        lines.append(check_boundaries(boundaries))
    if asset_problems is not None:
        lines += check_assets(asset_problems, leaflet_version)
    lines += [check_database(env), check_storage(env), check_hosting(env), check_links(env)]
    if secrets:
        names = ", ".join(sorted(k for k in secrets if k.startswith("MASH_"))) or "none"
        lines.append(Line("secrets", f"Streamlit secrets give the app these settings: {names}"))
    return lines
