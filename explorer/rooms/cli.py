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
from explorer.limits import MAX_ROOM_EXPIRY_DAYS
from explorer.rooms.links import links
from explorer.storage import db
from explorer.text import quote, terminal_safe

DEFAULT_BASE_URL = "http://localhost:8501"


class RoomsCliError(ValueError):
    """A refusal to print on one line (exit status 2)."""


def base_url(given: str | None) -> str:
    """The app's address for links, without a trailing slash.

    >>> base_url("https://mash.example.org/ "), base_url(None)
    ('https://mash.example.org', 'http://localhost:8501')
    """
    url = (given or config.current().base_url or DEFAULT_BASE_URL).strip().rstrip("/")
    if (not url.startswith(("http://", "https://")) or any(c in url for c in " ?#")
            or not all(c.isprintable() and c.isascii() for c in url)):
        raise RoomsCliError(
            "base URL must start with http:// or https:// and hold only printable ASCII, no "
            f"spaces, ? or #: {quote(url, 60)}"
        )
    return url


def _days(text: str) -> int:
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()):
        raise argparse.ArgumentTypeError(f"must be a whole number of days, not {text[:20]!r}")
    if len(digits) > 6 or int(digits) > MAX_ROOM_EXPIRY_DAYS:
        raise argparse.ArgumentTypeError(
            f"must be at most {MAX_ROOM_EXPIRY_DAYS} days, not {digits[:20]}"
            + ("..." if len(digits) > 20 else "")
        )
    return int(digits)


def add_parser(sub) -> None:
    """Register ``rooms`` and its commands on the main parser's subparsers."""
    parser = sub.add_parser("rooms", help="workshop rooms: create, list, export, delete, purge")
    cmds = parser.add_subparsers(dest="rooms_command", required=True,
                                 parser_class=type(parser))
    create = cmds.add_parser("create", help="open a room; prints its links")
    create.add_argument("--name", required=True, help="the room's name")
    create.add_argument("--base-url", help=f"the app's address (default {DEFAULT_BASE_URL})")
    create.add_argument("--json", action="store_true", help="print JSON")
    listing = cmds.add_parser("list", help="open rooms")
    listing.add_argument("--json", action="store_true", help="print JSON")
    export = cmds.add_parser("export", help="a room's entries, votes and coverage")
    export.add_argument("code", metavar="CODE")
    export.add_argument("--json", action="store_true", help="print JSON (else CSV)")
    delete = cmds.add_parser("delete", help="delete a room and everything in it")
    delete.add_argument("code", metavar="CODE")
    purge = cmds.add_parser("purge", help="delete rooms idle for more than DAYS days")
    purge.add_argument("--older-than", type=_days, required=True, metavar="DAYS")


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def run(args: argparse.Namespace, data_dir: str | None, out) -> int:
    """Carry out one ``rooms`` command; refusals raise :class:`RoomsCliError`."""
    try:
        return _run(args, data_dir, out)
    except db.DatabaseError as exc:  # StorageUnavailable too: storage translates its errors
        raise RoomsCliError(str(exc)) from None


def _run(args: argparse.Namespace, data_dir: str | None, out) -> int:
    command = args.rooms_command
    base = base_url(getattr(args, "base_url", None)) if command == "create" else None
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
            print(f"Room {room.code} opened: {terminal_safe(room.name)}", file=out)
            print(f"  Join code:        {room.code}", file=out)
            print(f"  Join link:        {record['join_link']}", file=out)
            print(f"  Board:            {record['board_link']}", file=out)
            print(f"  Facilitator link: {record['facilitator_link']}", file=out)
            print("Keep the facilitator link private: it is the only way back to the room's "
                  "controls, and its key is not stored anywhere.", file=out)
            print(f"The room is deleted {record['expires_after_days']} days after its last "
                  "activity.", file=out)
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
            print("No open rooms.", file=out)
        else:
            print(f"{'Code':<6}  {'Entries':>7}  {'Members':>7}  {'Last activity (UTC)':<19}  "
                  f"{'Locked':<6}  Name", file=out)
            for s in summaries:
                print(f"{s.room.code:<6}  {s.entries:>7}  {s.members:>7}  "
                      f"{_when(s.room.last_activity):<19}  "
                      f"{'yes' if s.room.locked else 'no':<6}  {terminal_safe(s.room.name)}",
                      file=out)
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
        print(f"Room {board.room.code} deleted, with {len(board.entries)} entries from "
              f"{board.members} members.", file=out)
    elif command == "purge":
        n = rooms.purge(engine, args.older_than)
        print(f"Deleted {n} room{'s' if n != 1 else ''} idle for more than "
              f"{args.older_than} days.", file=out)
    return 0
