"""Storage errors are translated inside storage: nothing that draws a page imports SQLAlchemy."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_no_page_imports_sqlalchemy():
    files = [REPO / "app.py", *sorted((REPO / "pages").rglob("*.py"))]
    assert len(files) > 10
    offenders = [str(f.relative_to(REPO)) for f in files
                 if any(m.split(".")[0] == "sqlalchemy" for m in _imports(f))]
    assert offenders == []


def test_room_storage_functions_raise_one_line_errors(tmp_path):
    """A database that fails under a store function arrives as StorageUnavailable."""
    import sqlite3

    import pytest

    from explorer import rooms
    from explorer.storage import db

    path = tmp_path / "rooms.db"
    eng = db.make_engine(f"sqlite:///{path}")
    db.upgrade(eng)
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE votes")
    code = rooms.create_room(eng, "Board").room.code
    token = rooms.join_room(eng, code).token
    with pytest.raises(db.StorageUnavailable) as caught:
        rooms.set_votes(eng, code, token, [])
    assert "\n" not in str(caught.value) and str(tmp_path) not in str(caught.value)
    eng.dispose()
