"""Preset scenarios: the ready-made what-ifs listed in ``data/scenarios/presets.csv``, each
read by the same parser as an upload and tied to the briefing section behind it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from explorer.csvtable import DataError, read_csv_rows
from explorer.data import DATA_DIR
from explorer.limits import MAX_DATA_TEXT_CHARS
from explorer.model import Dataset
from explorer.model import section_ids as split_section_ids
from explorer.scenario import Scenario, load_scenario_file
from explorer.text import TextError, clean_text

#: The folder (under the data folder) holding the preset files and their list.
SCENARIO_DIR_NAME = "scenarios"
_PRESET_COLUMNS = ("file", "title", "title_cy", "description", "section_id")


@dataclass(frozen=True)
class Preset:
    """A ready-made scenario from ``data/scenarios/``, with the briefing section behind it."""

    key: str
    title: str
    description: str
    section_id: str
    scenario: Scenario
    #: The title in Welsh (``title_cy``: the app's own draft translation, not the briefing's).
    title_cy: str = ""

    def label(self, lang: str = "en") -> str:
        """The title in ``lang`` (Welsh when the preset has a Welsh title).

        >>> p = Preset("k", "North Wales regional MASH", "", "nw-1", None,
        ...            "MASH rhanbarthol Gogledd Cymru")
        >>> p.label("en"), p.label("cy")
        ('North Wales regional MASH', 'MASH rhanbarthol Gogledd Cymru')
        """
        return self.title_cy if lang == "cy" and self.title_cy else self.title


def load_presets(ds: Dataset, data_dir: str | Path = DATA_DIR) -> list[Preset]:
    """The preset scenarios listed in ``data_dir/scenarios/presets.csv``, in that order.

    Each JSON file goes through the same parser as an upload. Raises
    :class:`~explorer.data.DataError` for a problem in ``presets.csv`` and
    :class:`~explorer.scenario.ScenarioError` (naming the file) for a bad preset file.

    Examples
    --------
    >>> from explorer.data import load_dataset
    >>> ds = load_dataset()
    >>> presets = load_presets(ds)
    >>> from explorer.scenario import may_2019_scenario
    >>> presets[0].scenario == may_2019_scenario()
    True
    """
    folder = Path(data_dir) / SCENARIO_DIR_NAME
    csv_name = f"{SCENARIO_DIR_NAME}/presets.csv"
    header, rows = read_csv_rows(folder / "presets.csv")
    if tuple(header) != _PRESET_COLUMNS:
        raise DataError(
            csv_name, f"header must be {','.join(_PRESET_COLUMNS)}, not {','.join(header)}", line=1
        )
    section_ids = {s.section_id for s in ds.sections}
    presets: list[Preset] = []
    listed: set[str] = set()
    for line, fields in rows:
        if len(fields) != len(_PRESET_COLUMNS):
            raise DataError(
                csv_name, f"has {len(fields)} fields, expected {len(_PRESET_COLUMNS)}", line=line
            )
        values = []
        for column, raw in zip(_PRESET_COLUMNS, fields, strict=True):
            try:  # text as data: NFC, one line, no control or bidirectional characters
                values.append(clean_text(raw, column, MAX_DATA_TEXT_CHARS))
            except TextError as exc:
                problem = str(exc).removeprefix(f"{column} ")
                raise DataError(csv_name, problem, line=line, column=column,
                                value=None if not raw.strip() else raw) from None
        file, title, title_cy, description, section_id = values
        if "/" in file or "\\" in file or not file.endswith(".json"):
            raise DataError(
                csv_name, "must be a .json file name in the same folder",
                line=line, column="file", value=file,
            )
        if file in listed:
            raise DataError(csv_name, "file listed twice", line=line, column="file", value=file)
        unknown = [ref for ref in split_section_ids(section_id) if ref not in section_ids]
        if unknown or not split_section_ids(section_id):
            raise DataError(
                csv_name, "no such briefing section in sections.csv",
                line=line, column="section_id", value=unknown[0] if unknown else section_id,
            )
        listed.add(file)
        scenario = load_scenario_file(folder / file, ds, source=f"{SCENARIO_DIR_NAME}/{file}")
        presets.append(Preset(file.removesuffix(".json"), title, description, section_id, scenario,
                              title_cy))
    for path in sorted(folder.glob("*.json")):
        if path.name not in listed:
            raise DataError(csv_name, f"preset file {path.name} is not listed")
    return presets

