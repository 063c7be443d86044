"""Cooperation at the base: joint organisations of socialists who split at the top (Q1).

Before April Bolsheviks, Mensheviks and SRs sat together in the factory committees, the
district soviets, the trade unions and the cooperatives, and in many towns ran joint lists
(Galili 1989; Smith 1983, Red Petrograd). Where cooperation at the base is kept, each of the
cooperating parties reaches people through the others' organisations: a moderate's agitator
still speaks in the committee of a Bolshevik works, and a Bolshevik in a village the SRs
organised. Here the cooperating parties (the party that turned and the moderate bloc) each
close the share ``joint_reach · c`` of the gap between their own reach in a region and the
highest reach among them there, ``c`` being the cooperation kept (``parties.P.base_cooperation``,
zero in the record). The other channels of Q1 live with the forces and the lenses: the
moderates' radical supporters join an insurrection's force, and the moderates read the
masses through the shared contact (docs/odd.md 7.9, 7.10).
"""
from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

from ..params import param

NAME = "cooperation"
CITATION = ("Galili (1989) The Menshevik Leaders in the Russian Revolution; Smith (1983) Red Petrograd: "
            "Revolution in the Factories 1917-1918, ch. 4 (the factory committees)")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    joint_reach: float = param(
        0.5, 0.0, 1.0, "share", "share of the gap to the best-organised cooperating party's reach that a "
        "cooperating party closes in each region, at full cooperation",
        "GUESS in size; the mechanism: joint factory committees, district soviets and unions (Smith 1983, ch. 4; "
        "Galili 1989)")


def shared_reach(reach: np.ndarray, partners: list[int], cooperation: float, p: Params) -> np.ndarray:
    """Reach [P,R] with the ``partners`` (party indices) reaching people through each other's
    organisations, in proportion to the ``cooperation`` kept; a new array."""
    out = reach.copy()
    if cooperation <= 0.0 or len(partners) < 2:
        return out
    best = reach[partners].max(axis=0)
    out[partners] += p.joint_reach * cooperation * (best - reach[partners])
    return out
