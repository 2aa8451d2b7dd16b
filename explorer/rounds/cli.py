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
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from explorer.cli_parts import add_list_show_export, dump, json_help
from explorer.data import resolve_data_dir
from explorer.editions.model import format_date
from explorer.i18n import t
from explorer.newfile import write_new_file
from explorer.rounds import report, store
from explorer.rounds.history import history_line
from explorer.rounds.model import RoundError
from explorer.storage import db
from explorer.text import fold, terminal_safe


def add_parser(sub, lang: str = "en") -> None:
    def m(key: str) -> str:
        return t(f"cli.rounds.{key}", lang)

    parser = sub.add_parser("rounds", help=m("help"))
    cmds = parser.add_subparsers(dest="rounds_command", required=True,
                                 parser_class=type(parser))
    add_list_show_export(cmds, "round", lang)
    hist = cmds.add_parser("history", help=m("history_help"))
    hist.add_argument("authority", metavar="CODE_OR_NAME")
    hist.add_argument("--json", **json_help(lang))


def run(args: argparse.Namespace, data: str | None, out) -> int:
    try:
        return _run(args, data, out)
    except db.DatabaseError as exc:
        raise RoundError(exc.text(args.lang)) from None
    except SQLAlchemyError as exc:
        raise RoundError(t("cli.rounds.db_failed", args.lang, reason=db.reason(exc))) from None


def _authority(ds, text: str, lang: str = "en") -> str:
    wanted = fold(text)
    for a in ds.authorities:
        if wanted in (fold(a.code), fold(a.name_en), fold(a.name_cy)):
            return a.code
    raise RoundError(t("cli.rounds.no_authority", lang, text=repr(terminal_safe(text[:60]))))


def _run(args: argparse.Namespace, data: str | None, out) -> int:
    data_dir = resolve_data_dir(data)
    command, lang = args.rounds_command, args.lang

    def m(key: str, **values) -> str:
        return t(f"cli.rounds.{key}", lang, **values)

    engine = db.shared_engine()
    if command == "list":
        infos = store.list_rounds(engine)
        if args.json:
            dump([report.round_json(i, store.sections(engine, i.id)) for i in infos], out)
            return 0
        print(f"{'ID':>3}  {t('cli.col_status', lang):<9}  {t('cli.editions.col_as_at', lang):<10}"
              f"  {m('col_base'):>4}  {m('col_made'):>4}  {t('cli.editions.col_title', lang)}",
              file=out)
        for i in infos:
            print(f"{i.id:>3}  {i.status:<9}  {i.as_at}  {i.base_id:>4}  "
                  f"{i.edition_id if i.edition_id else '-':>4}  {terminal_safe(i.title)}",
                  file=out)
    elif command == "show":
        info = store.get_round(engine, args.id)
        secs, trail = store.sections(engine, args.id), store.audit(engine, args.id)
        if args.json:
            dump({**report.round_json(info, secs), "audit": [
                {"at": a.at.isoformat(), "action": a.action, "role": a.role,
                 "display_name": a.display_name, "force_id": a.force_id,
                 "version": a.version} for a in trail]}, out)
            return 0
        print(m("heading", id=info.id, title=terminal_safe(info.title)), file=out)
        print(m("as_at", date=format_date(info.as_at, lang), status=info.status,
                base=info.base_id)
              + (m("made", id=info.edition_id) if info.edition_id else ""), file=out)
        if info.publish_note:
            print(m("without_every", note=terminal_safe(info.publish_note)), file=out)
        for s in secs:
            print(f"  {s.force_id:<12} {s.state.replace('_', ' '):<12} "
                  + m("section", version=s.version, n=len(s.edits))
                  + (m("returned", comment=terminal_safe(s.comment)) if s.comment else ""),
                  file=out)
        print(m("audit"), file=out)
        for a in trail:
            who = a.role + (f" ({terminal_safe(a.display_name)})" if a.display_name else "")
            print(f"  {a.at.strftime('%Y-%m-%d %H:%M:%S')}  {a.action:<8} {who}"
                  + (m("audit_section", id=a.force_id)
                     if a.force_id and a.force_id != a.role else "")
                  + (m("audit_version", version=a.version) if a.version is not None else ""),
                  file=out)
    elif command == "export":
        target = Path(args.output)
        size = write_new_file(target, lambda: report.export_round(engine, args.id, data_dir),
                              lang)
        print(t("cli.wrote", lang, what=t("cli.round", lang), id=args.id,
                path=terminal_safe(str(target)), bytes=f"{size:,}"), file=out)
    elif command == "history":
        from explorer.editions import store as editions

        base = editions.load_edition(None, 1, data_dir).dataset
        code = _authority(base, args.authority, lang)
        steps = report.history(engine, data_dir, code)
        if args.json:
            dump([{"edition": s.edition_id, "as_at": s.as_at, "status": s.status,
                    "hub": s.hub_name, "source": s.source, "reason": s.reason}
                   for s in steps], out)
        else:
            print(terminal_safe(history_line(steps, base.authority(code).name(lang), lang)),
                  file=out)
    return 0
