"""``python -m explorer rounds ...``: update rounds, for whoever runs the server (no key
needed: the operator owns the database). Contributor secrets are never printed here.

``rounds list [--json]``
    Every round: id, status, as-at date, the edition it starts from and made, title.
``rounds show ID [--json]``
    One round: each force's progress, and its audit trail (times in UTC).
``rounds export ID --output FILE.zip``
    ``round.json`` and ``audit.csv``, with the edition's own export once published.
``rounds history CODE_OR_NAME [--json]``
    One authority's position edition by edition, with each change's source and reason.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from explorer.data import resolve_data_dir
from explorer.editions.model import format_date
from explorer.newfile import write_new_file
from explorer.rounds import report, store
from explorer.rounds.history import history_line
from explorer.rounds.model import RoundError
from explorer.storage import db
from explorer.text import fold, terminal_safe


def round_id(text: str) -> int:
    """A round id as typed on the command line.

    >>> round_id(" 3 ")
    3
    """
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 6 or int(value) < 1:
        raise argparse.ArgumentTypeError(
            f"must be a round id (a whole number from 1), not {text[:20]!r}")
    return int(value)


def add_parser(sub) -> None:
    parser = sub.add_parser("rounds", help="update rounds: list, show, export, history")
    cmds = parser.add_subparsers(dest="rounds_command", required=True,
                                 parser_class=type(parser))
    listing = cmds.add_parser("list", help="every round")
    listing.add_argument("--json", action="store_true", help="print JSON")
    show = cmds.add_parser("show", help="one round: progress and audit trail")
    show.add_argument("id", type=round_id, metavar="ID")
    show.add_argument("--json", action="store_true", help="print JSON")
    export = cmds.add_parser("export", help="write a round (and its edition) as a ZIP")
    export.add_argument("id", type=round_id, metavar="ID")
    export.add_argument("--output", required=True, metavar="FILE",
                        help="the ZIP file to write (must not exist)")
    hist = cmds.add_parser("history", help="one authority's position edition by edition")
    hist.add_argument("authority", metavar="CODE_OR_NAME")
    hist.add_argument("--json", action="store_true", help="print JSON")


def _dump(value, out) -> None:
    out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def run(args: argparse.Namespace, data: str | None, out) -> int:
    try:
        return _run(args, data, out)
    except db.DatabaseError as exc:
        raise RoundError(str(exc)) from None
    except SQLAlchemyError as exc:
        raise RoundError(f"the rounds database failed: {db.reason(exc)}") from None


def _authority(ds, text: str) -> str:
    wanted = fold(text)
    for a in ds.authorities:
        if wanted in (fold(a.code), fold(a.name_en), fold(a.name_cy)):
            return a.code
    raise RoundError(f"no authority {terminal_safe(text[:60])!r}; give a code (W06000023) or "
                     "a name (Powys)")


def _run(args: argparse.Namespace, data: str | None, out) -> int:
    data_dir = resolve_data_dir(data)
    command = args.rounds_command
    engine = db.shared_engine()
    if command == "list":
        infos = store.list_rounds(engine)
        if args.json:
            _dump([report.round_json(i, store.sections(engine, i.id)) for i in infos], out)
            return 0
        print(f"{'ID':>3}  {'Status':<9}  {'As at':<10}  {'Base':>4}  {'Made':>4}  Title",
              file=out)
        for i in infos:
            print(f"{i.id:>3}  {i.status:<9}  {i.as_at}  {i.base_id:>4}  "
                  f"{i.edition_id if i.edition_id else '-':>4}  {terminal_safe(i.title)}",
                  file=out)
    elif command == "show":
        info = store.get_round(engine, args.id)
        secs, trail = store.sections(engine, args.id), store.audit(engine, args.id)
        if args.json:
            _dump({**report.round_json(info, secs), "audit": [
                {"at": a.at.isoformat(), "action": a.action, "role": a.role,
                 "display_name": a.display_name, "force_id": a.force_id,
                 "version": a.version} for a in trail]}, out)
            return 0
        print(f"Round {info.id}: {terminal_safe(info.title)}", file=out)
        print(f"  As at {format_date(info.as_at)}; {info.status}; starts from edition "
              f"{info.base_id}" + (f"; made edition {info.edition_id}" if info.edition_id
                                   else ""), file=out)
        if info.publish_note:
            print(f"  Published without every section: {terminal_safe(info.publish_note)}",
                  file=out)
        for s in secs:
            print(f"  {s.force_id:<12} {s.state.replace('_', ' '):<12} version {s.version}, "
                  f"{len(s.edits)} row(s)"
                  + (f"; returned: {terminal_safe(s.comment)}" if s.comment else ""), file=out)
        print("Audit trail (UTC):", file=out)
        for a in trail:
            who = a.role + (f" ({terminal_safe(a.display_name)})" if a.display_name else "")
            print(f"  {a.at.strftime('%Y-%m-%d %H:%M:%S')}  {a.action:<8} {who}"
                  + (f", section {a.force_id}" if a.force_id and a.force_id != a.role else "")
                  + (f", version {a.version}" if a.version is not None else ""), file=out)
    elif command == "export":
        target = Path(args.output)
        size = write_new_file(target, lambda: report.export_round(engine, args.id, data_dir))
        print(f"Wrote round {args.id} to {terminal_safe(str(target))} "
              f"({size:,} bytes).", file=out)
    elif command == "history":
        from explorer.editions import store as editions

        base = editions.load_edition(None, 1, data_dir).dataset
        code = _authority(base, args.authority)
        steps = report.history(engine, data_dir, code)
        if args.json:
            _dump([{"edition": s.edition_id, "as_at": s.as_at, "status": s.status,
                    "hub": s.hub_name, "source": s.source, "reason": s.reason}
                   for s in steps], out)
        else:
            print(terminal_safe(history_line(steps, base.authority(code).name_en)), file=out)
    return 0
