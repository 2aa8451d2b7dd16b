"""The README's architecture tree names every source file, so it cannot go stale.

The tree is the fenced block under "## Architecture": each line starts with a path (relative
to the folder of the line above it with less indentation; folders end with ``/``; several
files may share a line, separated by ", "), then two or more spaces and a description.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: Where source lives, and what counts as source there.
SOURCE_DIRS = ("explorer", "geo", "pages", "static")
SOURCE_SUFFIXES = {".py", ".js", ".toml", ".mako", ".geojson"}
#: Never committed (static/vendor is copied in at start-up) or not written by hand.
SKIPPED_PARTS = {"__pycache__", "vendor"}


def tree_paths(readme: str) -> set[str]:
    block = readme.split("## Architecture", 1)[1].split("```", 2)[1]
    paths: set[str] = set()
    parents: list[tuple[int, str]] = []  # (indent, folder path)
    for line in block.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        names = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
        if not names or " " in names.replace(", ", ""):
            continue  # a description running on to the next line
        while parents and parents[-1][0] >= indent:
            parents.pop()
        base = parents[-1][1] if parents else ""
        for name in names.split(", "):
            path = base + name
            paths.add(path.rstrip("/"))
            if name.endswith("/"):
                parents.append((indent, path))
    return paths


def source_files() -> set[str]:
    found = {"app.py"}
    for folder in SOURCE_DIRS:
        for path in (REPO / folder).rglob("*"):
            rel = path.relative_to(REPO)
            if (path.is_file() and path.suffix in SOURCE_SUFFIXES
                    and not SKIPPED_PARTS & set(rel.parts) and path.name != "__init__.py"):
                found.add(rel.as_posix())
    return found


def test_tree_parser_reads_nested_folders_and_shared_lines() -> None:
    readme = ("## Architecture\n```\napp.py   router\npages/   pages\n  ui/   pieces\n"
              "    shell.py   settings\n  a.py, b.py   two\n                       more text\n"
              "geo/   geography\n```\n")
    assert tree_paths(readme) == {"app.py", "pages", "pages/ui", "pages/ui/shell.py",
                                  "pages/a.py", "pages/b.py", "geo"}


def test_readme_tree_names_every_source_file() -> None:
    named = tree_paths((REPO / "README.md").read_text(encoding="utf-8"))
    # A folder named in the tree with its own description covers files listed inline there
    # (e.g. "migrations/  Alembic: env.py, ..."), so only its entry is required.
    def covered(path: str) -> bool:
        parts = path.split("/")
        return path in named or any("/".join(parts[:i]) in named and
                                    "/".join(parts[:i]) in FOLDERS_LISTED_INLINE
                                    for i in range(1, len(parts)))

    missing = sorted(p for p in source_files() if not covered(p))
    assert not missing, f"add these to the README's architecture tree: {missing}"


def test_readme_tree_names_no_file_that_is_gone() -> None:
    named = tree_paths((REPO / "README.md").read_text(encoding="utf-8"))
    gone = sorted(p for p in named if not (REPO / p).exists())
    assert not gone, f"the README's architecture tree names files that do not exist: {gone}"


#: Folders whose files the tree lists inside the folder's description.
FOLDERS_LISTED_INLINE = {"explorer/storage/migrations"}
