"""Checking and converting the options of the public API and the commands, in one place.

Every function here raises :class:`antaeus.scenario.InputError` naming the option and a fix,
so the command line turns a mistake into exit code 2 before any work starts.
"""
from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from .core import calendar
from .scenario import InputError, Scenario

#: decimals kept for floats in the JSON documents: enough for any share, stable to print
JSON_DECIMALS = 6
#: the stores keep seeds as BIGINT and the random streams read them as uint64
MAX_SEED = 2**63 - 1
#: memory of a process before its first run: Python, NumPy, Numba, PyArrow (measured 290 MB, rounded up)
PROCESS_BASE_BYTES = 400 * 2**20
#: memory per person-agent while a run is in flight: the people arrays (46 bytes) and their
#: temporaries (measured: about 50 bytes an agent at 10^6 agents; rounded up)
BYTES_PER_AGENT = 128
#: memory per simulated day: the daily records of every region, group and party (measured: about
#: 33 kB a day at 10^6 agents; rounded up)
BYTES_PER_DAY = 64 * 2**10


def whole_number(value: Any, option: str, lo: int, hi: int | None, hint: str) -> int:
    """``value`` as an int in [lo, hi] (hi None: no upper bound), else InputError on ``option``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
            or value < lo or (hi is not None and value > hi):
        bound = f"from {lo} to {hi}" if hi is not None else f"of at least {lo}"
        raise InputError(f"must be a whole number {bound}, got {value!r}", source=option, hint=hint)
    return int(value)


def physical_memory() -> int:
    """The machine's physical memory in bytes."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def run_memory(agents: int, days: int) -> int:
    """About how many bytes one process needs for one run of ``agents`` over ``days``."""
    return PROCESS_BASE_BYTES + agents * BYTES_PER_AGENT + days * BYTES_PER_DAY


def days_of(scenario: Scenario, until: dt.date | None = None) -> int:
    """The days a run of ``scenario`` simulates, to ``until`` or to its end."""
    return ((until or scenario.scenario.end) - scenario.scenario.start).days + 1


def check_memory(agents: int, days: int, processes: int = 1) -> None:
    """Refuse, before any work, runs this machine cannot hold: ``processes`` runs at once of
    ``agents`` over ``days``. No option overrides it (docs/scenarios.md, "Domains and limits")."""
    need, have = processes * run_memory(agents, days), physical_memory()
    if need > have:
        many = f"{processes} processes × " if processes > 1 else ""
        raise InputError(f"{many}{agents:,} agents over {days:,} days need about {need / 2**30:,.1f} GiB of memory; "
                         f"this machine has {have / 2**30:,.1f} GiB", source="--agents",
                         hint="give fewer agents" + (" or fewer --workers" if processes > 1 else "")
                         + " (memory grows with the agents; docs/scenarios.md, \"Domains and limits\")")


def check_cluster_memory(workers: dict[str, dict], agents: int, days: int) -> None:
    """Refuse, before any work, a Dask cluster whose workers cannot hold their runs: each worker
    runs as many at once as it has threads, within its own memory limit (``workers``: the
    scheduler's ``scheduler_info()["workers"]``; a worker without a limit is not checked)."""
    need = run_memory(agents, days)
    for address, info in sorted(workers.items()):
        threads, limit = max(1, int(info.get("nthreads") or 1)), int(info.get("memory_limit") or 0)
        if limit and threads * need > limit:
            many = f"{threads} threads × " if threads > 1 else ""
            raise InputError(f"the Dask worker {address} holds {limit / 2**30:,.1f} GiB; {many}{agents:,} agents "
                             f"over {days:,} days need about {threads * need / 2**30:,.1f} GiB", source="--agents",
                             hint="give fewer agents, or start the workers with more memory or fewer threads "
                                  "(memory grows with the agents; docs/scenarios.md, \"Domains and limits\")")


def date_in_window(value: dt.date | str, option: str, scenario: Scenario) -> dt.date:
    """A Gregorian date inside the scenario's days, from a date or a YYYY-MM-DD string."""
    start, end = scenario.scenario.start, scenario.scenario.end
    hint = f"give a real Gregorian date as YYYY-MM-DD from {start} to {end}"
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = calendar.parse_date(str(value))
        except ValueError as err:
            raise InputError(str(err), source=option, hint=hint) from None
    if not start <= value <= end:
        raise InputError(f"{value} lies outside the scenario's days ({start} to {end})",
                         source=option, hint=hint)
    return value


def several(values: Any) -> list:
    """One value or many: ``at="1917-10-01"`` means one date, not ten characters."""
    if values is None:
        return []
    if isinstance(values, (str, Path, dt.date)):
        return [values]
    return list(values)


def json_ready(value: Any) -> Any:
    """Plain JSON values: rounded finite floats (NaN/inf -> None), ISO dates, str paths."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        # + 0.0 turns -0.0 into 0.0, so tiny negatives print the same as zero
        return round(float(value), JSON_DECIMALS) + 0.0 if math.isfinite(value) else None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value
