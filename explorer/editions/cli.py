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
import json
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from explorer.data import resolve_data_dir
from explorer.editions import files as edition_files_io
from explorer.editions import store
from explorer.editions.diff import compare
from explorer.editions.model import BASE_EDITION_ID, Edition, EditionError, format_date
from explorer.storage import db
from explorer.summary import headline
from explorer.text import terminal_safe


def edition_id(text: str) -> int:
    """An edition id as typed on the command line.

    >>> edition_id(" 2 ")
    2
    """
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 6 or int(value) < 1:
        raise argparse.ArgumentTypeError(
            f"must be an edition id (a whole number from 1), not {text[:20]!r}")
    return int(value)


def add_parser(sub) -> None:
    parser = sub.add_parser("editions", help="editions of the position: list, show, export, "
                            "import, publish, discard, diff")
    cmds = parser.add_subparsers(dest="editions_command", required=True,
                                 parser_class=type(parser))
    listing = cmds.add_parser("list", help="every edition")
    listing.add_argument("--json", action="store_true", help="print JSON")
    show = cmds.add_parser("show", help="one edition and its changes")
    show.add_argument("id", type=edition_id, metavar="ID")
    show.add_argument("--json", action="store_true", help="print JSON")
    export = cmds.add_parser("export", help="write an edition as a ZIP")
    export.add_argument("id", type=edition_id, metavar="ID")
    export.add_argument("--output", required=True, metavar="FILE",
                        help="the ZIP file to write (must not exist)")
    imp = cmds.add_parser("import", help="a ZIP or folder as a new draft edition")
    imp.add_argument("source", metavar="ZIP_OR_FOLDER")
    imp.add_argument("--title", help="the edition's title (else edition.json's)")
    imp.add_argument("--as-at", dest="as_at", metavar="YYYY-MM-DD",
                     help="the date the position is as at (else edition.json's)")
    imp.add_argument("--corrects", type=edition_id, metavar="ID",
                     help="the published edition this one corrects")
    imp.add_argument("--json", action="store_true", help="print JSON")
    publish = cmds.add_parser("publish", help="publish a draft edition")
    publish.add_argument("id", type=edition_id, metavar="ID")
    publish.add_argument("--json", action="store_true", help="print JSON")
    discard = cmds.add_parser("discard", help="delete a draft edition")
    discard.add_argument("id", type=edition_id, metavar="ID")
    diff = cmds.add_parser("diff", help="what changed from edition A to edition B")
    diff.add_argument("a", type=edition_id, metavar="A")
    diff.add_argument("b", type=edition_id, metavar="B")
    diff.add_argument("--json", action="store_true", help="print JSON")


def _engine():
    return db.shared_engine()


def load(edition: int, data: str | None) -> Edition:
    """Edition ``edition`` for ``status``/``coverage``/``best-sites --edition``: edition 1
    without touching the database."""
    data_dir = resolve_data_dir(data)
    if edition == BASE_EDITION_ID:
        return store.load_edition(None, edition, data_dir)
    return _guard(lambda: store.load_edition(_engine(), edition, data_dir))


def _guard(action):
    try:
        return action()
    except db.DatabaseError as exc:
        raise EditionError(str(exc)) from None
    except SQLAlchemyError as exc:
        raise EditionError(f"the editions database failed: {db.reason(exc)}") from None


def _dump(value, out) -> None:
    out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _change_dict(c) -> dict[str, str]:
    return {"change_id": c.change_id, "file": c.file, "record": c.record_id, "kind": c.kind,
            "source_title": c.source_title, "reported_by": c.reported_by,
            "date": c.source_date, "link": c.source_link, "reason": c.reason}


def _line(info) -> str:
    return (f"{info.id:>3}  {info.status:<9}  {info.as_at}  "
            f"{info.published_at.strftime('%Y-%m-%d') if info.published_at else '-':<10}  "
            f"{terminal_safe(info.title)}"
            + (f" (corrects {info.corrects})" if info.corrects else ""))


def run(args: argparse.Namespace, data: str | None, out) -> int:
    return _guard(lambda: _run(args, data, out))


def _run(args: argparse.Namespace, data: str | None, out) -> int:
    data_dir = resolve_data_dir(data)
    command = args.editions_command
    engine = _engine()
    if command == "list":
        infos = store.list_editions(engine, data_dir)
        if args.json:
            _dump([store.info_dict(i) for i in infos], out)
        else:
            print(f"{'ID':>3}  {'Status':<9}  {'As at':<10}  {'Published':<10}  Title", file=out)
            for info in infos:
                print(_line(info), file=out)
    elif command == "show":
        edition = store.load_edition(engine, args.id, data_dir)
        h = headline(edition.dataset)
        changes = edition.own_changes()
        if args.json:
            _dump({**store.info_dict(edition.info),
                   "headline": {"authorities_served": h.authorities_active,
                                "authorities_total": h.authorities_total,
                                "people_served": h.population_active,
                                "people_total": h.population_total, "hubs": h.hubs_active},
                   "own_changes": [_change_dict(c) for c in changes]}, out)
        else:
            info = edition.info
            print(f"Edition {info.id}: {terminal_safe(info.title)}", file=out)
            print(f"  As at {format_date(info.as_at)}; {info.status}"
                  + (f" {info.published_at.strftime('%Y-%m-%d %H:%M')} UTC"
                     if info.published_at else "")
                  + (f"; changes checked against edition {info.base_id}"
                     if info.base_id else "")
                  + (f"; corrects edition {info.corrects}" if info.corrects else ""), file=out)
            print(f"  {h.authorities_active} of {h.authorities_total} authorities have an "
                  f"operating or pilot MASH ({h.hubs_active} hubs), home to "
                  f"{h.population_active:,} of {h.population_total:,} people.", file=out)
            print(f"  Changes in this edition: {len(changes) or 'none'}", file=out)
            for c in changes:
                _print_change(c, out)
    elif command == "export":
        target = Path(args.output)
        if target.exists():
            raise EditionError(f"{terminal_safe(str(target))} already exists; choose another "
                               "--output")
        records = {}
        if engine is not None and args.id != BASE_EDITION_ID:
            from explorer.rounds.report import edition_records  # the round that made it

            records = edition_records(engine, args.id)
        payload = store.export_edition(engine, args.id, data_dir, records)
        try:
            with target.open("xb") as f:
                f.write(payload)
        except OSError as exc:
            raise EditionError(f"cannot write {terminal_safe(str(target))} "
                               f"({exc.strerror})") from None
        print(f"Wrote edition {args.id} to {terminal_safe(str(target))} "
              f"({len(payload):,} bytes"
              + (", with its update round's record: round.json and audit.csv" if records
                 else "") + ").", file=out)
    elif command == "import":
        info = store.import_edition(engine, Path(args.source), data_dir, title=args.title,
                                    as_at=args.as_at, corrects=args.corrects,
                                    label=terminal_safe(args.source))
        left_out = edition_files_io.records_in(Path(args.source))
        if args.json:
            _dump({**store.info_dict(info), "not_imported": list(left_out)}, out)
        else:
            if left_out:
                print(f"Not imported: {', '.join(left_out)} (the record of the round that "
                      "made the exported edition; a draft made by an import has no round, so "
                      "keep the ZIP itself as that record).", file=out)
            print(f"Imported draft edition {info.id}: {terminal_safe(info.title)}, as at "
                  f"{format_date(info.as_at)}, {len(info.own_changes)} change(s) against "
                  f"edition {info.base_id}. Publish it with: python -m explorer editions "
                  f"publish {info.id}", file=out)
    elif command == "publish":
        info = store.publish(engine, args.id, data_dir)
        if args.json:
            _dump(store.info_dict(info), out)
        else:
            print(f"Published edition {info.id}: {terminal_safe(info.title)}, as at "
                  f"{format_date(info.as_at)}. It can no longer change.", file=out)
    elif command == "discard":
        store.discard_draft(engine, args.id)
        print(f"Discarded draft edition {args.id}.", file=out)
    elif command == "diff":
        old = store.load_edition(engine, args.a, data_dir)
        new = store.load_edition(engine, args.b, data_dir)
        result = compare(old, new, store.between(engine, data_dir, args.a, args.b))
        if args.json:
            _dump(result.to_dict(), out)
        else:
            for line in result.summary("en"):
                print(terminal_safe(line), file=out)
            if result.rows:
                print("\nEvery change:", file=out)
            for r in result.rows:
                fields = f" ({', '.join(r.fields)})" if r.fields else ""
                print(f"- {r.file} {terminal_safe(r.record_id)}: {r.kind}{fields}", file=out)
                for c in r.records:
                    _print_change(c, out, indent="    ")
                if not r.records:
                    print("    no change record between these editions", file=out)
    return 0


def _print_change(c, out, indent: str = "    ") -> None:
    source = ", ".join(p for p in (c.source_title, f"reported by {c.reported_by}"
                                   if c.reported_by else "") if p)
    print(f"{indent}{c.change_id}: {c.file} {terminal_safe(c.record_id)} {c.kind}; source: "
          f"{terminal_safe(source)}, {c.source_date}"
          + (f", {terminal_safe(c.source_link)}" if c.source_link else "")
          + f"; reason: {terminal_safe(c.reason)}", file=out)
