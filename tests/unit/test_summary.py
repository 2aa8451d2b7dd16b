"""Status summaries on tiny hand-built datasets and on the real one."""

import pytest

from explorer.data import load_dataset
from explorer.model import Authority, Dataset, Force, Hub, Position, Section
from explorer.summary import counts_by_force, counts_by_status, headline, population_of


def tiny() -> Dataset:
    """Three authorities in two forces: one operating MASH, one pilot, one none."""
    sec = Section("s1", "Gwent Police", "", "1")

    def auth(code, force, pop21, pop18):
        return Authority(
            code, code, code, force, "HB", "HB", "SB", pop21, pop18, 10.0, "Town", 51.5, -3.0
        )

    return Dataset(
        authorities=(
            auth("W06000001", "f1", 100, 90),
            auth("W06000002", "f1", 200, 210),
            auth("W06000003", "f2", 700, 650),
        ),
        forces=(
            Force("f1", "F1", "F1", "F1", "W15000001", "x", "s1"),
            Force("f2", "F2", "F2", "F2", "W15000002", "x", "s1"),
        ),
        hubs=(
            Hub("h1", "Hub 1", "mash", ("W06000001",), None, "", None, None, "", "s1"),
            Hub("h2", "Hub 2", "mash_pilot", ("W06000002",), None, "", None, None, "", "s1"),
        ),
        positions=(
            Position("W06000001", "mash", "h1", "", "x", "s1"),
            Position("W06000002", "mash_pilot", "h2", "", "x", "s1"),
            Position("W06000003", "no_mash", None, "", "x", "s1"),
        ),
        arrangements=(),
        events=(),
        items=(),
        sections=(sec,),
    )


def test_counts_by_status_lists_every_status():
    assert counts_by_status(tiny()) == {"mash": 1, "mash_pilot": 1, "mash_ceased": 0, "no_mash": 1}


def test_counts_by_force():
    assert counts_by_force(tiny()) == {
        "f1": {"mash": 1, "mash_pilot": 1, "mash_ceased": 0, "no_mash": 0},
        "f2": {"mash": 0, "mash_pilot": 0, "mash_ceased": 0, "no_mash": 1},
    }


def test_headline_on_tiny_dataset():
    h = headline(tiny())
    assert (h.authorities_active, h.authorities_total, h.hubs_active) == (2, 3, 2)
    assert (h.population_active, h.population_total) == (300, 1000)
    assert h.population_share == pytest.approx(0.3)
    h18 = headline(tiny(), "mid2018")
    assert (h18.population_active, h18.population_total) == (300, 950)


def test_unknown_population_basis():
    with pytest.raises(ValueError, match="unknown population basis 'mid2020'"):
        population_of(tiny(), "W06000001", "mid2020")


def test_headline_on_real_dataset():
    h = headline(load_dataset())
    # Cardiff 362,312 + Bridgend 145,500 + RCT 237,658 + Merthyr 58,839 + Newport 159,587.
    assert h.population_active == 963_896
    assert h.population_total == 3_107_489
    assert (h.authorities_active, h.hubs_active) == (5, 4)
    assert counts_by_force(load_dataset())["south_wales"] == {
        "mash": 4,
        "mash_pilot": 0,
        "mash_ceased": 0,
        "no_mash": 3,
    }
