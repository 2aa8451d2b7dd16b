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

from explorer.best_sites import OBJECTIVES, best_sites, explain_uncovered
from explorer.coverage import evaluate_scenario
from explorer.data import DATA_DIR_ENV, DataError, load_dataset, resolve_data_dir
from explorer.editions import cli as editions_cli
from explorer.editions.model import BASE_EDITION_ID, EditionError, format_date
from explorer.i18n import t
from explorer.limits import MAX_BEST_KM, MAX_BEST_SITES, MIN_BEST_KM
from explorer.rooms import cli as rooms_cli
from explorer.rounds import cli as rounds_cli
from explorer.rounds.model import RoundError
from explorer.scenario import ScenarioError, load_scenario_file
from explorer.summary import headline, status_records
from explorer.text import one_line, quote, terminal_safe

#: Labels in the interface's own words (explorer/messages.toml), in English.
STATUS_LABELS = {s: t(f"status.{s}") for s in ("mash", "mash_pilot", "mash_ceased", "no_mash")}


class CliError(Exception):
    """A problem to report on one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        raise CliError(f"{self.prog}: {message}")


def _whole_number(lo: int, hi: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = text.strip()
        digits = value.isascii() and value.isdigit() and len(value) <= 6
        if not digits or not lo <= int(value) <= hi:
            raise argparse.ArgumentTypeError(
                f"must be a whole number from {lo} to {hi}, not {quote(text, 20)}"
            )
        return int(value)

    return parse


def _km(lo: float, hi: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text) if len(text) <= 30 else math.nan
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or not lo <= value <= hi:
            raise argparse.ArgumentTypeError(
                f"must be a number of kilometres from {lo:g} to {hi:g}, not {quote(text, 20)}"
            )
        return value

    return parse


def _print_status_table(ds, out, as_at: str = "Position as at 31 May 2019.") -> None:
    rows = status_records(ds)
    widths = {"code": 9, "name": 18, "police_force": 11, "status": 20, "hub": 21}
    header = ["Code", "Authority", "Force", "Status", "Hub", "Population"]
    print(
        f"{header[0]:<9}  {header[1]:<18}  {header[2]:<11}  {header[3]:<20}  "
        f"{header[4]:<21}  {header[5]:>10}",
        file=out,
    )
    for r in rows:
        print(
            f"{r['code']:<{widths['code']}}  {r['name']:<{widths['name']}}  "
            f"{r['police_force']:<{widths['police_force']}}  "
            f"{STATUS_LABELS[r['status']]:<{widths['status']}}  "
            f"{(r['hub'] or '-'):<{widths['hub']}}  {r['population']:>10,}",
            file=out,
        )
    h = headline(ds)
    print(
        f"\n{h.authorities_active} of {h.authorities_total} authorities have an operating "
        f"or pilot MASH ({h.hubs_active} hubs), home to {h.population_active:,} of "
        f"{h.population_total:,} people ({h.population_share:.1%}, Census 2021). "
        + as_at,
        file=out,
    )


BASIS_LABELS = {b: t(f"whatif.basis_{b}") for b in ("census2021", "mid2018")}


def _names(ds, codes) -> str:
    return ", ".join(ds.authority(c).name_en for c in codes) or "none"


def _print_coverage(ds, result, out) -> None:
    r = result
    print(
        f"{r.authorities_covered} of {r.authorities_total} authorities covered "
        f"in scenario '{terminal_safe(r.scenario_name)}'",
        file=out,
    )
    print(
        f"Population covered: {r.population_covered:,} of {r.population_total:,} "
        f"({r.population_share:.1%}, {BASIS_LABELS[r.population_basis]})",
        file=out,
    )
    print(f"Hubs: {len(r.hubs) or 'none proposed'}", file=out)
    for h in r.hubs:
        where = f", host {ds.authority(h.host).name_en}" if h.host else ""
        reach = f", farthest member {h.max_distance_km} km" if h.max_distance_km else ""
        print(
            f"  - {terminal_safe(h.name)} ({h.model}{where}{reach}): covers "
            f"{_names(ds, h.covered_codes)}; {h.population:,} people",
            file=out,
        )
    print(f"Newly covered: {_names(ds, r.newly_covered_codes)}", file=out)
    if r.excluded:
        print("Excluded by the travel limit:", file=out)
        for e in r.excluded:
            print(
                f"  - {ds.authority(e.code).name_en} from {terminal_safe(e.hub)}: "
                f"{e.distance_km} km (limit {e.max_travel_km:g} km)",
                file=out,
            )


def _print_best_sites(ds, result, out, existing_label: str = "the May 2019 MASHs") -> None:
    r = result
    goal = "people" if r.objective == "population" else "authorities"
    existing = "keeping" if r.keep_existing else "ignoring"
    print(
        f"Best {r.k} regional hub site(s) within {r.max_km:g} km, covering the most {goal} "
        f"({existing} {existing_label}):",
        file=out,
    )
    for n, site in enumerate(r.sites, start=1):
        members = ", ".join(
            f"{ds.authority(c).name_en} ({km} km)"
            for c, km in zip(site.members, site.distances_km, strict=True)
        )
        print(f"  {n}. {site.name}: {members}; {site.population:,} people", file=out)
    print(
        f"{r.authorities_covered} of {r.authorities_total} authorities covered, "
        f"{r.population_covered:,} of {r.population_total:,} people "
        f"({r.population_share:.1%}, {BASIS_LABELS[r.population_basis]})",
        file=out,
    )
    for line in explain_uncovered(r, ds):
        print(f"  {line}", file=out)


def _dump_json(value, out, ascii_only: bool = False) -> None:
    out.write(json.dumps(value, ensure_ascii=ascii_only, indent=2))
    out.write("\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m explorer", description="MASH Wales explorer")
    parser.add_argument(
        "--data", default=None,
        help=f"folder of the dataset (default: ${DATA_DIR_ENV} if set, else the committed data/)",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    status = sub.add_parser("status", help="MASH status of the 22 authorities, May 2019")
    status.add_argument("--json", action="store_true", help="print JSON")
    _edition_option(status)
    coverage = sub.add_parser("coverage", help="coverage of a scenario file's hubs")
    coverage.add_argument("file", metavar="FILE", help="scenario JSON file")
    coverage.add_argument("--json", action="store_true", help="print JSON")
    _edition_option(coverage)
    best = sub.add_parser("best-sites", help="best places for K regional hubs within D km")
    best.add_argument("--k", type=_whole_number(1, MAX_BEST_SITES), required=True,
                      help=f"number of hubs, 1 to {MAX_BEST_SITES}")
    best.add_argument("--max-km", type=_km(MIN_BEST_KM, MAX_BEST_KM), required=True,
                      help=f"reach of each hub, {MIN_BEST_KM:g} to {MAX_BEST_KM:g} km")
    best.add_argument("--objective", choices=OBJECTIVES, default="population")
    best.add_argument(
        "--ignore-existing", action="store_true", help="do not count the 2019 MASHs as covered"
    )
    best.add_argument("--json", action="store_true", help="print JSON")
    _edition_option(best)
    _add_boundaries_command(sub)
    sub.add_parser("check", help="what this deployment will do; exit 2 with one line per "
                                 "problem")
    rooms_cli.add_parser(sub)
    editions_cli.add_parser(sub)
    rounds_cli.add_parser(sub)
    return parser


def _edition_option(parser) -> None:
    parser.add_argument("--edition", type=editions_cli.edition_id, default=BASE_EDITION_ID,
                        metavar="ID", help="the edition's position (default 1, May 2019)")


def _load(data: str | None):
    folder = resolve_data_dir(data)
    try:
        return load_dataset(folder)
    except DataError as exc:
        from_env = bool(os.environ.get(DATA_DIR_ENV, "").strip())
        origin = " (from --data)" if data else f" (from {DATA_DIR_ENV})" if from_env else ""
        where = f"data folder {terminal_safe(str(folder))}{origin}"
        raise CliError(f"{where}: {exc}") from None


def _add_boundaries_command(sub) -> None:
    """``boundaries show|refresh|clear``: the only commands that touch the network (refresh)."""
    cmd = sub.add_parser("boundaries", help="boundaries the app draws: show, refresh, clear")
    action = cmd.add_subparsers(dest="action", required=True, parser_class=_Parser)
    action.add_parser("show", help="which boundaries the app would draw, and why")
    refresh = action.add_parser(
        "refresh", help="fetch current ONS boundaries (or --source) into the cache")
    refresh.add_argument("--source", metavar="URL_OR_FILE",
                         help="an http(s) URL or a local file instead of the ONS portal")
    refresh.add_argument("--attribution", metavar="TEXT",
                         help="attribution required by --source's licence")
    refresh.add_argument("--timeout", type=float, default=20.0, metavar="SECONDS",
                         help="time allowed per source (default 20)")
    action.add_parser("clear", help="remove refreshed boundaries: the app draws the bundled ones")


def _run_boundaries(args, out) -> int:
    import logging

    from geo import boundaries as bd

    logging.getLogger(bd.__name__).setLevel(logging.ERROR)  # notices are printed below

    folder = bd.default_cache_dir()
    if args.action == "show":
        b = bd.obtain_boundaries()
        print(f"{b.name} ({b.source}, {b.simplified_bytes:,} bytes): {one_line(b.origin)}",
              file=out)
        print(f"Attribution: {b.attribution}", file=out)
        if b.notice:
            print(f"Notice: {b.notice} {one_line(b.details or '')}", file=out)
    elif args.action == "refresh":
        if not args.timeout > 0:
            raise CliError("python -m explorer boundaries refresh: --timeout must be above 0")

        def progress(message: str, fraction: float) -> None:
            if fraction in (0.0, 1.0):
                print(message, file=sys.stderr)

        b = bd.refresh_cache(source=args.source, attribution=args.attribution,
                             timeout_s=args.timeout, progress=progress)
        print(f"Cached {b.name} ({b.simplified_bytes:,} bytes, from {b.raw_bytes:,}) in "
              f"{one_line(folder)}; the app draws them from its next page view.", file=out)
        if bd.ENV_BOUNDARIES in os.environ:
            print(f"Note: {bd.ENV_BOUNDARIES} is set and comes first.", file=out)
    else:
        removed = bd.clear_cache(folder)
        print(f"Removed {len(removed)} file(s) from {one_line(folder)}; the app draws the "
              "bundled boundaries unless MASH_BOUNDARIES is set.", file=out)
    return 0


def run(argv: Sequence[str] | None, out=None) -> int:
    """Run one command; everything it prints is written to ``out`` in one piece at the end."""
    target = out or sys.stdout
    out = io.StringIO()
    ascii_only = not _can_encode(target, "\u0175\U0001f4cd")  # JSON: \\uXXXX escapes then
    args = build_parser().parse_args(argv)
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
                           secrets=secrets)
        print("\n".join(str(line) for line in lines), file=out)
        _write(target, out.getvalue())
        problems = [line for line in lines if line.problem]
        for line in problems:
            _write(sys.stderr, f"problem: {line.topic}: {line.text}\n")
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
    as_at, existing_label = "Position as at 31 May 2019.", "the May 2019 MASHs"
    if args.edition == BASE_EDITION_ID:
        ds = _load(args.data)
    else:
        edition = editions_cli.load(args.edition, args.data)
        ds, when = edition.dataset, format_date(edition.info.as_at)
        draft = " (a draft)" if not edition.info.published else ""
        as_at = f"Position as at {when}, edition {edition.info.id}{draft}."
        existing_label = f"the MASHs as at {when}"
    if args.command == "status":
        if args.json:
            _dump_json(status_records(ds), out, ascii_only)
        else:
            _print_status_table(ds, out, as_at)
    elif args.command == "coverage":
        result = evaluate_scenario(load_scenario_file(args.file, ds), ds)
        if args.json:
            _dump_json(result.to_dict(), out, ascii_only)
        else:
            _print_coverage(ds, result, out)
    elif args.command == "best-sites":
        result = best_sites(
            ds, args.k, args.max_km, args.objective, keep_existing=not args.ignore_existing
        )
        if args.json:
            _dump_json(result.to_dict(), out, ascii_only)
        else:
            _print_best_sites(ds, result, out, existing_label)
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


def _message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, ScenarioError):
        name = f" {terminal_safe(str(exc.filename))}" if exc.filename else ""
        return f"cannot use{name} ({exc.strerror or type(exc).__name__})"
    return str(exc)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(argv)
    except (EditionError, RoundError) as exc:  # one line per problem
        _write(sys.stderr, "".join(f"error: {terminal_safe(p)}\n" for p in exc.problems))
        return 2
    except (CliError, DataError, OSError, ValueError) as exc:
        _write(sys.stderr, "error: " + terminal_safe(_message(exc)) + "\n")
        return 2
