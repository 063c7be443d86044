"""Epstein (2002) civil violence: Model I (rebellion) and Model II (ethnic violence).

Reproduces "Modeling civil violence: An agent-based computational approach", PNAS 99 suppl. 3:
7243-7250, with the rule variants that change its dynamics as explicit options
(:mod:`.params`), presets for the paper's runs 1-8 and for NetLogo's and Mesa's defaults, a
faithful random-sequential schedule and antaeus' synchronous vectorised one
(:mod:`.schedules`). Rule A reuses the 1917 model's kernels
(:mod:`antaeus.mechanisms.mobilisation`). Published results are listed as ``CLAIMS`` (rows of
``antaeus validate``). See docs/models-civil-violence.md.

    >>> from antaeus.models import civil_violence as cv
    >>> r = cv.run("run2", steps=3000, seed=1, arrest_ratio="floor")
    >>> r.outbursts.count, r.outbursts.mean_wait
"""
from __future__ import annotations

from .params import PRESETS, Params, preset, resolve
from .simulation import Outbursts, Result, Simulation, outbursts, run

__all__ = ["CLAIMS", "PRESETS", "Outbursts", "Params", "Result", "Simulation", "outbursts",
           "preset", "resolve", "run"]


def __getattr__(name):
    if name == "CLAIMS":                      # imported on demand: the checks pull in scipy
        from .claims import CLAIMS

        return CLAIMS
    raise AttributeError(name)
