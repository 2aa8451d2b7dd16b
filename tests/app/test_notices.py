"""The one "refused" helper: literal text, bullets, the box's kind; no page repeats it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from explorer.text import md_escape
from pages.ui import notices

REPO = Path(__file__).resolve().parents[2]


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str | None]] = []

    def __getattr__(self, kind: str):
        return lambda body, icon=None: self.calls.append((kind, body, icon))


@pytest.fixture
def shown(monkeypatch) -> Recorder:
    rec = Recorder()
    monkeypatch.setattr(notices, "st", rec)
    return rec


def test_text_is_shown_literally(shown) -> None:
    notices.refused("Not done: *room* [x](y)")
    assert shown.calls == [("error", md_escape("Not done: *room* [x](y)"), None)]
    assert "\\*room\\*" in shown.calls[0][1]


def test_kind_icon_and_bullets(shown) -> None:
    notices.refused("Not imported:", kind="warning", icon=":material/lock:", lines=["a_b", "c"])
    notices.refused("", lines=["one", "two"])
    assert shown.calls == [("warning", md_escape("Not imported:") + "\n\n- a\\_b\n- c",
                            ":material/lock:"),
                           ("error", "- one\n- two", None)]


def test_unknown_kind_is_refused(shown) -> None:
    with pytest.raises(ValueError):
        notices.refused("x", kind="success")


def test_no_page_builds_its_own_refusal() -> None:
    """The refusal messages are shown through notices.refused, not pasted per page."""
    pattern = re.compile(r"st\.(error|warning)\(md_escape\(t\(\"[\w.]*(refused|unavailable)")
    offenders = [str(p.relative_to(REPO)) for p in (REPO / "pages").rglob("*.py")
                 if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
