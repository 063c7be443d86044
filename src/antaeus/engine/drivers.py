"""Exogenous drivers by region and day: bread shortfall, war burden, land hunger, and the
field calendar's claim on the villages' time.

The series are piecewise-linear between the scenario's dated knots (sources in the scenario
file and docs/data.md); the war's choices (offensive, passivity, separate peace) and land
reform modify them through :mod:`antaeus.mechanisms.war`.
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from ..mechanisms import war
from ..scenario.schema import Scenario
from .world import World

SETTINGS = ("urban", "rural", "front")


def _curve(knots, dates: list[dt.date]) -> np.ndarray:
    if not knots:
        return np.zeros(len(dates))
    x = np.array([d.toordinal() for d, _ in knots], float)
    y = np.array([v for _, v in knots], float)
    return np.interp([d.toordinal() for d in dates], x, y)


def tabulate(s: Scenario, dates: list[dt.date]) -> np.ndarray:
    """Base drivers [D, setting, 3] (bread, war, land) before the war's choices."""
    out = np.zeros((len(dates), len(SETTINGS), 3))
    for j, series in enumerate((s.drivers.bread_shortfall, s.drivers.war_burden, s.drivers.land_hunger)):
        for k, setting in enumerate(SETTINGS):
            out[:, k, j] = _curve(getattr(series, setting), dates)
    return out


def field_work(s: Scenario, dates: list[dt.date]) -> np.ndarray:
    """The field calendar's load [D, setting]: the share of time it claims from the groups bound to it."""
    return np.stack([_curve(getattr(s.drivers.field_work, k), dates) for k in SETTINGS], axis=1)


def today(by_region: np.ndarray, day: int, region_setting: np.ndarray, w: World, p: war.Params) -> np.ndarray:
    """Drivers [R,3] for one day, with the war's and the government's choices applied.

    ``by_region`` holds the base drivers of every region [D,R,3] (:func:`tabulate` read
    through each region's setting). A choice that changes nothing is not applied."""
    d = by_region[day].copy()
    if w.offensive is not None:
        start, end, magnitude = w.offensive
        extra = war.offensive_burden(day, start, end, magnitude, p.offensive_tail_days)
        d[region_setting == SETTINGS.index("front"), 1] += extra
    if (w.offensive_deadline is not None and day >= w.offensive_deadline
            and not w.offensive_launched and w.war_relief == 0.0):
        d[:, 0] += p.passivity_penalty
    if w.grain_loss:
        d[:, 0] += w.grain_loss
    if w.war_relief:
        d[:, 1] *= 1.0 - w.war_relief
    if w.land_relief:
        d[:, 2] *= 1.0 - w.land_relief
    return np.minimum(np.maximum(d, 0.0, out=d), 1.0, out=d)
