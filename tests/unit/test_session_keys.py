"""Session-state keys are named once per feature (``pages/ui/<feature>/keys.py``): the page
files never spell one as a string literal."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def literal_keys(source: str) -> list[str]:
    """String literals used as a session-state key: ``session_state["k"]``,
    ``session_state.get("k")`` / ``.pop`` / ``.setdefault``, ``shell.bound(widget, "k", ...)``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and _is_state(node.value):
            key = node.slice
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("get", "pop", "setdefault") and _is_state(node.func.value)
              and node.args):
            key = node.args[0]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "bound" and len(node.args) >= 2):
            key = node.args[1]
        else:
            continue
        if isinstance(key, ast.Constant | ast.JoinedStr):
            found.append(ast.unparse(key))
    return found


def _is_state(node: ast.expr) -> bool:
    return ((isinstance(node, ast.Attribute) and node.attr == "session_state")
            or (isinstance(node, ast.Name) and node.id == "state"))


def test_the_checker_sees_literal_keys() -> None:
    src = ('st.session_state["a"] = 1\nst.session_state.get(f"b_{x}")\nstate.pop("c")\n'
           'shell.bound(st.radio, "d", lang)\nst.session_state[keys.E]\n')
    assert literal_keys(src) == ["'a'", "f'b_{x}'", "'c'", "'d'"]


def test_pages_name_no_session_key_literally() -> None:
    offenders = {p.name: keys for p in sorted((REPO / "pages").glob("*.py"))
                 if (keys := literal_keys(p.read_text(encoding="utf-8")))}
    assert offenders == {}
