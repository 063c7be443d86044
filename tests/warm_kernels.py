"""Compile and cache one family of kernels: ``python tests/warm_kernels.py FAMILY``.

The test suite's controller runs one process per family side by side before the test workers
start (``conftest.pytest_configure``): on a fresh checkout the kernel cache is empty, and
without this every test worker, and every command a test starts before the cache is written,
would compile the same kernels at once. On this project's 2-core machine, idle, each family
alone with an empty cache (7 December 2026): the russia1917 run's kernels take 46 s to compile
(on a slower afternoon 49 s, against 65 s before its sums were typed by argument type, its
population drawn without a parallel loop and its recruitment given one signature),
the civil violence model's 39 s and 44 s, one for each of its two lattice field types (before
each of its kernels was compiled once per argument type rather than per constant, 60 to 83 s and
57 to 65 s); on busy cores, about twice as long.
"""
from __future__ import annotations

import sys


def russia1917() -> None:
    from antaeus import load_scenario, simulate
    simulate(load_scenario("russia1917"), 0, 200)


def civil_violence(**overrides) -> None:
    from antaeus.models import civil_violence as cv
    cv.Simulation(cv.preset("run2", **overrides), 0).advance(1)


FAMILIES = {
    "russia1917": russia1917,
    # a vision of up to 255 cells keeps the lattice's fields in bytes, a larger one in int16
    "civil-violence-bytes": lambda: civil_violence(),
    "civil-violence-int16": lambda: civil_violence(vision_shape="moore", vision=8, cop_vision=8),
}

if __name__ == "__main__":
    FAMILIES[sys.argv[1]]()
