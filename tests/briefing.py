"""The briefing note in ``../shared``, split into the places ``data/sections.csv`` cites.

The note is plain text with one paragraph per line. A line equal to a force heading (or to
one of that force's sub-headings named in ``sections.csv``) starts a new place; the
introduction is the text between the date line and the first force heading.
"""

import re
from pathlib import Path

from explorer.model import Dataset, Section, section_ids

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
BRIEFING = SHARED / "seed" / "mash-wales-briefing-2019-05-31.txt"
INTRO = "Introduction"
_DATE_LINE = "Friday May 31st 2019"


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, hyphens and dashes as spaces, single spaces.

    >>> normalise("Multi-Agency  MASH’s – Dyfed Powys")
    "multi agency mash's dyfed powys"
    """
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"[-–—]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def paragraphs(ds: Dataset, path: Path = BRIEFING) -> dict[tuple[str, str], list[str]]:
    """Paragraphs under each (force heading, sub-heading), in order."""
    subheadings: dict[str, set[str]] = {}
    for s in ds.sections:
        subheadings.setdefault(normalise(s.force_heading), set())
        if s.subheading:
            subheadings[normalise(s.force_heading)].add(normalise(s.subheading))
    names = {normalise(s.force_heading): s.force_heading for s in ds.sections}
    subnames = {normalise(s.subheading): s.subheading for s in ds.sections if s.subheading}
    out: dict[tuple[str, str], list[str]] = {}
    place: tuple[str, str] | None = None
    force = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        key = normalise(line)
        if not key:
            continue
        if line.strip() == _DATE_LINE:
            place = (INTRO, "")
        elif key in subheadings and key != normalise(INTRO):
            force = key
            place = (names[key], "")
        elif force and key in subheadings[force]:
            place = (names[force], subnames[key])
        elif place is not None:
            out.setdefault(place, []).append(line.strip())
    return out


def section_text(section: Section, paras: dict[tuple[str, str], list[str]]) -> str:
    """The cited paragraphs of one section, joined."""
    found = paras[(section.force_heading, section.subheading)]
    first, _, last = section.paragraphs.partition("-")
    return "\n".join(found[int(first) - 1 : int(last or first)])


def cited_texts(ds: Dataset, ref: str, paras) -> dict[str, str]:
    """Section id -> cited paragraph text, for a ``section_id`` cell (one id or several)."""
    return {sid: section_text(ds.section(sid), paras) for sid in section_ids(ref)}
