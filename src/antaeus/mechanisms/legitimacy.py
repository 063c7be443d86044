"""Perceived legitimacy of the government in power, person by person.

Legitimacy erodes where the government's policy leaves a person's material demands (peace,
land, bread) more unmet than they were in March: a performance reading of legitimacy
(Lipset 1959, APSR 53), weighted by how much each demand matters to the person (its
intensity, the salience weighting of MODEL.md §3.4). The March legitimacy of the new
government already answers what its March policy left unmet, as the March demands answer
March conditions (``demands``): a shortfall that merely persists moves nobody, a growing one
erodes legitimacy, and a policy that meets more than in March (a land law, a separate peace,
a new government's programme) raises it, up to ``anchor``. Judged against the whole
shortfall, the Provisional Government's 0.7 of March stood far above what its March policy
could hold, and it fell to that level within two months whatever happened. The demand for
soviet power is not judged here: it is the political
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
    anchor: float = param(0.9, 0.0, 1.0, "share", "highest legitimacy a government can reach by meeting more than in March")
    unmet_weight: float = param(1.0, 0.0, 16.0, "legitimacy per unit unmet demand", "how strongly a rise of the unmet demands since March erodes legitimacy")


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
def update(current, shortfall, start, anchor, weight, rate):
    """Move towards the March legitimacy less ``weight`` times the shortfall's rise since March,
    within [0, anchor]."""
    goal = start - weight * shortfall
    if goal < 0.0:
        goal = 0.0
    elif goal > anchor:
        goal = anchor
    return current + rate * (goal - current)
