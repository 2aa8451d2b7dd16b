"""Every limit is defined once (explorer/limits.py); docs/operations.md states the same values."""

from __future__ import annotations

import re
from pathlib import Path

from explorer import limits
from explorer.i18n import catalogue, t

README = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def readme_limits() -> dict[str, float]:
    """Constant -> the first number in its row of the Limits table of docs/operations.md."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Limits", 1)[1].split("\n## ", 1)[0]
    out: dict[str, float] = {}
    for row in section.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[2].startswith("`"):
            continue
        number = re.search(r"\d[\d,]*(\.\d+)?", cells[1])
        assert number, row
        out[cells[2].strip("`")] = float(number.group().replace(",", ""))
    return out


def constants() -> dict[str, float]:
    return {name: value for name, value in vars(limits).items()
            if name.isupper() and isinstance(value, (int, float))}


def test_readme_states_every_limit_with_its_value():
    stated = readme_limits()
    assert set(stated) == set(constants())
    for name, value in constants().items():
        assert stated[name] == value, name


def test_the_upload_label_states_the_file_limit():
    kb = limits.MAX_SCENARIO_BYTES // 1024
    # The page fills the label from the limit, never from a hard-coded number.
    for lang in ("en", "cy"):
        assert "{limit} KB" in str(catalogue()["whatif.upload"][lang])
        assert f"{kb} KB" in t("whatif.upload", lang, limit=kb)


def test_ranges_are_consistent():
    assert 0 < limits.MIN_TRAVEL_KM < limits.MAX_TRAVEL_KM
    assert limits.MIN_TRAVEL_KM <= limits.MIN_BEST_KM <= limits.MAX_BEST_KM <= limits.MAX_TRAVEL_KM
    assert limits.MAX_SHARE_CHARS * 3 // 4 <= limits.MAX_SCENARIO_BYTES
