"""Benchmark the coverage engine and the best-sites solver against their targets.

Run from the repository root::

    python bench/bench_engine.py

Prints one row per case (median and best of many runs, ``time.perf_counter``) and exits
with status 1 if any median misses its target.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from explorer.best_sites import best_sites  # noqa: E402
from explorer.coverage import HubArrays, evaluate, evaluate_scenario  # noqa: E402
from explorer.data import load_dataset  # noqa: E402
from explorer.presets import load_presets  # noqa: E402


def timings_ms(fn: Callable[[], object], runs: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000.0)
    return out


def synthetic(n_areas: int = 400, n_hubs: int = 50, seed: int = 2019):
    """A seeded synthetic region: areas scattered over 300 × 300 km, hubs of 2 to 20 areas."""
    rng = np.random.default_rng(seed)
    xy_km = rng.uniform(0.0, 300.0, size=(n_areas, 2))
    distance_km = np.hypot(*(xy_km[:, None, :] - xy_km[None, :, :]).transpose(2, 0, 1))
    population = rng.integers(2_000, 400_000, size=n_areas)
    existing = rng.random(n_areas) < 0.2
    models = ("regional", "per_authority", "virtual")
    hubs = []
    for h in range(n_hubs):
        members = rng.choice(n_areas, size=int(rng.integers(2, 21)), replace=False)
        model = models[h % 3]
        hubs.append(HubArrays(members, -1 if model == "per_authority" else int(members[0]), model))
    return population, existing, hubs, distance_km


def main() -> int:
    ds = load_dataset()
    presets = {p.key: p.scenario for p in load_presets(ds)}
    # The busiest preset has all 22 authorities in one hub.
    every = presets["every_authority"]
    north = presets["north_wales_regional"]
    north_limited = replace(north, max_travel_km=40.0)
    population, existing, hubs, distance_km = synthetic()

    cases: list[tuple[str, float, list[float]]] = [
        (
            "evaluate_scenario, 22 authorities (22-member hub)",
            1.0,
            timings_ms(lambda: evaluate_scenario(every, ds), runs=2000),
        ),
        (
            "evaluate_scenario, 22 authorities (regional, 40 km limit)",
            1.0,
            timings_ms(lambda: evaluate_scenario(north_limited, ds), runs=2000),
        ),
        (
            "evaluate core, 400 areas x 50 hubs, 60 km limit",
            20.0,
            timings_ms(
                lambda: evaluate(population, existing, True, hubs, distance_km, 60.0), runs=500
            ),
        ),
    ]
    for k in range(1, 7):
        cases.append(
            (
                f"best_sites k={k}, 22 candidates, 40 km",
                1000.0,
                timings_ms(lambda k=k: best_sites(ds, k, 40.0), runs=15, warmup=1),
            )
        )

    print(f"{'case':<58}  {'median ms':>10}  {'best ms':>9}  {'target ms':>9}  ok")
    failed = 0
    for name, target_ms, runs in cases:
        median = statistics.median(runs)
        ok = median <= target_ms
        failed += not ok
        print(
            f"{name:<58}  {median:>10.3f}  {min(runs):>9.3f}  {target_ms:>9g}  "
            f"{'yes' if ok else 'NO'}"
        )
    if failed:
        print(f"{failed} case(s) missed the target", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
