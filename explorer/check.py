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
from explorer.i18n import t
from explorer.links import BASE_URL_ENV, CLOUD_APP_PATHS
from explorer.storage import db
from explorer.text import terminal_safe


@dataclass(frozen=True)
class Line:
    """One finding: ``topic: text``; ``problem`` when it stops the deployment working."""

    topic: str
    text: str
    problem: bool = False
    #: The language of the ``ok``/``PROBLEM`` mark (the text is already in it).
    lang: str = "en"

    def __str__(self) -> str:
        mark = t("check.problem" if self.problem else "check.ok", self.lang)
        return f"{mark:7} {self.topic}: {self.text}"


def check_data(data: str | None = None, lang: str = "en") -> Line:
    folder = resolve_data_dir(data)
    try:
        ds = load_dataset(folder)
    except DataError as exc:
        return Line("data", f"{terminal_safe(str(folder))}: {exc}", True, lang)
    return Line("data", t("check.data", lang, authorities=len(ds.authorities),
                          forces=len(ds.forces), folder=terminal_safe(str(folder))), lang=lang)


def check_boundaries(b, lang: str = "en") -> Line:
    """``b``: the :class:`geo.boundaries.Boundaries` the maps would draw (the command line
    obtains them: ``explorer/`` does not import ``geo/``)."""
    text = f"{b.name} ({b.source})"
    if b.notice or b.source == "tiles":
        details = " ".join(str(b.details or b.notice or "").split())
        return Line("boundaries", t("check.boundaries_other", lang, text=text, details=details),
                    True, lang)
    return Line("boundaries", t("check.boundaries_ok", lang, text=text), lang=lang)


def check_assets(problems: list[str], leaflet_version: str, lang: str = "en") -> list[Line]:
    """``problems``: :func:`geo.assets.missing_assets` (one line each)."""
    if problems:
        return [Line("assets", p, True, lang) for p in problems]
    return [Line("assets", t("check.assets", lang, version=leaflet_version), lang=lang)]


def check_database(env: Mapping[str, str], lang: str = "en") -> Line:
    """Reachable and migrated? A SQLite file not made yet is fine if its folder can be."""
    def line(key: str, problem: bool = False, **values) -> Line:
        return Line("database", t(f"check.{key}", lang, where=where, **values), problem, lang)

    try:
        url = db.database_url(env)
    except ValueError as exc:
        return Line("database", str(exc), True, lang)
    storage = storage_durability(url, env)
    where = f"{storage.kind} {storage.where}"
    if storage.kind == "sqlite" and storage.where != "memory":
        path = Path(storage.where)
        if not path.exists():
            folder = next((p for p in [path.parent, *path.parent.parents] if p.exists()), None)
            if folder is None or not os.access(folder, os.W_OK):
                return line("db_not_writable", True)
            return line("db_not_made")
    try:
        engine = db.make_engine(url)
    except db.DatabaseError as exc:
        return Line("database", exc.text(lang), True, lang)
    try:
        current = db.current_revision(engine)
    except Exception as exc:  # any driver's refusal: one line, never a password
        return line("db_unreachable", True, reason=db.reason(exc))
    finally:
        engine.dispose()
    head = _head_revision()
    if current == head:
        return line("db_migrated", head=head)
    if current is None or current in _known_revisions():
        return line("db_behind", current=current or t("check.no_schema", lang), head=head)
    return line("db_unknown", True, current=current)


def _script():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(db.alembic_config())


def _head_revision() -> str:
    return _script().get_current_head()


def _known_revisions() -> set[str]:
    return {rev.revision for rev in _script().walk_revisions()}


def check_storage(env: Mapping[str, str], lang: str = "en") -> Line:
    storage = storage_durability(db.database_url(env), env)
    if storage.problem:
        return Line("storage", storage.problem.removeprefix("storage: "), True, lang)
    if storage.durable:
        return Line("storage", t("check.durable", lang), lang=lang)
    return Line("storage", t("check.disk", lang, reason=storage.reason), lang=lang)


def check_hosting(env: Mapping[str, str], lang: str = "en") -> Line:
    cloud = on_community_cloud(env)
    if cloud:
        return Line("hosting", t("check.cloud", lang, how=cloud), lang=lang)
    return Line("hosting", t("check.self_hosted", lang), lang=lang)


def check_links(env: Mapping[str, str], lang: str = "en") -> Line:
    base = (env.get(BASE_URL_ENV) or "").strip().rstrip("/")
    if not base:
        return Line("links", t("check.links_visitor", lang, env=BASE_URL_ENV), lang=lang)
    shown = terminal_safe(base)
    if not base.startswith(("http://", "https://")) or any(c in base for c in " ?#\n\t"):
        return Line("links", t("check.links_bad", lang, env=BASE_URL_ENV, url=shown), True,
                    lang)
    if any(inner in base for inner in CLOUD_APP_PATHS):
        return Line("links", t("check.links_cloud", lang, env=BASE_URL_ENV, url=shown), True,
                    lang)
    return Line("links", t("check.links", lang, env=BASE_URL_ENV, url=shown), lang=lang)


def check_env() -> tuple[dict[str, str], dict[str, str]]:
    """(the environment the app would see, the secrets in it): this process's environment
    plus the top-level secrets Streamlit would export (:func:`explorer.deployment.secrets_env`)."""
    secrets = secrets_env()
    return {**os.environ, **secrets}, secrets


def run_checks(env: Mapping[str, str], data: str | None = None, *, boundaries=None,
               asset_problems: list[str] | None = None, leaflet_version: str = "",
               secrets: Mapping[str, str] | None = None, lang: str = "en") -> list[Line]:
    """Every check on ``env``; the boundaries and asset lines when they are given (they come
    from ``geo/``, which the command line reaches). Words in ``lang``; topics as named."""
    lines = [check_data(data, lang)]
    if boundaries is not None:
        lines.append(check_boundaries(boundaries, lang))
    if asset_problems is not None:
        lines += check_assets(asset_problems, leaflet_version, lang)
    lines += [check_database(env, lang), check_storage(env, lang), check_hosting(env, lang),
              check_links(env, lang)]
    if secrets:
        names = (", ".join(sorted(k for k in secrets if k.startswith("MASH_")))
                 or t("cli.none", lang))
        lines.append(Line("secrets", t("check.secrets", lang, names=names), lang=lang))
    return lines
