"""Style sheets live in two modules (explorer/printing/styles.py for what is printed or
generated, pages/ui/style.py for the app) and legend swatches are built by one function
(explorer/printing/legend.py): no other module defines either."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from explorer.printing.legend import legend, swatch
from pages.ui import style

REPO = Path(__file__).resolve().parents[2]
STYLE_HOMES = {"explorer/printing/styles.py", "pages/ui/style.py"}
SWATCH_HOME = "explorer/printing/legend.py"
#: A CSS rule: a selector's last character, then "{property:".
RULE = re.compile(r"[\w\])*'\"-]\s*\{\s*-?[a-z][a-z-]*\s*:(?!\d)")
#: A legend swatch drawn by hand: a sized, coloured box.
SWATCH = re.compile(r"width:\s*1(\.\d)?em;\s*height:\s*1(\.\d)?em|class=\"swatch\"")


def literals(path: Path) -> list[str]:
    """The text of every string literal (the literal parts of f-strings too)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            node.value.value = ""  # a docstring may show CSS as an example
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append(node.value)
    return out


def sources() -> list[Path]:
    return [REPO / "app.py", *(p for folder in ("explorer", "geo", "pages")
                               for p in sorted((REPO / folder).rglob("*.py")))]


def test_the_checks_see_css_and_swatches() -> None:
    assert RULE.search(".fig dt{font-size:.875rem}") and RULE.search("text{font-family:x}")
    assert not RULE.search("{value:,.0f}") and not RULE.search("f({n:3})")
    assert SWATCH.search("width:1em;height:1em;border:1px")


def test_no_other_module_defines_css() -> None:
    found = {p.relative_to(REPO).as_posix(): hits for p in sources()
             if p.relative_to(REPO).as_posix() not in STYLE_HOMES
             and (hits := [s[:60] for s in literals(p)
                           if RULE.search(s) and "function" not in s])}  # a script is not CSS
    assert found == {}


def test_no_other_module_draws_a_swatch() -> None:
    found = [p.relative_to(REPO).as_posix() for p in sources()
             if p.relative_to(REPO).as_posix() not in (SWATCH_HOME, "explorer/printing/styles.py")
             and any(SWATCH.search(s) for s in literals(p))]
    assert found == []


def test_legend_marks_swatches_as_decoration_and_escapes_words() -> None:
    out = legend([(swatch("#0072B2"), "A & <b>")], 'Key "x"')
    assert 'aria-label="Key &quot;x&quot;"' in out and "A &amp; &lt;b&gt;" in out
    assert out.count('aria-hidden="true"') == 1 and 'role="listitem"' in out


def test_page_rules_only_where_they_apply() -> None:
    assert "dl.figs" in style.page_css("") and "dl.figs" not in style.page_css("what-if")
    assert ".st-key-wi_summary" in style.page_css("what-if")
    assert "22px" in style.page_css("forces", projector=True)
    assert "22px" not in style.page_css("forces")
