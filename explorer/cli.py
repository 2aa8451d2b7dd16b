"""Command line: ``python -m explorer status [--json]``.

Errors exit with status 2 and print one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from explorer.data import DATA_DIR, DataError, load_dataset
from explorer.summary import headline, status_records

STATUS_LABELS = {
    "mash": "MASH operating",
    "mash_pilot": "MASH pilot",
    "mash_ceased": "MASH tried and ended",
    "no_mash": "No MASH",
}


class CliError(Exception):
    """A problem to report on one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        raise CliError(f"{self.prog}: {message}")


def _print_status_table(ds, out) -> None:
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
        "Position as at 31 May 2019.",
        file=out,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m explorer", description="MASH Wales explorer")
    parser.add_argument("--data", default=str(DATA_DIR), help="folder of the dataset")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    status = sub.add_parser("status", help="MASH status of the 22 authorities, May 2019")
    status.add_argument("--json", action="store_true", help="print JSON")
    return parser


def run(argv: Sequence[str] | None, out=None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    ds = load_dataset(args.data)
    if args.command == "status":
        if args.json:
            json.dump(status_records(ds), out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            _print_status_table(ds, out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(argv)
    except (CliError, DataError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
