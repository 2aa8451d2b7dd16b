"""``python -m explorer rooms ...``: workshop rooms for whoever runs the server.

``rooms create --name NAME [--json] [--base-url URL]``
    Open a room; prints its code, join link and facilitator link (the key is shown only now).
``rooms list [--json]``
    Open rooms with their entry and member counts.
``rooms export CODE [--json]``
    Every entry with its scenario, votes and coverage (JSON), or the entries CSV.
``rooms delete CODE``
    Delete a room with everything in it.
``rooms purge --older-than DAYS``
    Delete rooms idle for more than DAYS days.

The database is the app's (``MASH_DATABASE_URL`` or SQLite under ``MASH_STATE_DIR``); links
start with ``--base-url``, else ``MASH_BASE_URL``, else ``http://localhost:8501``.
"""

from __future__ import annotations

import argparse
import json

from explorer import config, rooms
from explorer.cli_parts import json_help
from explorer.i18n import t
from explorer.limits import MAX_ROOM_EXPIRY_DAYS
from explorer.rooms.links import links
from explorer.storage import db
from explorer.text import quote, terminal_safe

DEFAULT_BASE_URL = "http://localhost:8501"


class RoomsCliError(ValueError):
    """A refusal to print on one line (exit status 2)."""


def base_url(given: str | None, lang: str = "en") -> str:
    """The app's address for links, without a trailing slash.

    >>> base_url("https://mash.example.org/ "), base_url(None)
    ('https://mash.example.org', 'http://localhost:8501')
    """
    url = (given or config.current().base_url or DEFAULT_BASE_URL).strip().rstrip("/")
    if (not url.startswith(("http://", "https://")) or any(c in url for c in " ?#")
            or not all(c.isprintable() and c.isascii() for c in url)):
        raise RoomsCliError(t("cli.rooms.bad_base_url", lang, url=quote(url, 60)))
    return url


def _days(lang: str):
    def parse(text: str) -> int:
        digits = text.strip()
        if not (digits.isascii() and digits.isdigit()):
            raise argparse.ArgumentTypeError(t("cli.rooms.days", lang, value=repr(text[:20])))
        if len(digits) > 6 or int(digits) > MAX_ROOM_EXPIRY_DAYS:
            raise argparse.ArgumentTypeError(t(
                "cli.rooms.days_max", lang, max=MAX_ROOM_EXPIRY_DAYS,
                value=digits[:20] + ("..." if len(digits) > 20 else "")))
        return int(digits)

    return parse


def add_parser(sub, lang: str = "en") -> None:
    """Register ``rooms`` and its commands on the main parser's subparsers."""
    parser = sub.add_parser("rooms", help=t("cli.rooms.help", lang))
    cmds = parser.add_subparsers(dest="rooms_command", required=True,
                                 parser_class=type(parser))
    create = cmds.add_parser("create", help=t("cli.rooms.create_help", lang))
    create.add_argument("--name", required=True, help=t("cli.rooms.name_help", lang))
    create.add_argument("--base-url", help=t("cli.rooms.base_url_help", lang,
                                             url=DEFAULT_BASE_URL))
    create.add_argument("--json", **json_help(lang))
    listing = cmds.add_parser("list", help=t("cli.rooms.list_help", lang))
    listing.add_argument("--json", **json_help(lang))
    export = cmds.add_parser("export", help=t("cli.rooms.export_help", lang))
    export.add_argument("code", metavar="CODE")
    export.add_argument("--json", action="store_true",
                        help=t("cli.rooms.export_json_help", lang))
    delete = cmds.add_parser("delete", help=t("cli.rooms.delete_help", lang))
    delete.add_argument("code", metavar="CODE")
    purge = cmds.add_parser("purge", help=t("cli.rooms.purge_help", lang))
    purge.add_argument("--older-than", type=_days(lang), required=True, metavar="DAYS")


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def run(args: argparse.Namespace, data_dir: str | None, out) -> int:
    """Carry out one ``rooms`` command; refusals raise :class:`RoomsCliError`."""
    try:
        return _run(args, data_dir, out)
    except db.DatabaseError as exc:  # StorageUnavailable too: storage translates its errors
        raise RoomsCliError(exc.text(args.lang)) from None


def _run(args: argparse.Namespace, data_dir: str | None, out) -> int:
    command, lang = args.rooms_command, args.lang
    base = base_url(getattr(args, "base_url", None), lang) if command == "create" else None
    engine = db.shared_engine()
    if command == "create":
        created = rooms.create_room(engine, args.name)
        room = created.room
        record = {"code": room.code, "name": room.name,
                  **links(base, room.code, created.key),
                  "expires_after_days": rooms.expiry_days()}
        if args.json:
            out.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        else:
            print(t("cli.rooms.opened", lang, code=room.code, name=terminal_safe(room.name)),
                  file=out)
            for label, value in (("join_code", room.code), ("join_link", record["join_link"]),
                                 ("board", record["board_link"]),
                                 ("facilitator_link", record["facilitator_link"])):
                print(f"  {t(f'cli.rooms.{label}', lang) + ':':<17} {value}", file=out)
            print(t("cli.rooms.keep_private", lang), file=out)
            print(t("cli.rooms.expires", lang, days=record["expires_after_days"]), file=out)
    elif command == "list":
        summaries = rooms.list_rooms(engine)
        if args.json:
            records = [{"code": s.room.code, "name": s.room.name,
                        "created_at": s.room.created_at.isoformat(timespec="seconds"),
                        "last_activity": s.room.last_activity.isoformat(timespec="seconds"),
                        "expires_at": s.room.expires_at.isoformat(timespec="seconds"),
                        "locked": s.room.locked, "votes_revealed": s.room.votes_revealed,
                        "members": s.members, "entries": s.entries} for s in summaries]
            out.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
        elif not summaries:
            print(t("cli.rooms.no_rooms", lang), file=out)
        else:
            head = {c: t(k, lang) for c, k in (
                ("code", "cli.col_code"), ("entries", "cli.rooms.col_entries"),
                ("members", "cli.rooms.col_members"),
                ("last", "cli.rooms.col_last_activity"), ("locked", "cli.rooms.col_locked"),
                ("name", "cli.rooms.col_name"))}
            w = {c: max(n, len(head[c])) for c, n in (
                ("code", 6), ("entries", 7), ("members", 7), ("last", 19), ("locked", 6))}
            print(f"{head['code']:<{w['code']}}  {head['entries']:>{w['entries']}}  "
                  f"{head['members']:>{w['members']}}  {head['last']:<{w['last']}}  "
                  f"{head['locked']:<{w['locked']}}  {head['name']}", file=out)
            for s in summaries:
                locked = t("cli.yes" if s.room.locked else "cli.no", lang)
                print(f"{s.room.code:<{w['code']}}  {s.entries:>{w['entries']}}  "
                      f"{s.members:>{w['members']}}  "
                      f"{_when(s.room.last_activity):<{w['last']}}  "
                      f"{locked:<{w['locked']}}  {terminal_safe(s.room.name)}", file=out)
    elif command == "export":
        from explorer.data import load_dataset, resolve_data_dir
        from explorer.rooms.report import entries_csv, export_dict

        board = rooms.export_as_operator(engine, args.code)
        ds = load_dataset(resolve_data_dir(data_dir))
        if args.json:
            out.write(json.dumps(export_dict(board, ds), ensure_ascii=False, indent=2) + "\n")
        else:
            out.write(entries_csv(board, ds))
    elif command == "delete":
        board = rooms.export_as_operator(engine, args.code)
        rooms.delete_as_operator(engine, args.code)
        print(t("cli.rooms.deleted", lang, code=board.room.code, entries=len(board.entries),
                members=board.members), file=out)
    elif command == "purge":
        n = rooms.purge(engine, args.older_than)
        print(t("cli.rooms.purged_one" if n == 1 else "cli.rooms.purged_many", lang, n=n,
                days=args.older_than), file=out)
    return 0
