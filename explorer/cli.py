"""Command line for the MASH Wales explorer.

``python -m explorer status [--json]``
    MASH status of the 22 authorities as at 31 May 2019.
``python -m explorer coverage FILE [--json]``
    Who a scenario file's hubs would cover.
``python -m explorer best-sites --k K --max-km D [--objective population|authorities] [--json]``
    Where K regional hubs reaching D km would cover the most, keeping the 2019 MASHs.
``python -m explorer boundaries {show,refresh,clear}``
    Which boundaries the app draws; fetch current ONS boundaries into the cache; remove them.
``python -m explorer check``
    What this deployment will do: data, boundaries, Leaflet, rooms database and its
    durability, the address links use (exit 0 when all is well, else 2; see
    :mod:`explorer.check`).
``python -m explorer rooms create|list|export|delete|purge ...``
    Workshop rooms, for whoever runs the server (see :mod:`explorer.rooms.cli`).
``python -m explorer editions list|show|export|import|publish|discard|diff ...``
    Editions of the position (see :mod:`explorer.editions.cli`).
``python -m explorer rounds list|show|export|history ...``
    Update rounds (see :mod:`explorer.rounds.cli`).

``--lang en|cy`` (before the command; else ``MASH_LANG``, else English): the language of every
label and message, from ``explorer/messages.toml`` (:mod:`explorer.cli_parts`); ``--help`` and
the parser's refusals too (:mod:`explorer.cli_errors`).

``status``, ``coverage`` and ``best-sites`` take ``--edition ID``: the position of that
edition instead of the data folder's (edition 1, the May 2019 briefing, is the default).

The dataset is read from ``--data`` if given, else ``MASH_DATA_DIR`` if set, else the
committed ``data/`` (:func:`explorer.data.resolve_data_dir`, shared with the app).

Errors exit with status 2 and print exactly one line on stderr, never a traceback: it names
the file (or option) and the field, quotes user values with control characters escaped, and
carries no library's own advice. Output is built in full before anything is printed, so an
error never follows half a JSON document. User text (scenario and hub names) is printed with
:func:`explorer.text.terminal_safe`, so it cannot move the cursor, clear the screen or span
lines.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import sys
from collections.abc import Callable, Sequence

from explorer import config
from explorer.best_sites import OBJECTIVES, best_sites, explain_uncovered
from explorer.cli_errors import CliError, os_problem, parser_class
from explorer.cli_parts import (
    LanguageError,
    add_language_option,
    json_help,
    language,
    whole_id,
)
from explorer.coverage import evaluate_scenario
from explorer.data import DATA_DIR_ENV, DataError, load_dataset, resolve_data_dir
from explorer.editions import cli as editions_cli
from explorer.editions.model import BASE_EDITION_ID, EditionError, format_date
from explorer.figures import hub_farthest_km
from explorer.i18n import t
from explorer.limits import MAX_BEST_KM, MAX_BEST_SITES, MIN_BEST_KM
from explorer.rooms import cli as rooms_cli
from explorer.rounds import cli as rounds_cli
from explorer.rounds.model import RoundError
from explorer.scenario import ScenarioError, load_scenario_file
from explorer.summary import headline, status_records
from explorer.text import one_line, quote, terminal_safe

#: Status labels come from the interface's own words (``status.<key>`` in messages.toml).
STATUSES = ("mash", "mash_pilot", "mash_ceased", "no_mash")


def _whole_number(lo: int, hi: int, lang: str = "en") -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = text.strip()
        digits = value.isascii() and value.isdigit() and len(value) <= 6
        if not digits or not lo <= int(value) <= hi:
            raise argparse.ArgumentTypeError(
                t("cli.whole_number", lang, lo=lo, hi=hi, value=quote(text, 20)))
        return int(value)

    return parse


def _km(lo: float, hi: float, lang: str = "en") -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text) if len(text) <= 30 else math.nan
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or not lo <= value <= hi:
            raise argparse.ArgumentTypeError(
                t("cli.kilometres", lang, lo=f"{lo:g}", hi=f"{hi:g}", value=quote(text, 20)))
        return value

    return parse


def _print_status_table(ds, out, as_at: str = "", lang: str = "en") -> None:
    rows = status_records(ds)
    widths = {"code": 9, "name": 18, "police_force": 11, "status": 20, "hub": 21}
    header = [t(f"cli.col_{c}", lang)
              for c in ("code", "authority", "force", "status", "hub", "population")]
    labels = {s: t(f"status.{s}", lang) for s in STATUSES}
    print(
        f"{header[0]:<9}  {header[1]:<18}  {header[2]:<11}  {header[3]:<20}  "
        f"{header[4]:<21}  {header[5]:>10}",
        file=out,
    )
    for r in rows:
        print(
            f"{r['code']:<{widths['code']}}  {r['name']:<{widths['name']}}  "
            f"{r['police_force']:<{widths['police_force']}}  "
            f"{labels[r['status']]:<{widths['status']}}  "
            f"{(r['hub'] or '-'):<{widths['hub']}}  {r['population']:>10,}",
            file=out,
        )
    h = headline(ds)
    print("\n" + t("cli.status_headline", lang, active=h.authorities_active,
                    total=h.authorities_total, hubs=h.hubs_active,
                    people=f"{h.population_active:,}", people_total=f"{h.population_total:,}",
                    share=f"{h.population_share:.1%}")
          + " " + (as_at or t("cli.as_at_2019", lang)), file=out)


def _names(ds, codes, lang: str = "en") -> str:
    return ", ".join(ds.authority(c).name(lang) for c in codes) or t("cli.none", lang)


def _print_coverage(ds, result, out, lang: str = "en") -> None:
    r = result
    basis = t(f"whatif.basis_{r.population_basis}", lang)
    print(t("cli.covered_in", lang, covered=r.authorities_covered, total=r.authorities_total,
            name=terminal_safe(r.scenario_name)), file=out)
    print(t("cli.population_covered", lang, people=f"{r.population_covered:,}",
            total=f"{r.population_total:,}", share=f"{r.population_share:.1%}", basis=basis),
          file=out)
    print(t("cli.hubs", lang, n=len(r.hubs) or t("cli.none_proposed", lang)), file=out)
    for h in r.hubs:
        where = t("cli.hub_host", lang, host=ds.authority(h.host).name(lang)) if h.host else ""
        # The farthest trip as the planner and the board count it (explorer.figures): a
        # regional hub's farthest *covered* member; a virtual or per-authority hub has none.
        km = hub_farthest_km(h, ds)
        reach = t("cli.hub_reach", lang, km=km) if km is not None else ""
        print(t("cli.hub_line", lang, name=terminal_safe(h.name), model=h.model, where=where,
                reach=reach, names=_names(ds, h.covered_codes, lang),
                people=f"{h.population:,}"), file=out)
    print(t("cli.newly_covered", lang, names=_names(ds, r.newly_covered_codes, lang)), file=out)
    if r.excluded:
        print(t("cli.excluded", lang), file=out)
        for e in r.excluded:
            print(t("cli.excluded_line", lang, name=ds.authority(e.code).name(lang),
                    hub=terminal_safe(e.hub), km=e.distance_km, limit=f"{e.max_travel_km:g}"),
                  file=out)


def _print_best_sites(ds, result, out, existing_label: str = "", lang: str = "en") -> None:
    r = result
    label = existing_label or t("cli.existing_2019", lang)
    print(t("cli.best_heading", lang, k=r.k, km=f"{r.max_km:g}",
            goal=t(f"cli.goal_{'population' if r.objective == 'population' else 'authorities'}",
                   lang),
            existing=t(f"cli.{'keeping' if r.keep_existing else 'ignoring'}", lang,
                       label=label)), file=out)
    for n, site in enumerate(r.sites, start=1):
        members = ", ".join(
            f"{ds.authority(c).name(lang)} ({km} km)"
            for c, km in zip(site.members, site.distances_km, strict=True)
        )
        print(t("cli.site_line", lang, n=n, name=ds.authority(site.host).name(lang),
                members=members,
                people=f"{site.population:,}"), file=out)
    print(t("cli.best_total", lang, covered=r.authorities_covered, total=r.authorities_total,
            people=f"{r.population_covered:,}", people_total=f"{r.population_total:,}",
            share=f"{r.population_share:.1%}",
            basis=t(f"whatif.basis_{r.population_basis}", lang)), file=out)
    for line in explain_uncovered(r, ds, lang):
        print(f"  {line}", file=out)


def _dump_json(value, out, ascii_only: bool = False) -> None:
    out.write(json.dumps(value, ensure_ascii=ascii_only, indent=2))
    out.write("\n")


def build_parser(lang: str = "en") -> argparse.ArgumentParser:
    parser = parser_class(lang)(prog="python -m explorer", description=t("cli.description", lang))
    add_language_option(parser, lang)
    parser.add_argument("--data", default=None,
                        help=t("cli.data_help", lang, env=DATA_DIR_ENV))
    sub = parser.add_subparsers(dest="command", required=True, parser_class=type(parser))
    status = sub.add_parser("status", help=t("cli.status_help", lang))
    status.add_argument("--json", **json_help(lang))
    _edition_option(status, lang)
    coverage = sub.add_parser("coverage", help=t("cli.coverage_help", lang))
    coverage.add_argument("file", metavar="FILE", help=t("cli.file_help", lang))
    coverage.add_argument("--json", **json_help(lang))
    _edition_option(coverage, lang)
    best = sub.add_parser("best-sites", help=t("cli.best_help", lang))
    best.add_argument("--k", type=_whole_number(1, MAX_BEST_SITES, lang), required=True,
                      help=t("cli.k_help", lang, max=MAX_BEST_SITES))
    best.add_argument("--max-km", type=_km(MIN_BEST_KM, MAX_BEST_KM, lang), required=True,
                      help=t("cli.max_km_help", lang, lo=f"{MIN_BEST_KM:g}",
                             hi=f"{MAX_BEST_KM:g}"))
    best.add_argument("--objective", choices=OBJECTIVES, default="population",
                      help=t("cli.objective_help", lang))
    best.add_argument("--ignore-existing", action="store_true",
                      help=t("cli.ignore_existing_help", lang))
    best.add_argument("--json", **json_help(lang))
    _edition_option(best, lang)
    _add_boundaries_command(sub, lang)
    sub.add_parser("check", help=t("cli.check_help", lang))
    rooms_cli.add_parser(sub, lang)
    editions_cli.add_parser(sub, lang)
    rounds_cli.add_parser(sub, lang)
    return parser


def _edition_option(parser, lang: str) -> None:
    parser.add_argument("--edition", type=whole_id("edition", lang), default=BASE_EDITION_ID,
                        metavar="ID", help=t("cli.edition_help", lang))


def _load(data: str | None, lang: str = "en"):
    folder = resolve_data_dir(data)
    try:
        return load_dataset(folder)
    except DataError as exc:
        from_env = bool(config.setting(DATA_DIR_ENV))
        origin = (t("cli.from_option", lang) if data
                  else t("cli.from_env", lang, env=DATA_DIR_ENV) if from_env else "")
        raise CliError(t("cli.data_folder", lang, folder=terminal_safe(str(folder)),
                         origin=origin, problem=exc)) from None


def _add_boundaries_command(sub, lang: str) -> None:
    """``boundaries show|refresh|clear``: the only commands that touch the network (refresh)."""
    cmd = sub.add_parser("boundaries", help=t("cli.boundaries_help", lang))
    action = cmd.add_subparsers(dest="action", required=True, parser_class=type(cmd))
    action.add_parser("show", help=t("cli.show_help", lang))
    refresh = action.add_parser("refresh", help=t("cli.refresh_help", lang))
    refresh.add_argument("--source", metavar="URL_OR_FILE", help=t("cli.source_help", lang))
    refresh.add_argument("--attribution", metavar="TEXT",
                         help=t("cli.attribution_help", lang))
    refresh.add_argument("--timeout", type=float, default=20.0, metavar="SECONDS",
                         help=t("cli.timeout_help", lang))
    action.add_parser("clear", help=t("cli.clear_help", lang))


def _run_boundaries(args, out) -> int:
    import logging

    from geo import boundaries as bd

    logging.getLogger(bd.__name__).setLevel(logging.ERROR)  # notices are printed below

    folder, lang = bd.default_cache_dir(), args.lang
    if args.action == "show":
        b = bd.obtain_boundaries()
        print(t("cli.boundaries_line", lang, name=b.name, source=b.source,
                bytes=f"{b.simplified_bytes:,}", origin=one_line(b.origin)), file=out)
        print(t("cli.attribution", lang, text=b.attribution), file=out)
        if b.notice:
            print(t("cli.notice", lang, text=f"{b.notice} {one_line(b.details or '')}"),
                  file=out)
    elif args.action == "refresh":
        if not args.timeout > 0:
            raise CliError(t("cli.timeout_positive", lang))

        def progress(message: str, fraction: float) -> None:
            if fraction in (0.0, 1.0):
                print(message, file=sys.stderr)

        b = bd.refresh_cache(source=args.source, attribution=args.attribution,
                             timeout_s=args.timeout, progress=progress)
        print(t("cli.cached", lang, name=b.name, bytes=f"{b.simplified_bytes:,}",
                raw=f"{b.raw_bytes:,}", folder=one_line(folder)), file=out)
        if bd.ENV_BOUNDARIES in os.environ:
            print(t("cli.env_first", lang, env=bd.ENV_BOUNDARIES), file=out)
    else:
        removed = bd.clear_cache(folder)
        print(t("cli.cleared", lang, n=len(removed), folder=one_line(folder)), file=out)
    return 0


def run(argv: Sequence[str] | None, out=None) -> int:
    """Run one command; everything it prints is written to ``out`` in one piece at the end."""
    target = out or sys.stdout
    out = io.StringIO()
    ascii_only = not _can_encode(target, "\u0175\U0001f4cd")  # JSON: \\uXXXX escapes then
    argv = sys.argv[1:] if argv is None else list(argv)
    lang = language(argv)
    args = build_parser(lang).parse_args(argv)
    lang = args.lang
    if args.command == "boundaries":
        code = _run_boundaries(args, out)
        _write(target, out.getvalue())
        return code
    if args.command == "check":
        import logging

        from explorer.check import check_env, run_checks
        from geo import boundaries as bd
        from geo.assets import LEAFLET_VERSION, missing_assets

        logging.getLogger(bd.__name__).setLevel(logging.ERROR)  # the notice is reported
        env, secrets = check_env()
        lines = run_checks(env, args.data, boundaries=bd.obtain_boundaries(env=env),
                           asset_problems=missing_assets(), leaflet_version=LEAFLET_VERSION,
                           secrets=secrets, lang=lang)
        print("\n".join(str(line) for line in lines), file=out)
        _write(target, out.getvalue())
        problems = [line for line in lines if line.problem]
        for line in problems:
            _write(sys.stderr, t("cli.problem", lang, topic=line.topic, text=line.text) + "\n")
        return 2 if problems else 0
    if args.command == "rooms":
        status = rooms_cli.run(args, args.data, out)
        _write(target, out.getvalue())
        return status
    if args.command == "editions":
        status = editions_cli.run(args, args.data, out)
        _write(target, out.getvalue())
        return status
    if args.command == "rounds":
        status = rounds_cli.run(args, args.data, out)
        _write(target, out.getvalue())
        return status
    as_at, existing_label = t("cli.as_at_2019", lang), t("cli.existing_2019", lang)
    if args.edition == BASE_EDITION_ID:
        ds = _load(args.data, lang)
    else:
        edition = editions_cli.load(args.edition, args.data, lang)
        ds, when = edition.dataset, format_date(edition.info.as_at, lang)
        as_at = t("cli.as_at_edition" if edition.info.published else "cli.as_at_draft", lang,
                  date=when, id=edition.info.id)
        existing_label = t("cli.existing_edition", lang, date=when)
    if args.command == "status":
        if args.json:
            _dump_json(status_records(ds), out, ascii_only)
        else:
            _print_status_table(ds, out, as_at, lang)
    elif args.command == "coverage":
        result = evaluate_scenario(load_scenario_file(args.file, ds), ds)
        if args.json:
            _dump_json(result.to_dict(), out, ascii_only)
        else:
            _print_coverage(ds, result, out, lang)
    elif args.command == "best-sites":
        result = best_sites(
            ds, args.k, args.max_km, args.objective, keep_existing=not args.ignore_existing
        )
        if args.json:
            _dump_json(result.to_dict(), out, ascii_only)
        else:
            _print_best_sites(ds, result, out, existing_label, lang)
    _write(target, out.getvalue())
    return 0


def _can_encode(stream, text: str) -> bool:
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _write(stream, text: str) -> None:
    """Write ``text`` in one call; a stream that cannot encode it (an ASCII-only terminal)
    gets backslash escapes instead of an error half-way through."""
    if not _can_encode(stream, text):
        text = text.encode("ascii", "backslashreplace").decode("ascii")
    stream.write(text)
    stream.flush()


def _message(exc: BaseException, lang: str = "en") -> str:
    if isinstance(exc, OSError) and not isinstance(exc, ScenarioError):
        name = f" {terminal_safe(str(exc.filename))}" if exc.filename else ""
        return t("cli.cannot_use", lang, name=name,
                 problem=os_problem(exc, lang))
    return str(exc)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        lang = language(argv)
    except LanguageError as exc:  # MASH_LANG names no language: said in English
        _write(sys.stderr, t("cli.error", "en", problem=terminal_safe(str(exc))) + "\n")
        return 2
    try:
        return run(argv)
    except (EditionError, RoundError) as exc:  # one line per problem
        _write(sys.stderr, "".join(t("cli.error", lang, problem=terminal_safe(p)) + "\n"
                                   for p in exc.problems))
        return 2
    except (CliError, DataError, OSError, ValueError) as exc:
        _write(sys.stderr, t("cli.error", lang, problem=terminal_safe(_message(exc, lang)))
               + "\n")
        return 2
