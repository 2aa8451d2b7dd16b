"""The "as at" choice: which published edition the status map and the planner show.

``?asat=<edition id>`` in the URL picks a published edition; without it (or with an id that
is not a published edition) the latest published edition is shown, which is the May 2019
briefing (edition 1) while there is no other: an old link without ``asat`` keeps meaning
"latest". Every page writes the edition it shows into the URL, and every link between pages,
share link and printed briefing carries it (:func:`explorer.links.edition_params`), edition 1
included: a link made while only May 2019 exists still shows May 2019 after a later edition
is published, so a link reproduces what its sender saw.

Later editions live in the app's database. When no database has been set up
(``MASH_DATABASE_URL`` unset and no SQLite file yet), there is only edition 1 and nothing is
created. Published editions never change, so each one's position is loaded once per process;
the list of published editions is looked up again after :data:`LIST_TTL_S` seconds.
Text from a later edition (summaries, hub names, sources) is shown escaped, never as markdown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from explorer.data import resolve_data_dir
from explorer.editions import store
from explorer.editions.model import BASE_EDITION_ID, Edition, format_date
from explorer.i18n import t
from explorer.links import EDITION_PARAM, edition_params
from explorer.model import Dataset
from explorer.printing.briefing import PaperEdition
from explorer.storage import db
from explorer.text import md_escape
from pages.ui import caches

PARAM = EDITION_PARAM
STATE = "asat"
LIST_TTL_S = 30


@dataclass(frozen=True)
class Choice:
    """The edition shown: its id, title and as-at date; ``latest`` when it is the default."""

    id: int
    title: str
    as_at: str
    latest: bool
    several: bool  # more than one published edition (then the sidebar offers a choice)

    @property
    def is_base(self) -> bool:
        return self.id == BASE_EDITION_ID


def database_url() -> str | None:
    """The app's database if one has been set up; None (only edition 1) otherwise."""
    return db.configured_url()


@st.cache_data(ttl=LIST_TTL_S, show_spinner=False)
def _published(url: str | None, data_dir: str) -> tuple[tuple[int, str, str], ...]:
    base = store.base_info(Path(data_dir))
    only_base = ((base.id, base.title, base.as_at),)
    if url is None:
        return only_base
    try:
        infos = store.published_editions(db.shared_engine(url), Path(data_dir))
    except db.DatabaseError:
        return only_base
    return tuple((i.id, i.title, i.as_at) for i in infos)


@st.cache_resource(show_spinner=False, max_entries=32)
def _published_edition(url: str | None, data_dir: str, edition_id: int) -> Edition:
    return store.load_edition(db.shared_engine(url) if url else None, edition_id,
                              Path(data_dir))


def edition(edition_id: int) -> Edition:
    """A published edition with its metadata (loaded once per process: it never changes)."""
    return _published_edition(database_url(), str(resolve_data_dir()), edition_id)


def published() -> tuple[tuple[int, str, str], ...]:
    """(id, title, as-at date) of every published edition, oldest first."""
    return _published(database_url(), str(resolve_data_dir()))


def sync(lang: str) -> Choice:
    """The chosen edition from the URL (when it names a published one) or the default; the
    URL always names the edition shown (edition 1 too), so a copied address keeps it."""
    editions = published()
    by_id = {e[0]: e for e in editions}
    latest = editions[-1][0]
    raw = st.query_params.get(PARAM)
    chosen = None
    if raw is not None and raw.strip().isascii() and raw.strip().isdigit():
        chosen = by_id.get(int(raw.strip()[:9]))
    if chosen is None:
        remembered = st.session_state.get(STATE)
        chosen = by_id.get(remembered) if raw is None and remembered else None
    if chosen is None:
        chosen = by_id[latest]
    st.session_state[STATE] = chosen[0]
    several = len(editions) > 1
    if raw != str(chosen[0]):
        st.query_params[PARAM] = str(chosen[0])
    return Choice(chosen[0], chosen[1], chosen[2], chosen[0] == latest, several)


def link_params() -> dict[str, str]:
    """``asat`` for links between pages and share links: the edition shown, always (a link
    made while only May 2019 exists must keep showing May 2019 later)."""
    chosen = st.session_state.get(STATE)
    return edition_params(chosen) if chosen is not None else {}


def paper_edition() -> PaperEdition:
    """The edition this session shows, for a printed paper (its date, id, title, link)."""
    by_id = {e[0]: e for e in published()}
    chosen = by_id.get(st.session_state.get(STATE)) or published()[-1]
    return PaperEdition(id=chosen[0], as_at=chosen[2], title=chosen[1])


def dataset(choice: Choice) -> Dataset:
    """The chosen edition's position (shared read-only; never mutate it)."""
    return caches.edition_dataset(database_url(), choice.id)


def map_edition(choice: Choice) -> tuple[str | None, int]:
    """(database URL, edition id): the status map's cache key for the chosen edition."""
    return (database_url(), choice.id)


def shown(text: str, choice: Choice) -> str:
    """Text of the chosen edition for markdown: escaped unless it is the committed briefing."""
    return text if choice.is_base else md_escape(text)


def selector(lang: str, choice: Choice) -> None:
    """The sidebar's "As at" choice, when there is more than one published edition."""
    editions = published()
    if len(editions) < 2:
        return
    ids = [e[0] for e in editions]
    labels = {e[0]: t("editions.asat.option", lang, date=format_date(e[2], lang), title=e[1])
              for e in editions}
    key = f"_w_asat_{lang}"
    st.session_state[key] = choice.id

    def changed() -> None:
        st.session_state[STATE] = st.session_state[key]
        st.query_params[PARAM] = str(st.session_state[key])

    st.selectbox(t("editions.asat.label", lang), ids, key=key, on_change=changed,
                 format_func=lambda i: labels[i], help=t("editions.asat.help", lang))


def caption(lang: str, choice: Choice) -> str:
    """The sidebar's line about the date of every status shown."""
    if choice.is_base:
        return t("sidebar.as_at", lang)
    return t("editions.asat.caption", lang, date=format_date(choice.as_at, lang),
             title=md_escape(choice.title), id=choice.id)


def subtitle(lang: str, choice: Choice) -> str:
    """The status map's subtitle."""
    if choice.is_base:
        return t("status.subtitle", lang)
    return t("editions.asat.subtitle", lang, date=format_date(choice.as_at, lang),
             title=md_escape(choice.title), id=choice.id)


def banner(lang: str, choice: Choice) -> str:
    """The note above every page: the date the position refers to (plain text)."""
    if choice.is_base:
        return t("sidebar.as_at_banner", lang)
    return t("editions.asat.banner", lang, date=format_date(choice.as_at, lang),
             title=choice.title, id=choice.id)


def clear_caches() -> None:
    """After a publish or discard: the list of published editions is looked up again."""
    _published.clear()
