"""The layer rules are enforced by ruff (TID251, one block per folder): a banned import in
the wrong folder is reported, the same import in the layer above is not."""

import shutil
import subprocess

import pytest

RUFF = shutil.which("ruff")


def _banned(path: str, source: str) -> list[str]:
    out = subprocess.run(
        [RUFF, "check", "--select", "TID251", "--output-format", "concise",
         "--stdin-filename", path, "-"],
        input=source, capture_output=True, text=True, check=False)
    return [line for line in out.stdout.splitlines() if "TID251" in line]


@pytest.mark.skipif(RUFF is None, reason="ruff not installed")
@pytest.mark.parametrize(("path", "source", "banned"), [
    ("explorer/x.py", "import streamlit\n", True),
    ("explorer/x.py", "import folium\n", True),
    ("explorer/x.py", "import streamlit_folium\n", True),
    ("explorer/x.py", "from geo import maps\n", True),
    ("explorer/printing/x.py", "import folium\n", True),
    ("explorer/cli.py", "from geo import boundaries\n", False),
    ("geo/x.py", "import streamlit\n", True),
    ("geo/x.py", "import folium\nfrom explorer import model\n", False),
    ("pages/ui/x.py", "import streamlit\nfrom geo import maps\n", False),
    ("pages/ui/x.py", "import streamlit_folium\n", True),
    ("pages/ui/map_component.py", "import streamlit_folium\n", False),
])
def test_layer_rules(path: str, source: str, banned: bool) -> None:
    assert bool(_banned(path, source)) is banned
