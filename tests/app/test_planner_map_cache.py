"""pages/ui/caches.planner_map: a planner map is looked up by its plain key (no hashing of its
arguments per run), is the very value built once, and is built again when what it depends on
changes (here the boundaries' stamp)."""

from __future__ import annotations

from pages.ui import caches


def test_a_planner_map_is_built_once_and_again_when_its_boundaries_change(monkeypatch):
    caches._planner_map_by_key.cache_clear()
    built = []
    real = caches._planner_map

    def counting(*args):
        built.append(args)
        return real(*args)

    monkeypatch.setattr(caches, "_planner_map", counting)
    first = caches.planner_map("geographic", "en", 560, key="test_map")
    again = caches.planner_map("geographic", "en", 560, key="test_map")
    assert again is first and len(built) == 1
    welsh = caches.planner_map("geographic", "cy", 560, key="test_map")
    assert welsh is not first and len(built) == 2
    stamp = caches._stamp()
    monkeypatch.setattr(caches, "_stamp", lambda: (*stamp[:2], stamp[2] + 1))
    caches.planner_map("geographic", "en", 560, key="test_map")
    assert len(built) == 3  # the boundaries changed: built again


def test_only_sixteen_are_kept(monkeypatch):
    caches._planner_map_by_key.cache_clear()
    monkeypatch.setattr(caches, "_planner_map", lambda *args: (args,))
    for height in range(20):
        caches.planner_map("geographic", "en", 300 + height, key="test_map")
    assert caches._planner_map_by_key.cache_info().currsize == 16
    assert caches.planner_map("geographic", "en", 319, key="test_map")[0][2] == 319
