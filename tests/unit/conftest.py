"""Fixtures shared by the unit tests."""

from __future__ import annotations

import shutil

import hypothesis
import pytest

from explorer.data import DATA_DIR


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


# No test may depend on the machine's speed: property tests have no per-example deadline
# (Hypothesis's default of 200 ms failed on a busy 2-core machine).
hypothesis.settings.register_profile("mash", deadline=None)
hypothesis.settings.load_profile("mash")
