"""Perceived legitimacy of the government in power, person by person.

Legitimacy erodes where the government's policy leaves a person's demands unmet (a
performance reading of legitimacy, Lipset 1959, APSR 53), weighted by how much each demand
matters to the person (its intensity, the salience weighting of MODEL.md §3.4). Shocks
(the Milyukov note, the July Days, the Kornilov affair) come from events.
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
    anchor: float = param(0.9, 0.0, 1.0, "share", "legitimacy of a government that meets every demand")
    unmet_weight: float = param(1.0, 0.0, 4.0, "legitimacy per unit unmet demand", "how strongly unmet demands erode legitimacy")


@njit(inline="always", cache=True)
def unmet(d0, d1, d2, d3, p0, p1, p2, p3):
    """Salience-weighted shortfall of policy below demand, 0..1."""
    s = d0 + d1 + d2 + d3
    if s <= 0.0:
        return 0.0
    u = (d0 * max(d0 - p0, 0.0) + d1 * max(d1 - p1, 0.0)
         + d2 * max(d2 - p2, 0.0) + d3 * max(d3 - p3, 0.0))
    return u / s


@njit(inline="always", cache=True)
def update(current, shortfall, anchor, weight, rate):
    goal = anchor - weight * shortfall
    if goal < 0.0:
        goal = 0.0
    return current + rate * (goal - current)
