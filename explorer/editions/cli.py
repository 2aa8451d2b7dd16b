"""``python -m explorer editions ...``: editions of the position, for whoever runs the server
(no key needed: the operator owns the database).

``editions list [--json]``
    Every edition: id, status, as-at date, title.
``editions show ID [--json]``
    One edition: its metadata, headline figures and its own changes with source and reason.
``editions export ID --output FILE.zip``
    The edition as a ZIP of the data files, ``changes.csv`` and ``edition.json``.
``editions import ZIP_OR_FOLDER [--title T] [--as-at YYYY-MM-DD] [--corrects ID] [--json]``
    A new draft, after the same validation as ``data/`` and the change-record check.
``editions publish ID [--json]``
    Publish a draft (it never changes afterwards).
``editions discard ID``
    Delete a draft.
``editions diff A B [--json]``
    What changed from edition A to edition B, with every change's source and reason.

Edition 1 is the data folder (``--data``, ``MASH_DATA_DIR`` or ``data/``); later editions are
in the app's database (``MASH_DATABASE_URL`` or SQLite under ``MASH_STATE_DIR``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from explorer.cli_parts import add_list_show_export, dump, json_help
from explorer.data import resolve_data_dir
from explorer.editions import files as edition_files_io
from explorer.editions import store
from explorer.editions.diff import compare
from explorer.editions.model import BASE_EDITION_ID, Edition, EditionError, format_date
from explorer.i18n import t
from explorer.newfile import write_new_file
from explorer.storage import db
from explorer.summary import headline
from explorer.text import terminal_safe


def add_parser(sub, lang: str = "en") -> None:
    def m(key: str) -> str:
        return t(f"cli.editions.{key}", lang)

    parser = sub.add_parser("editions", help=m("help"))
    cmds = parser.add_subparsers(dest="editions_command", required=True,
                                 parser_class=type(parser))
    edition_id = add_list_show_export(cmds, "edition", lang)
    imp = cmds.add_parser("import", help=m("import_help"))
    imp.add_argument("source", metavar="ZIP_OR_FOLDER")
    imp.add_argument("--title", help=m("title_help"))
    imp.add_argument("--as-at", dest="as_at", metavar="YYYY-MM-DD", help=m("as_at_help"))
    imp.add_argument("--corrects", type=edition_id, metavar="ID", help=m("corrects_help"))
    imp.add_argument("--json", **json_help(lang))
    publish = cmds.add_parser("publish", help=m("publish_help"))
    publish.add_argument("id", type=edition_id, metavar="ID")
    publish.add_argument("--json", **json_help(lang))
    discard = cmds.add_parser("discard", help=m("discard_help"))
    discard.add_argument("id", type=edition_id, metavar="ID")
    diff = cmds.add_parser("diff", help=m("diff_help"))
    diff.add_argument("a", type=edition_id, metavar="A")
    diff.add_argument("b", type=edition_id, metavar="B")
    diff.add_argument("--json", **json_help(lang))


def _engine():
    return db.shared_engine()


def load(edition: int, data: str | None, lang: str = "en") -> Edition:
    """Edition ``edition`` for ``status``/``coverage``/``best-sites --edition``: edition 1
    without touching the database."""
    data_dir = resolve_data_dir(data)
    if edition == BASE_EDITION_ID:
        return store.load_edition(None, edition, data_dir)
    return _guard(lambda: store.load_edition(_engine(), edition, data_dir), lang)


def _guard(action, lang: str = "en"):
    try:
        return action()
    except db.DatabaseError as exc:
        raise EditionError(exc.text(lang)) from None
    except SQLAlchemyError as exc:
        raise EditionError(t("cli.editions.db_failed", lang, reason=db.reason(exc))) from None


def _change_dict(c) -> dict[str, str]:
    return {"change_id": c.change_id, "file": c.file, "record": c.record_id, "kind": c.kind,
            "source_title": c.source_title, "reported_by": c.reported_by,
            "date": c.source_date, "link": c.source_link, "reason": c.reason}


def _line(info, lang: str = "en") -> str:
    return (f"{info.id:>3}  {info.status:<9}  {info.as_at}  "
            f"{info.published_at.strftime('%Y-%m-%d') if info.published_at else '-':<10}  "
            f"{terminal_safe(info.title)}"
            + (t("cli.editions.corrects", lang, id=info.corrects) if info.corrects else ""))


def run(args: argparse.Namespace, data: str | None, out) -> int:
    return _guard(lambda: _run(args, data, out), args.lang)


def _run(args: argparse.Namespace, data: str | None, out) -> int:
    data_dir = resolve_data_dir(data)
    command, lang = args.editions_command, args.lang

    def m(key: str, **values) -> str:
        return t(f"cli.editions.{key}", lang, **values)

    engine = _engine()
    if command == "list":
        infos = store.list_editions(engine, data_dir)
        if args.json:
            dump([store.info_dict(i) for i in infos], out)
        else:
            print(f"{'ID':>3}  {t('cli.col_status', lang):<9}  {m('col_as_at'):<10}  "
                  f"{m('col_published'):<10}  {m('col_title')}", file=out)
            for info in infos:
                print(_line(info, lang), file=out)
    elif command == "show":
        edition = store.load_edition(engine, args.id, data_dir)
        h = headline(edition.dataset)
        changes = edition.own_changes()
        if args.json:
            dump({**store.info_dict(edition.info),
                   "headline": {"authorities_served": h.authorities_active,
                                "authorities_total": h.authorities_total,
                                "people_served": h.population_active,
                                "people_total": h.population_total, "hubs": h.hubs_active},
                   "own_changes": [_change_dict(c) for c in changes]}, out)
        else:
            info = edition.info
            print(m("heading", id=info.id, title=terminal_safe(info.title)), file=out)
            print(m("as_at", date=format_date(info.as_at, lang), status=info.status)
                  + (f" {info.published_at.strftime('%Y-%m-%d %H:%M')} UTC"
                     if info.published_at else "")
                  + (m("checked_against", id=info.base_id) if info.base_id else "")
                  + (m("corrects_edition", id=info.corrects) if info.corrects else ""),
                  file=out)
            print(m("headline", active=h.authorities_active, total=h.authorities_total,
                    hubs=h.hubs_active, people=f"{h.population_active:,}",
                    people_total=f"{h.population_total:,}"), file=out)
            print(m("changes", n=len(changes) or t("cli.none", lang)), file=out)
            for c in changes:
                _print_change(c, out, lang=lang)
    elif command == "export":
        target = Path(args.output)
        records = {}
        if engine is not None and args.id != BASE_EDITION_ID:
            from explorer.rounds.report import edition_records  # the round that made it

            records = edition_records(engine, args.id)
        size = write_new_file(
            target, lambda: store.export_edition(engine, args.id, data_dir, records), lang)
        print(t("cli.wrote", lang, what=t("cli.edition", lang), id=args.id,
                path=terminal_safe(str(target)), bytes=f"{size:,}"), file=out)
        if records:
            print(m("with_record"), file=out)
    elif command == "import":
        info = store.import_edition(engine, Path(args.source), data_dir, title=args.title,
                                    as_at=args.as_at, corrects=args.corrects,
                                    label=terminal_safe(args.source))
        left_out = edition_files_io.records_in(Path(args.source))
        if args.json:
            dump({**store.info_dict(info), "not_imported": list(left_out)}, out)
        else:
            if left_out:
                print(m("records_left_out", files=", ".join(left_out)), file=out)
            print(m("imported", id=info.id, title=terminal_safe(info.title),
                    date=format_date(info.as_at, lang), n=len(info.own_changes),
                    base=info.base_id), file=out)
    elif command == "publish":
        info = store.publish(engine, args.id, data_dir)
        if args.json:
            dump(store.info_dict(info), out)
        else:
            print(m("published", id=info.id, title=terminal_safe(info.title),
                    date=format_date(info.as_at, lang)), file=out)
    elif command == "discard":
        store.discard_draft(engine, args.id)
        print(t("editions.maint.discarded", lang, id=args.id), file=out)
    elif command == "diff":
        old = store.load_edition(engine, args.a, data_dir)
        new = store.load_edition(engine, args.b, data_dir)
        result = compare(old, new, store.between(engine, data_dir, args.a, args.b))
        if args.json:
            dump(result.to_dict(), out)
        else:
            for line in result.summary(lang):
                print(terminal_safe(line), file=out)
            if result.rows:
                print("\n" + m("every_change"), file=out)
            for r in result.rows:
                fields = f" ({', '.join(r.fields)})" if r.fields else ""
                print(f"- {r.file} {terminal_safe(r.record_id)}: {r.kind}{fields}", file=out)
                for c in r.records:
                    _print_change(c, out, indent="    ", lang=lang)
                if not r.records:
                    print("    " + m("no_record"), file=out)
    return 0


def _print_change(c, out, indent: str = "    ", lang: str = "en") -> None:
    reported = (t("cli.editions.reported_by", lang, who=c.reported_by) if c.reported_by
                else "")
    source = ", ".join(p for p in (c.source_title, reported) if p)
    print(indent + t("cli.editions.change", lang, id=c.change_id, file=c.file,
                     record=terminal_safe(c.record_id), kind=c.kind,
                     source=terminal_safe(source), date=c.source_date,
                     link=f", {terminal_safe(c.source_link)}" if c.source_link else "",
                     reason=terminal_safe(c.reason)), file=out)
