"""A force's section of an update round, opened by its contributor link (``?token=...``).

The page shows the force's rows of the edition the round starts from, with the draft's
changes on top. Each change is a group of fields (the row's fields, then its source and
reason), and the draft saves as it goes: every field change saves the whole draft at once,
naming the version the page showed ("Keep this change" saves too), so a reload, a second tab
or a server restart finds it in the database. A new row is saved once it has its short name
(a hub once it names its authorities); until then a refusal is a quiet warning. When another
page saved meanwhile the save is refused: the page keeps what was typed, lists what the other
page changed, and offers to save on top of it (this page's rows win) or to load the saved
draft. Actions run in callbacks, before the page is drawn again, so the version
they name is the one the visitor saw. Session state holds plain values only.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd
import streamlit as st

from explorer.data import resolve_data_dir
from explorer.editions.model import format_date
from explorer.i18n import t
from explorer.limits import (
    MAX_CHANGE_REASON_CHARS,
    MAX_CHANGE_SOURCE_CHARS,
    MAX_DATA_TEXT_CHARS,
    MAX_DISPLAY_NAME_CHARS,
    MAX_SOURCE_LINK_CHARS,
)
from explorer.model import STATUSES, Dataset
from explorer.rounds import store
from explorer.rounds.model import (
    EDITABLE,
    Base,
    Edit,
    RoundError,
    clean_edit,
    edits_from_plain,
    edits_to_plain,
    effective,
    submit_problems,
)
from explorer.storage import db
from explorer.storage.db import Engine
from explorer.text import md_escape
from pages.ui import caches
from pages.ui.rounds.common import flash, force_name, refused, say, state_label

state = st.session_state
PARTS = ("positions.csv", "hubs.csv", "arrangements.csv", "items.csv", "events.csv",
         "forces.csv")
FLAGS = ("approximate", "planned")
ARRANGEMENT_KINDS = ("cru_police_only", "cru_partner_links", "vulnerability_hub_proposed",
                     "early_intervention_pathfinder", "early_intervention_projects")
ITEM_KINDS = ("context", "stance", "challenge", "plan", "guidance", "review")
SOURCE_FIELDS = ("source_title", "reported_by", "source_date", "source_link", "reason")
NEW = "__new__"
FIELD_LIMITS = {"source_title": MAX_CHANGE_SOURCE_CHARS, "reported_by": MAX_CHANGE_SOURCE_CHARS,
                "source_date": 10, "source_link": MAX_SOURCE_LINK_CHARS,
                "reason": MAX_CHANGE_REASON_CHARS}
TEXT_AREAS = {"summary", "stance", "position_summary", "reason"}


def _slug(text: str) -> str:
    """>>> _slug("Test hub A!")
    'test_hub_a'
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")[:40]


def _local_key(round_id: int, force_id: str) -> str:
    return f"rd_c_{round_id}_{force_id}"


def _local(round_id: int, force_id: str) -> dict[str, Any]:
    return state.get(_local_key(round_id, force_id)) or {}


def _row_label(ds: Dataset, file: str, row: dict[str, str], lang: str) -> str:
    if file == "positions.csv":
        return ds.authority(row["code"]).name(lang)
    if file == "forces.csv":
        return ds.force(row["force_id"]).name(lang)
    if file in ("hubs.csv", "arrangements.csv"):
        return row.get("name") or row.get("hub_id") or row.get("arrangement_id", "")
    summary = row.get("summary", "")
    if file == "events.csv":
        return f"{row.get('date_label') or row.get('date', '')}: {summary[:60]}"
    return f"{row.get('item_id', '')}: {summary[:60]}"


def _rows(base: Base, force_id: str, file: str, edits: tuple[Edit, ...]) -> dict[str, dict]:
    """The force's rows of ``file`` as the draft has them (base rows, draft on top)."""
    out = {r[_key(file)]: dict(r) for r in base.section_rows(force_id, file)}
    for e in edits:
        if e.file != file:
            continue
        if e.kind == "removed":
            out.pop(e.record_id, None)
        else:
            out[e.record_id] = {**out.get(e.record_id, {}), **e.cells(),
                                _key(file): e.record_id}
    return out


def _key(file: str) -> str:
    from explorer.data import KEY_COLUMNS

    return KEY_COLUMNS[file]


# Actions (callbacks: they run before the page is drawn again) -----------------------------
def _save(eng: Engine, token: str, round_id: int, force_id: str, edits: list[Edit],
          lang: str, quiet: bool = False) -> bool:
    """Save the draft; True when stored. ``quiet`` (a save as the visitor types): a refusal
    is a warning that the change is not saved yet, not an error."""
    local = _local(round_id, force_id)
    version = _own_version(eng, token, round_id, force_id, local["version"])
    # Written before saving: Streamlit may cut a callback short at any session-state access
    # (a newer rerun request), after the database has the save but before the page knows.
    pending = _pending_key(round_id, force_id)
    state[pending] = [*(state.get(pending) or [])[-4:],
                      {"version": version, "edits": edits_to_plain(edits)}]
    try:
        saved = store.save_draft(eng, resolve_data_dir(), token, edits, version,
                                 display_name=state.get("rd_name", ""))
    except store.StaleSave as exc:
        state[_local_key(round_id, force_id)] = {
            "version": local["version"], "edits": edits_to_plain(edits),
            "stale": {"version": exc.current.version, "changes": list(exc.changes)}}
        say("warning", str(exc))
        return False
    except RoundError as exc:
        # keep what was typed: the draft with this change stays on the page
        state[_local_key(round_id, force_id)] = {**local, "edits": edits_to_plain(edits),
                                                 "unsaved": True}
        if quiet:
            say("warning", t("rounds.contribute.not_saved_yet", lang,
                             problem=exc.problems[0]), exc.problems[1:])
        else:
            say("error", exc.problems[0], exc.problems[1:])
        return False
    state[_local_key(round_id, force_id)] = {"version": saved.version,
                                             "edits": edits_to_plain(saved.edits)}
    say("success", t("rounds.contribute.saved", lang, version=saved.version))
    return True


def _pending_key(round_id: int, force_id: str) -> str:
    return f"rd_p_{round_id}_{force_id}"


def _own_version(eng: Engine, token: str, round_id: int, force_id: str, version: int) -> int:
    """The version to save from: ``version``, or the stored one when the stored draft is
    this page's own doing (a save stored but cut short before the page heard of it, or a
    version the page had already taken as its own), so a page never conflicts with itself.
    Another page's save is still refused."""
    attempts = state.get(_pending_key(round_id, force_id)) or []
    if not attempts:
        return version
    current = store.contributor(eng, token).section
    if current.version == version:
        return version
    for attempt in reversed(attempts):
        if current.version == attempt["version"]:
            return current.version
        try:
            mine = tuple(clean_edit(e) for e in edits_from_plain(attempt["edits"]))
        except RoundError:
            continue
        if current.version == attempt["version"] + 1 and current.edits == mine:
            return current.version
    return version


def _keep(eng, token, round_id, force_id, file, record_id, kind, lang,
          quiet: bool = False) -> None:
    """Save the draft with this row as its fields now are: on every field change (``quiet``)
    and on "Keep this change"."""
    local = _local(round_id, force_id)
    edits = list(edits_from_plain(local.get("edits", [])))
    prefix = f"rd_f_{file}_{record_id}_"
    new_row = record_id == NEW
    if new_row:
        short = _slug(str(state.get(prefix + "new_id", "")))
        if not short:
            if not quiet:
                say("error", t("rounds.contribute.new_id", lang) + ": ?")
            return  # saved once it has a name
        record_id, kind = f"{force_id}_{short}", "added"
    elif state.get(prefix + "remove"):
        kind = "removed"
    elif any(e.key == (file, record_id) and e.kind == "added" for e in edits):
        kind = "added"  # a row added in this draft stays an added row
    values: dict[str, str] = {}
    if kind != "removed":
        for col in EDITABLE[file][1]:
            raw = state.get(prefix + col)
            if raw is None:
                continue
            if isinstance(raw, list):
                raw = ";".join(raw)
            if isinstance(raw, bool):
                raw = "true" if raw else "false"
            values[col] = "" if raw == NEW else str(raw)
    source = {f: str(state.get(prefix + f, "") or "") for f in SOURCE_FIELDS}
    edit = Edit(file=file, record_id=record_id, kind=kind,
                values=tuple(sorted(values.items())), **source)
    others = [e for e in edits if e.key != edit.key]
    if kind == "changed" and not any(source.values()) and not effective(
            store.base_of(eng, store.contributor(eng, token).round, resolve_data_dir()),
            (edit,)):
        edits = others  # back as it was, nothing typed about it: no change in the draft
        if len(edits) == len(local.get("edits", [])):
            return
    else:
        edits = [*others, edit]
    if (edits == list(edits_from_plain(local.get("edits", [])))
            and not (local.get("stale") or local.get("unsaved"))):
        if not quiet:  # nothing new since the last save (each field saved as it changed)
            say("success", t("rounds.contribute.saved", lang, version=local["version"]))
        return
    if _save(eng, token, round_id, force_id, edits, lang, quiet) and new_row:
        # The fields stay as they are while the visitor goes on typing (each change saves
        # the same new row); once another row is chosen, "Add a new one" starts empty.
        state[f"rd_new_saved_{file}"] = True


def _left_new_row(file: str) -> None:
    """Another row chosen: a new row already saved is in the list under its own name, so
    "Add a new one" starts empty next time."""
    if state.pop(f"rd_new_saved_{file}", False):
        for k in [k for k in state if str(k).startswith(f"rd_f_{file}_{NEW}_")]:
            del state[k]


def _take_out(eng, token, round_id, force_id, lang) -> None:
    chosen = state.get("rd_take_out")
    edits = [e for e in edits_from_plain(_local(round_id, force_id).get("edits", []))
             if f"{e.file}|{e.record_id}" != chosen]
    _save(eng, token, round_id, force_id, edits, lang)


def _on_top(eng, token, round_id, force_id, lang) -> None:
    """Save this page's rows on top of the stored draft (this page's rows win)."""
    mine = edits_from_plain(_local(round_id, force_id).get("edits", []))
    theirs = store.contributor(eng, token).section
    merged = {e.key: e for e in theirs.edits}
    merged.update({e.key: e for e in mine})
    state[_local_key(round_id, force_id)] = {"version": theirs.version,
                                             "edits": edits_to_plain(mine)}
    _save(eng, token, round_id, force_id, list(merged.values()), lang)


def _load_saved(round_id, force_id) -> None:
    state.pop(_local_key(round_id, force_id), None)


def _submit(eng, token, round_id, force_id, lang) -> None:
    try:
        store.submit(eng, resolve_data_dir(), token,
                     _own_version(eng, token, round_id, force_id,
                                  _local(round_id, force_id)["version"]),
                     display_name=state.get("rd_name", ""))
    except store.StaleSave as exc:
        say("warning", str(exc), exc.changes)
        state.pop(_local_key(round_id, force_id), None)
        return
    except RoundError as exc:
        say("error", exc.problems[0], exc.problems[1:])
        return
    state.pop(_local_key(round_id, force_id), None)
    say("success", t("rounds.contribute.submitted", lang))


# Drawing --------------------------------------------------------------------------------
def _field(file: str, col: str, value: str, key: str, lang: str, ds: Dataset,
           force_codes: tuple[str, ...], hubs: dict[str, dict], disabled: bool,
           saves: dict[str, Any]) -> None:
    """One field of a row; ``saves`` (``on_change`` and its ``args``) saves the draft when
    it changes."""
    label = t(f"rounds.field.{col}", lang)
    names = {c: ds.authority(c).name(lang) for c in force_codes}
    if col == "status":
        options = (STATUSES if file == "positions.csv"
                   else tuple(s for s in STATUSES if s != "no_mash") if file == "hubs.csv"
                   else ("operating", "proposed"))
        fmt = (lambda s: t(f"status.{s}", lang)) if file != "arrangements.csv" else str
        st.selectbox(label, options, index=options.index(value) if value in options else 0,
                     key=key, format_func=fmt, disabled=disabled, **saves)
    elif col == "hub_id":
        options = (NEW, *hubs)
        st.selectbox(label, options, index=options.index(value) if value in options else 0,
                     key=key, disabled=disabled, **saves,
                     format_func=lambda h: t("rounds.field.none", lang) if h == NEW
                     else hubs[h].get("name", h))
    elif col == "member_codes":
        chosen = [c for c in value.split(";") if c in names]
        st.multiselect(label, list(names), default=chosen, key=key, format_func=names.get,
                       disabled=disabled, **saves)
    elif col == "host_code":
        options = (NEW, *names)
        st.selectbox(label, options, index=options.index(value) if value in options else 0,
                     key=key, disabled=disabled, **saves,
                     format_func=lambda c: t("rounds.field.none", lang) if c == NEW
                     else names[c])
    elif col == "kind":
        options = ARRANGEMENT_KINDS if file == "arrangements.csv" else ITEM_KINDS
        st.selectbox(label, options, index=options.index(value) if value in options else 0,
                     key=key, disabled=disabled, **saves)
    elif col in FLAGS:
        st.checkbox(label, value=value.strip().lower() == "true", key=key, disabled=disabled,
                    **saves)
    elif col == "date":  # an event's date, for its place on the timeline
        st.text_input(label, value=value, key=key, disabled=disabled, max_chars=7,
                      placeholder="YYYY-MM", **saves)
    elif col == "end_date":  # a day or at least a month (issue 19), checked at submit
        st.text_input(label, value=value, key=key, disabled=disabled, max_chars=10,
                      placeholder="YYYY-MM-DD", **saves)
    elif col in TEXT_AREAS:
        st.text_area(label, value=value, key=key, disabled=disabled,
                     max_chars=MAX_DATA_TEXT_CHARS, **saves)
    else:
        st.text_input(label, value=value, key=key, disabled=disabled,
                      max_chars=MAX_DATA_TEXT_CHARS, **saves)


def _form(eng, token, info, section, base, ds, edits, lang, editable: bool) -> None:
    force_id = section.force_id
    part = st.radio(t("rounds.contribute.part", lang), PARTS, horizontal=True,
                    format_func=lambda f: t(f"rounds.part.{f.removesuffix('.csv')}", lang),
                    key="rd_part")
    rows = _rows(base, force_id, part, edits)
    kinds = EDITABLE[part][0]
    options = [*rows, *([NEW] if "added" in kinds else [])]
    if not options:
        return
    record_id = st.selectbox(
        t("rounds.contribute.row", lang), options, key=f"rd_row_{part}",
        on_change=_left_new_row, args=(part,),
        format_func=lambda r: t("rounds.contribute.new_row", lang) if r == NEW
        else _row_label(ds, part, rows[r], lang))
    row = rows.get(record_id, {})
    draft = {e.key: e for e in edits}.get((part, record_id))
    prefix = f"rd_f_{part}_{record_id}_"
    hubs = _rows(base, force_id, "hubs.csv", edits)
    args = (eng, token, info.id, force_id, part, record_id,
            "added" if record_id == NEW else "changed", lang)
    saves = {"on_change": _keep, "args": args, "kwargs": {"quiet": True}}
    with st.container(border=True):  # no form: each field saves the draft as it changes
        st.caption(t("rounds.contribute.autosave", lang))
        if record_id == NEW:
            st.text_input(t("rounds.contribute.new_id", lang), key=prefix + "new_id",
                          disabled=not editable, **saves)
        for col in EDITABLE[part][1]:
            _field(part, col, row.get(col, ""), prefix + col, lang, ds,
                   base.codes_of(force_id), hubs, not editable, saves)
        if record_id != NEW and "removed" in kinds:
            st.checkbox(t("rounds.contribute.remove_row", lang), key=prefix + "remove",
                        disabled=not editable, **saves)
        for f in SOURCE_FIELDS:
            value = getattr(draft, f) if draft else ""
            (st.text_area if f in TEXT_AREAS else st.text_input)(
                t(f"rounds.field.{f}", lang), value=value, key=prefix + f, disabled=not editable,
                max_chars=FIELD_LIMITS[f], **saves)
        st.button(t("rounds.contribute.keep", lang), disabled=not editable, on_click=_keep,
                  args=args, key=f"rd_keep_{part}_{record_id}")


def _draft_table(ds: Dataset, base: Base, edits: tuple[Edit, ...], lang: str) -> None:
    st.subheader(t("rounds.contribute.draft_heading", lang), anchor=False)
    if not edits:
        st.caption(t("rounds.contribute.no_changes", lang))
        return
    rows = []
    for e in edits:
        ref = base.rows[e.file].get(e.record_id) or {**e.cells(), _key(e.file): e.record_id}
        source = ", ".join(p for p in (e.source_title, e.reported_by, e.source_date) if p)
        part = t(f"rounds.part.{e.file.removesuffix('.csv')}", lang)
        rows.append({
            t("rounds.contribute.col_row", lang): f"{part}: {_row_label(ds, e.file, ref, lang)}",
            t("rounds.contribute.col_kind", lang): e.kind,
            t("rounds.contribute.col_source", lang): source,
            t("rounds.contribute.col_reason", lang): e.reason,
            t("rounds.contribute.col_check", lang):
                t("rounds.contribute.missing", lang) if submit_problems((e,))
                else t("rounds.contribute.ok", lang)})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _notes(eng, token, info, section, lang: str, editable: bool, stale) -> None:
    """What the section's state says, and the choice a stale save offers."""
    if info.status != "open":
        st.info(t("rounds.contribute.closed", lang))
    elif section.state == "returned" and section.comment:
        st.warning(md_escape(t("rounds.contribute.returned", lang)) + "\n\n"
                   + md_escape(section.comment))
    if info.status == "open" and not editable:
        st.info(t("rounds.contribute.read_only", lang,
                  state=state_label(section.state, lang).lower()))
    if stale:
        st.markdown(md_escape(t("rounds.contribute.stale_changes", lang)))
        st.markdown("\n".join(f"- {md_escape(c)}" for c in stale["changes"]) or "-")
        left, right = st.columns(2)
        left.button(t("rounds.contribute.stale_keep", lang), on_click=_on_top,
                    args=(eng, token, info.id, section.force_id, lang))
        right.button(t("rounds.contribute.stale_load", lang), on_click=_load_saved,
                     args=(info.id, section.force_id))


def page(eng: Engine, token: str, lang: str, ds: Dataset) -> None:
    flash()
    try:
        found = store.contributor(eng, token)
    except RoundError as exc:
        refused(exc)
        return
    info, section = found.round, found.section
    force = force_name(ds, section.force_id, lang)
    st.title(t("rounds.contribute.title", lang, force=force), anchor=False)
    st.caption(md_escape(t("rounds.contribute.intro", lang, round=info.title, force=force,
                           date=format_date(info.as_at, lang))))
    key = _local_key(info.id, section.force_id)
    local = state.get(key)
    if not local or not (local.get("stale") or local.get("unsaved")):
        local = {"version": section.version, "edits": edits_to_plain(section.edits)}
        state[key] = local
    edits = edits_from_plain(local["edits"])
    st.markdown(md_escape(t("rounds.contribute.state", lang,
                            state=state_label(section.state, lang),
                            version=section.version)))
    editable = info.status == "open" and section.state in ("not_started", "draft", "returned")
    stale = local.get("stale")
    with st.container():  # drawn on every run, so the form below keeps its place (flash())
        _notes(eng, token, info, section, lang, editable, stale)
    base = caches.round_base(db.database_url(), info.base_id)  # parsed once per process
    st.text_input(t("rounds.contribute.name", lang), key="rd_name",
                  max_chars=MAX_DISPLAY_NAME_CHARS)
    _form(eng, token, info, section, base, ds, edits, lang, editable)
    _draft_table(ds, base, edits, lang)
    if editable and not stale:
        if edits:
            st.selectbox(t("rounds.contribute.take_out", lang),
                         [f"{e.file}|{e.record_id}" for e in edits], key="rd_take_out")
            st.button(t("rounds.contribute.take_out_button", lang), on_click=_take_out,
                      args=(eng, token, info.id, section.force_id, lang))
        st.button(t("rounds.contribute.submit", lang), type="primary", on_click=_submit,
                  args=(eng, token, info.id, section.force_id, lang))
