"""Shared fixtures."""
from __future__ import annotations

import datetime as dt
import os

import numpy as np
import pytest

from antaeus.engine.result import Decision, Observable, PowerChange, Result


def pytest_configure(config):
    """Under pytest-xdist, compile the kernels here in the controller, one process per family
    side by side, before the test workers start (tests/warm_kernels.py says why)."""
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None) or config.option.collectonly:
        return  # a test worker, or a run without workers (the first test compiles, as a user's first run does)
    import subprocess
    import sys
    from pathlib import Path

    from warm_kernels import FAMILIES
    script = Path(__file__).with_name("warm_kernels.py")
    warming = [subprocess.Popen([sys.executable, str(script), family]) for family in FAMILIES]
    for process in warming:  # a family that fails to compile fails its tests, which say why
        process.wait()


#: the files with the most work (summed test durations, ``--durations=0``, 7 December 2026:
#: about 180, 175, 50 and 50 s of the suite's 730 s); run first, so that under pytest-xdist no
#: worker is left with a long file when the other has nothing more to do
LONGEST_FIRST = ("test_explore.py", "test_calibration.py", "test_history_check.py", "test_write_faults.py")


def pytest_collection_modifyitems(config, items):
    """The longest files first (:data:`LONGEST_FIRST`), every other file after them in the order
    collected; a file's tests keep their order."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(scope="session", autouse=True)
def one_kernel_thread_per_test_worker():
    """Under pytest-xdist each core already runs a test worker, so a run left to its default
    would start one Numba thread per core in every worker, and the threads would wait on each
    other at every parallel kernel. So a worker's runs default to one thread; a test that asks
    for more (``threads=2``) still gets them, up to ``NUMBA_NUM_THREADS``. (The environment is
    left alone: Numba reads it again when it compiles, and a changed value stops it; a test
    that starts a long command gives the command ``NUMBA_NUM_THREADS=1`` itself.)"""
    import numba

    if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
        numba.set_num_threads(1)
    yield


@pytest.fixture
def tiny_result() -> Result:
    """A hand-built 10-day Result (3 regions, 2 groups, 3 parties) crossing a month end.

    Support has some zero cells on purpose, so stores that keep only non-zero rows
    can be checked against a known count.
    """
    start = dt.date(1917, 10, 28)
    dates = [start + dt.timedelta(days=i) for i in range(10)]
    parties = ["bolsheviks", "srs", "kadets"]
    regions = ["petrograd", "volga", "northern_front"]
    groups = ["workers", "peasants"]
    D, R, G, P = len(dates), len(regions), len(groups), len(parties)

    rng = np.random.default_rng(1917)
    support = rng.integers(0, 1000, size=(D, R, G, P)).astype(np.float64)
    support[:, 2, 1, 2] = 0.0  # no peasant kadets at the front
    support[3, 0, 0, :] = 0.0  # one empty day for Petrograd workers
    active = rng.integers(0, 50, size=(D, R, G)).astype(np.float64)
    onsets = rng.integers(0, 10, size=(D, R, G)).astype(np.float64)
    membership = np.cumsum(rng.integers(0, 100, size=(D, P)), axis=0).astype(np.float64)
    soviets = rng.dirichlet(np.ones(P), size=(D, R))
    legitimacy = rng.uniform(0.0, 1.0, size=(D, R))

    observables = [
        Observable(id="duma:petrograd:1917-11-01", family="duma", constituency="petrograd",
                   date=dt.date(1917, 11, 1),
                   simulated={"bolsheviks": 0.5, "srs": 0.3, "kadets": 0.2}, observed=None),
        Observable(id="constituent:volga:1917-11-05", family="constituent",
                   constituency="volga", date=dt.date(1917, 11, 5),
                   simulated={"bolsheviks": 0.2, "srs": 0.7, "kadets": 0.1},
                   observed={"bolsheviks": 0.15, "srs": 0.75, "kadets": 0.1},
                   source="Radkey 1989"),
    ]
    power_log = [PowerChange(date=dt.date(1917, 11, 4), holder="soviets",
                             route="insurrection", breadth=0.41, note="MRC seizes the capital")]
    decisions = [
        Decision(date=dates[i], actor=actor, action="seize_power", p_true=pt,
                 p_perceived=pp, threshold=0.6, acted=pp >= 0.6,
                 outcome=("success" if pp >= 0.6 else "wait"), reason="tiny fixture")
        for i, actor, pt, pp in [
            (0, "bolshevik_cc", 0.55, 0.30), (3, "bolshevik_cc", 0.70, 0.45),
            (7, "bolshevik_cc", 0.80, 0.65), (0, "provisional_government", 0.40, 0.50),
            (7, "provisional_government", 0.20, 0.35)]
    ]
    return Result(
        scenario="tiny", seed=7, agents=600, dates=dates, parties=parties, regions=regions,
        groups=groups, activities=["strike", "land_seizure"], support=support,
        active=active, onsets=onsets, membership=membership, soviets=soviets,
        legitimacy=legitimacy, demands=np.full((len(dates), len(regions), 4), 0.5),
        leaning=np.zeros((len(dates), len(regions), len(groups))),
        observables=observables, power_log=power_log,
        decisions=decisions, parameters={"threshold.bolsheviks": 0.6, "contagion.rate": 0.12},
        group_activity={"workers": "strike", "peasants": "land_seizure"},
        runtime_s=0.25, calibrated=False,
    )
