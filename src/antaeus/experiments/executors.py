"""The executors an ensemble runs on: a local process pool, or a Dask cluster.

Both are plain ``concurrent.futures.Executor`` objects to the runner. The local pool starts its
workers with the *spawn* method (no forked Numba or thread state), gives each one Numba thread,
and loads the compiled kernels in each worker before its first task. Dask's executor is
``distributed.Client.get_executor()``; without a scheduler address a ``LocalCluster`` of one
thread per worker process is started, and closed again at the end.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import signal
import socket
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Iterator

from ..options import check_cluster_memory
from ..scenario import InputError, Scenario

EXECUTORS = ("local", "dask")
#: seconds to wait for a Dask scheduler before calling it unreachable
SCHEDULER_TIMEOUT_S = 5


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def check_executor(executor: str, scheduler: str | None) -> None:
    """Refuse an unknown executor, or a scheduler address without Dask's (InputError)."""
    if executor not in EXECUTORS:
        raise InputError(f"unknown executor {executor!r}", source="--executor", hint=f"give one of {', '.join(EXECUTORS)}")
    if scheduler is not None and executor != "dask":
        raise InputError("a scheduler address needs the Dask executor", source="--scheduler",
                         hint="add --executor dask, or leave --scheduler out")


def worker_ready(scenario: Scenario) -> None:
    """Make a worker process ready: one Numba thread, the kernels loaded from the cache by a
    run of a few days with a few agents (so the first task pays no compilation), and the
    objects of the loaded libraries moved out of the garbage collector's sight (``gc.freeze``:
    its full collections would walk them again and again during the runs, about 3% of a run)."""
    import gc

    import numba

    from ..engine.simulate import simulate

    numba.set_num_threads(1)
    simulate(scenario, 0, 50, until=scenario.scenario.start + dt.timedelta(days=2), threads=1)
    gc.freeze()


def worker_start(scenario: Scenario) -> None:
    """A local pool worker's start: it ignores Ctrl-C, which the terminal sends to the whole
    group and the coordinator alone answers (it cancels what has not started; the store keeps
    every finished task), so a worker caught in its set-up or a run prints no traceback; then
    :func:`worker_ready`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker_ready(scenario)


@contextlib.contextmanager
def executor_for(kind: str, workers: int, scheduler: str | None, scenario: Scenario,
                 memory: tuple[int, int] | None = None) -> Iterator[tuple[Executor, int]]:
    """The executor of ``kind`` with its number of workers, closed on exit. ``memory``: the runs'
    agents and days, checked against each Dask worker's memory limit before any task is sent."""
    if kind == "local":
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=worker_start, initargs=(scenario,))
        try:
            yield pool, workers
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return
    with _dask_client(workers, scheduler) as client:
        if memory is not None:
            check_cluster_memory(client.scheduler_info()["workers"], *memory)
        client.run(worker_ready, scenario)
        yield client.get_executor(), max(1, sum(client.nthreads().values()))


@contextlib.contextmanager
def _dask_client(workers: int, scheduler: str | None):
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - distributed is a dependency
        raise InputError("Dask's 'distributed' is not installed", source="--executor",
                         hint="pip install distributed, or use --executor local") from None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        with cluster, Client(cluster) as client:
            yield client
        return
    check_scheduler(scheduler)
    try:
        client = Client(scheduler, timeout=f"{SCHEDULER_TIMEOUT_S}s")
    except (OSError, TimeoutError, ValueError) as err:
        raise _unanswered(scheduler, err) from None
    with client:
        yield client


def check_scheduler(scheduler: str | None) -> None:
    """Refuse at once (InputError) a TCP scheduler address where nothing listens: Dask's client
    would retry it until its timeout, and a command would find out only after its set-up.
    Other addresses, and one that does not answer at all, are left to the client."""
    if scheduler is None or not scheduler.startswith("tcp://"):
        return
    host, _, port = scheduler[len("tcp://"):].rstrip("/").rpartition(":")
    if not host or not port.isdigit():
        return
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=SCHEDULER_TIMEOUT_S):
            pass
    except (OSError, ValueError) as err:
        raise _unanswered(scheduler, err) from None


def _unanswered(scheduler: str, err: Exception) -> InputError:
    return InputError(f"no Dask scheduler answers at '{scheduler}' ({type(err).__name__}: {err})",
                      source="--scheduler",
                      hint="start one ('dask scheduler' and 'dask worker ADDRESS') or leave --scheduler out "
                           "for a local cluster")
