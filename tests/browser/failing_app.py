"""The real app with one page forced to fail, for ``test_cloud_settings.py``: the table
page's data function raises. Run by ``streamlit run`` (never imported by pytest)."""

import runpy
import sys
from pathlib import Path

FORCED = "forced failure reading /srv/secret/path"

if __name__ == "__main__":
    repo = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(repo))
    from explorer import views

    def broken(*_args, **_kwargs):
        raise RuntimeError(FORCED)

    views.table_rows = broken
    runpy.run_path(str(repo / "app.py"), run_name="__main__")
