"""Perceived legitimacy of the government in power, person by person.

Legitimacy erodes where the government's policy leaves a person's material demands (peace,
land, bread) unmet: a performance reading of legitimacy (Lipset 1959, APSR 53), weighted by
how much each demand matters to the person (its intensity, the salience weighting of
MODEL.md §3.4). The demand for soviet power is not judged here: it is the political
conclusion a person draws from legitimacy already lost (``demands``). Counting it again as
an unmet demand would let distrust feed on itself; with the gains the calibration prefers
that loop amplifies itself (a loop gain above one), so legitimacy collapsed at a pace set
by the loop, whatever the war and the bread supply did. Shocks (the Milyukov note, the July
Days, the Kornilov affair) come from events.
"""
from __future__ import annotations

from numba import njit
from pydantic import BaseModel, ConfigDict

from ..params import param

NAME = "legitimacy"
CITATION = "Lipset (1959) APSR 53:69-105 (performance legitimacy); Epstein (2002) PNAS 99 for L in grievance"


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    adaptation_rate: float = param(0.01, 0.0, 0.5, "per day", "speed at which legitimacy moves to its target")
    anchor: float = param(0.9, 0.0, 1.0, "share", "legitimacy of a government that meets every material demand")
    unmet_weight: float = param(1.0, 0.0, 4.0, "legitimacy per unit unmet demand", "how strongly unmet demands erode legitimacy")


@njit(inline="always", cache=True)
def unmet(peace, land, bread, p_peace, p_land, p_bread):
    """Salience-weighted shortfall of policy below the material demands, 0..1."""
    s = peace + land + bread
    if s <= 0.0:
        return 0.0
    u = (peace * max(peace - p_peace, 0.0) + land * max(land - p_land, 0.0)
         + bread * max(bread - p_bread, 0.0))
    return u / s


@njit(inline="always", cache=True)
def update(current, shortfall, anchor, weight, rate):
    goal = anchor - weight * shortfall
    if goal < 0.0:
        goal = 0.0
    return current + rate * (goal - current)
